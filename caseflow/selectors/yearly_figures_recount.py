"""X1: the year's figures counted again from every row, the way the dashboard counted
them before the summary tables: the recount that `yearly_figures_rebuild` writes into
them, and that tests hold the summary kept by the actions to.

It counts only what the summary holds: the rule deadlines whose verdict is decided, and
the working days of every decided or closed span. The rest (deadlines still open) the
selectors count live at each request, as before.

`apps`: the model registry to read through (a migration passes its historical one)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.apps import apps as installed_apps
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate

from caseflow.models import OPEN_CASE, OnTimeMonth, WorkingDaysTally
from caseflow.selectors.reports import (
    HANDLED_KINDS,
    LATE,
    ON_TIME,
    acceptance_counts,
    report_counts,
)
from caseflow.workdays import CHINA, Overrides, working_day_table

ACCEPTANCE = OnTimeMonth.Deadline.ACCEPTANCE.value
CORRECTIVE_REPORT = OnTimeMonth.Deadline.CORRECTIVE_REPORT.value
TO_ACCEPTANCE = WorkingDaysTally.Span.TO_ACCEPTANCE.value
TO_CLOSURE = WorkingDaysTally.Span.TO_CLOSURE.value

# Decided: an acceptance decision taken, or the case ended without one (`acceptance_verdict`).
ACCEPTANCE_DECIDED = Q(acceptance_due_at__isnull=False) & (Q(accepted_at__isnull=False)
                                                            | ~OPEN_CASE)


def report_decided(today: dt.date) -> Q:
    """Reported, or concluded unreported after the plan's date (`report_verdict`)."""
    return Q(report_due_on__isnull=False) & (
        Q(reported_at__isnull=False) | (~Q(conclusion="") & Q(report_due_on__lt=today)))


def on_time_recount(*, today: dt.date, apps=None) -> Counter:
    """(year, month, deadline, verdict) -> how many, month and year of receipt."""
    apps = apps or installed_apps
    Case = apps.get_model("caseflow", "Case")
    AnalysisCycle = apps.get_model("caseflow", "AnalysisCycle")
    counts = Counter()
    now = dt.datetime.combine(today, dt.time(), tzinfo=CHINA)  # no undecided row is read
    for row in (Case.objects.filter(ACCEPTANCE_DECIDED, kind__in=HANDLED_KINDS).order_by()
                .values(year=ExtractYear("received_at", tzinfo=CHINA),
                        month=ExtractMonth("received_at", tzinfo=CHINA))
                .annotate(**acceptance_counts(now))):
        for verdict in (ON_TIME, LATE):
            counts[row["year"], row["month"], ACCEPTANCE, verdict] += row[verdict]
    received = "nonconformity__case__received_at"
    for row in (AnalysisCycle.objects.filter(report_decided(today)).order_by()
                .values(year=ExtractYear(received, tzinfo=CHINA),
                        month=ExtractMonth(received, tzinfo=CHINA))
                .annotate(**report_counts(today))):
        for verdict in (ON_TIME, LATE):
            counts[row["year"], row["month"], CORRECTIVE_REPORT, verdict] += row[verdict]
    return +counts


def working_days_recount(*, overrides: Overrides, apps=None) -> Counter:
    """(year of receipt, span, working days) -> how many complaints, appeals and disputes.

    The database counts the cases per pair of days (a few thousand pairs a year); the
    working days of each pair are two look-ups in the calendar's table."""
    apps = apps or installed_apps
    Case = apps.get_model("caseflow", "Case")
    table = working_day_table(overrides)
    cases = Case.objects.filter(kind__in=HANDLED_KINDS).order_by()
    counts = Counter()
    for span, rows, end in (
            (TO_ACCEPTANCE, cases.filter(accepted_at__isnull=False), "accepted_at"),
            (TO_CLOSURE, cases.filter(state="closed", closed_at__isnull=False), "closed_at")):
        pairs = (rows.values(year=ExtractYear("received_at", tzinfo=CHINA),
                             start_day=TruncDate("received_at", tzinfo=CHINA),
                             end_day=TruncDate(end, tzinfo=CHINA))
                 .annotate(n=Count("pk")).values_list("year", "start_day", "end_day", "n"))
        for year, start, stop, n in pairs:
            days = (table.between(start, stop) if start <= stop
                    else -table.between(stop, start))
            counts[year, span, days] += n
    return +counts
