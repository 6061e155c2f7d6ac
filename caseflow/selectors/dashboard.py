"""The department head's dashboard: figures computed from stored columns in a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from caseflow.models import AnalysisCycle, Case, Notification, Staff
from caseflow.policies.transitions import FINAL_STATES
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.cases import DUE_SOON_WORKING_DAYS, cases_for_staff
from caseflow.selectors.reports import (
    HANDLED_KINDS,
    LATE,
    ON_TIME,
    acceptance_timeliness,
    complaint_statistics,
    received_in,
    report_timeliness,
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


@dataclass(frozen=True)
class DashboardSummary:
    year: int
    open_by_kind_and_state: dict[str, dict[str, int]]
    due_within_two_working_days: list[str]
    overdue: list[str]
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
    case about them stays hidden from them, R8.14)."""
    open_cases = Case.objects.exclude(state__in=FINAL_STATES)
    listed = cases_for_staff(viewer).exclude(state__in=FINAL_STATES)
    by_kind: dict[str, dict[str, int]] = {}
    for row in open_cases.order_by().values("kind", "state").annotate(n=Count("id")):
        by_kind.setdefault(row["kind"], {})[row["state"]] = row["n"]

    soon = add_working_days(now, DUE_SOON_WORKING_DAYS, calendar_overrides()).due_at
    due = list(listed.filter(due_at__gte=now, due_at__lte=soon)
               .order_by("due_at").values_list("number", flat=True))
    overdue = list(listed.filter(due_at__lt=now).order_by("due_at")
                   .values_list("number", flat=True))

    loads = []
    rows = (open_cases.order_by().values("handler_id", "handler__display_name")
            .annotate(n=Count("id")))
    late_by_handler = Counter(open_cases.filter(due_at__lt=now)
                              .values_list("handler_id", flat=True))
    for row in sorted(rows, key=lambda r: -r["n"]):
        loads.append(HandlerLoad(row["handler_id"], row["handler__display_name"] or "",
                                 row["n"], late_by_handler.get(row["handler_id"], 0)))

    # X1: "on time" is against the rule deadlines, counted in the month a case was
    # received: the acceptance decision (R8.03) and corrective-action reports (R7.06).
    acceptance = {m: Counter() for m in range(1, 13)}
    received = Case.objects.filter(received_in(year), kind__in=HANDLED_KINDS).values(
        "received_at", "accepted_at", "acceptance_due_at", "state", "closed_at")
    for case in received:
        verdict = acceptance_timeliness(now=now, **{k: case[k] for k in (
            "accepted_at", "acceptance_due_at", "state", "closed_at")})
        if verdict in (ON_TIME, LATE):
            acceptance[timezone.localtime(case["received_at"]).month][verdict] += 1
    reports = {m: Counter() for m in range(1, 13)}
    cycles = AnalysisCycle.objects.filter(
        report_due_on__isnull=False,
        nonconformity__case__in=Case.objects.filter(received_in(year)),
    ).values("report_due_on", "reported_at", "nonconformity__case__received_at")
    for cycle in cycles:
        verdict = report_timeliness(report_due_on=cycle["report_due_on"],
                                    reported_at=cycle["reported_at"],
                                    today=timezone.localdate(now))
        if verdict in (ON_TIME, LATE):
            month = timezone.localtime(cycle["nonconformity__case__received_at"]).month
            reports[month][verdict] += 1
    both = {m: acceptance[m] + reports[m] for m in acceptance}

    statistics = complaint_statistics(year, now=now)
    notifications = dict(Notification.objects.order_by().values_list("status")
                         .annotate(n=Count("id")))
    return DashboardSummary(
        year=year, open_by_kind_and_state=by_kind, due_within_two_working_days=due,
        overdue=overdue, load_by_handler=loads, on_time_by_month=month_rates(both),
        acceptance_on_time_by_month=month_rates(acceptance),
        corrective_reports_on_time_by_month=month_rates(reports),
        median_working_days_to_acceptance=statistics.median_working_days_to_acceptance,
        median_working_days_to_closure=statistics.median_working_days_to_closure,
        notifications_by_status=notifications,
        failed_notifications=failed_notifications(viewer),
    )


def failed_notifications(viewer: Staff) -> list[FailedNotification]:
    """The latest notifications given up on, leaving out those about a case hidden from
    `viewer` (X9); the counts by status include them."""
    visible = cases_for_staff(viewer).order_by().values("pk")
    failed = (Notification.objects.filter(status=Notification.Status.FAILED)
              .filter(Q(case__isnull=True) | Q(case__in=visible))
              .annotate(failed_at=Max("delivery_attempts__at"))
              .order_by(F("failed_at").desc(nulls_last=True), "-id")
              .values("id", "template", "case__number", "failed_at", "last_error"))
    return [FailedNotification(row["id"], row["template"], row["case__number"] or "",
                               row["failed_at"], row["last_error"])
            for row in failed[:FAILED_NOTIFICATIONS_LISTED]]
