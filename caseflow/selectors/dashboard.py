"""The department head's dashboard: figures computed from stored columns in a fixed
number of queries, each bounded by an index (open cases, a year's cases)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from caseflow.models import (
    OPEN_CASE,
    Case,
    Notification,
    Staff,
)
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.cases import DUE_SOON_WORKING_DAYS, cases_for_staff
from caseflow.selectors.reports import (
    LATE,
    ON_TIME,
    acceptance_by_month,
    corrective_reports_by_month,
    median_working_days,
)
from caseflow.workdays import add_working_days


@dataclass(frozen=True)
class HandlerLoad:
    handler: int | None
    name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class MonthRate:
    month: int
    on_time: int
    late: int
    rate: float | None


@dataclass(frozen=True)
class FailedNotification:
    """A notification given up on: what it was and why, never to whom (R8.13)."""

    id: int
    template: str
    case_number: str
    failed_at: dt.datetime | None
    last_error: str


# The dashboard names this many of the latest failures; the counts cover them all.
FAILED_NOTIFICATIONS_LISTED = 20
# ...and this many of the overdue and due-soon cases, soonest deadline first, beside how
# many there are (the case list, `?overdue=true` or `?due_before=`, pages through all).
CASES_LISTED = 50
# Notifications that need someone's attention, counted by status. Those sent are not
# counted: they are most of a table that grows by millions.
COUNTED_STATUSES = (Notification.Status.PENDING, Notification.Status.FAILED)


@dataclass(frozen=True)
class DashboardSummary:
    year: int
    open_by_kind_and_state: dict[str, dict[str, int]]
    due_within_two_working_days: list[str]  # the first CASES_LISTED
    due_within_two_working_days_total: int
    overdue: list[str]  # the first CASES_LISTED
    overdue_total: int
    load_by_handler: list[HandlerLoad]
    on_time_by_month: list[MonthRate]  # every rule deadline (X1)
    acceptance_on_time_by_month: list[MonthRate]
    corrective_reports_on_time_by_month: list[MonthRate]
    median_working_days_to_acceptance: float | None
    median_working_days_to_closure: float | None
    notifications_by_status: dict[str, int]
    failed_notifications: list[FailedNotification]


def month_rates(months: dict[int, Counter]) -> list[MonthRate]:
    return [MonthRate(m, c[ON_TIME], c[LATE],
                      round(100 * c[ON_TIME] / (c[ON_TIME] + c[LATE]), 1)
                      if c[ON_TIME] + c[LATE] else None) for m, c in months.items()]


def dashboard_summary(*, year: int, now: dt.datetime, viewer: Staff) -> DashboardSummary:
    """Counts cover every case; the lists of case numbers only those `viewer` may see (a
    case about them stays hidden from them, R8.14).

    Every figure is counted at the moment of the request (deadlines and on-time rates
    have a legal meaning: no cache). The open cases are read through their partial index
    (`case_open`), the year's through `case_received`; no query returns more than a few
    dozen rows."""
    open_cases = Case.objects.filter(OPEN_CASE).order_by()
    by_kind: dict[str, dict[str, int]] = {}
    by_handler: dict[int | None, Counter] = {}
    # One pass over the open cases' partial index (index-only: COUNT(*), not COUNT(id))
    # for both the counts by kind and state and the load by handler.
    for row in open_cases.values("kind", "state", "handler_id").annotate(
            n=Count("*"), late=Count("due_at", filter=Q(due_at__lt=now))):
        states = by_kind.setdefault(row["kind"], {})
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
        by_handler.setdefault(row["handler_id"], Counter()).update(
            {"open": row["n"], "late": row["late"]})

    visible = cases_for_staff(viewer)
    listed = visible.filter(OPEN_CASE)
    overrides = calendar_overrides()
    soon = add_working_days(now, DUE_SOON_WORKING_DAYS, overrides).due_at
    due = listed.filter(due_at__gte=now, due_at__lte=soon)
    overdue = listed.filter(due_at__lt=now)

    names = dict(Staff.objects.filter(pk__in=[pk for pk in by_handler if pk is not None])
                 .values_list("pk", "display_name"))
    loads = sorted((HandlerLoad(pk, names.get(pk, "") if pk else "", c["open"], c["late"])
                    for pk, c in by_handler.items()),
                   key=lambda load: (-load.open, load.handler is None, load.handler or 0))

    # X1: "on time" is against the rule deadlines, counted in the month a case was
    # received: the acceptance decision (R8.03) and corrective-action reports (R7.06).
    acceptance = acceptance_by_month(year, now=now)
    reports = corrective_reports_by_month(year, now=now)
    both = {m: acceptance[m] + reports[m] for m in acceptance}

    medians = median_working_days(year)
    notifications = {status.value: Notification.objects.filter(status=status).count()
                     for status in COUNTED_STATUSES}
    return DashboardSummary(
        year=year, open_by_kind_and_state=by_kind,
        due_within_two_working_days=first_numbers(due),
        due_within_two_working_days_total=due.count(),
        overdue=first_numbers(overdue), overdue_total=overdue.count(),
        load_by_handler=loads, on_time_by_month=month_rates(both),
        acceptance_on_time_by_month=month_rates(acceptance),
        corrective_reports_on_time_by_month=month_rates(reports),
        median_working_days_to_acceptance=medians.to_acceptance,
        median_working_days_to_closure=medians.to_closure,
        notifications_by_status=notifications,
        failed_notifications=failed_notifications(viewer, visible=visible),
    )


def first_numbers(cases) -> list[str]:
    """The numbers of the first CASES_LISTED cases, soonest deadline first."""
    return list(cases.order_by("due_at", "number").values_list("number", flat=True)
                [:CASES_LISTED])


def failed_notifications(viewer: Staff, *, visible=None) -> list[FailedNotification]:
    """The latest notifications given up on, leaving out those about a case hidden from
    `viewer` (X9; `visible`: their `cases_for_staff`, if already at hand); the counts by
    status include them.

    The latest failures are read a few at a time, in the order of their index, and only
    those are checked against what the viewer sees: never every failure ever recorded."""
    visible = cases_for_staff(viewer) if visible is None else visible
    failed = (Notification.objects.filter(status=Notification.Status.FAILED)
              .order_by("-failed_at", "-id")
              .values("id", "template", "case_id", "case__number", "failed_at", "last_error"))
    listed: list[dict] = []
    batch = 2 * FAILED_NOTIFICATIONS_LISTED
    for start in range(0, 50 * batch, batch):  # a bound: never a walk over every failure
        rows = list(failed[start:start + batch])
        seen = set(visible.filter(pk__in={r["case_id"] for r in rows if r["case_id"]})
                   .values_list("pk", flat=True))
        listed += [r for r in rows if r["case_id"] is None or r["case_id"] in seen]
        if len(listed) >= FAILED_NOTIFICATIONS_LISTED or len(rows) < batch:
            break
    return [FailedNotification(row["id"], row["template"], row["case__number"] or "",
                               row["failed_at"], row["last_error"])
            for row in listed[:FAILED_NOTIFICATIONS_LISTED]]
