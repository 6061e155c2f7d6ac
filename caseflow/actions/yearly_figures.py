"""X1: the summary tables of the year's figures, kept by the actions that decide them.

The action that decides a rule deadline (the acceptance decision, R8.03; a corrective
action's implementation report, R7.06) or ends a span of working days (acceptance,
closure) stores on the row what it adds to the figures and moves the summary rows by as
much, in its own transaction: rolled back with it, serialized with any other action on
the same row by that row's lock, and added with `UPDATE … SET n = n + d` so that two
actions on different cases never lose each other's count. A calendar correction moves
the figures of the spans that cross the corrected day. `yearly_figures_rebuild` writes a
full recount over all of it (a command; after bulk loads; the data migration).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.apps import apps as installed_apps
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from caseflow.models import AnalysisCycle, Case, OnTimeMonth, WorkingDaysTally
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.reports import HANDLED_KINDS
from caseflow.selectors.yearly_figures_recount import (
    ACCEPTANCE,
    CORRECTIVE_REPORT,
    TO_ACCEPTANCE,
    TO_CLOSURE,
    on_time_recount,
    working_days_recount,
)
from caseflow.workdays import CHINA, Overrides, working_day_table
from caseflow.yearly_figures import (
    LATE,
    ON_TIME,
    CaseFigures,
    case_figures,
    report_verdict,
)

CASE_FIGURE_FIELDS = ["acceptance_counted", "working_days_to_acceptance",
                      "working_days_to_closure"]


def stored_figures(case) -> CaseFigures:
    return CaseFigures(case.acceptance_counted, case.working_days_to_acceptance,
                       case.working_days_to_closure)


def figures_of(case, table) -> CaseFigures:
    return case_figures(state=case.state, received_at=case.received_at,
                        acceptance_due_at=case.acceptance_due_at,
                        accepted_at=case.accepted_at, closed_at=case.closed_at, table=table)


def summary_add(*, months: Counter, tallies: Counter) -> None:
    """Move the summary rows by these differences: `months` by (year, month, deadline,
    verdict), `tallies` by (year, span, working days). Rows are touched in one order so
    two actions never wait on each other crosswise."""
    by_month: dict[tuple, dict[str, int]] = {}
    for (year, month, deadline, verdict), n in months.items():
        by_month.setdefault((year, month, deadline), Counter())[verdict] += n
    for (year, month, deadline), n in sorted(by_month.items()):
        if not any(n.values()):
            continue
        row = OnTimeMonth.objects.filter(year=year, month=month, deadline=deadline)
        change = {"on_time": F("on_time") + n[ON_TIME], "late": F("late") + n[LATE]}
        if not row.update(**change):
            # First count of that month: create the row (a racing action's insert wins
            # and this one adds to it).
            OnTimeMonth.objects.bulk_create(
                [OnTimeMonth(year=year, month=month, deadline=deadline)], ignore_conflicts=True)
            row.update(**change)
    for (year, span, days), n in sorted(tallies.items()):
        if not n:
            continue
        row = WorkingDaysTally.objects.filter(year=year, span=span, working_days=days)
        if not row.update(cases=F("cases") + n):
            WorkingDaysTally.objects.bulk_create(
                [WorkingDaysTally(year=year, span=span, working_days=days)],
                ignore_conflicts=True)
            row.update(cases=F("cases") + n)


def case_figures_record(case: Case, *, overrides: Overrides | None = None) -> bool:
    """Store on `case` (a row locked by the caller, who saves it) what it now adds to the
    year's figures, and move the summary by the difference. Returns whether it changed."""
    before = stored_figures(case)
    table = working_day_table(calendar_overrides() if overrides is None else overrides)
    after = figures_of(case, table)
    if after == before:
        return False
    if case.kind in HANDLED_KINDS:
        received = case.received_at.astimezone(CHINA)
        months, tallies = Counter(), Counter()
        for figures, sign in ((before, -1), (after, 1)):
            if figures.acceptance in (ON_TIME, LATE):
                months[received.year, received.month, ACCEPTANCE, figures.acceptance] += sign
            for span, days in ((TO_ACCEPTANCE, figures.to_acceptance),
                               (TO_CLOSURE, figures.to_closure)):
                if days is not None:
                    tallies[received.year, span, days] += sign
        summary_add(months=months, tallies=tallies)
    case.acceptance_counted = after.acceptance
    case.working_days_to_acceptance = after.to_acceptance
    case.working_days_to_closure = after.to_closure
    return True


