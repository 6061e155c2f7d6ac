"""The bot's handlers, one module per flow; `bots.application` registers them in order."""
