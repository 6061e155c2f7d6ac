"""Channels: how a message reaches a person. `base` is the interface; each messenger is one
class (email here, Telegram in `bots.transport`), listed in settings.CASEFLOW_CHANNELS."""
