"""X1: the year's figures kept by the actions (`OnTimeMonth`, `WorkingDaysTally`, the
figures stored on each case and cycle) equal a full recount of every row, whatever mix of
actions wrote them; the rebuild command writes that same recount; a calendar correction
moves them; an action rolled back takes its figures with it."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from caseflow.actions.calendar_overrides import (
    calendar_override_remove,
    calendar_override_set,
)
from caseflow.actions.complaints import complaint_evaluate
from caseflow.actions.intake import case_reject, case_withdraw
from caseflow.actions.nonconformities import (
    capa_task_assign,
    nonconformity_analyse,
    nonconformity_open,
    nonconformity_record_overdue,
    nonconformity_sign_off_plan,
    nonconformity_submit_report,
)
from caseflow.actions.yearly_figures import yearly_figures_rebuild
from caseflow.models import (
    AnalysisCycle,
    CalendarOverride,
    Case,
    OnTimeMonth,
    Role,
    RoleAssignment,
    WorkingDaysTally,
)
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.dashboard import dashboard_summary
from caseflow.selectors.reports import complaint_statistics
from caseflow.selectors.yearly_figures_recount import on_time_recount, working_days_recount
from caseflow.workdays import CHINA
from tests.personas import commit, complaint
from tests.reports.test_dashboard_recount import assert_year_figures_match, recount
from tests.reports.test_yearly_reports import (  # noqa: F401
    accept,
    at,
    cases_2026,
    settle,
    signed_for,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=CHINA)


def summary_rows() -> tuple[Counter, Counter]:
    """The summary tables, in the recount's shape."""
    months = Counter()
    for row in OnTimeMonth.objects.all():
        months[row.year, row.month, row.deadline, "on_time"] += row.on_time
        months[row.year, row.month, row.deadline, "late"] += row.late
    tallies = Counter({(t.year, t.span, t.working_days): t.cases
                       for t in WorkingDaysTally.objects.all()})
    return +months, +tallies


def stored_figures() -> dict:
    return {c.pk: (c.acceptance_counted, c.working_days_to_acceptance,
                   c.working_days_to_closure) for c in Case.objects.all()} | {
        ("cycle", c.pk): c.report_counted for c in AnalysisCycle.objects.all()}


def full_recount() -> tuple[Counter, Counter]:
    return (on_time_recount(today=timezone.localdate()),
            working_days_recount(overrides=calendar_overrides()))


def nonconformity(people, *, opened_on, due, reported_on=None, overdue_on=None):
    """A nonconformity taken through analysis, plan and task by the actions; its report
    submitted on `reported_on`, or recorded overdue on `overdue_on`, or neither."""
    with at(*opened_on, 10, 0):
        case = nonconformity_open(source="routine_inspection", subject="记录不全",
                                  description="记录未归档。", acting_user=people.head)
        commit(case, people.head, people.quality_manager, people.office_2, people.handler)
        case = nonconformity_analyse(
            case=case, acting_user=people.office_2, method="five_whys", analysis="为什么",
            root_cause="职责不清", correction="补齐", corrective_action="修订制度",
            report_due_on=due)
        case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
        capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                         description="补齐现场记录", working_days=5)
    if reported_on:
        with at(*reported_on, 16, 0):
            nonconformity_submit_report(case=case, acting_user=people.office_2, report="已整改")
    if overdue_on:
        with at(*overdue_on, 9, 0):
            nonconformity_record_overdue(case=case, acting_user=people.office_2)
    return case


