"""Channels in order of preference (settings.CASEFLOW_CHANNELS): the first that reaches the
person; a permanent refusal with a broken link marks it broken and falls back to email; a
transient failure waits for the next try instead; email is the last resort."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import case_assign
from caseflow.actions.notifications import notification_queue
from caseflow.actions.profile import staff_profile_update
from caseflow.actions.staff import staff_telegram_link
from caseflow.models import Notification
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db

CHAT = 424242


def assigned_row(people, engagement) -> Notification:
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.handler)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    return Notification.objects.get(case=case, template="case_assigned")


def results(row):
    return list(row.delivery_attempts.values_list("channel", "result"))


def test_the_first_channel_that_reaches_the_person_is_used(people, engagement, smtp_server,
                                                            fake_messenger):
    """Liu Yang linked his Telegram chat: the message goes there, not by email too."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    row = assigned_row(people, engagement)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    [(address, message)] = fake_messenger.sent
    assert address == str(CHAT) and row.case.number in message.subject
    assert message.link.endswith(f"/staff/cases/{row.case_id}/")
    assert smtp_server.received == []
    row.refresh_from_db()
    assert row.channel == "telegram" and results(row) == [("telegram", "sent")]


def test_without_a_linked_chat_email_is_used(people, engagement, smtp_server, fake_messenger):
    row = assigned_row(people, engagement)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert fake_messenger.sent == [] and len(smtp_server.received) == 1
    assert results(row) == [("email", "sent")]


def test_a_blocked_bot_marks_the_link_broken_and_email_takes_over(people, engagement,
                                                                  smtp_server, fake_messenger):
    """Telegram says the bot was blocked: permanent, the link is marked broken (the next
    message goes straight to email) and this one is emailed at once."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    fake_messenger.behaviour[str(CHAT)] = "blocked"
    row = assigned_row(people, engagement)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert fake_messenger.marked_broken == [people.handler.pk]
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["liuyang@cec.example.cn"]
    row.refresh_from_db()
    assert row.channel == "email" and row.attempts == 1
    assert results(row) == [("telegram", "failed"), ("email", "sent")]
    assert "blocked" in row.delivery_attempts.first().error

    second = notification_queue(row.case, "case_accepted", staff=people.handler)
    notification_deliver(second.pk, now=timezone.now())
    assert results(second) == [("email", "sent")]


def test_email_is_the_last_resort_even_when_unchosen(people, engagement, smtp_server,
                                                     fake_messenger):
    """Liu Yang chose Telegram only; the bot is blocked: rather than nobody being told,
    the email on file is used."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    staff_profile_update(staff=people.handler, notify_by_email=False)
    fake_messenger.behaviour[str(CHAT)] = "blocked"
    row = assigned_row(people, engagement)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert results(row) == [("telegram", "failed"), ("email", "sent")]
    assert len(smtp_server.received) == 1


def test_a_refusal_without_a_broken_link_falls_back_without_marking(people, engagement,
                                                                    smtp_server,
                                                                    fake_messenger):
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    fake_messenger.behaviour[str(CHAT)] = "refused"
    row = assigned_row(people, engagement)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert fake_messenger.marked_broken == []
    assert results(row) == [("telegram", "failed"), ("email", "sent")]


def test_a_transient_failure_waits_for_the_next_try_instead_of_falling_back(
        people, engagement, smtp_server, fake_messenger):
    """Telegram times out: no email now (the person would get both later); the next try
    goes to Telegram again."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    fake_messenger.behaviour[str(CHAT)] = "down"
    row = assigned_row(people, engagement)
    now = timezone.now()

    assert notification_deliver(row.pk, now=now) == "pending"
    assert smtp_server.received == [] and results(row) == [("telegram", "retry")]

    fake_messenger.behaviour.clear()
    row.refresh_from_db()
    assert notification_deliver(row.pk, now=row.next_attempt_at) == "sent"
    assert results(row) == [("telegram", "retry"), ("telegram", "sent")]


def test_a_rate_limit_waits_as_long_as_asked(people, engagement, smtp_server, fake_messenger):
    """Telegram's 429 with retry_after 7: the next try is 7 s later, not the backoff's."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    fake_messenger.behaviour[str(CHAT)] = ("rate", 7)
    row = assigned_row(people, engagement)
    now = timezone.now()
    assert notification_deliver(row.pk, now=now) == "pending"
    row.refresh_from_db()
    assert row.next_attempt_at == now + dt.timedelta(seconds=7)


def test_nobody_reachable_fails_with_the_reason(people, engagement, fake_messenger):
    """No chat, no email on file: failed at once, nothing to retry."""
    staff_profile_update(staff=people.handler, notify_by_email=False, email="")
    row = assigned_row(people, engagement)
    assert notification_deliver(row.pk, now=timezone.now()) == "failed"
    row.refresh_from_db()
    assert "no channel reaches" in row.last_error
    assert results(row) == [("", "skipped")]


def test_a_fault_in_a_channel_is_retried_not_lost(people, engagement, smtp_server,
                                                  fake_messenger):
    """An unexpected exception in a channel's code is recorded and retried like a transient
    failure: the row stays pending, with the error on it."""
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    fake_messenger.behaviour[str(CHAT)] = "bug"
    row = assigned_row(people, engagement)
    assert notification_deliver(row.pk, now=timezone.now()) == "pending"
    row.refresh_from_db()
    assert "KeyError" in row.last_error and results(row) == [("", "retry")]
