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
