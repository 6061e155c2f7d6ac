"""The one place a case changes state, records its event and recomputes its deadline."""

from __future__ import annotations

from django.utils import timezone

from caseflow.actions.archives import case_archive
from caseflow.actions.events import event_record
from caseflow.actions.yearly_figures import case_figures_record
from caseflow.deadlines import case_deadline, reminded_on_case
from caseflow.models import AnalysisCycle, Case, CaseKind, Staff
from caseflow.policies.impartiality import check_transition
from caseflow.policies.transitions import FINAL_STATES, Transition
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides


def case_lock(case: Case) -> Case:
    """Re-read the row under a lock: of two racing clicks, one wins (the other sees the
    new state and is refused)."""
    return Case.objects.select_for_update(of=("self",)).select_related(
        "submitter", "respondent", "engagement", "handler"
    ).get(pk=case.pk)


def case_begin(case: Case, name: str, actor: Staff) -> tuple[Case, Transition]:
    case = case_lock(case)
    return case, check_transition(case, name, actor)


def case_deadline_refresh(case: Case, *, overrides=None) -> bool:
    """Store the deadline of the current state; returns whether it changed."""
    overrides = overrides if overrides is not None else calendar_overrides()
    d = case_deadline(case, since=case.state_since, overrides=overrides)
    before = (case.due_at, case.due_step, case.deadline_kind, case.deadline_provisional)
    case.due_at, case.due_step = d.due_at, d.step
    case.deadline_kind, case.deadline_provisional = d.kind, d.provisional
    # The sweep's next working morning for this deadline (issue 12's schedule).
    schedule, now = ReminderSchedule(overrides), timezone.now()
    case.next_reminder_at = schedule.next_moment(d.due_at, now) if reminded_on_case(d) else None
    if case.kind == CaseKind.NONCONFORMITY and case.pk is not None:
        cycles = AnalysisCycle.objects.filter(nonconformity__case=case)
        if d.step == "implementation_report":  # R7.06: reminded on the cycle it belongs to
            cycles.filter(pk=case.nonconformity.current_cycle.pk).update(
                next_reminder_at=schedule.next_moment(d.due_at, now))
        else:
            cycles.filter(next_reminder_at__isnull=False).update(next_reminder_at=None)
    # The rule clocks are kept apart too: figures and the X5 closing read them.
    if d.step == "acceptance":
        case.acceptance_due_at = d.due_at
    elif d.step == "committee_window":
        case.committee_window_ends_at = d.due_at
    return before != (case.due_at, case.due_step, case.deadline_kind, case.deadline_provisional)


def case_move(
    case: Case, *, to_state: str, action: str, actor: Staff | None, actor_label: str = "",
    payload: dict | None = None, reason: str = "", overrides=None,
) -> Case:
    """Set the state, its deadline and the audit event together. Never set state elsewhere.
    `overrides`: the calendar's, when the caller (a sweep) read them already."""
    from_state = case.state
    now = timezone.now()
    case.state = to_state
    case.state_since = now
    if to_state in FINAL_STATES and case.closed_at is None:
        case.closed_at = now
    overrides = overrides if overrides is not None else calendar_overrides()
    case_deadline_refresh(case, overrides=overrides)
    # X1: an acceptance decided or a case closed moves the year's figures with it.
    case_figures_record(case, overrides=overrides)
    case.save()
    event_record(case, action=action, actor=actor, actor_label=actor_label,
                 from_state=from_state, to_state=to_state, payload=payload, reason=reason)
    if to_state in FINAL_STATES and from_state not in FINAL_STATES:
        case_archive(case=case)  # R10.01: closed material is archived at once
    return case


def case_note(case: Case, *, action: str, actor: Staff | None, payload: dict | None = None,
              reason: str = "") -> Case:
    """A change that keeps the state (a finding, a flag): saved with its event."""
    case.save()
    event_record(case, action=action, actor=actor, from_state=case.state, payload=payload,
                 reason=reason)
    return case
