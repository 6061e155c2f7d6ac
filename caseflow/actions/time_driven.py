"""Time-driven steps, run by `manage.py run_due` (and by the scheduler that calls it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from caseflow.actions.appeals import appeal_close_after_window
from caseflow.actions.conflict_analysis import conflict_analysis_deadline_ensure
from caseflow.actions.nonconformities import missed_acceptances_open_nonconformities
from caseflow.actions.reminder_snooze import snoozed_reminders_queue
from caseflow.actions.reminders import SweepResult, digest_queue, reminders_sweep
from caseflow.models import Case, CaseKind
from caseflow.policies.transitions import S
from caseflow.selectors.calendar import calendar_overrides


@dataclass
class DueRun:
    closed_appeals: list[str] = field(default_factory=list)
    nonconformities_opened: list[str] = field(default_factory=list)
    reminders: SweepResult = field(default_factory=SweepResult)
    snoozed_repeats: int = 0  # reminders put off to this morning, sent again
    digests: int = 0


def run_due(*, now: dt.datetime) -> DueRun:
    """Every time-driven action that is due at `now`. Each runs in its own transaction,
    so one failing case does not hold back the others. The deadline sweep comes after
    the steps that change deadlines, so it reminds of what is due once they are done.
    The calendar's overrides are read once for the whole sweep."""
    result = DueRun()
    overrides = calendar_overrides()
    due = Case.objects.filter(kind=CaseKind.APPEAL, state=S.RULED,
                              committee_window_ends_at__lte=now)
    for case in due.order_by("committee_window_ends_at"):
        if appeal_close_after_window(case=case, now=now, overrides=overrides):
            result.closed_appeals.append(case.number)
    with transaction.atomic():
        opened = missed_acceptances_open_nonconformities(now=now, overrides=overrides)
    result.nonconformities_opened = [c.number for c in opened]
    with transaction.atomic():
        conflict_analysis_deadline_ensure(now=now, overrides=overrides)
    result.reminders = reminders_sweep(now=now, overrides=overrides)
    # After the sweep: a snooze ending on a reminder morning needs no repeat of its own.
    result.snoozed_repeats = len(snoozed_reminders_queue(now=now, overrides=overrides))
    with transaction.atomic():
        result.digests = len(digest_queue(now=now, overrides=overrides))
    return result
