from django.apps import AppConfig


class BotsConfig(AppConfig):
    """The Telegram bot: an adapter with no models; installed for `manage.py runbot`."""

    name = "bots"
    verbose_name = "Telegram bot"
