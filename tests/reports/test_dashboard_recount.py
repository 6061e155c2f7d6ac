"""X1: the dashboard's figures, counted by the database through indexes, equal a full
recount of every case row by row (the way they were computed before: each case's
verdict in Python, working days walked one day at a time). Figures are exact at the
moment of the request: counted again, nothing cached."""

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.utils import timezone

from caseflow.actions.intake import PartyDetails
from caseflow.actions.nonconformities import current_cycle, nonconformity_open
from caseflow.models import AnalysisCycle, Case, Notification
from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.selectors import dashboard
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.cases import DUE_SOON_WORKING_DAYS, cases_for_staff
from caseflow.selectors.dashboard import dashboard_summary
from caseflow.selectors.reports import (
    HANDLED_KINDS,
    LATE,
    ON_TIME,
    SETTLED_COMPLAINT_STATES,
    acceptance_timeliness,
    complaint_statistics,
    report_timeliness,
)
from caseflow.workdays import CHINA, add_working_days, china_date, day_status
from tests.personas import complaint
from tests.reports.test_yearly_reports import accept, at, cases_2026, settle  # noqa: F401

pytestmark = pytest.mark.django_db

MOMENTS = [dt.datetime(2026, 5, 12, 9, tzinfo=CHINA), dt.datetime(2026, 6, 30, 12, tzinfo=CHINA),
           dt.datetime(2026, 7, 9, 9, tzinfo=CHINA)]


def walked_working_days(a: dt.datetime, b: dt.datetime) -> int:
    """The working days after `a` up to `b`, one day at a time (the reference)."""
    overrides = calendar_overrides()
    first, last = china_date(a), china_date(b)
    sign = 1 if first <= last else -1
    first, last = min(first, last), max(first, last)
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        count += day_status(day, overrides)[0]
    return sign * count


def assert_year_figures_match(summary, expected: dict) -> None:
    """X1: the on-time counts by month and the medians equal the recount's."""
    assert {m.month: (m.on_time, m.late)
            for m in summary.acceptance_on_time_by_month} == expected["acceptance"]
    assert {m.month: (m.on_time, m.late)
            for m in summary.corrective_reports_on_time_by_month} == expected["reports"]
    assert summary.median_working_days_to_acceptance == expected["median_acceptance"]
    assert summary.median_working_days_to_closure == expected["median_closure"]


def recount(year: int, now: dt.datetime, viewer) -> dict:
    """Every figure of the dashboard from every row, in Python."""
    cases = list(Case.objects.all())
    open_cases = [c for c in cases if c.state not in FINAL_STATES]
    by_kind: dict[str, dict[str, int]] = {}
    for c in open_cases:
        by_kind.setdefault(c.kind, {}).setdefault(c.state, 0)
        by_kind[c.kind][c.state] += 1
    loads = Counter(c.handler_id for c in open_cases)
    late = Counter(c.handler_id for c in open_cases if c.due_at and c.due_at < now)
    in_year = [c for c in cases if timezone.localtime(c.received_at).year == year]
    handled = [c for c in in_year if c.kind in HANDLED_KINDS]
    acceptance = {m: Counter() for m in range(1, 13)}
    for c in handled:
        verdict = acceptance_timeliness(accepted_at=c.accepted_at,
                                        acceptance_due_at=c.acceptance_due_at,
                                        state=c.state, closed_at=c.closed_at, now=now)
        if verdict in (ON_TIME, LATE):
            acceptance[timezone.localtime(c.received_at).month][verdict] += 1
    reports = {m: Counter() for m in range(1, 13)}
    for cycle in AnalysisCycle.objects.filter(report_due_on__isnull=False).select_related(
            "nonconformity__case"):
        received = timezone.localtime(cycle.nonconformity.case.received_at)
        if received.year != year:
            continue
        verdict = report_timeliness(report_due_on=cycle.report_due_on,
                                    reported_at=cycle.reported_at,
                                    today=timezone.localdate(now))
        if verdict in (ON_TIME, LATE):
            reports[received.month][verdict] += 1
    to_acceptance = [walked_working_days(c.received_at, c.accepted_at)
                     for c in handled if c.accepted_at]
    to_closure = [walked_working_days(c.received_at, c.closed_at)
                  for c in handled if c.state == S.CLOSED and c.closed_at]
    visible = [c for c in cases_for_staff(viewer) if c.state not in FINAL_STATES]
    soon = add_working_days(now, DUE_SOON_WORKING_DAYS, calendar_overrides()).due_at
    return {
        "by_kind": by_kind,
        "loads": {h: (n, late[h]) for h, n in loads.items()},
        "acceptance": {m: (c[ON_TIME], c[LATE]) for m, c in acceptance.items()},
        "reports": {m: (c[ON_TIME], c[LATE]) for m, c in reports.items()},
        "median_acceptance": statistics.median(to_acceptance) if to_acceptance else None,
        "median_closure": statistics.median(to_closure) if to_closure else None,
        "overdue": sorted((c.due_at, c.number) for c in visible if c.due_at and c.due_at < now),
        "due_soon": sorted((c.due_at, c.number) for c in visible
                           if c.due_at and now <= c.due_at <= soon),
        "notifications": Counter(Notification.objects.values_list("status", flat=True)),
        "handled": handled,
    }


