"""The working-day calendar of the People's Republic of China (rules W1–W3).

Pure logic: no ORM, no settings; a date it cannot count is refused with a domain error
(`OutsideCalendar`, W1). Callers load the administrator's overrides once per computation
(`caseflow.selectors.calendar.calendar_overrides()`) and pass them in.

Data source: `chinesecalendar` (module `chinese_calendar`). It carries the State Council's
published schedule, make-up working days (调休上班) included, and raises
`NotImplementedError` for a year it has no schedule for. That refusal is what W3 needs: we
never guess a legal deadline silently. The `holidays` package was rejected because it
extrapolates unannounced years without make-up days and gives no sign that it did.

Counting walks no day: a table of cumulative working days over the whole calendar is built
once per set of overrides (`working_day_table`), so a span costs two look-ups. The
package's `is_workday` validates every date by scanning its whole holiday table; called
per day for every case of a year it took seconds.

Resolution order for a day:
1. an administrator's override for that date (holiday or make-up working day);
2. the package's schedule, where it has the year;
3. plain weekdays. The day is "provisional" unless an administrator marked its year's
   schedule complete (after entering that year's overrides).
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
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


@cache
def package_working_days(year: int) -> tuple[bool, ...]:
    """The package's schedule for a year it covers, one flag per day from 1 January.

    Read from the package's published tables (`holidays`, `workdays`) with the rule its
    `is_workday` applies: a listed make-up day works, else a weekday not listed as a
    holiday. Tests hold the two equal on every covered day."""
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        days.append(day in chinese_calendar.workdays
                    or (day.weekday() < 5 and day not in chinese_calendar.holidays))
        day += dt.timedelta(days=1)
    return tuple(days)


@dataclass(frozen=True)
class WorkingDayTable:
    """Every day of the calendar (FIRST_DAY..LAST_DAY) under one set of overrides:
    `cumulative[i]` is the number of working days from FIRST_DAY to the i-th day,
    inclusive; `unknown_years` those whose schedule is guessed (W3)."""

    cumulative: array
    unknown_years: frozenset[int]

    def index(self, day: dt.date) -> int:
        return (check_in_calendar(day) - FIRST_DAY).days

    def is_working(self, day: dt.date) -> bool:
        i = self.index(day)
        return self.cumulative[i] > (self.cumulative[i - 1] if i else 0)

    def between(self, first: dt.date, last: dt.date) -> int:
        """Working days after `first` up to and including `last` (first <= last)."""
        return self.cumulative[self.index(last)] - self.cumulative[self.index(first)]

    def nth_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n >= 1); W1 past the calendar's end."""
        i = self.index(day)
        j = bisect_left(self.cumulative, self.cumulative[i] + n, lo=i + 1)
        if j == len(self.cumulative):
            check_in_calendar(LAST_DAY + dt.timedelta(days=1))
        return FIRST_DAY + dt.timedelta(days=j)

    def provisional(self, first: dt.date, last: dt.date) -> bool:
        """W3: whether any day from `first` to `last` lies in a year not known."""
        return any(y in self.unknown_years for y in range(first.year, last.year + 1))


def working_day_table(overrides: Overrides = NO_OVERRIDES) -> WorkingDayTable:
    """The table for `overrides`, built on first use and kept for the next requests with
    the same overrides (the administrator's corrections change rarely)."""
    return _table_for(tuple(sorted(overrides.days.items())), overrides.complete_years)


@lru_cache(maxsize=8)
def _table_for(days: tuple[tuple[dt.date, bool], ...],
               complete_years: frozenset[int]) -> WorkingDayTable:
    overrides = Overrides(days=dict(days), complete_years=complete_years)
    flags = bytearray()
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        if package_covers(year):
            flags += bytes(package_working_days(year))
        else:
            first = dt.date(year, 1, 1)
            flags += bytes((first + dt.timedelta(days=k)).weekday() < 5
                           for k in range((dt.date(year + 1, 1, 1) - first).days))
    for day, working in overrides.days.items():
        if FIRST_DAY <= day <= LAST_DAY:
            flags[(day - FIRST_DAY).days] = working
    return WorkingDayTable(
        cumulative=array("l", accumulate(flags)),
        unknown_years=frozenset(y for y in range(FIRST_DAY.year, LAST_DAY.year + 1)
                                if not year_is_known(y, overrides)),
    )


def is_working_day(day: dt.date, overrides: Overrides = NO_OVERRIDES) -> bool:
    """W1: weekends and statutory holidays are off; make-up working days count."""
    if FIRST_DAY <= day <= LAST_DAY:
        return working_day_table(overrides).is_working(day)
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
    if n == 0:
        return Deadline(due_at=end_of_day(day), provisional=day_status(day, overrides)[1])
    table = working_day_table(overrides)
    due = table.nth_after(day, n)
    return Deadline(due_at=end_of_day(due),
                    provisional=table.provisional(day + dt.timedelta(days=1), due))


def working_days_between(
    a: dt.date | dt.datetime, b: dt.date | dt.datetime, overrides: Overrides = NO_OVERRIDES
) -> int:
    """Working days after `a` up to and including `b` (negative when `b` is before `a`).

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n).due_at)`
    is `n`. Used for "working days to acceptance" figures.
    """
    first, last = check_in_calendar(china_date(a)), check_in_calendar(china_date(b))
    if last < first:
        return -working_day_table(overrides).between(last, first)
    return working_day_table(overrides).between(first, last)
