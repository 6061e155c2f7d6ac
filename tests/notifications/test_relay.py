"""The relay hands each pending row that is due to one delivery task, and a stale hand-over
again; a delivery task run twice (redelivered by the broker) sends once."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from caseflow.actions.delivery import (
    notification_claim,
    notification_deliver,
    notifications_due,
    notifications_hand_over,
)
from caseflow.actions.notifications import notification_queue
from caseflow.celery import app
from caseflow.delivery_policy import DELIVERY_RETRIES, in_flight_lease, relay_stale_after
from caseflow.models import Notification
from tests.personas import complaint
from workers.tasks import notification_deliver_task, notifications_relay_task

pytestmark = pytest.mark.django_db


def test_a_redelivered_task_after_sent_does_nothing(people, smtp_server):
    """The broker may deliver a task twice (acks_late): the second re-reads the row, finds
    it sent and neither sends nor records anything."""
    case = complaint(people)
    row = Notification.objects.filter(case=case).first()

    assert notification_deliver_task.apply(args=[row.pk]).get() == "sent"
    assert notification_deliver_task.apply(args=[row.pk]).get() == "skipped"

    assert len(smtp_server.received) == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.delivery_attempts.count() == 1


def test_a_row_being_delivered_is_not_taken_by_a_second_task(people, smtp_server):
    """While one delivery holds the row (claimed, sending), another task for it does
    nothing and the relay does not hand it over; if the first never finishes (its worker
    died), the row is due again once the claim runs out."""
    case = complaint(people)
    row = Notification.objects.filter(case=case).first()
    now = timezone.now()
    assert notification_claim(row.pk, now=now) is not None

    assert notification_deliver(row.pk, now=now + dt.timedelta(seconds=1)) == "skipped"
    assert row.pk not in notifications_hand_over(now=now + dt.timedelta(seconds=1))
    assert smtp_server.received == []

    later = now + in_flight_lease()
    assert row.pk in notifications_hand_over(now=later)
    assert notification_deliver(row.pk, now=later) == "sent"
    row.refresh_from_db()
    assert row.attempts == 2  # the interrupted try counts


def test_the_relay_hands_each_pending_row_over_once_and_a_stale_one_again(people, smtp_server):
    """Two rows queued: handed over once each; five seconds later nothing again; once a
    hand-over is stale the row still pending is handed over again, the sent one never."""
    case = complaint(people)
    rows = list(Notification.objects.filter(case=case).order_by("id"))
    assert len(rows) == 2
    now = timezone.now()

    assert notifications_hand_over(now=now) == [r.pk for r in rows]
    assert notifications_hand_over(now=now + dt.timedelta(seconds=5)) == []
    notification_deliver(rows[0].pk, now=now + dt.timedelta(seconds=6))

    stale = now + relay_stale_after() + dt.timedelta(seconds=1)
    assert notifications_hand_over(now=stale) == [rows[1].pk]
    rows[1].refresh_from_db()
    assert rows[1].enqueued_at == stale


def test_the_relay_hands_each_persons_rows_over_in_turn_with_everyone_elses(people):
    """Queued together (a sweep's reminders to one person, then to another): handed over
    first to each, then second to each, so that consecutive tasks go to different
    people's chats, each taking about one message a second."""
    case = complaint(people)
    handler = [notification_queue(case, "case_assigned", staff=people.handler)
               for _ in range(3)]
    head = [notification_queue(case, "case_assigned", staff=people.head) for _ in range(2)]

    ids = notifications_hand_over(now=timezone.now())

    theirs = {n.pk for n in handler + head}
    assert [i for i in ids if i in theirs] == [
        handler[0].pk, head[0].pk, handler[1].pk, head[1].pk, handler[2].pk]
    assert len(ids) == len(set(ids)) == Notification.objects.count()


def test_the_relay_hands_over_at_most_a_batch(people):
    complaint(people)
    complaint(people)
    now = timezone.now()
    assert len(notifications_hand_over(now=now, limit=3)) == 3
    assert len(notifications_hand_over(now=now, limit=3)) == 1


@pytest.fixture
def tasks_run_in_place():
    """Celery runs what is enqueued at once, in this process (no broker)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_the_relay_task_enqueues_one_delivery_per_row(people, tasks_run_in_place):
    """The beat task, with tasks run in place: each pending row is delivered by id."""
    case = complaint(people)

    assert notifications_relay_task.apply().get() == 2

    assert set(Notification.objects.filter(case=case).values_list("status", flat=True)) == {
        "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "wudi@cec.example.cn", "zhangmin@cec.example.cn", "zhaolei@cec.example.cn"]
    assert notifications_relay_task.apply().get() == 0


def test_a_row_whose_every_try_was_cut_short_ends_failed(people, smtp_server):
    """A worker that dies mid-send on every try (a message that crashes it): after the
    policy's number of tries the row is failed, not handed over forever."""
    case = complaint(people)
    row = Notification.objects.filter(case=case).first()
    moment = timezone.now()
    for _try in range(DELIVERY_RETRIES.max_attempts):
        assert notification_claim(row.pk, now=moment) is not None  # then the worker dies
        moment += in_flight_lease()
    assert notification_claim(row.pk, now=moment) is None
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", DELIVERY_RETRIES.max_attempts)
    assert row.last_error == "interrupted on every try"
    assert row.pk not in notifications_hand_over(now=moment + relay_stale_after() * 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_the_relay_reads_through_the_partial_index_of_pending_rows(db):
    """The relay's query can be answered from the index on pending rows alone (the table
    of sent rows only grows); sequential scans off so that a tiny test table does not
    hide it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = notifications_due(now=timezone.now()).explain()
    assert "notification_pending" in plan
