"""Reads the calendar overrides once per computation (the calendar module itself is pure)."""

from caseflow.models import CalendarOverride, CalendarYear
from caseflow.workdays import Overrides


def calendar_overrides() -> Overrides:
    return Overrides(
        days={o.date: o.is_working_day for o in CalendarOverride.objects.all()},
        complete_years=frozenset(
            CalendarYear.objects.filter(schedule_complete=True).values_list("year", flat=True)
        ),
    )
