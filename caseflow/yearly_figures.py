"""X1: what one case, or one corrective-action cycle, adds to the year's figures.

Pure logic on a row's stored facts, shared by the actions that keep the summary tables,
their rebuild and the benchmarks' seed. A verdict is given here only once it can no longer
change; until then ("") the selectors count the row live, against the moment of the
request (`caseflow.selectors.reports.acceptance_counts`, `report_counts`), so the
summary plus the live rows give what a full recount gives at every moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.workdays import WorkingDayTable, china_date

ON_TIME, LATE, NOT_COUNTED = "on_time", "late", "none"


@dataclass(frozen=True)
class CaseFigures:
    acceptance: str  # "" undecided, or ON_TIME / LATE / NOT_COUNTED
    to_acceptance: int | None  # working days from receipt to the acceptance decision
    to_closure: int | None  # working days from receipt to closure (state "closed")


def span_working_days(table: WorkingDayTable, start: dt.datetime, end: dt.datetime) -> int:
    """Working days after the day of `start` up to the day of `end` (Asia/Shanghai);
    negative when `end` is the earlier day."""
    first, last = china_date(start), china_date(end)
    return table.between(first, last) if first <= last else -table.between(last, first)


def acceptance_verdict(*, acceptance_due_at: dt.datetime | None,
                       accepted_at: dt.datetime | None, state: str,
                       closed_at: dt.datetime | None) -> str:
    """R8.03, once decided: the decided half of `acceptance_timeliness` (keep in step).
    Decided by the deadline or not; closed undecided (withdrawn, merged) after it, late;
    before it, no decision was needed. Still open and undecided: "" (counted live)."""
    if acceptance_due_at is None:
        return ""
    if accepted_at is not None:
        return ON_TIME if accepted_at <= acceptance_due_at else LATE
    if state in FINAL_STATES:
        return LATE if closed_at is not None and closed_at > acceptance_due_at else NOT_COUNTED
    return ""


def case_figures(*, state: str, received_at: dt.datetime,
                 acceptance_due_at: dt.datetime | None, accepted_at: dt.datetime | None,
                 closed_at: dt.datetime | None, table: WorkingDayTable) -> CaseFigures:
    return CaseFigures(
        acceptance=acceptance_verdict(acceptance_due_at=acceptance_due_at,
                                      accepted_at=accepted_at, state=state,
                                      closed_at=closed_at),
        to_acceptance=(span_working_days(table, received_at, accepted_at)
                       if accepted_at is not None else None),
        to_closure=(span_working_days(table, received_at, closed_at)
                    if state == S.CLOSED and closed_at is not None else None),
    )


def report_verdict(*, report_due_on: dt.date | None, reported_at: dt.datetime | None,
                   concluded: bool, today: dt.date) -> str:
    """R7.06, once decided: reported by the plan's date or after it (the test of
    `report_timeliness`); a cycle concluded unreported (overdue) is late for good once the
    date has passed. Otherwise "" (counted live)."""
    if report_due_on is None:
        return ""
    if reported_at is not None:
        return ON_TIME if timezone.localdate(reported_at) <= report_due_on else LATE
    if concluded and report_due_on < today:
        return LATE
    return ""
