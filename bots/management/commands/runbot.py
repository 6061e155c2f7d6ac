"""Run the Telegram bot for staff: long polling on one machine, or set up webhook mode."""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation
from telegram import BotCommand, BotCommandScopeDefault
from telegram.error import TelegramError

from bots.application import ALLOWED_UPDATES, build_application
from bots.handlers.settings import COMMAND_MENU
from bots.webhook import webhook_path
from caseflow.models import Staff

# Telegram shows the menu in the language of the person's app: Chinese by default.
MENU_LANGUAGES = [("", Staff.Language.ZH), ("zh", Staff.Language.ZH),
                  ("en", Staff.Language.EN)]


async def commands_menu_set(application) -> None:
    for code, language in MENU_LANGUAGES:
        with translation.override(language):
            commands = [BotCommand(command, str(text)) for command, text in COMMAND_MENU]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                              language_code=code or None)


class Command(BaseCommand):
    help = ("Run the Telegram bot by long polling (one process, one machine), or with "
            "--set-webhook URL register webhook mode (updates then go to the web app).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--set-webhook", metavar="URL",
            help="the site's public HTTPS address, e.g. https://caseflow.example.org: "
                 "registers <URL>/telegram/webhook/<path> with TELEGRAM_WEBHOOK_SECRET, "
                 "sets the command menu, and exits")
        parser.add_argument("--delete-webhook", action="store_true",
                            help="unregister the webhook (back to polling) and exit")

    def handle(self, *args, set_webhook=None, delete_webhook=False, **options):
        if not settings.TELEGRAM_BOT_TOKEN:
            self.stdout.write("The Telegram bot is off: TELEGRAM_BOT_TOKEN is not set. "
                              "Notifications go by email.")
            return
        if set_webhook:
            return self.webhook_set(set_webhook)
        if delete_webhook:
            asyncio.run(self.webhook_delete())
            self.stdout.write("Webhook deleted: run `manage.py runbot` to poll.")
            return
        application = build_application(polling=True, long_running=True)
        application.post_init = commands_menu_set
        self.stdout.write(f"The Telegram bot is polling {settings.TELEGRAM_API_BASE_URL}… "
                          "(Ctrl-C stops it)")
        # Polling drops any webhook first: only one of the two modes runs at a time.
        application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)

    def webhook_set(self, site: str) -> None:
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            raise CommandError("Set TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) in the "
                               "web app's and this command's environment first.")
        if not site.startswith("https://") and not settings.DEBUG:
            raise CommandError("Telegram delivers webhooks over HTTPS only: give the "
                               "https:// address of the site.")
        url = site.rstrip("/") + reverse("telegram-webhook", args=[webhook_path(secret)])
        try:
            asyncio.run(self.webhook_register(url, secret))
        except TelegramError as exc:
            raise CommandError(f"Telegram refused the webhook: {exc}") from exc
        self.stdout.write(f"Webhook set: Telegram now posts updates to {site.rstrip('/')}"
                          "/telegram/webhook/… (the path is derived from the secret).")

    async def webhook_register(self, url: str, secret: str) -> None:
        application = build_application()
        async with application:
            await application.bot.set_webhook(url, secret_token=secret,
                                              allowed_updates=ALLOWED_UPDATES)
            await commands_menu_set(application)

    async def webhook_delete(self) -> None:
        application = build_application()
        async with application:
            await application.bot.delete_webhook()
