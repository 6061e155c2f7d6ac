"""Marking a year complete recomputes open provisional deadlines (W3)."""

import datetime as dt

import pytest

from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.models import CalendarOverride
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db


def test_w3_deadline_in_unknown_year_is_provisional_and_marking_complete_recomputes(
        people, admin_user):
    """W3: a complaint received 2026-12-28 has its acceptance deadline in 2027, whose
    schedule is unknown: provisional. The administrator enters 2027-01-01 as a holiday and
    marks 2027 complete: the deadline moves a day, is no longer provisional, and the case
    records one event for the change. Closed cases are left alone."""
    received = dt.datetime(2026, 12, 28, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = complaint(people, received_at=received)
        closed = complaint(people, received_at=received)
        commit(closed, people.office)
        from caseflow.actions.intake import case_withdraw

        case_withdraw(case=closed, acting_user=people.office, reason="撤回")
    assert case.deadline_provisional
    assert case.due_at == dt.datetime(2027, 1, 6, 23, 59, 59, tzinfo=CHINA)

    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), kind="holiday", note="元旦")
    calendar_year_mark_complete(year=2027, acting_user=admin_user)

    case.refresh_from_db()
    assert not case.deadline_provisional
    assert case.due_at == dt.datetime(2027, 1, 7, 23, 59, 59, tzinfo=CHINA)
    assert case.acceptance_due_at == case.due_at
    [event] = case.events.filter(action="deadline_recomputed")
    assert event.payload["provisional"] is False
    assert not closed.events.filter(action="deadline_recomputed").exists()


def test_w3_marking_complete_twice_records_nothing_more(people, admin_user):
    """W3: recomputation only records real changes."""
    received = dt.datetime(2026, 12, 28, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = complaint(people, received_at=received)
    calendar_year_mark_complete(year=2027, acting_user=admin_user)
    calendar_year_mark_complete(year=2027, acting_user=admin_user)
    assert case.events.filter(action="deadline_recomputed").count() == 1