@pytest.fixture
def mix(people, cases_2026):  # noqa: F811
    """The yearly fixture's cases (on time, late, pending, settled), and more, each through
    the action that decides it:
    - a complaint accepted late, and one rejected the next day (on time, not closed);
    - withdrawn the next day (no decision needed) and after its deadline (late);
    - an anonymous complaint judged invalid: decided and closed in one step;
    - nonconformities whose reports came on time, late, were recorded overdue (late for
      good) and are still awaited (counted live)."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    signed_for(people, 2026)
    with at(2026, 4, 7, 10, 0):
        late = complaint(people, received_at=timezone.now())
        rejected = complaint(people, received_at=timezone.now())
    with at(2026, 4, 8, 10, 0):
        commit(rejected, people.head)
        case_reject(case=rejected, acting_user=people.head, reason="不属于受理范围")
    with at(2026, 4, 20, 10, 0):
        accept(people, late)
    with at(2026, 5, 6, 10, 0):
        early, after = (complaint(people, received_at=timezone.now()) for _ in range(2))
        anonymous = complaint(people, anonymous=True, received_at=timezone.now())
    with at(2026, 5, 7, 10, 0):
        commit(early, people.office)
        case_withdraw(case=early, acting_user=people.office, reason="投诉人撤回")
        commit(anonymous, people.head)
        complaint_evaluate(case=anonymous, acting_user=people.head, valid=False,
                           reasoning="无具体事实")
    with at(2026, 6, 1, 10, 0):
        commit(after, people.office)
        case_withdraw(case=after, acting_user=people.office, reason="投诉人撤回")
    with at(2026, 6, 2, 10, 0):
        settled = complaint(people, received_at=timezone.now())
        accept(people, settled)
    with at(2026, 6, 12, 10, 0):
        settle(people, settled, substantiated=False)
    nonconformity(people, opened_on=(2026, 3, 2), due=dt.date(2026, 4, 30),
                  reported_on=(2026, 4, 28))
    nonconformity(people, opened_on=(2026, 3, 9), due=dt.date(2026, 4, 10),
                  reported_on=(2026, 4, 15))
    nonconformity(people, opened_on=(2026, 4, 1), due=dt.date(2026, 4, 20),
                  overdue_on=(2026, 4, 22))
    nonconformity(people, opened_on=(2026, 5, 4), due=dt.date(2026, 7, 1))


def test_x1_the_summary_the_actions_keep_equals_a_full_recount(people, mix):
    """X1: after a realistic mix of actions, the summary tables are the full recount of
    the decided deadlines and spans; the rebuild command writes the same rows and finds
    no stored figure to correct; and the dashboard's figures, summary plus what is
    counted live, are those of a recount of every row in Python."""
    with at(2026, 6, 30, 12, 0):
        months, tallies = summary_rows()
        assert (months, tallies) == full_recount()
        # The mix does reach every kind of row.
        assert {(d, v) for (_, _, d, v) in months} == {
            ("acceptance", "on_time"), ("acceptance", "late"),
            ("corrective_report", "on_time"), ("corrective_report", "late")}
        assert {span for (_, span, _) in tallies} == {"acceptance", "closure"}
        assert Case.objects.filter(acceptance_counted="none").count() == 1  # withdrawn early
        assert AnalysisCycle.objects.filter(report_counted="late", reported_at=None).exists()

        figures = stored_figures()
        call_command("yearly_figures_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert summary_rows() == (months, tallies)
        assert stored_figures() == figures
        assert yearly_figures_rebuild().cases_corrected == 0

        summary = dashboard_summary(year=2026, now=NOW, viewer=people.head)
        expected = recount(2026, NOW, people.head)
    assert_year_figures_match(summary, expected)
    assert expected["reports"][3] == (1, 1) and expected["reports"][4] == (0, 1)


def test_x1_the_rebuild_corrects_figures_written_around_the_actions(people, mix,
                                                                    monkeypatch):
    """X1: rows changed behind the actions' back (a bulk load, a hand edit) are put right
    by the command: the stored figures recounted, the summary rewritten (written a few
    rows at a time here, so that several writes carry them)."""
    from caseflow.actions import yearly_figures

    monkeypatch.setattr(yearly_figures, "ROWS_WRITTEN_AT_ONCE", 2)
    with at(2026, 6, 30, 12, 0):
        figures = stored_figures()
        expected = summary_rows()
        OnTimeMonth.objects.update(on_time=99)
        WorkingDaysTally.objects.filter(span="closure").delete()
        Case.objects.filter(state="closed").update(working_days_to_closure=None,
                                                   acceptance_counted="")
        rebuilt = yearly_figures_rebuild()
        assert rebuilt.cases_corrected == Case.objects.filter(state="closed").count() > 2
        assert summary_rows() == expected == full_recount()
        assert stored_figures() == figures


def test_x1_the_data_migration_fills_the_figures_of_existing_rows(people, mix):
    """X1: the data migration runs the same rebuild through its own historical models:
    on rows written before the columns existed it gives the full recount."""
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("caseflow", "0024_yearly_figures_fill"))
    with at(2026, 6, 30, 12, 0):
        expected, figures = summary_rows(), stored_figures()
        Case.objects.update(acceptance_counted="", working_days_to_acceptance=None,
                            working_days_to_closure=None)
        AnalysisCycle.objects.update(report_counted="")
        OnTimeMonth.objects.all().delete()
        WorkingDaysTally.objects.all().delete()
        yearly_figures_rebuild(apps=state.apps)
        assert summary_rows() == expected == full_recount()
        assert stored_figures() == figures


def test_x1_a_calendar_correction_moves_the_spans_that_cross_it(people, mix):
    """W1, X1: a day made a holiday counts one working day less in every span that crosses
    it, in the stored figures and the medians' tally at once; removed, it counts again."""
    with at(2026, 6, 30, 12, 0):
        before = summary_rows()
        crossing = set(Case.objects.filter(
            received_at__lt=dt.datetime(2026, 4, 9, tzinfo=CHINA),
            accepted_at__gte=dt.datetime(2026, 4, 9, tzinfo=CHINA),
            kind__in=["complaint", "appeal", "dispute"],
        ).values_list("pk", "working_days_to_acceptance"))
        assert crossing
        override = calendar_override_set(date=dt.date(2026, 4, 9), kind="holiday",
                                         note="测试", acting_user=people.head)
        assert summary_rows() == full_recount() != before
        for pk, days in crossing:
            assert Case.objects.get(pk=pk).working_days_to_acceptance == days - 1
        calendar_override_remove(override=override, acting_user=people.head)
        assert not CalendarOverride.objects.exists()
        assert summary_rows() == before == full_recount()


