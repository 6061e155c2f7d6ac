"""Linking a staff member's Telegram chat: one-time link tokens (issue 14)."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.people import Staff


def link_token_hash(token: str) -> str:
    """Only this is stored: a copy of the database links nobody's chat."""
    return hashlib.sha256(token.encode()).hexdigest()


class TelegramLinkToken(models.Model):
    """A one-time link (`https://t.me/<bot>?start=<token>`) that binds the chat it is
    opened in to `staff`: single use, valid for an hour, only the newest one counts."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # The chat it linked, for the record (the staff member's own field may change later).
    used_chat_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")

    def __str__(self):
        return f"{self.staff} · {self.created_at:%Y-%m-%d %H:%M}"
