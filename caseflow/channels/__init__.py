"""Channels: how a message reaches a person. `base` is the interface; each messenger is one
class (email, WeCom and DingTalk here, Telegram in `bots.transport`), listed in
settings.CASEFLOW_CHANNELS. `platform_api` is what WeCom's and DingTalk's share."""
