"""The Telegram transport against the fake Bot API server."""