def test_x1_figures_written_in_a_failed_transaction_are_rolled_back_with_it(people,
                                                                            cases_2026):  # noqa: F811
    """X1: the summary rows move in the action's own transaction: when what surrounds the
    action fails, the figures are as if it never ran."""
    pending = Case.objects.get(kind="dispute", state="received")
    with at(2026, 7, 2, 10, 0):
        before, stored = summary_rows(), stored_figures()
        with pytest.raises(RuntimeError), transaction.atomic():
            accept(people, pending)
            assert summary_rows() != before  # counted inside the transaction
            raise RuntimeError("the request failed after the action")
        assert summary_rows() == before
        assert stored_figures() == stored
        accept(people, pending)
        assert summary_rows() != before and summary_rows() == full_recount()
        assert complaint_statistics(2026).acceptance_on_time == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serializes writers: no race to lose a count in")
@pytest.mark.django_db(transaction=True)
def test_x1_racing_actions_never_lose_a_count():
    """X1: actions in different transactions counting into the same month, the first of
    them creating its row, all add up (PostgreSQL: concurrent transactions for real)."""
    import threading

    from django.db import connections

    from caseflow.actions.yearly_figures import summary_add

    racers, start = 6, threading.Barrier(6)
    errors = []

    def count_one(verdict):
        try:
            with transaction.atomic():
                start.wait(timeout=10)
                summary_add(months=Counter({(2026, 3, "acceptance", verdict): 1}),
                            tallies=Counter({(2026, "acceptance", 4): 1}))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count_one, args=("on_time" if i % 3 else "late",))
               for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    row = OnTimeMonth.objects.get(year=2026, month=3, deadline="acceptance")
    assert (row.on_time, row.late) == (4, 2)
    assert WorkingDaysTally.objects.get(year=2026, span="acceptance", working_days=4).cases == 6
