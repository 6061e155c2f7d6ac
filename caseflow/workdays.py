"""The working-day calendar of the People's Republic of China (rules W1–W3).

Pure logic: no ORM, no settings; a date it cannot count is refused with a domain error
(`OutsideCalendar`, W1). Callers load the administrator's overrides once per computation
(`caseflow.selectors.calendar.calendar_overrides()`) and pass them in.

Data source: `chinesecalendar` (module `chinese_calendar`). It carries the State Council's
published schedule, make-up working days (调休上班) included, and raises
`NotImplementedError` for a year it has no schedule for. That refusal is what W3 needs: we
never guess a legal deadline silently. The `holidays` package was rejected because it
extrapolates unannounced years without make-up days and gives no sign that it did.

Resolution order for a day:
1. an administrator's override for that date (holiday or make-up working day);
2. the package's schedule, where it has the year;
3. plain weekdays. The day is "provisional" unless an administrator marked its year's
   schedule complete (after entering that year's overrides).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext as _

from caseflow.errors import OutsideCalendar

CHINA = ZoneInfo("Asia/Shanghai")
END_OF_DAY = dt.time(23, 59, 59)
# The days the calendar counts. Dates people enter are accepted up to a year before its
# end (INPUT_LAST_DAY), so a deadline counted from one still falls inside it.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
INPUT_LAST_DAY = dt.date(2099, 12, 31)


def check_in_calendar(day: dt.date, *, field: str | None = None) -> dt.date:
    """W1: the calendar counts days between FIRST_DAY and LAST_DAY, and refuses others
    (never an overflow, never a silent guess)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise OutsideCalendar(
            _("%(date)s is outside the working-day calendar (%(first)s to %(last)s).")
            % {"date": day.isoformat(), "first": FIRST_DAY.isoformat(),
               "last": LAST_DAY.isoformat()}, rule="W1", field=field)
    return day


@dataclass(frozen=True)
class Overrides:
    """Administrator-entered corrections: date -> is a working day; years marked complete."""

    days: Mapping[dt.date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()


NO_OVERRIDES = Overrides()


@dataclass(frozen=True)
class Deadline:
    """The end of a day counted in working days (W2) and whether any day was guessed (W3)."""

    due_at: dt.datetime
    provisional: bool


@cache
def package_covers(year: int) -> bool:
    """Whether the data package has the official schedule for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def year_is_known(year: int, overrides: Overrides = NO_OVERRIDES) -> bool:
    return package_covers(year) or year in overrides.complete_years


def day_status(day: dt.date, overrides: Overrides = NO_OVERRIDES) -> tuple[bool, bool]:
    """Return (is a working day, is provisional) for one date."""
    if day in overrides.days:
        return overrides.days[day], not year_is_known(day.year, overrides)
    if package_covers(day.year):
        return chinese_calendar.is_workday(day), False
    return day.weekday() < 5, day.year not in overrides.complete_years


def is_working_day(day: dt.date, overrides: Overrides = NO_OVERRIDES) -> bool:
    """W1: weekends and statutory holidays are off; make-up working days count."""
    return day_status(day, overrides)[0]


def china_date(moment: dt.date | dt.datetime) -> dt.date:
    """The calendar date in Asia/Shanghai of a moment (aware datetime) or a plain date."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: give an aware datetime or a date")
        return moment.astimezone(CHINA).date()
    return moment


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)


def add_working_days(
    start: dt.date | dt.datetime, n: int, overrides: Overrides = NO_OVERRIDES
) -> Deadline:
    """W2: the day of receipt is day 0; the deadline is the end of the n-th working day after.

    Provisional (W3) when any day walked over lies in a year whose schedule is unknown.
    """
    if n < 0:
        raise ValueError("n must be zero or more working days")
    day = check_in_calendar(china_date(start))
    provisional = day_status(day, overrides)[1] if n == 0 else False
    counted = 0
    while counted < n:
        day = check_in_calendar(day + dt.timedelta(days=1))
        working, guessed = day_status(day, overrides)
        provisional = provisional or guessed
        if working:
            counted += 1
    return Deadline(due_at=end_of_day(day), provisional=provisional)


def working_days_between(
    a: dt.date | dt.datetime, b: dt.date | dt.datetime, overrides: Overrides = NO_OVERRIDES
) -> int:
    """Working days after `a` up to and including `b` (negative when `b` is before `a`).

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n).due_at)`
    is `n`. Used for "working days to acceptance" figures.
    """
    first, last = check_in_calendar(china_date(a)), check_in_calendar(china_date(b))
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = 0
    day = first
    while day < last:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            count += 1
    return sign * count
