"""W1–W3: counting working days through the table of cumulative working days gives what
walking the calendar one day at a time gives, with and without the administrator's
overrides; the table is built once per set of overrides."""

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.workdays import (
    Overrides,
    add_working_days,
    check_in_calendar,
    day_status,
    end_of_day,
    package_covers,
    working_day_table,
    working_days_between,
)


def walked_deadline(start: dt.date, n: int, overrides: Overrides):
    """The day-by-day walk the table replaced (the reference)."""
    day = start
    provisional = day_status(day, overrides)[1] if n == 0 else False
    counted = 0
    while counted < n:
        day = check_in_calendar(day + dt.timedelta(days=1))
        working, guessed = day_status(day, overrides)
        provisional = provisional or guessed
        counted += working
    return end_of_day(day), provisional


def walked_between(a: dt.date, b: dt.date, overrides: Overrides) -> int:
    first, last, sign = (a, b, 1) if a <= b else (b, a, -1)
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        count += day_status(day, overrides)[0]
    return sign * count


def test_w1_the_table_agrees_with_the_package_on_every_day_it_covers():
    table = working_day_table()
    day = dt.date(2004, 1, 1)
    assert package_covers(2004) and package_covers(2026)
    while day <= dt.date(2026, 12, 31):
        assert table.is_working(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


OVERRIDE_SETS = [
    Overrides(),
    # 2027 before and after an administrator entered and completed its schedule
    Overrides(days={dt.date(2027, 1, 1): False, dt.date(2027, 1, 2): True}),
    Overrides(days={dt.date(2027, 1, 1): False, dt.date(2027, 2, 6): True},
              complete_years=frozenset({2027})),
    Overrides(days={dt.date(2026, 11, 25): False}),  # correcting the package
]

days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2029, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=60),
       overrides=st.sampled_from(OVERRIDE_SETS))
def test_w2_w3_deadlines_from_the_table_equal_the_day_by_day_walk(start, n, overrides):
    deadline = add_working_days(start, n, overrides)
    assert (deadline.due_at, deadline.provisional) == walked_deadline(start, n, overrides)


@settings(max_examples=300, deadline=None)
@given(a=days, b=days, overrides=st.sampled_from(OVERRIDE_SETS))
def test_w2_spans_from_the_table_equal_the_day_by_day_count(a, b, overrides):
    assert working_days_between(a, b, overrides) == walked_between(a, b, overrides)


def test_the_table_is_built_once_per_set_of_overrides():
    same = Overrides(days={dt.date(2027, 1, 1): False})
    assert working_day_table(same) is working_day_table(
        Overrides(days={dt.date(2027, 1, 1): False}))
    assert working_day_table(same) is not working_day_table(Overrides())
    assert working_day_table(same).is_working(dt.date(2027, 1, 1)) is False
    assert working_day_table().is_working(dt.date(2027, 1, 1)) is True  # a Friday, guessed
