"""Writes to the working-day calendar (W3), and the recomputation of every date it gave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_deadline_refresh
from caseflow.actions.events import event_record
from caseflow.actions.reminders import reminder_moments_recompute
from caseflow.actions.yearly_figures import CASE_FIGURE_FIELDS, case_figures_record
from caseflow.deadlines import (
    appeal_filed_late,
    appeal_filing_deadline,
    inspection_target,
    task_due,
)
from caseflow.errors import InvalidInput
from caseflow.models import CalendarYear, CapaTask, Case, CaseKind, InternalInspection
from caseflow.policies.transitions import FINAL_STATES
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, Overrides


@transaction.atomic
def calendar_year_mark_complete(*, year: int, acting_user) -> CalendarYear:
    """W3: an administrator declares `year`'s official schedule fully entered.

    Every open date still marked provisional is recomputed (`deadlines_recompute`), one
    event per date that changed or stopped being provisional.
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


def moment(value: dt.datetime | None) -> str | None:
    """A date for an event's payload, in Beijing time whether it was read or computed."""
    return value.astimezone(CHINA).isoformat() if value else None


def filing_window_refresh(case: Case, *, overrides: Overrides) -> None:
    """R8.08, W3: count an open appeal's filing window again; `filed_late` follows it.
    Each change is an event on the case: the window moved (or stopped being
    provisional), and, separately, the appeal now is (or no longer is) late."""
    window = appeal_filing_deadline(case.decision_received_on, overrides)
    late = appeal_filed_late(case.received_at, window)
    before = (case.filing_window_ends_at, case.filing_window_provisional)
    was_late = case.filed_late
    if before == (window.due_at, window.provisional) and was_late == late:
        return
    case.filing_window_ends_at, case.filing_window_provisional = window.due_at, window.provisional
    case.filed_late = late
    case.save(update_fields=["filing_window_ends_at", "filing_window_provisional",
                             "filed_late"])
    if before != (window.due_at, window.provisional):
        event_record(case, action="filing_window_recomputed", actor=None,
                     actor_label="calendar", from_state=case.state,
                     payload={"before": moment(before[0]), "after": moment(window.due_at),
                              "provisional": window.provisional})
    if was_late != late:
        event_record(case, action="filed_late_changed", actor=None, actor_label="calendar",
                     from_state=case.state,
                     payload={"filed_late": late, "window_ends_at": moment(window.due_at)})


def tasks_due_recompute(*, overrides: Overrides, only_provisional: bool) -> list[CapaTask]:
    """R7.05, W3: the due dates of open corrective-action tasks (of open cases) by the
    current calendar (`task_due`: a counted date moves, a date set as such is kept and only
    its provisional mark follows the year), each change an event on the nonconformity."""
    tasks = (CapaTask.objects.select_for_update(of=("self",))
             .select_related("cycle__nonconformity__case")
             .filter(done_at__isnull=True)
             .exclude(cycle__nonconformity__case__state__in=FINAL_STATES).order_by("pk"))
    if only_provisional:
        tasks = tasks.filter(due_provisional=True)
    changed = []
    for task in tasks:
        due = task_due(assigned_at=task.assigned_at, working_days=task.due_working_days,
                       due_at=task.due_at, overrides=overrides)
        before = task.due_at
        if (before, task.due_provisional) == (due.due_at, due.provisional):
            continue
        task.due_at, task.due_provisional = due.due_at, due.provisional
        task.next_reminder_at = ReminderSchedule(overrides).next_moment(due.due_at,
                                                                        timezone.now())
        task.save(update_fields=["due_at", "due_provisional", "next_reminder_at"])
        case = task.cycle.nonconformity.case
        event_record(case, action="task_due_recomputed", actor=None, actor_label="calendar",
                     from_state=case.state,
                     payload={"task": task.pk, "before": moment(before),
                              "after": moment(due.due_at), "provisional": due.provisional})
        changed.append(task)
    return changed


