"""The Telegram bot: an adapter that calls domain actions and selectors (its own issue)."""
