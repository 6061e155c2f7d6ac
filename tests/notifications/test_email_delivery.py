"""Email through a real SMTP server on 127.0.0.1: what arrives, what is recorded, and what
happens when the server refuses or is down (retries with backoff, then failed and shown
on the dashboard)."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from caseflow.actions.delivery import notification_deliver, notifications_hand_over
from caseflow.actions.intake import case_assign
from caseflow.delivery_policy import DELIVERY_RETRIES
from caseflow.messages import local_time
from caseflow.models import DeliveryAttempt, Notification
from caseflow.selectors.dashboard import dashboard_summary
from tests.fakes.smtp import free_port
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def assigned(people, engagement):
    """A complaint assigned to Liu Yang: one `case_assigned` row to him."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.handler)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    return case, Notification.objects.get(case=case, template="case_assigned")


def test_email_arrives_with_the_case_facts_and_its_message_id_is_recorded(
        people, engagement, smtp_server, settings):
    """The handler gets an email in his language with the case number, kind, stage,
    deadline (local time, rule or target) and the link to the case; the Message-ID the
    server took is on the delivery attempt."""
    settings.CASEFLOW_SITE_URL = "https://caseflow.example.cn"
    case, row = assigned(people, engagement)
    now = timezone.now()

    assert notification_deliver(row.pk, now=now) == "sent"

    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["liuyang@cec.example.cn"]
    message = mail.message
    assert case.number in message["Subject"] and "指派" in message["Subject"]
    text = mail.text()
    assert f"https://caseflow.example.cn/staff/cases/{case.pk}/" in text
    assert "投诉" in text  # kind
    case.refresh_from_db()
    assert local_time(case.due_at) in text and "规定时限" in text  # R8.03 acceptance: a rule
    attempt = DeliveryAttempt.objects.get(notification=row)
    assert attempt.result == "sent" and attempt.channel == "email"
    assert attempt.recipient_staff == people.handler
    assert attempt.external_id == message["Message-ID"]
    row.refresh_from_db()
    assert (row.status, row.channel, row.attempts, row.sent_at) == ("sent", "email", 1, now)


def test_english_for_staff_who_chose_english(people, engagement, smtp_server):
    people.handler.language = "en"
    people.handler.save()
    case, row = assigned(people, engagement)
    notification_deliver(row.pk, now=timezone.now())
    [mail] = smtp_server.received
    assert mail.message["Subject"] == f"{case.number}: Case assigned to you"
    assert "Rule deadline" in mail.text()


def test_an_address_the_server_refuses_fails_for_good(people, engagement, smtp_server):
    """A 5xx refusal of the recipient is permanent: no retry; the attempt and the row say
    why, without the address (the dashboard shows the error)."""
    smtp_server.handler.refuse = "550 5.1.1 <liuyang@cec.example.cn>: mailbox unavailable"
    _case, row = assigned(people, engagement)

    assert notification_deliver(row.pk, now=timezone.now()) == "failed"

    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at is None
    assert "550" in row.last_error and "liuyang@cec.example.cn" not in row.last_error
    [attempt] = row.delivery_attempts.all()
    assert attempt.result == "failed" and attempt.channel == "email"
    assert smtp_server.received == []


def test_a_server_that_says_try_later_is_retried(people, engagement, smtp_server):
    """A 4xx refusal is transient."""
    smtp_server.handler.refuse = "450 4.2.0 mailbox busy"
    _case, row = assigned(people, engagement)
    assert notification_deliver(row.pk, now=timezone.now()) == "pending"
    assert row.delivery_attempts.get().result == "retry"


def test_server_down_retries_with_backoff_then_sends(people, engagement, smtp_server, settings):
    """Connection refused: the row stays pending, its next try 30 s later; the relay does
    not hand it over before then; once the server is back the retry sends it."""
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    _case, row = assigned(people, engagement)
    now = timezone.now()

    assert notification_deliver(row.pk, now=now) == "pending"

    row.refresh_from_db()
    assert row.next_attempt_at == now + dt.timedelta(seconds=30)
    assert row.attempts == 1 and "Connection" in row.last_error
    assert row.pk not in notifications_hand_over(now=now + dt.timedelta(seconds=29))
    # A redelivered task before the time does nothing either.
    assert notification_deliver(row.pk, now=now + dt.timedelta(seconds=10)) == "skipped"

    settings.EMAIL_PORT = server_port
    later = now + dt.timedelta(seconds=30)
    assert row.pk in notifications_hand_over(now=later)
    assert notification_deliver(row.pk, now=later) == "sent"
    assert len(smtp_server.received) == 1
    assert list(row.delivery_attempts.values_list("result", flat=True)) == ["retry", "sent"]


def test_after_the_last_retry_it_is_failed_and_on_the_dashboard(people, engagement,
                                                                 smtp_server, settings):
    """Six tries, waits doubling from 30 s; then failed, counted and listed (template,
    case number, error; nobody's identity) on the head's dashboard."""
    settings.EMAIL_PORT = free_port()
    case, row = assigned(people, engagement)
    moment, waits = timezone.now(), []
    for _try in range(DELIVERY_RETRIES.max_attempts):
        status = notification_deliver(row.pk, now=moment)
        row.refresh_from_db()
        if status == "pending":
            waits.append((row.next_attempt_at - moment).total_seconds())
            moment = row.next_attempt_at
    assert status == "failed"
    assert waits == [30, 60, 120, 240, 480]
    assert row.attempts == 6 and row.next_attempt_at is None
    assert row.failed_at == moment  # given up on at the last try (the dashboard's order)
    assert list(row.delivery_attempts.values_list("result", flat=True)) == ["retry"] * 5 + [
        "failed"]
    assert notification_deliver(row.pk, now=moment + dt.timedelta(hours=1)) == "skipped"

    summary = dashboard_summary(year=timezone.localdate().year, now=timezone.now(),
                                viewer=people.head)
    assert summary.notifications_by_status["failed"] == 1
    [failed] = summary.failed_notifications
    assert (failed.template, failed.case_number) == ("case_assigned", case.number)
    assert "Connection" in failed.last_error

    client = APIClient()
    client.force_authenticate(user=people.head.user)
    body = client.get("/api/dashboard/").json()
    [listed] = body["failed_notifications"]
    assert listed["template"] == "case_assigned" and listed["case_number"] == case.number
    assert "liuyang" not in str(body["failed_notifications"])


def test_r8_14_the_dashboard_lists_no_failure_about_a_case_hidden_from_the_viewer(
        people, engagement, smtp_server):
    """X9: Hu Wei led the engagement the complaint is about; a failure about it is counted
    but not listed for him (were he to see the dashboard)."""
    smtp_server.handler.refuse = "550 5.1.1 no such user"
    case, row = assigned(people, engagement)
    notification_deliver(row.pk, now=timezone.now())
    head = dashboard_summary(year=2026, now=timezone.now(), viewer=people.head)
    hidden = dashboard_summary(year=2026, now=timezone.now(), viewer=people.hu_wei)
    assert [f.case_number for f in head.failed_notifications] == [case.number]
    assert hidden.failed_notifications == []
    assert hidden.notifications_by_status["failed"] == 1