@pytest.fixture
def spread(people, cases_2026):  # noqa: F811
    """The yearly fixture's cases, more complaints closed and left open, nonconformities
    with reports on time, late and not yet due, a failed notification."""
    with at(2026, 4, 7, 10, 0):
        closed = accept(people, complaint(people, received_at=timezone.now()))
    with at(2026, 4, 27, 10, 0):
        settle(people, closed, substantiated=False)
    with at(2026, 6, 24, 10, 0):
        accept(people, complaint(people, received_at=timezone.now(),
                                 respondent=PartyDetails(name="某公司"),
                                 engagement=None))
        complaint(people, received_at=timezone.now())
    for received, due, reported in [
            ((2026, 3, 2), dt.date(2026, 4, 30), dt.date(2026, 4, 30)),
            ((2026, 3, 9), dt.date(2026, 4, 30), dt.date(2026, 5, 6)),
            ((2026, 4, 1), dt.date(2026, 5, 29), None),
            ((2026, 5, 4), dt.date(2026, 7, 1), None)]:
        with at(*received, 10, 0):
            case = nonconformity_open(source="routine_inspection", subject="记录不全",
                                      description="记录未归档。", acting_user=people.head)
        reported_at = (dt.datetime.combine(reported, dt.time(16), tzinfo=CHINA)
                       if reported else None)
        AnalysisCycle.objects.filter(pk=current_cycle(case).pk).update(
            report_due_on=due, reported_at=reported_at)
    Notification.objects.filter(pk=Notification.objects.order_by("id").first().pk).update(
        status=Notification.Status.FAILED, last_error="550 mailbox unavailable",
        failed_at=dt.datetime(2026, 6, 24, 10, 5, tzinfo=CHINA))


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.date().isoformat())
@pytest.mark.parametrize("viewer", ["head", "handler", "hu_wei"])
def test_x1_the_dashboard_equals_a_full_recount(people, spread, now, viewer):
    viewer = getattr(people, viewer)
    with at(*now.timetuple()[:5]):
        summary = dashboard_summary(year=2026, now=now, viewer=viewer)
        expected = recount(2026, now, viewer)
    assert summary.open_by_kind_and_state == expected["by_kind"]
    assert {h.handler: (h.open, h.overdue) for h in summary.load_by_handler} == expected["loads"]
    assert [h.open for h in summary.load_by_handler] == sorted(
        (h.open for h in summary.load_by_handler), reverse=True)
    assert_year_figures_match(summary, expected)
    assert {m.month: (m.on_time, m.late) for m in summary.on_time_by_month} == {
        m: (a[0] + r[0], a[1] + r[1]) for (m, a), r in zip(
            expected["acceptance"].items(), expected["reports"].values(), strict=True)}
    assert summary.overdue == [n for _, n in expected["overdue"]]
    assert summary.overdue_total == len(expected["overdue"])
    assert summary.due_within_two_working_days == [n for _, n in expected["due_soon"]]
    assert summary.due_within_two_working_days_total == len(expected["due_soon"])
    assert summary.notifications_by_status == {
        "pending": expected["notifications"]["pending"],
        "failed": expected["notifications"]["failed"]}
    assert expected["acceptance"][3] != (0, 0)  # the data does exercise the figures
    if viewer == people.head and now != MOMENTS[0]:
        assert summary.overdue_total > 0


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.date().isoformat())
def test_x1_the_statistics_equal_a_full_recount(people, spread, now):
    with at(*now.timetuple()[:5]):
        stats = complaint_statistics(2026, now=now)
        expected = recount(2026, now, people.head)
    handled = expected["handled"]
    verdicts = Counter(acceptance_timeliness(
        accepted_at=c.accepted_at, acceptance_due_at=c.acceptance_due_at, state=c.state,
        closed_at=c.closed_at, now=now) for c in handled)
    assert (stats.acceptance_on_time, stats.acceptance_late, stats.acceptance_pending) == (
        verdicts["on_time"], verdicts["late"], verdicts["pending"])
    assert stats.total == len(handled)
    assert stats.by_kind == {k: sum(c.kind == k for c in handled) for k in HANDLED_KINDS}
    assert stats.by_state == dict(sorted(Counter(c.state for c in handled).items()))
    assert sum(stats.by_scope.values()) == len(handled)
    assert stats.median_working_days_to_acceptance == expected["median_acceptance"]
    assert stats.median_working_days_to_closure == expected["median_closure"]
    settled = [c for c in handled if c.kind == "complaint" and c.substantiated
               and c.state in SETTLED_COMPLAINT_STATES]
    sub = stats.substantiated_by_respondent
    assert (sub.staff + sub.organization + sub.other) == len(settled)
    assert sub.staff == sum(bool(c.respondent and c.respondent.staff_id) for c in settled)


