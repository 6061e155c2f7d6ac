"""Celery tasks: named explicitly, taking ids or nothing, each calling one domain entry."""

from celery import shared_task
from django.utils import timezone

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
            "digests": result.digests}
