"""The calendar's configuration data in the database and the admin (W3)."""

import datetime as dt

import pytest

from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.models import CalendarOverride, CalendarYear
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, add_working_days

pytestmark = pytest.mark.django_db


def test_w3_override_entered_in_admin_moves_deadline_and_keeps_history(admin_client, admin_user):
    """W3: an override added through the admin changes the computed deadline, and the
    change is kept in its history with who made it."""
    before = add_working_days(dt.date(2026, 12, 28), 7, calendar_overrides())
    response = admin_client.post(
        "/admin/caseflow/calendaroverride/add/",
        {"date": "2027-01-01", "kind": "holiday", "note": "元旦"},
    )
    assert response.status_code == 302, response.content
    after = add_working_days(dt.date(2026, 12, 28), 7, calendar_overrides())
    assert after.due_at == before.due_at + dt.timedelta(days=1)
    override = CalendarOverride.objects.get(date=dt.date(2027, 1, 1))
    [entry] = override.history.all()
    assert entry.history_user == admin_user
    assert entry.history_type == "+"


def test_w3_admin_marks_year_complete_through_the_action(admin_client, admin_user):
    """W3: the admin's "mark complete" action sets the flag with who and when; the
    deadline loses its provisional mark."""
    year = CalendarYear.objects.create(year=2027)
    assert add_working_days(dt.date(2026, 12, 28), 7, calendar_overrides()).provisional
    response = admin_client.post(
        "/admin/caseflow/calendaryear/",
        {"action": "mark_complete", "_selected_action": [year.pk]},
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.schedule_complete and year.completed_by == admin_user
    deadline = add_working_days(dt.date(2026, 12, 28), 7, calendar_overrides())
    assert deadline.provisional is False
    assert deadline.due_at == dt.datetime(2027, 1, 6, 23, 59, 59, tzinfo=CHINA)
    assert year.history.count() == 2


def test_w3_completion_cannot_be_set_by_editing_the_form(admin_client):
    """W3: the flag is read-only in the change form; only the action sets it."""
    year = CalendarYear.objects.create(year=2028)
    admin_client.post(
        f"/admin/caseflow/calendaryear/{year.pk}/change/",
        {"year": 2028, "schedule_complete": "on"},
    )
    year.refresh_from_db()
    assert year.schedule_complete is False


def test_w3_mark_complete_rejects_absurd_year(admin_user):
    """W3: a year outside any plausible schedule is refused, nothing written."""
    from caseflow.errors import InvalidInput

    with pytest.raises(InvalidInput):
        calendar_year_mark_complete(year=1900, acting_user=admin_user)
    assert not CalendarYear.objects.exists()


def test_w1_correcting_a_day_of_an_official_year_moves_open_deadlines(people):
    """W1: an override entered for 2026 (a known year) recomputes every open deadline it
    touches, with an event, not only the provisional ones."""
    from caseflow.actions.calendar_overrides import calendar_override_set
    from caseflow.models import RoleAssignment
    from tests.personas import complaint

    RoleAssignment.objects.create(staff=people.office_2, role="quality_assurance")
    received = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    import time_machine

    with time_machine.travel(received):
        case = complaint(people, received_at=received)
    before = case.due_at
    calendar_override_set(date=dt.date(2026, 11, 5), kind="holiday", note="临时停工",
                          acting_user=people.office_2)
    case.refresh_from_db()
    assert case.due_at == before + dt.timedelta(days=1)
    assert case.events.filter(action="deadline_recomputed").count() == 1
