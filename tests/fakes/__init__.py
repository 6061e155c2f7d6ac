"""Stand-ins for the services we do not own, speaking their real protocols on 127.0.0.1."""
