"""Issue 12, end to end: an assigned but unaccepted complaint is reminded to its handler,
then escalated to the department head and the quality manager on the right working
mornings, and each message is delivered: by Telegram to the fake Bot API (real HTTP) for
those who linked a chat, by email through a real SMTP server for the others."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver, notifications_hand_over
from caseflow.actions.staff import staff_telegram_link
from caseflow.models import Notification
from tests.reminders.sweeps import at, sweep_at
from tests.reminders.test_sweep import assigned_complaint

pytestmark = pytest.mark.django_db

HANDLER_CHAT, QM_CHAT = 7001, 7003


def deliver_everything() -> int:
    """What the relay and the workers do: every pending row handed over and delivered."""
    ids = notifications_hand_over(now=timezone.now())
    for notification_id in ids:
        notification_deliver(notification_id, now=timezone.now())
    return len(ids)


def telegram_texts(bot_api, chat: int) -> list[str]:
    return [c.params["text"] for c in bot_api.calls_to("sendMessage")
            if c.params["chat_id"] == str(chat)]


def emails_to(smtp_server, address: str) -> list[str]:
    return [r.message["Subject"] for r in smtp_server.received if address in r.rcpt_tos]


def test_r8_03_a_missed_acceptance_reminds_then_escalates_each_delivered(
        people, bot_api, smtp_server):
    """R8.03 (7 working days to decide acceptance), W1: received 22 September 2026, due 9
    October after the National Day holiday. Liu Yang (Telegram) is warned on 30 September
    and reminded on 9 October; on 10 October (a make-up working day) Zhang Min, the
    department head (email only), is told; on 12 October the quality manager (Telegram)
    too. Every message arrives; none carries the complainant's name."""
    staff_telegram_link(staff=people.handler, chat_id=HANDLER_CHAT)
    staff_telegram_link(staff=people.quality_manager, chat_id=QM_CHAT)
    case = assigned_complaint(people, at(9, 22, 10))
    head_address = people.head.email
    assert head_address

    def counts():
        return (len(telegram_texts(bot_api, HANDLER_CHAT)),
                len(emails_to(smtp_server, head_address)),
                len(telegram_texts(bot_api, QM_CHAT)))

    deliver_everything()  # the intake's own messages first: counted from here on
    received = {}
    for moment in (at(9, 30), at(10, 9), at(10, 10), at(10, 12)):
        before = counts()
        sweep_at(moment)
        deliver_everything()
        received[moment.date()] = tuple(n - b for n, b in zip(counts(), before, strict=True))

    # The handler hears something each of these mornings (reminder, and the digest).
    assert all(received[day][0] >= 1 for day in received)
    assert received[dt.date(2026, 9, 30)][1:] == (0, 0)  # nobody above the handler yet
    assert received[dt.date(2026, 10, 9)][1:] == (0, 0)
    head_then, qm_then = received[dt.date(2026, 10, 10)][1:]
    assert head_then >= 1 and qm_then == 0  # 1st overdue morning: the head
    assert received[dt.date(2026, 10, 12)][2] >= 1  # 2nd: the quality manager too
    assert any(case.number in s for s in emails_to(smtp_server, head_address))
    assert not Notification.objects.filter(status="pending").exists()
    everything = "\n".join(telegram_texts(bot_api, HANDLER_CHAT)
                           + telegram_texts(bot_api, QM_CHAT)
                           + [r.text() for r in smtp_server.received])
    assert "张三" not in everything and case.description not in everything
