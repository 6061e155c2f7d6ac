"""Writes to the working-day calendar (W3)."""

from django.db import transaction
from django.utils import timezone

from caseflow.errors import InvalidInput
from caseflow.models import CalendarYear


@transaction.atomic
def calendar_year_mark_complete(*, year: int, acting_user) -> CalendarYear:
    """W3: an administrator declares `year`'s official schedule fully entered.

    From then on that year's days are counted from the overrides and weekdays without the
    provisional mark.
    """
    if year < 2000 or year > 2100:
        raise InvalidInput("Year out of range.", rule="W3", field="year")
    record, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    if not record.schedule_complete:
        record.schedule_complete = True
        record.completed_at = timezone.now()
        record.completed_by = acting_user
        record.save()
    return record
