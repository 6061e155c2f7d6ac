"""Reads of staff accounts by the ways adapters know people (a Telegram chat)."""

from __future__ import annotations

from caseflow.models import Staff


def staff_for_chat(chat_id: int) -> Staff | None:
    """The active staff member whose linked Telegram chat this is, roles loaded."""
    return (Staff.objects.filter(telegram_chat_id=chat_id, is_active=True)
            .prefetch_related("role_assignments").first())
