"""Linking a Telegram chat to a staff account with a one-time deep link (issue 14).

The profile page and `/api/me/telegram-link/` issue a link; the bot's `/start <token>`
redeems it in the chat it was opened in. Only the token's hash is stored; a token is
good once, for an hour, and issuing a new one retires the older ones.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.staff import staff_telegram_link
from caseflow.errors import Conflict, InvalidInput
from caseflow.models import Staff, TelegramLinkToken
from caseflow.models.telegram import link_token_hash

LINK_TOKEN_LIFETIME = dt.timedelta(hours=1)
# What Telegram carries in a deep link's start parameter: at most 64 of A-Z a-z 0-9 _ -.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class LinkTokenIssued:
    token: str  # shown once, in the link; never stored
    expires_at: dt.datetime
    url: str


def telegram_deep_link(token: str) -> str:
    """The link that opens the bot with `/start <token>`."""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


def telegram_bot_configured() -> bool:
    """Whether staff can link a chat here: the bot runs and has a name to link to."""
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME)


def check_bot_configured() -> None:
    if not telegram_bot_configured():
        raise Conflict(_("The Telegram bot is not set up here; notifications come by email."))


@transaction.atomic
def telegram_link_token_issue(*, staff: Staff) -> LinkTokenIssued:
    """A fresh one-time link for `staff`; any link issued before it stops working."""
    check_bot_configured()
    if not staff.is_active:
        raise Conflict(_("This account is not active."))
    now = timezone.now()
    TelegramLinkToken.objects.filter(staff=staff, used_at__isnull=True,
                                     expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(24)  # 32 characters, 192 bits
    expires_at = now + LINK_TOKEN_LIFETIME
    TelegramLinkToken.objects.create(staff=staff, token_hash=link_token_hash(token),
                                     created_at=now, expires_at=expires_at)
    return LinkTokenIssued(token=token, expires_at=expires_at, url=telegram_deep_link(token))


@transaction.atomic
def telegram_link_token_redeem(*, token: str, chat_id: int) -> Staff:
    """`/start <token>` in a private chat: bind that chat to the token's staff member
    (`staff_telegram_link`) and spend the token. Refused, changing nothing, when the
    token is unknown, used, expired or retired, or the chat belongs to someone else."""
    token = token.strip()
    found = None
    if TOKEN_SHAPE.fullmatch(token):
        found = (TelegramLinkToken.objects.select_for_update().select_related("staff")
                 .filter(token_hash=link_token_hash(token)).first())
    if found is None:
        raise InvalidInput(_("This link is not valid. Open the Telegram link on your profile "
                             "page again."), field="token")
    if found.used_at is not None:
        raise InvalidInput(_("This link was used already. Each link works once: get a new "
                             "one on your profile page."), field="token")
    now = timezone.now()
    if found.expires_at <= now:
        raise InvalidInput(_("This link has expired (links work for an hour, and only the "
                             "newest one). Get a new one on your profile page."),
                           field="token")
    if not found.staff.is_active:
        raise InvalidInput(_("This link is not valid. Open the Telegram link on your profile "
                             "page again."), field="token")
    staff = staff_telegram_link(staff=found.staff, chat_id=chat_id)
    found.used_at, found.used_chat_id = now, chat_id
    found.save(update_fields=["used_at", "used_chat_id"])
    return staff
