"""The benchmarks' seed writes what the domain's actions would have written: each case's
deadline is the calendar's, its events follow its states, everyone who acted signed the
case's commitment first, a closed case is archived, a missed acceptance opened its
nonconformity, and the sweep, run at the seed's last moment, finds nothing left to do.
On such data the dashboard still equals a full recount."""

import datetime as dt
import random

import pytest

from bench import seed as bench_seed
from caseflow.actions.nonconformities import missed_acceptances_open_nonconformities
from caseflow.actions.time_driven import run_due
from caseflow.deadlines import ACCEPTANCE_WORKING_DAYS, case_deadline, reminded_on_case
from caseflow.models import (
    ArchiveRecord,
    Case,
    CaseEvent,
    CaseKind,
    Declaration,
    Nonconformity,
    Notification,
    Staff,
)
from caseflow.policies.transitions import FINAL_STATES
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.dashboard import dashboard_summary
from caseflow.workdays import CHINA, add_working_days
from tests.reports.test_dashboard_recount import assert_year_figures_match, recount

pytestmark = pytest.mark.django_db

UNTIL = dt.datetime(2026, 11, 30, 12, 0, tzinfo=CHINA)  # a Monday
SIZE = 400


@pytest.fixture
def seeded(db):
    written = bench_seed.seed(size=SIZE, seed=15, until=UNTIL, batch=150, vacuum=False)
    return written


def test_the_spread_is_a_busy_bodys(seeded):
    cases = Case.objects.exclude(nonconformity__trigger="missed_acceptance")
    assert cases.count() == SIZE
    closed = cases.filter(state__in=FINAL_STATES).count() / SIZE
    assert 0.85 <= closed <= 0.96, closed
    received = list(cases.order_by("received_at").values_list("received_at", flat=True))
    assert UNTIL - received[0] > dt.timedelta(days=4 * 365)  # five years
    assert set(cases.values_list("kind", flat=True)) == set(CaseKind.values)
    assert 5 < seeded["notification"] / SIZE < 12 and seeded["caseevent"] / SIZE > 6


def test_every_deadline_is_the_calendars(seeded):
    overrides = calendar_overrides()
    schedule = ReminderSchedule(overrides)
    for case in Case.objects.select_related("nonconformity"):
        if case.kind != CaseKind.NONCONFORMITY:
            assert case.acceptance_due_at == add_working_days(
                case.received_at, ACCEPTANCE_WORKING_DAYS, overrides).due_at, case.number
        if case.state in FINAL_STATES:
            assert case.due_at is None and case.next_reminder_at is None, case.number
            assert case.closed_at is not None
            continue
        d = case_deadline(case, since=case.state_since, overrides=overrides)
        assert (case.due_at, case.due_step, case.deadline_kind) == (d.due_at, d.step, d.kind)
        expected = schedule.next_moment(d.due_at, UNTIL) if reminded_on_case(d) else None
        assert case.next_reminder_at == expected, case.number


def test_events_follow_the_states_and_every_actor_signed_first(seeded):
    signed = set(Declaration.objects.filter(kind="case").values_list("staff_id", "case_id"))
    archived = set(ArchiveRecord.objects.values_list("case_id", flat=True))
    events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.order_by("at", "id"):
        events.setdefault(event.case_id, []).append(event)
    head = Staff.objects.get(user__username="head").pk
    signed_by_head = set(Case.objects.filter(
        engagement__report_signers=head).exclude(kind=CaseKind.NONCONFORMITY)
        .values_list("pk", flat=True))
    for case in Case.objects.all():
        moves = [e for e in events[case.pk] if e.from_state != e.to_state]
        state = events[case.pk][0].to_state
        for move in moves:
            assert move.from_state == state, (case.number, move.action)
            state = move.to_state
        assert state == case.state, case.number
        for event in events[case.pk]:
            if event.actor_id and event.action not in ("received", "nonconformity_opened",
                                                       "commitment_signed"):
                assert (event.actor_id, case.pk) in signed, (case.number, event.action)
        if case.pk in signed_by_head:  # R8.15: he signed the report this case is about
            assert all(e.actor_id != head for e in events[case.pk]), case.number
        assert (case.pk in archived) == (case.state in FINAL_STATES), case.number


def test_r7_01_every_missed_acceptance_has_its_nonconformity(seeded):
    opened = Nonconformity.objects.filter(trigger="missed_acceptance")
    assert opened.exists()
    assert set(Case.objects.filter(acceptance_missed=True).values_list("pk", flat=True)) == \
        set(opened.values_list("case__origin_case_id", flat=True))
    assert missed_acceptances_open_nonconformities(now=UNTIL) == []


def test_the_sweep_at_the_seeds_last_moment_finds_nothing_due(seeded):
    before = Notification.objects.exclude(template="digest").count()
    result = run_due(now=UNTIL)
    assert result.closed_appeals == [] and result.nonconformities_opened == []
    assert result.reminders.swept == 0
    assert Notification.objects.exclude(template="digest").count() == before


def test_the_dashboard_equals_a_full_recount_on_the_seeded_spread(seeded):
    head = Staff.objects.get(user__username="head")
    project = Staff.objects.get(user__username="project1")
    for viewer in (head, project):
        summary = dashboard_summary(year=UNTIL.year, now=UNTIL, viewer=viewer)
        expected = recount(UNTIL.year, UNTIL, viewer)
        assert summary.open_by_kind_and_state == expected["by_kind"]
        assert_year_figures_match(summary, expected)
        assert summary.overdue_total == len(expected["overdue"])
        assert summary.overdue == [n for _, n in expected["overdue"]][:len(summary.overdue)]
        assert summary.notifications_by_status["failed"] == expected["notifications"]["failed"]


def test_x1_the_seed_stores_the_figures_the_actions_would(seeded):
    """X1: every case's and cycle's stored figures are what the actions store (the
    rebuild at the end of seeding found none to correct), and the summary tables hold
    the full recount."""
    from caseflow.models import OnTimeMonth, WorkingDaysTally
    from caseflow.selectors.yearly_figures_recount import on_time_recount, working_days_recount

    assert seeded["figures_corrected"] == 0
    months = {(r.year, r.month, r.deadline, v): n for r in OnTimeMonth.objects.all()
              for v, n in (("on_time", r.on_time), ("late", r.late)) if n}
    assert months == on_time_recount(today=UNTIL.date()) and months
    tallies = {(t.year, t.span, t.working_days): t.cases
               for t in WorkingDaysTally.objects.all()}
    assert tallies == working_days_recount(overrides=calendar_overrides()) and tallies


def test_the_same_seed_gives_the_same_rows(seeded):
    """Reproducible: two runs from one seed generate the same rows."""
    body = bench_seed.body_create(random.Random(15), engagements=200, until=UNTIL)

    def generated():
        tables = {m._meta.model_name: bench_seed.Table(m, 1) for m in bench_seed.MODELS}
        seeder = bench_seed.Seeder(rng=random.Random(7), body=body, until=UNTIL,
                                   tables=tables)
        for n, received in enumerate(seeder.received_times(60), start=1):
            seeder.case(n, received)
        return {name: table.rows for name, table in tables.items()}

    assert generated() == generated()
