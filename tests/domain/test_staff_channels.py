"""Binding a Telegram chat to a staff member (the bot's /start uses these actions)."""

import pytest

from caseflow.actions.staff import staff_telegram_link, staff_telegram_unlink
from caseflow.errors import Conflict

pytestmark = pytest.mark.django_db


def test_link_and_unlink_a_chat(people):
    staff = staff_telegram_link(staff=people.office, chat_id=424242)
    assert staff.telegram_chat_id == 424242 and staff.notify_by_telegram
    staff = staff_telegram_unlink(staff=staff)
    assert staff.telegram_chat_id is None and not staff.notify_by_telegram


def test_a_chat_belongs_to_one_staff_member(people):
    staff_telegram_link(staff=people.office, chat_id=424242)
    with pytest.raises(Conflict):
        staff_telegram_link(staff=people.head, chat_id=424242)
    people.head.refresh_from_db()
    assert people.head.telegram_chat_id is None
