"""X1: the dashboard's on-time rates are against the rule deadlines: the acceptance
decision (R8.03) and a corrective action's implementation report (R7.06), each counted in
the month its case was received."""

import datetime as dt

import pytest

from caseflow.actions.nonconformities import current_cycle, nonconformity_open
from caseflow.models import AnalysisCycle, Case
from caseflow.selectors.dashboard import dashboard_summary
from caseflow.workdays import CHINA

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, tzinfo=CHINA)


def nonconformity(people, received: dt.datetime, *, due: dt.date, reported: dt.date | None):
    case = nonconformity_open(source="routine_inspection", subject="记录不全",
                              description="记录未归档。", acting_user=people.head)
    Case.objects.filter(pk=case.pk).update(received_at=received)
    reported_at = dt.datetime.combine(reported, dt.time(16), tzinfo=CHINA) if reported else None
    AnalysisCycle.objects.filter(pk=current_cycle(case).pk).update(
        report_due_on=due, reported_at=reported_at, case_received_at=received)
    return case


def test_x1_r7_06_corrective_reports_count_in_the_on_time_rate(people):
    march = dt.datetime(2026, 3, 2, 9, tzinfo=CHINA)
    nonconformity(people, march, due=dt.date(2026, 4, 30), reported=dt.date(2026, 4, 30))
    nonconformity(people, march, due=dt.date(2026, 4, 30), reported=dt.date(2026, 5, 6))
    nonconformity(people, march, due=dt.date(2026, 5, 29), reported=None)  # passed: late
    nonconformity(people, march, due=dt.date(2026, 7, 1), reported=None)  # not yet due
    summary = dashboard_summary(year=2026, now=NOW, viewer=people.head)

    reports = {r.month: r for r in summary.corrective_reports_on_time_by_month}
    assert (reports[3].on_time, reports[3].late, reports[3].rate) == (1, 2, 33.3)
    assert all(r.rate is None for m, r in reports.items() if m != 3)
    overall = {r.month: r for r in summary.on_time_by_month}
    acceptance = {r.month: r for r in summary.acceptance_on_time_by_month}
    assert overall[3].on_time == acceptance[3].on_time + 1
    assert overall[3].late == acceptance[3].late + 2


def test_x1_a_year_counts_only_the_cases_received_in_it(people):
    nonconformity(people, dt.datetime(2025, 12, 30, 9, tzinfo=CHINA),
                  due=dt.date(2026, 1, 30), reported=None)
    summary = dashboard_summary(year=2026, now=NOW, viewer=people.head)
    assert all(r.late == 0 for r in summary.corrective_reports_on_time_by_month)
    assert dashboard_summary(year=2025, now=NOW, viewer=people.head
                             ).corrective_reports_on_time_by_month[11].late == 1
