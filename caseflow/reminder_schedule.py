"""When a deadline is reminded: working mornings, counted by the working-day calendar.

Pure logic (no ORM). The moments of one deadline due on day D (Asia/Shanghai) are the
mornings, at `settings.CASEFLOW_REMINDER_HOUR` (default 09:00), of:

- "due_soon": the working day two working days before D;
- "due_today": D itself, or, when D is not a working day (a loan due back on a Sunday),
  the last working day before it: the last morning at work to do the step;
- "overdue": every working day after D, with the number of working days it is late
  (1 on the first working morning after D).

Working days are the calendar's (W1), make-up working days included; in a year whose
schedule is unknown (W3) the calendar's weekdays count, as they do for the deadline
itself, and the reminder says that the deadline is provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from caseflow.workdays import (
    CHINA,
    FIRST_DAY,
    LAST_DAY,
    NO_OVERRIDES,
    Overrides,
    china_date,
    is_working_day,
)

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue"
THRESHOLDS = (DUE_SOON, DUE_TODAY, OVERDUE)
WARNING_WORKING_DAYS = 2  # "due soon": two working days ahead


def reminder_hour() -> int:
    return int(getattr(settings, "CASEFLOW_REMINDER_HOUR", 9))


@dataclass(frozen=True)
class Threshold:
    """Where a deadline stands on one working morning."""

    name: str  # due_soon | due_today | overdue
    day: dt.date  # the working day of the morning
    moment: dt.datetime  # that morning
    overdue_working_days: int = 0


class ReminderSchedule:
    """The reminder moments of deadlines under one calendar (one set of overrides).

    Working-day answers are kept per date: a sweep asks about the same few days for
    every row, and the calendar package scans its table on each question.
    """

    def __init__(self, overrides: Overrides = NO_OVERRIDES, hour: int | None = None):
        self.overrides = overrides
        self.hour = reminder_hour() if hour is None else hour
        self._working: dict[dt.date, bool] = {}

    def is_working(self, day: dt.date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = is_working_day(day, self.overrides)
        return known

    def morning(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.hour), tzinfo=CHINA)

    def working_day_before(self, day: dt.date, n: int = 1) -> dt.date | None:
        """The n-th working day before `day` (None past the calendar's first day)."""
        while n > 0:
            day -= dt.timedelta(days=1)
            if day < FIRST_DAY:
                return None
            if self.is_working(day):
                n -= 1
        return day

    def working_day_after(self, day: dt.date, n: int = 1) -> dt.date | None:
        """The n-th working day after `day` (None past the calendar's end)."""
        while n > 0:
            day += dt.timedelta(days=1)
            if day > LAST_DAY:
                return None
            if self.is_working(day):
                n -= 1
        return day

    def working_day_from(self, day: dt.date) -> dt.date | None:
        """The first working day on or after `day` (None past the calendar's end)."""
        while day <= LAST_DAY:
            if self.is_working(day):
                return day
            day += dt.timedelta(days=1)
        return None

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working(day)
        return count

    def warning_days(self, due_day: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """(the due_soon day, the due_today day) of a deadline due on `due_day`."""
        soon = self.working_day_before(due_day, WARNING_WORKING_DAYS)
        today = due_day if self.is_working(due_day) else self.working_day_before(due_day)
        return soon, today

    def threshold_on(self, due_at: dt.datetime, day: dt.date) -> Threshold | None:
        """The threshold of the morning of `day`, if that morning is a reminder moment."""
        if not self.is_working(day):
            return None
        due_day = china_date(due_at)
        if day > due_day:
            return Threshold(OVERDUE, day, self.morning(day),
                             self.working_days_after(due_day, day))
        soon, today = self.warning_days(due_day)
        if day == today:
            return Threshold(DUE_TODAY, day, self.morning(day))
        if day == soon:
            return Threshold(DUE_SOON, day, self.morning(day))
        return None

    def next_moment(self, due_at: dt.datetime, after: dt.datetime) -> dt.datetime | None:
        """The first reminder moment strictly after `after` (None past the calendar)."""
        day = china_date(after)
        if self.morning(day) <= after:
            day += dt.timedelta(days=1)
        due_day = china_date(due_at)
        if day <= due_day:
            for candidate in sorted(d for d in self.warning_days(due_day) if d is not None):
                if candidate >= day:
                    return self.morning(candidate)
            day = due_day + dt.timedelta(days=1)
        found = self.working_day_from(day)
        return self.morning(found) if found else None

    def latest(self, due_at: dt.datetime, at: dt.datetime) -> Threshold | None:
        """The last reminder moment at or before `at`, with its threshold: what a sweep
        running at `at` (perhaps late, after an outage) reminds of. None before the first."""
        day = china_date(at)
        if self.morning(day) > at:
            day -= dt.timedelta(days=1)
        due_day = china_date(due_at)
        while day > due_day:  # the latest working day after the due day, if any
            if self.is_working(day):
                return self.threshold_on(due_at, day)
            day -= dt.timedelta(days=1)
        for candidate in sorted((d for d in self.warning_days(due_day) if d is not None),
                                reverse=True):
            if candidate <= day:
                return self.threshold_on(due_at, candidate)
        return None


def next_reminder_moment(due_at: dt.datetime | None, after: dt.datetime,
                         overrides: Overrides = NO_OVERRIDES) -> dt.datetime | None:
    """The next working morning strictly after `after` on which `due_at` is reminded."""
    if due_at is None:
        return None
    return ReminderSchedule(overrides).next_moment(due_at, after)


def reminder_threshold(due_at: dt.datetime, at: dt.datetime,
                       overrides: Overrides = NO_OVERRIDES) -> Threshold | None:
    """Where `due_at` stands at `at`: the threshold of the last reminder moment by then."""
    return ReminderSchedule(overrides).latest(due_at, at)
