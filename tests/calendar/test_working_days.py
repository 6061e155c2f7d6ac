"""W1–W3 on real dates of the official 2026 schedule."""

import datetime as dt

import pytest

from caseflow.workdays import (
    CHINA,
    Overrides,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_w1_weekends_and_statutory_holidays_are_off():
    """W1: a Saturday and National Day are days off; a Wednesday is not."""
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 10, 1))  # National Day
    assert is_working_day(dt.date(2026, 11, 25))  # Wednesday


def test_w1_make_up_working_saturday_counts():
    """W1: 2026-10-10 is a Saturday worked (调休上班) and counts as a working day."""
    assert is_working_day(dt.date(2026, 10, 10))
    # Received Friday 10-09: the Saturday make-up day is working day 1.
    deadline = add_working_days(dt.date(2026, 10, 9), 1)
    assert deadline.due_at == dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=CHINA)


def test_w2_seven_working_days_across_national_day():
    """W2: received 2026-09-29 (day 0); 09-30 is day 1, the holiday 10-01..10-07 is skipped,
    10-08 day 2, 10-09 day 3, Saturday 10-10 (make-up) day 4, 10-12..10-14 days 5–7."""
    deadline = add_working_days(dt.date(2026, 9, 29), 7)
    assert deadline.due_at == dt.datetime(2026, 10, 14, 23, 59, 59, tzinfo=CHINA)
    assert deadline.provisional is False


def test_w2_day_of_receipt_is_day_zero_even_late_at_night():
    """W2: a receipt at 23:30 Beijing time still counts that day as day 0."""
    received = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    deadline = add_working_days(received, 1)
    assert deadline.due_at == dt.datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)


def test_w2_sunday_receipt_counts_from_monday():
    """W2: received Sunday 2026-11-22: Monday 11-23 is day 1, so 7 WD end Tue 12-01."""
    deadline = add_working_days(dt.date(2026, 11, 22), 7)
    assert deadline.due_at == dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=CHINA)


def test_w2_naive_datetime_is_refused():
    """W2: time zone matters for day 0, so a naive datetime is an error, not a guess."""
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 11, 24, 23, 30), 1)


def test_w2_working_days_between_inverts_add():
    """W2: counting back the working days to a deadline gives n again."""
    start = dt.date(2026, 9, 29)
    assert working_days_between(start, add_working_days(start, 7).due_at) == 7
    assert working_days_between(add_working_days(start, 7).due_at, start) == -7


def test_w3_year_missing_from_data_is_provisional():
    """W3: 2027's schedule is not published in the data: weekdays, marked provisional."""
    deadline = add_working_days(dt.date(2026, 12, 28), 7)
    # 12-29, 12-30, 12-31 (2026, official), then 2027 weekdays 01-01 (Fri) .. 01-06.
    assert deadline.due_at == dt.datetime(2027, 1, 6, 23, 59, 59, tzinfo=CHINA)
    assert deadline.provisional is True


def test_w3_deadline_inside_a_known_year_is_not_provisional():
    """W3: a deadline that stays inside 2026 is official, not provisional."""
    assert add_working_days(dt.date(2026, 12, 1), 7).provisional is False


def test_w3_override_moves_a_deadline():
    """W3: an administrator's holiday on 2027-01-01 pushes the deadline one working day."""
    overrides = Overrides(days={dt.date(2027, 1, 1): False})
    deadline = add_working_days(dt.date(2026, 12, 28), 7, overrides)
    assert deadline.due_at == dt.datetime(2027, 1, 7, 23, 59, 59, tzinfo=CHINA)
    assert deadline.provisional is True  # the year is still not marked complete


def test_w3_override_make_up_day_counts_in_unknown_year():
    """W1/W3: an entered make-up Saturday in 2027 counts as a working day."""
    overrides = Overrides(days={dt.date(2027, 1, 2): True})
    assert is_working_day(dt.date(2027, 1, 2), overrides)
    assert not is_working_day(dt.date(2027, 1, 2))


def test_w3_marking_year_complete_ends_provisional():
    """W3: once 2027 is marked complete, its deadlines are no longer provisional."""
    overrides = Overrides(days={dt.date(2027, 1, 1): False}, complete_years=frozenset({2027}))
    deadline = add_working_days(dt.date(2026, 12, 28), 7, overrides)
    assert deadline.provisional is False
    assert deadline.due_at == dt.datetime(2027, 1, 7, 23, 59, 59, tzinfo=CHINA)


def test_w1_override_corrects_the_package():
    """W1: an override wins over the package's data for a covered year."""
    overrides = Overrides(days={dt.date(2026, 11, 25): False})
    assert not is_working_day(dt.date(2026, 11, 25), overrides)
