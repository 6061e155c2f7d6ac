"""Writes to the working-day calendar (W3)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_deadline_refresh
from caseflow.actions.events import event_record
from caseflow.errors import InvalidInput
from caseflow.models import CalendarYear, Case
from caseflow.policies.transitions import FINAL_STATES
from caseflow.selectors.calendar import calendar_overrides


@transaction.atomic
def calendar_year_mark_complete(*, year: int, acting_user) -> CalendarYear:
    """W3: an administrator declares `year`'s official schedule fully entered.

    Every open deadline still marked provisional is recomputed, one event per case whose
    deadline changed or stopped being provisional.
    """
    if year < 2000 or year > 2100:
        raise InvalidInput(gettext("Year out of range."), rule="W3", field="year")
    record, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    if not record.schedule_complete:
        record.schedule_complete = True
        record.completed_at = timezone.now()
        record.completed_by = acting_user
        record.save()
    deadlines_recompute()
    return record


@transaction.atomic
def deadlines_recompute(*, only_provisional: bool = True) -> list[Case]:
    """Recompute open deadlines after the calendar changed: the provisional ones when a
    year is completed, every open one when a day of an official year was corrected."""
    overrides = calendar_overrides()
    changed = []
    open_cases = Case.objects.select_for_update().exclude(state__in=FINAL_STATES)
    if only_provisional:
        open_cases = open_cases.filter(deadline_provisional=True)
    for case in open_cases:
        before = (case.due_at, case.deadline_provisional)
        if case_deadline_refresh(case, overrides=overrides):
            case.save()
            event_record(case, action="deadline_recomputed", actor=None,
                         actor_label="calendar", from_state=case.state,
                         payload={"before": before[0].isoformat() if before[0] else None,
                                  "after": case.due_at.isoformat() if case.due_at else None,
                                  "provisional": case.deadline_provisional})
            changed.append(case)
    return changed
