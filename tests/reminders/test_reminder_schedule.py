"""The reminder moments of a deadline (issue 12): working mornings two working days
ahead, on the due day, then every working morning while overdue, counted by the
working-day calendar (W1), provisional years included (W3). Pure: no database."""

import datetime as dt

import pytest

from caseflow.reminder_schedule import (
    ReminderSchedule,
    next_reminder_moment,
    reminder_threshold,
)
from caseflow.workdays import CHINA, NO_OVERRIDES, Overrides, end_of_day


def morning(day: dt.date, hour=9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)


def moments(due_on: dt.date, start: dt.date, count: int, overrides=NO_OVERRIDES, hour=9):
    """The first `count` reminder moments after the start of `start`, with thresholds."""
    schedule = ReminderSchedule(overrides, hour=hour)
    found, after = [], dt.datetime.combine(start, dt.time(0), tzinfo=CHINA)
    for _ in range(count):
        moment = schedule.next_moment(end_of_day(due_on), after)
        threshold = schedule.latest(end_of_day(due_on), moment)
        assert threshold.moment == moment
        found.append((moment.date().isoformat(), threshold.name,
                      threshold.overdue_working_days))
        after = moment
    return found


def test_w1_national_day_2026_moves_the_mornings_around_the_holiday():
    """W1: due Friday 9 October 2026, after the National Day holiday (1–7 October): warned
    on Wednesday 30 September, the second working day before it (8 October is the
    first); overdue on Saturday 10 October, a make-up working day (调休上班), then on
    Monday 12 October — never on a holiday or an ordinary weekend."""
    assert moments(dt.date(2026, 10, 9), dt.date(2026, 9, 22), 5) == [
        ("2026-09-30", "due_soon", 0),
        ("2026-10-09", "due_today", 0),
        ("2026-10-10", "overdue", 1),
        ("2026-10-12", "overdue", 2),
        ("2026-10-13", "overdue", 3),
    ]


def test_w1_spring_festival_2026_counts_its_make_up_saturdays():
    """W1: due Tuesday 24 February 2026, the first working day after the Spring Festival
    (15–23 February): Saturday 14 February is a make-up working day, so the warning two
    working days ahead is on Friday 13 February; Saturday 28 February is worked too."""
    assert moments(dt.date(2026, 2, 24), dt.date(2026, 2, 2), 7) == [
        ("2026-02-13", "due_soon", 0),
        ("2026-02-24", "due_today", 0),
        ("2026-02-25", "overdue", 1),
        ("2026-02-26", "overdue", 2),
        ("2026-02-27", "overdue", 3),
        ("2026-02-28", "overdue", 4),
        ("2026-03-02", "overdue", 5),
    ]


def test_a_due_day_off_work_is_reminded_on_the_last_working_morning_before_it():
    """A date due on a Sunday (a loan's return date, say): the warning two working days
    ahead (Thursday), the last morning at work before it (Friday), then overdue from
    Monday."""
    assert moments(dt.date(2026, 11, 8), dt.date(2026, 11, 2), 3) == [
        ("2026-11-05", "due_soon", 0),
        ("2026-11-06", "due_today", 0),
        ("2026-11-09", "overdue", 1),
    ]


def test_w3_provisional_2027_counts_weekdays_until_the_schedule_is_entered():
    """W3: 2027's schedule is not in the data package: its weekdays count (Friday 5 and
    Monday 8 February 2027 are working mornings) until an administrator enters the
    Spring Festival holiday; then the same deadline is reminded around it."""
    due = dt.date(2027, 2, 9)
    assert moments(due, dt.date(2027, 2, 1), 3) == [
        ("2027-02-05", "due_soon", 0),
        ("2027-02-09", "due_today", 0),
        ("2027-02-10", "overdue", 1),
    ]
    festival = {dt.date(2027, 2, 5) + dt.timedelta(days=i): False for i in range(4)}
    entered = Overrides(days=festival | {dt.date(2027, 2, 20): True},
                        complete_years=frozenset({2027}))
    assert moments(due, dt.date(2027, 2, 1), 3, entered) == [
        ("2027-02-03", "due_soon", 0),
        ("2027-02-09", "due_today", 0),
        ("2027-02-10", "overdue", 1),
    ]


def test_the_hour_is_configurable_and_the_moment_itself_is_not_after_itself(settings):
    """The reminder hour comes from settings (default 09:00 Beijing time); the next moment
    is strictly after the one asked about, so a sweep at 09:00 schedules the next day's."""
    due = end_of_day(dt.date(2026, 11, 20))
    assert next_reminder_moment(due, morning(dt.date(2026, 11, 18), 8)) == morning(
        dt.date(2026, 11, 18))
    assert next_reminder_moment(due, morning(dt.date(2026, 11, 18))) == morning(
        dt.date(2026, 11, 20))
    settings.CASEFLOW_REMINDER_HOUR = 8
    assert next_reminder_moment(due, morning(dt.date(2026, 11, 18), 7)) == morning(
        dt.date(2026, 11, 18), 8)
    assert next_reminder_moment(None, morning(dt.date(2026, 11, 18))) is None


def test_a_late_sweep_reminds_of_where_the_deadline_stands_then():
    """A sweep that runs late (after an outage, or after 09:00) reminds of the last
    moment passed: at 15:00 two working days after the due day, overdue by 2; before
    the first moment, nothing."""
    due = end_of_day(dt.date(2026, 11, 20))  # a Friday
    late = reminder_threshold(due, dt.datetime(2026, 11, 24, 15, 0, tzinfo=CHINA))
    assert (late.name, late.day, late.overdue_working_days) == (
        "overdue", dt.date(2026, 11, 24), 2)
    weekend = reminder_threshold(due, dt.datetime(2026, 11, 22, 12, 0, tzinfo=CHINA))
    assert (weekend.name, weekend.day) == ("due_today", dt.date(2026, 11, 20))
    assert reminder_threshold(due, morning(dt.date(2026, 11, 18), 8)) is None


@pytest.mark.parametrize("due_on", [dt.date(2026, 1, 1), dt.date(2026, 10, 1)])
def test_w1_a_deadline_due_on_a_holiday_is_reminded_before_it(due_on):
    """W1: a date that falls on a statutory holiday is reminded on the last working
    morning before the holiday, and overdue from the first working morning after it."""
    found = moments(due_on, due_on - dt.timedelta(days=10), 3)
    schedule = ReminderSchedule()
    assert [name for _, name, _ in found] == ["due_soon", "due_today", "overdue"]
    assert dt.date.fromisoformat(found[1][0]) == schedule.working_day_before(due_on)
    assert dt.date.fromisoformat(found[2][0]) == schedule.working_day_from(due_on)
