"""Running the time-driven steps on a given morning, and reading what they queued."""

import datetime as dt

import time_machine

from caseflow.actions.time_driven import DueRun, run_due
from caseflow.models import Notification
from caseflow.workdays import CHINA


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    """A moment in Beijing time (2026 unless said)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHINA)


def sweep_at(moment: dt.datetime) -> DueRun:
    """`run_due` (the time-driven steps, the deadline sweep, the digest) at `moment`, with
    the clock there too, as the scheduled task runs it."""
    with time_machine.travel(moment, tick=False):
        return run_due(now=moment)


def who(notification: Notification) -> str:
    if notification.recipient_staff_id:
        return notification.recipient_staff.user.username
    return notification.recipient_role


def reminded(moment: dt.datetime, **filters) -> list[tuple]:
    """Reminders and escalations queued by the sweep at `moment`, as
    (template, recipient, threshold, overdue working days, level), sorted."""
    queued = Notification.objects.filter(
        template__in=("reminder", "escalation"), created_at=moment, **filters)
    return sorted((n.template, who(n), n.context["threshold"],
                   n.context["overdue_working_days"], n.context["level"]) for n in queued)


def every_morning(first: dt.date, last: dt.date, hour: int = 9):
    """Each calendar day's morning from `first` to `last`, weekends and holidays included:
    the sweep runs every few minutes whatever the day."""
    day = first
    while day <= last:
        yield dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)
        day += dt.timedelta(days=1)
