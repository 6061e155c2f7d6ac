"""Reads the calendar overrides once per computation (the calendar module itself is pure)."""

from caseflow.models import CalendarOverride, CalendarYear
from caseflow.workdays import Overrides


def calendar_overrides(*, apps=None) -> Overrides:
    """`apps`: a migration's model registry (its historical models have no methods)."""
    overrides = apps.get_model("caseflow", "CalendarOverride") if apps else CalendarOverride
    years = apps.get_model("caseflow", "CalendarYear") if apps else CalendarYear
    return Overrides(
        days={o.date: o.kind == CalendarOverride.Kind.WORKDAY
              for o in overrides.objects.all()},
        complete_years=frozenset(
            years.objects.filter(schedule_complete=True).values_list("year", flat=True)
        ),
    )
