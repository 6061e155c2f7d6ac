"""Who is writing in a chat, and in which language the bot answers them.

The gate (`bots.handlers.linking.gate`) looks the chat up once per update and leaves the
staff member on the update's context; every later handler reads `context.staff`.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from caseflow.models import Staff

DEFAULT_LANGUAGE = Staff.Language.ZH


class StaffContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The handlers' context: the linked staff member of the chat (None until the gate
    found them, and for a chat nobody linked)."""

    staff: Staff | None = None


def language_of(staff: Staff | None, update: object) -> str:
    """The staff member's language; before anyone is linked, English for a Telegram set
    to English, Simplified Chinese otherwise."""
    if staff is not None:
        return staff.language
    user = update.effective_user if isinstance(update, Update) else None
    code = (user.language_code or "") if user is not None else ""
    return Staff.Language.EN if code.lower().startswith("en") else DEFAULT_LANGUAGE


def domain(function):
    """A domain action or selector, run from a handler: Django's ORM is synchronous and
    runs on the thread asgiref keeps for it."""
    return sync_to_async(function, thread_sensitive=True)


@sync_to_async(thread_sensitive=True)
def connections_refresh() -> None:
    """A long-running bot process holds its database connection between updates: drop it
    when it has gone bad or past DATABASE_CONN_MAX_AGE, as Django does per web request."""
    close_old_connections()
