"""W1: the working-day calendar refuses a date it cannot count with a domain error, never
an overflow."""

import datetime as dt

import pytest

from caseflow.errors import CaseflowError, InvalidInput, OutsideCalendar
from caseflow.workdays import LAST_DAY, add_working_days, working_days_between


def test_w1_a_date_past_the_calendar_is_a_domain_error_not_an_overflow():
    with pytest.raises(OutsideCalendar) as refused:
        add_working_days(dt.date(9999, 12, 31), 15)
    assert isinstance(refused.value, InvalidInput) and isinstance(refused.value, CaseflowError)
    assert refused.value.rule == "W1"


def test_w1_counting_that_runs_past_the_calendar_is_refused():
    with pytest.raises(OutsideCalendar):
        add_working_days(LAST_DAY - dt.timedelta(days=3), 15)
    with pytest.raises(OutsideCalendar):
        add_working_days(dt.date(1, 1, 1), 0)
    with pytest.raises(OutsideCalendar):
        working_days_between(dt.date(2026, 1, 5), dt.date(9999, 12, 31))


@pytest.mark.django_db
def test_w1_the_actions_name_the_field_holding_a_date_past_the_calendar(people):
    from caseflow.actions.calendar_overrides import calendar_override_set
    from caseflow.actions.intake import PartyDetails, case_register

    with pytest.raises(OutsideCalendar) as refused:
        calendar_override_set(date=dt.date(9999, 12, 31), kind="holiday",
                              acting_user=people.head)
    assert refused.value.field == "date"
    with pytest.raises(OutsideCalendar) as refused:
        case_register(kind="complaint", subject="s", description="d", scope="a",
                      channel="email", received_at=dt.datetime(1999, 1, 1, tzinfo=dt.UTC),
                      submitter=PartyDetails(name="张三"), acting_user=people.office)
    assert refused.value.field == "received_at"