def cycle_figures_record(cycle: AnalysisCycle, *, case: Case) -> None:
    """R7.06: the implementation report's verdict once decided (reported, or the cycle
    closed overdue), counted in the month its nonconformity was received. `case` is the
    nonconformity's case, locked by the caller."""
    verdict = report_verdict(report_due_on=cycle.report_due_on, reported_at=cycle.reported_at,
                             concluded=bool(cycle.conclusion), today=timezone.localdate())
    if verdict == cycle.report_counted:
        return
    received = case.received_at.astimezone(CHINA)
    months = Counter()
    if cycle.report_counted in (ON_TIME, LATE):
        months[received.year, received.month, CORRECTIVE_REPORT, cycle.report_counted] -= 1
    if verdict in (ON_TIME, LATE):
        months[received.year, received.month, CORRECTIVE_REPORT, verdict] += 1
    summary_add(months=months, tallies=Counter())
    cycle.report_counted = verdict
    AnalysisCycle.objects.filter(pk=cycle.pk).update(report_counted=verdict)


def figures_recompute_for_day(day: dt.date, *, overrides: Overrides) -> list[Case]:
    """W1, X1: a day became a working day or stopped being one: the spans that cross it
    (received before it, decided or closed on it or after; or the other way round) count
    again on the corrected calendar. Read through the indexes on the span's ends, so only
    the cases decided, closed or received since that day are looked at."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=CHINA)
    crossing = (Q(received_at__lt=start, accepted_at__gte=start)
                | Q(received_at__lt=start, closed_at__gte=start)
                | Q(received_at__gte=start, accepted_at__lt=start)
                | Q(received_at__gte=start, closed_at__lt=start))
    changed = []
    for case in Case.objects.select_for_update(of=("self",)).filter(crossing).order_by("pk"):
        if case_figures_record(case, overrides=overrides):
            case.save(update_fields=CASE_FIGURE_FIELDS)
            changed.append(case)
    return changed


# --- the full rebuild ---------------------------------------------------------------------

@dataclass(frozen=True)
class Rebuilt:
    cases_corrected: int  # rows whose stored figures differed from a recount
    cycles_corrected: int
    on_time_rows: int
    tally_rows: int


REBUILD_BATCH = 5000


ROWS_WRITTEN_AT_ONCE = 1000


def rows_write(model, rows: list, fields: list[str]) -> None:
    """Save `fields` of `rows` (instances of `model`, a migration's historical one too).
    PostgreSQL: an UPDATE joined to the rows' values, whose cost follows the rows. Django's
    `bulk_update` sets each column to a CASE over every id of its batch, tested row by row:
    a batch of 1,000 cost about 1.5 s, and the data migration 25 minutes at 1M cases."""
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, fields, batch_size=ROWS_WRITTEN_AT_ONCE)
        return
    meta, name = model._meta, connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(f) for f in fields)]
    row = "(" + ", ".join(f"%s::{c.db_type(connection)}" for c in columns) + ")"
    assigned = ", ".join(f"{name(c.column)} = v.{name(c.column)}" for c in columns[1:])
    key = name(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_WRITTEN_AT_ONCE):
            batch = rows[start:start + ROWS_WRITTEN_AT_ONCE]
            cursor.execute(
                f"UPDATE {name(meta.db_table)} AS t SET {assigned} "
                f"FROM (VALUES {', '.join([row] * len(batch))}) "
                f"AS v({', '.join(name(c.column) for c in columns)}) WHERE t.{key} = v.{key}",
                [c.get_db_prep_save(getattr(r, c.attname), connection)
                 for r in batch for c in columns])


def stored_figures_rebuild(*, overrides: Overrides, today: dt.date, apps=None,
                           batch: int = REBUILD_BATCH) -> tuple[int, int]:
    """Recompute the figures stored on every case and cycle, a batch of rows per
    transaction (locked in id order, as the actions lock them); write only those that
    differ. Returns how many cases and cycles were corrected."""
    apps = apps or installed_apps
    Cases = apps.get_model("caseflow", "Case")
    Cycle = apps.get_model("caseflow", "AnalysisCycle")
    table = working_day_table(overrides)
    cases_corrected = cycles_corrected = 0
    last = 0
    while True:
        with transaction.atomic():
            rows = list(Cases.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                        .only("pk", "state", "received_at", "acceptance_due_at",
                              "accepted_at", "closed_at", *CASE_FIGURE_FIELDS)[:batch])
            if not rows:
                break
            wrong = []
            for case in rows:
                after = figures_of(case, table)
                if after != stored_figures(case):
                    case.acceptance_counted = after.acceptance
                    case.working_days_to_acceptance = after.to_acceptance
                    case.working_days_to_closure = after.to_closure
                    wrong.append(case)
            rows_write(Cases, wrong, CASE_FIGURE_FIELDS)
            cases_corrected += len(wrong)
            last = rows[-1].pk
    cycles = (Cycle.objects.select_for_update().filter(report_due_on__isnull=False)
              .order_by("pk").only("pk", "report_due_on", "reported_at", "conclusion",
                                   "report_counted"))
    with transaction.atomic():
        wrong = []
        for cycle in cycles.iterator(chunk_size=batch):
            verdict = report_verdict(report_due_on=cycle.report_due_on,
                                     reported_at=cycle.reported_at,
                                     concluded=bool(cycle.conclusion), today=today)
            if verdict != cycle.report_counted:
                cycle.report_counted = verdict
                wrong.append(cycle)
        rows_write(Cycle, wrong, ["report_counted"])
        cycles_corrected = len(wrong)
    return cases_corrected, cycles_corrected


def summary_rebuild(*, overrides: Overrides, today: dt.date, apps=None) -> tuple[int, int]:
    """Replace the summary tables by a full recount, in one transaction that holds the
    actions' summary writes back until it commits (PostgreSQL: a table lock; SQLite
    serializes writers anyway). An action waiting on it adds its difference afterwards,
    to a recount that did not yet see it."""
    apps = apps or installed_apps
    Month = apps.get_model("caseflow", "OnTimeMonth")
    Tally = apps.get_model("caseflow", "WorkingDaysTally")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{Month._meta.db_table}", "{Tally._meta.db_table}" '
                               "IN SHARE ROW EXCLUSIVE MODE")
        on_time = on_time_recount(today=today, apps=apps)
        tallies = working_days_recount(overrides=overrides, apps=apps)
        months: dict[tuple, dict[str, int]] = {}
        for (year, month, deadline, verdict), n in on_time.items():
            months.setdefault((year, month, deadline), {ON_TIME: 0, LATE: 0})[verdict] = n
        Month.objects.all().delete()
        Month.objects.bulk_create(
            [Month(year=y, month=m, deadline=d, on_time=n[ON_TIME], late=n[LATE])
             for (y, m, d), n in sorted(months.items())])
        Tally.objects.all().delete()
        Tally.objects.bulk_create(
            [Tally(year=y, span=s, working_days=days, cases=n)
             for (y, s, days), n in sorted(tallies.items())])
    return len(months), len(tallies)


def yearly_figures_rebuild(*, apps=None, overrides: Overrides | None = None,
                           today: dt.date | None = None) -> Rebuilt:
    """X1: the stored figures of every case and cycle, then the summary tables, from a
    full recount. `apps`: a migration's model registry (its calendar read through it)."""
    if overrides is None:
        overrides = calendar_overrides(apps=apps)
    apps = apps or installed_apps
    today = today or timezone.localdate()
    cases, cycles = stored_figures_rebuild(overrides=overrides, today=today, apps=apps)
    months, tallies = summary_rebuild(overrides=overrides, today=today, apps=apps)
    return Rebuilt(cases, cycles, months, tallies)
