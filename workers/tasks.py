"""Celery tasks: named explicitly, taking ids or nothing, each calling one domain entry."""

from celery import shared_task
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver, notifications_hand_over
from caseflow.actions.time_driven import run_due


@shared_task(name="caseflow.run_due")
def run_due_task() -> dict:
    """Every time-driven action that is due now (scheduled by beat; safe to overlap:
    each action re-checks its case under a row lock)."""
    result = run_due(now=timezone.now())
    return {"closed_appeals": result.closed_appeals,
            "nonconformities_opened": result.nonconformities_opened,
            "due_items_swept": result.reminders.swept,
            "reminders": result.reminders.reminders,
            "escalations": result.reminders.escalations,
            "reminders_failed": result.reminders.failed,
            "snoozed_repeats": result.snoozed_repeats,
            "digests": result.digests}


@shared_task(name="caseflow.notification_deliver")
def notification_deliver_task(notification_id: int) -> str:
    """Deliver one outbox row by id (safe to run twice: the row is re-read and claimed)."""
    return notification_deliver(notification_id, now=timezone.now())


@shared_task(name="caseflow.notifications_relay")
def notifications_relay_task() -> int:
    """Every few seconds (beat): hand each pending row that is due to a delivery task.
    The rows are marked handed over first (committed), then the tasks enqueued: a task
    lost in between is handed over again once the hand-over is stale."""
    ids = notifications_hand_over(now=timezone.now())
    for notification_id in ids:
        notification_deliver_task.delay(notification_id)
    return len(ids)
