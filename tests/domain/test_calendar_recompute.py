"""Marking a year complete recomputes open provisional deadlines (W3): a case's own
deadline and an appeal's filing window (R8.08), with `filed_late` following it."""

import datetime as dt

import pytest

from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.actions.calendar_overrides import calendar_override_remove, calendar_override_set
from caseflow.actions.intake import case_accept
from caseflow.errors import InvalidInput
from caseflow.models import CalendarOverride
from caseflow.workdays import CHINA
from tests.personas import appeal, clock_at, commit, complaint

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


# The appellant received the decision on Thu 2026-12-10 (day 0). Eleven working days are
# left in 2026, so the 30th falls in 2027, which the data package has no schedule for:
# counted in weekdays (Fri 2027-01-01 included) the window ends Thu 2027-01-21.
DECISION_RECEIVED = dt.date(2026, 12, 10)
WEEKDAY_WINDOW_END = dt.datetime(2027, 1, 21, 23, 59, 59, tzinfo=CHINA)
NEW_YEAR_WINDOW_END = dt.datetime(2027, 1, 22, 23, 59, 59, tzinfo=CHINA)


def actions(case):
    return list(case.events.order_by("id").values_list("action", flat=True))


def test_w3_appeal_filing_window_in_an_unknown_year_is_provisional_and_recomputed(
        people, admin_user):
    """W3, R8.08: an appeal received Fri 2027-01-22 against a decision received
    2026-12-10 is late by the weekday count (window ends 2027-01-21), provisionally.
    The head enters New Year's Day 2027 as a holiday: the window ends a day later, the
    appeal is no longer late, and the case records both changes. Marking 2027 complete
    ends the provisional mark, with one more event and no other change."""
    received = dt.datetime(2027, 1, 22, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = appeal(people, decision_received_on=DECISION_RECEIVED, received_at=received)
        assert (case.filing_window_ends_at, case.filing_window_provisional) == (
            WEEKDAY_WINDOW_END, True)
        assert case.filed_late is True

        calendar_override_set(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY,
                              note="元旦", acting_user=people.head)
        case.refresh_from_db()
        assert (case.filing_window_ends_at, case.filing_window_provisional) == (
            NEW_YEAR_WINDOW_END, True)
        assert case.filed_late is False
        [moved] = case.events.filter(action="filing_window_recomputed")
        assert moved.payload == {"before": WEEKDAY_WINDOW_END.isoformat(),
                                 "after": NEW_YEAR_WINDOW_END.isoformat(),
                                 "provisional": True}
        [flipped] = case.events.filter(action="filed_late_changed")
        assert flipped.payload == {"filed_late": False,
                                   "window_ends_at": NEW_YEAR_WINDOW_END.isoformat()}
        assert flipped.actor is None and flipped.actor_label == "calendar"

        calendar_year_mark_complete(year=2027, acting_user=admin_user)
        case.refresh_from_db()
        assert (case.filing_window_ends_at, case.filing_window_provisional) == (
            NEW_YEAR_WINDOW_END, False)
        assert case.filed_late is False
        assert actions(case).count("filing_window_recomputed") == 2
        assert actions(case).count("filed_late_changed") == 1


def test_w3_filed_late_flips_back_when_the_entered_holiday_is_removed(people):
    """R8.08, W3: the holiday that made the appeal timely is removed again: the window
    returns to 2027-01-21 and the appeal is late once more, so accepting it needs a
    reason again. Each move is an event."""
    received = dt.datetime(2027, 1, 22, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = appeal(people, decision_received_on=DECISION_RECEIVED, received_at=received)
        holiday = calendar_override_set(date=dt.date(2027, 1, 1),
                                        kind=CalendarOverride.Kind.HOLIDAY, note="元旦",
                                        acting_user=people.head)
        case.refresh_from_db()
        assert case.filed_late is False
        calendar_override_remove(override=holiday, acting_user=people.head)
        case.refresh_from_db()
        assert (case.filing_window_ends_at, case.filed_late) == (WEEKDAY_WINDOW_END, True)
        assert [e.payload["filed_late"] for e in
                case.events.filter(action="filed_late_changed").order_by("id")] == [False, True]
        commit(case, people.head)
        with pytest.raises(InvalidInput) as refused:
            case_accept(case=case, acting_user=people.head, action_to_take="组织复核")
        assert refused.value.rule == "R8.08"


def test_w3_a_timely_appeal_becomes_late_when_a_holiday_is_turned_into_a_working_day(
        people):
    """R8.08, W1: received 2027-01-22, the day after the weekday window ends, an appeal
    is timely only while 2027-01-01 is off; the head who corrects that day to a make-up
    working day moves the window back a day: the appeal becomes late, with its events."""
    received = dt.datetime(2027, 1, 22, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        calendar_override_set(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY,
                              note="元旦", acting_user=people.head)
        case = appeal(people, decision_received_on=DECISION_RECEIVED, received_at=received)
        assert (case.filing_window_ends_at, case.filed_late) == (NEW_YEAR_WINDOW_END, False)
        calendar_override_set(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.WORKDAY,
                              note="更正", acting_user=people.head)
        case.refresh_from_db()
        assert (case.filing_window_ends_at, case.filed_late) == (WEEKDAY_WINDOW_END, True)
        assert actions(case)[-2:] == ["filing_window_recomputed", "filed_late_changed"]


def test_w3_closed_appeals_keep_their_filing_window(people, admin_user):
    """W3: a withdrawn appeal is history: its window and `filed_late` stay as they were."""
    from caseflow.actions.intake import case_withdraw

    received = dt.datetime(2027, 1, 22, 10, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = appeal(people, decision_received_on=DECISION_RECEIVED, received_at=received)
        commit(case, people.office)
        case_withdraw(case=case, acting_user=people.office, reason="撤回")
        calendar_override_set(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY,
                              note="元旦", acting_user=people.head)
        calendar_year_mark_complete(year=2027, acting_user=admin_user)
    case.refresh_from_db()
    assert (case.filing_window_ends_at, case.filing_window_provisional, case.filed_late) == (
        WEEKDAY_WINDOW_END, True, True)
    assert "filing_window_recomputed" not in actions(case)


def test_r8_08_an_appeal_in_a_known_year_has_a_firm_filing_window(people):
    """R8.08: a window inside 2026 (official schedule known) is not provisional; the case
    file carries where it ends."""
    received = dt.datetime(2026, 11, 19, 17, 0, tzinfo=CHINA)
    with clock_at(people, received):
        case = appeal(people, decision_received_on=dt.date(2026, 10, 9), received_at=received)
    assert case.filing_window_ends_at == dt.datetime(2026, 11, 19, 23, 59, 59, tzinfo=CHINA)
    assert case.filing_window_provisional is False and case.filed_late is False