def inspection_targets_recompute(*, overrides: Overrides,
                                 only_provisional: bool) -> list[InternalInspection]:
    """R7.04, W3: the targets of open internal inspections by the current calendar. A
    change is an event on the nonconformity that opened the inspection; an inspection
    opened by a recorded deviation has no case, and its own history keeps the change."""
    inspections = (InternalInspection.objects.select_for_update(of=("self",))
                   .select_related("nonconformity__case")
                   .filter(completed_at__isnull=True).order_by("pk"))
    if only_provisional:
        inspections = inspections.filter(target_provisional=True)
    changed = []
    for inspection in inspections:
        target = inspection_target(opened_at=inspection.opened_at,
                                   working_days=inspection.target_working_days,
                                   overrides=overrides)
        before = inspection.target_at
        if (before, inspection.target_provisional) == (target.due_at, target.provisional):
            continue
        inspection.target_at, inspection.target_provisional = target.due_at, target.provisional
        inspection.save(update_fields=["target_at", "target_provisional"])
        if inspection.nonconformity is not None:
            case = inspection.nonconformity.case
            event_record(case, action="inspection_target_recomputed", actor=None,
                         actor_label="calendar", from_state=case.state,
                         payload={"inspection": inspection.pk, "before": moment(before),
                                  "after": moment(target.due_at),
                                  "provisional": target.provisional})
        changed.append(inspection)
    return changed


@dataclass
class Recomputed:
    """What one recomputation changed (W3)."""

    cases: list[Case] = field(default_factory=list)  # their own deadline (`due_at`)
    filing_windows: list[Case] = field(default_factory=list)  # appeals (R8.08)
    tasks: list[CapaTask] = field(default_factory=list)
    inspections: list[InternalInspection] = field(default_factory=list)
    reminders_moved: int = 0  # rows whose next reminder moment moved (not a date of theirs)

    def __len__(self) -> int:
        return (len(self.cases) + len(self.filing_windows) + len(self.tasks)
                + len(self.inspections))


@transaction.atomic
def deadlines_recompute(*, only_provisional: bool = True) -> Recomputed:
    """Recompute every open date the calendar computed, after the calendar changed: the
    provisional ones when a year is completed, every open one when a day was corrected.

    That is a case's own deadline, an open appeal's filing window (and `filed_late` with
    it), open corrective-action tasks' due dates and open internal inspections' targets;
    each change is recorded as an event. Closed cases keep their dates: they are history.
    """
    overrides = calendar_overrides()
    result = Recomputed()
    open_cases = Case.objects.select_for_update().exclude(state__in=FINAL_STATES).order_by("pk")
    if only_provisional:
        open_cases = open_cases.filter(Q(deadline_provisional=True)
                                       | Q(filing_window_provisional=True))
    for case in open_cases:
        before = (case.due_at, case.deadline_provisional)
        moved = case_deadline_refresh(case, overrides=overrides)
        if case_figures_record(case, overrides=overrides) and not moved:  # X1 follows
            case.save(update_fields=CASE_FIGURE_FIELDS)
        if moved:
            case.save()
            event_record(case, action="deadline_recomputed", actor=None,
                         actor_label="calendar", from_state=case.state,
                         payload={"before": moment(before[0]), "after": moment(case.due_at),
                                  "provisional": case.deadline_provisional})
            result.cases.append(case)
        if case.kind == CaseKind.APPEAL and case.decision_received_on is not None:
            window = (case.filing_window_ends_at, case.filing_window_provisional, case.filed_late)
            filing_window_refresh(case, overrides=overrides)
            if window != (case.filing_window_ends_at, case.filing_window_provisional,
                          case.filed_late):
                result.filing_windows.append(case)
    result.tasks = tasks_due_recompute(overrides=overrides, only_provisional=only_provisional)
    result.inspections = inspection_targets_recompute(overrides=overrides,
                                                      only_provisional=only_provisional)
    # Which mornings are working ones may have changed too: every open row's next one.
    result.reminders_moved = reminder_moments_recompute(overrides=overrides,
                                                        now=timezone.now())
    return result
