"""The Telegram bot for staff (issue 14): one application, its handlers in order, one
error handler.

Run by `manage.py runbot` (polling) or fed by the webhook view (`bots.webhook`). Handlers
live in `bots/handlers/<flow>.py`; they call domain actions and selectors through
`sync_to_async` and format the answer, deciding nothing themselves.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from telegram import Update
from telegram.error import Conflict, NetworkError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bots.chats import StaffContext, connections_refresh, language_of
from bots.handlers import cases, linking, reminders
from bots.handlers import settings as own_settings

logger = logging.getLogger(__name__)

# Updates the bot asks Telegram for: messages and button presses, nothing else.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(*, token: str | None = None, base_url: str | None = None,
                      polling: bool = False, long_running: bool = False) -> Application:
    """The bot, talking to `base_url` (TELEGRAM_API_BASE_URL) as `token`. `polling` gives
    it an updater for getUpdates; `long_running` (runbot, the webhook's process) refreshes
    the database connection before each update."""
    builder = (Application.builder()
               .token(token or settings.TELEGRAM_BOT_TOKEN)
               .base_url(base_url or settings.TELEGRAM_API_BASE_URL)
               .context_types(ContextTypes(context=StaffContext))
               .request(HTTPXRequest(connect_timeout=5.0, read_timeout=10.0,
                                     write_timeout=10.0, pool_timeout=5.0)))
    if polling:
        # getUpdates waits up to its own timeout on the server: a longer read timeout.
        builder = builder.get_updates_request(HTTPXRequest(read_timeout=40.0))
    else:
        builder = builder.updater(None)
    application = builder.build()

    # The order matters: groups run from the lowest; within a group the first handler
    # that matches an update takes it.
    if long_running:
        # -2: a fresh database connection when the last one went bad or stale.
        application.add_handler(TypeHandler(Update, refresh_connections), group=-2)
    # -1: the gate. Private chats only; an unlinked chat may only /start; it finds the
    # staff member once for the handlers below.
    application.add_handler(TypeHandler(Update, linking.gate), group=-1)
    # 0: commands, then button presses, then whatever is left.
    for command, callback in [
        ("start", linking.start),  # /start <token>: link this chat
        ("unlink", linking.unlink),
        ("mine", cases.mine),  # my open cases, overdue first
        ("due", cases.due),  # overdue and due within two working days
        ("case", cases.case),  # /case <number>
        ("digest", reminders.digest),  # today's digest, now
        ("lang", own_settings.language_set),
        ("help", own_settings.show_help),
    ]:
        application.add_handler(CommandHandler(command, callback))
    # A reminder's Acknowledge and Snooze (Open the case is a link: no update).
    application.add_handler(CallbackQueryHandler(reminders.button_pressed))
    application.add_handler(MessageHandler(filters.COMMAND, own_settings.unknown_command))
    application.add_handler(MessageHandler(filters.ALL, own_settings.not_a_command))

    application.add_error_handler(on_error)
    return application


async def refresh_connections(update: Update, context: StaffContext) -> None:
    await connections_refresh()


async def on_error(update: object, context: StaffContext) -> None:
    """The one error handler: log it, tell the person briefly, end this update's
    processing (not the bot's)."""
    error = context.error
    if update is None:  # polling itself, not an update: the updater tries again by itself
        if isinstance(error, Conflict):
            logger.error("Telegram refuses to serve this bot's updates here: another "
                         "`runbot` polls with the same token, or a webhook is set (%s). "
                         "Run exactly one of the two modes.", error)
        elif isinstance(error, NetworkError):
            logger.warning("Telegram unreachable while polling: %s", error)
        else:
            logger.error("The bot failed while polling", exc_info=error)
        return
    # The update's id and chat, never its text (a /start carries a link token).
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else '-'})"
    logger.error("The bot failed on an update%s", where, exc_info=error)
    if isinstance(update, Update):
        try:
            language = (context.chat_data or {}).get("language") or language_of(None, update)
            with translation.override(language):
                text = _("Sorry, something went wrong on our side. Please try again in a "
                         "moment.")
                if update.callback_query is not None:
                    await update.callback_query.answer(text)
                elif update.effective_message is not None:
                    await update.effective_message.reply_text(text)
        except Exception:  # noqa: BLE001 - Telegram itself may be what failed
            logger.warning("Could not tell the chat about the failure", exc_info=True)
    raise ApplicationHandlerStop
