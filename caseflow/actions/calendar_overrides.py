"""Entering the official schedule's days by hand (W1, W3); each change kept in history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext

from caseflow.actions.calendar import deadlines_recompute
from caseflow.actions.yearly_figures import figures_recompute_for_day
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import CalendarOverride, Role, Staff
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import check_in_calendar

EDITORS = (Role.QUALITY_ASSURANCE, Role.DEPARTMENT_HEAD)


def check_editor(acting_user: Staff) -> None:
    if not acting_user.has_any_role(EDITORS):
        raise RoleRequired(gettext("Quality assurance or the department head keep the calendar."),
                           rule="W3")


@transaction.atomic
def calendar_override_set(*, date: dt.date, kind: str, note: str = "",
                          acting_user: Staff) -> CalendarOverride:
    """A holiday or make-up working day; open provisional deadlines follow at once."""
    check_editor(acting_user)
    if kind not in CalendarOverride.Kind.values:
        raise InvalidInput(gettext("A holiday or a make-up working day."), rule="W1", field="kind")
    check_in_calendar(date, field="date")
    override, _ = CalendarOverride.objects.update_or_create(
        date=date, defaults={"kind": kind, "note": note})
    deadlines_recompute(only_provisional=False)
    figures_recompute_for_day(date, overrides=calendar_overrides())  # X1: spans crossing it
    return override


@transaction.atomic
def calendar_override_remove(*, override: CalendarOverride, acting_user: Staff) -> None:
    check_editor(acting_user)
    override.delete()
    deadlines_recompute(only_provisional=False)
    figures_recompute_for_day(override.date, overrides=calendar_overrides())
