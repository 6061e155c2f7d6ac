"""Time-driven steps, run by `manage.py run_due` (and by the scheduler that calls it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from caseflow.actions.appeals import appeal_close_after_window
from caseflow.actions.archives import archive_loans_remind_overdue
from caseflow.actions.conflict_analysis import conflict_analysis_remind
from caseflow.actions.nonconformities import missed_acceptances_open_nonconformities
from caseflow.models import Case, CaseKind
from caseflow.policies.transitions import S


@dataclass
class DueRun:
    closed_appeals: list[str] = field(default_factory=list)
    nonconformities_opened: list[str] = field(default_factory=list)
    loans_reminded: list[int] = field(default_factory=list)
    conflict_analysis_reminded: bool = False


def run_due(*, now: dt.datetime) -> DueRun:
    """Every time-driven action that is due at `now`. Each runs in its own transaction,
    so one failing case does not hold back the others."""
    result = DueRun()
    due = Case.objects.filter(kind=CaseKind.APPEAL, state=S.RULED,
                              committee_window_ends_at__lte=now)
    for case in due.order_by("committee_window_ends_at"):
        if appeal_close_after_window(case=case, now=now):
            result.closed_appeals.append(case.number)
    with transaction.atomic():
        opened = missed_acceptances_open_nonconformities(now=now)
    result.nonconformities_opened = [c.number for c in opened]
    result.loans_reminded = [loan.pk for loan in archive_loans_remind_overdue(now=now)]
    with transaction.atomic():
        result.conflict_analysis_reminded = conflict_analysis_remind(now=now) is not None
    return result
