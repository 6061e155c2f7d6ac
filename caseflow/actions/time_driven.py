"""Time-driven steps, run by `manage.py run_due` (and by the scheduler that calls it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caseflow.actions.appeals import appeal_close_after_window
from caseflow.models import Case, CaseKind
from caseflow.policies.transitions import S


@dataclass
class DueRun:
    closed_appeals: list[str] = field(default_factory=list)


def run_due(*, now: dt.datetime) -> DueRun:
    """Every time-driven action that is due at `now`. Each runs in its own transaction,
    so one failing case does not hold back the others."""
    result = DueRun()
    due = Case.objects.filter(kind=CaseKind.APPEAL, state=S.RULED,
                              committee_window_ends_at__lte=now)
    for case in due.order_by("committee_window_ends_at"):
        if appeal_close_after_window(case=case, now=now):
            result.closed_appeals.append(case.number)
    return result
