"""The Telegram channel: one message to one chat through python-telegram-bot's `Bot`.

The delivery code calls it from a Celery task, which is synchronous: each `send` runs its
own short event loop (`asyncio.run`) with its own HTTP client, so it works the same in a
prefork child, the solo pool or a thread, and no connection outlives the call. Only the
TLS context (the CA bundle, read and parsed: about 65 ms of CPU, most of a message's cost)
is made once per process and shared by those clients.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import html
import logging
import os
import ssl
import warnings
from typing import ClassVar

import httpx
import redis
from django.conf import settings
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bots.rate_budget import RateBudget, budget_for_bot
from caseflow.actions.staff import staff_telegram_broken
from caseflow.channels.base import (
    DeliveryError,
    Message,
    NoTurnYet,
    PermanentFailure,
    RateLimited,
    Sent,
)
from caseflow.models import Staff

logger = logging.getLogger(__name__)

# A task waits this long at most for its turn; beyond it, it hands back NoTurnYet and the
# delivery code reschedules it, so a busy chat never holds a worker for long.
LONGEST_WAIT = 2.0

# Telegram's words for a chat that is gone (the person deleted it, or never started the bot).
CHAT_GONE = ("chat not found", "peer_id_invalid", "user not found")


class TelegramChannel:
    name: ClassVar[str] = "telegram"
    # Presses of a message's callback buttons come back to the bot (Acknowledge, Snooze).
    interactive: ClassVar[bool] = True

    def address_for(self, staff: Staff) -> str | None:
        if (not settings.TELEGRAM_BOT_TOKEN or not staff.notify_by_telegram
                or staff.telegram_chat_id is None or staff.telegram_broken_at is not None):
            return None
        return str(staff.telegram_chat_id)

    def send(self, address: str, message: Message) -> Sent:
        token = settings.TELEGRAM_BOT_TOKEN
        if not token:
            raise PermanentFailure("Telegram is not configured (TELEGRAM_BOT_TOKEN is unset).")
        budget = budget_for_bot(token)
        try:
            sent = asyncio.run(deliver(token, address, message, budget))
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            # The server's word outranks our count: nothing more to this chat until then.
            try:
                budget.pause(seconds, chat=address)
            except redis.RedisError:
                pass  # the retry is rescheduled by retry_after anyway
            raise RateLimited(str(exc), retry_after=seconds) from exc
        except TelegramError as exc:
            raise delivery_failure(exc) from exc
        except redis.RedisError as exc:
            raise DeliveryError(f"The rate budget in Redis is unreachable: {exc}") from exc
        return Sent(external_id=str(sent.message_id), detail=f"chat {sent.chat_id}")

    def mark_broken(self, staff: Staff) -> None:
        broken = staff_telegram_broken(staff=staff, reason="Telegram refused delivery for good")
        staff.telegram_broken_at = broken.telegram_broken_at  # the caller's copy agrees


@functools.cache
def tls_context(process: int) -> ssl.SSLContext:
    """The context httpx would build for each client (certificates verified against the
    same CA bundle), built once per process: keyed by pid, so a forked child makes its
    own rather than use one made before the fork."""
    return httpx.create_ssl_context()


async def deliver(token: str, chat: str, message: Message, budget: RateBudget):
    request = HTTPXRequest(connection_pool_size=1, connect_timeout=5.0, read_timeout=10.0,
                           write_timeout=10.0, pool_timeout=5.0,
                           httpx_kwargs={"verify": tls_context(os.getpid())})
    bot = Bot(token, base_url=settings.TELEGRAM_API_BASE_URL, request=request,
              get_updates_request=request)
    await request.initialize()
    try:
        # The turn is taken with the connection ready, so the message leaves right after.
        await wait_for_turn(budget, chat)
        try:
            return await bot.send_message(
                chat_id=chat, text=message_html(message), parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=keyboard(message))
        finally:
            try:
                budget.sent(chat)
            except redis.RedisError:
                # Sent already (or refused): the slot taken still spaces the next message,
                # and failing here would only send this one twice.
                logger.warning("Could not record a Telegram send in the rate budget",
                               exc_info=True)
    finally:
        await request.shutdown()


async def wait_for_turn(budget: RateBudget, chat: str) -> None:
    waited = 0.0
    while (wait := budget.take(chat)) > 0:
        if waited + wait > LONGEST_WAIT:
            raise NoTurnYet(f"Telegram budget for chat {chat}: next slot in {wait:.2f} s",
                            retry_after=wait)
        await asyncio.sleep(wait)
        waited += wait


def message_html(message: Message) -> str:
    """The subject in bold, then the text and the link, all escaped: nothing in a message
    is ever read as markup."""
    parts = [f"<b>{html.escape(message.subject, quote=False)}</b>"] if message.subject else []
    if message.text:
        parts.append(html.escape(message.text, quote=False))
    if message.link and not any(b.url == message.link for b in message.buttons):
        parts.append(html.escape(message.link, quote=False))
    return "\n\n".join(parts)


def keyboard(message: Message) -> InlineKeyboardMarkup | None:
    rows = []
    for button in message.buttons:
        if button.url:
            rows.append([InlineKeyboardButton(button.label, url=button.url)])
        elif button.callback:
            rows.append([InlineKeyboardButton(button.label, callback_data=button.callback)])
        else:
            raise PermanentFailure(f"Button {button.label!r} has neither a link nor a callback.")
    return InlineKeyboardMarkup(rows) if rows else None


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # An int today, a timedelta in a later major version (PTB_TIMEDELTA): either works.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def delivery_failure(exc: TelegramError) -> Exception:
    """What a Bot API error means for delivery (RetryAfter is handled by the caller)."""
    if isinstance(exc, Forbidden):  # blocked by the user, user deactivated, kicked
        return PermanentFailure(exc.message, broken_link=True)
    if isinstance(exc, BadRequest):  # before NetworkError: BadRequest is one of them
        gone = any(words in exc.message.lower() for words in CHAT_GONE)
        return PermanentFailure(exc.message, broken_link=gone)
    if isinstance(exc, ChatMigrated):  # the chat has a new id: the person links again
        return PermanentFailure(str(exc), broken_link=True)
    if isinstance(exc, InvalidToken):
        # Our configuration, not the person's link: retried until an operator fixes it.
        return DeliveryError(f"The bot token was refused: {exc.message}")
    return DeliveryError(exc.message)  # NetworkError, TimedOut, a server error