def test_the_lists_are_capped_and_say_how_many_there_are(people, spread, monkeypatch):
    """The overdue list names the first cases, most overdue first; the total counts all
    (the case list pages through the rest)."""
    now = MOMENTS[-1]
    monkeypatch.setattr(dashboard, "CASES_LISTED", 2)
    with at(*now.timetuple()[:5]):
        summary = dashboard_summary(year=2026, now=now, viewer=people.head)
        expected = recount(2026, now, people.head)
    assert len(expected["overdue"]) > 2
    assert summary.overdue == [n for _, n in expected["overdue"][:2]]
    assert summary.overdue_total == len(expected["overdue"])


def test_x1_a_figure_changes_with_the_next_request(people, spread):
    """Nothing is cached: a case accepted between two requests moves the figures."""
    now = MOMENTS[1]
    with at(2026, 6, 30, 12, 0):
        before = dashboard_summary(year=2026, now=now, viewer=people.head)
        pending = Case.objects.get(kind="complaint", state=S.RECEIVED, received_at__month=6)
        accept(people, pending)
        after = dashboard_summary(year=2026, now=now, viewer=people.head)
    june = 5
    assert (after.acceptance_on_time_by_month[june].on_time
            == before.acceptance_on_time_by_month[june].on_time + 1)
    assert (after.open_by_kind_and_state["complaint"].get("received", 0)
            == before.open_by_kind_and_state["complaint"]["received"] - 1)


def test_the_dashboard_runs_a_fixed_number_of_queries(people, spread,
                                                       django_assert_max_num_queries):
    """However many cases: what the viewer is recused from (5 small reads), the figures
    (15), the latest failures and which of them the viewer sees (2)."""
    with at(2026, 6, 30, 12, 0), django_assert_max_num_queries(22):
        dashboard_summary(year=2026, now=MOMENTS[1], viewer=people.head)


def test_the_open_case_indexes_name_every_final_state():
    """The partial indexes on open cases and the queries that use them state the final
    states in one fixed order; it must be the workflows' final states, all of them."""
    from caseflow.models import FINAL_STATE_NAMES

    assert tuple(sorted(FINAL_STATES)) == FINAL_STATE_NAMES


def test_the_latest_failures_come_first_and_hidden_ones_are_left_out(people, spread,
                                                                    monkeypatch):
    """Read a few at a time in the order they were given up on; a failure about a case
    hidden from the viewer is skipped and the next one listed."""
    from caseflow.selectors.dashboard import failed_notifications

    monkeypatch.setattr(dashboard, "FAILED_NOTIFICATIONS_LISTED", 2)
    visible = set(cases_for_staff(people.handler).values_list("pk", flat=True))
    about = Notification.objects.filter(case__isnull=False).order_by("id")
    seen = [n for n in about if n.case_id in visible][:2]
    hidden = [n for n in about if n.case_id not in visible][:2]
    assert len(seen) == len(hidden) == 2
    in_order = [seen[0], hidden[0], seen[1], hidden[1]]  # oldest failure first
    for minutes, n in enumerate(in_order):
        Notification.objects.filter(pk=n.pk).update(
            status=Notification.Status.FAILED,
            failed_at=MOMENTS[1] + dt.timedelta(minutes=minutes))
    assert [f.id for f in failed_notifications(people.head)] == [hidden[1].pk, seen[1].pk]
    assert [f.id for f in failed_notifications(people.handler)] == [seen[1].pk, seen[0].pk]
