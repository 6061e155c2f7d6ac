"""Which deadline a case has in each state (X1), computed by the working-day calendar.

Rule deadlines are the manual's: acceptance in 7 working days (R8.03). The committee
window after an appeal ruling (X5) is configurable. Every other step has an internal
target: a default from settings, or what the department head set on the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from caseflow.models import Case, CaseKind, DeadlineKind, Notice
from caseflow.policies.transitions import S
from caseflow.workdays import (
    Deadline,
    Overrides,
    add_working_days,
    china_date,
    end_of_day,
    year_is_known,
)

ACCEPTANCE_WORKING_DAYS = 7  # R8.03
APPEAL_FILING_WORKING_DAYS = 30  # R8.08

DEFAULT_TARGETS = {  # X1: internal targets in working days, per step
    "evaluation": 5,
    "investigation": 20,
    "review": 3,
    "approval": 3,
    "notice": 2,
    "organize": 2,
    "ruling": 20,
    "answer": 10,
    "agreement": 10,
    "escalation": 10,
    "gm_approval": 5,
    "committee": 30,
    "analysis": 10,
    "plan_signoff": 5,
    "task_assignment": 3,
    "verification": 10,
    "confirmation": 3,
    "inspection": 20,
}

# (kind, state) -> step whose target applies; None kind = any kind.
STEP_BY_STATE = {
    (CaseKind.COMPLAINT, S.ACCEPTED): "evaluation",
    (CaseKind.COMPLAINT, S.INVESTIGATING): "investigation",
    (CaseKind.COMPLAINT, S.PROPOSED): "review",
    (CaseKind.COMPLAINT, S.REVIEWED): "approval",
    (CaseKind.COMPLAINT, S.APPROVED): "notice",
    (CaseKind.APPEAL, S.ACCEPTED): "organize",
    (CaseKind.APPEAL, S.IN_HANDLING): "ruling",
    (CaseKind.APPEAL, S.RULING_DRAFTED): "review",
    (CaseKind.APPEAL, S.RULING_REVIEWED): "approval",
    (CaseKind.APPEAL, S.RULING_APPROVED): "notice",
    (CaseKind.DISPUTE, S.ACCEPTED): "answer",
    (CaseKind.DISPUTE, S.ANSWERED): "agreement",
    (CaseKind.DISPUTE, S.WITH_DEPARTMENT_HEAD): "escalation",
    (CaseKind.DISPUTE, S.WITH_QUALITY_MANAGER): "escalation",
    (CaseKind.DISPUTE, S.PENDING_GM_APPROVAL): "gm_approval",
    (CaseKind.NONCONFORMITY, S.OPEN): "analysis",
    (CaseKind.NONCONFORMITY, S.ANALYSED): "plan_signoff",
    (CaseKind.NONCONFORMITY, S.PLAN_APPROVED): "task_assignment",
    (CaseKind.NONCONFORMITY, S.REPORTED): "verification",
    (CaseKind.NONCONFORMITY, S.VERIFIED): "confirmation",
}


@dataclass(frozen=True)
class CaseDeadline:
    due_at: dt.datetime | None
    step: str = ""
    kind: str = ""
    provisional: bool = False


NONE = CaseDeadline(None)


def default_target_days(step: str) -> int:
    """X1: the settings' target for a step, else the built-in default."""
    configured = {**DEFAULT_TARGETS, **getattr(settings, "CASEFLOW_TARGET_DAYS", {})}
    return int(configured[step])


def target_days(case: Case, step: str) -> int:
    """The head's target for this case (X1), else the configured default."""
    return int(case.target_days.get(step, default_target_days(step)))


def committee_window_days() -> int:
    return int(getattr(settings, "CASEFLOW_COMMITTEE_WINDOW_DAYS", 30))


def case_deadline(case: Case, *, since: dt.datetime, overrides: Overrides) -> CaseDeadline:
    """The deadline of the step `case` now waits for; `since` is when it entered its state."""
    if case.kind == CaseKind.NONCONFORMITY and case.state == S.IMPLEMENTING:
        # X1, R7.06: the implementation report is due on the date its plan set.
        due_on = case.nonconformity.current_cycle.report_due_on
        return CaseDeadline(end_of_day(due_on), "implementation_report", DeadlineKind.RULE,
                            not year_is_known(due_on.year, overrides))
    if case.state == S.RECEIVED:
        d = add_working_days(case.received_at, ACCEPTANCE_WORKING_DAYS, overrides)
        return CaseDeadline(d.due_at, "acceptance", DeadlineKind.RULE, d.provisional)
    if case.state == S.RULED:
        # X5: the appellant's days count from receiving the ruling, once that is known.
        start = case.ruling_received_on or since
        d = add_working_days(start, committee_window_days(), overrides)
        return CaseDeadline(d.due_at, "committee_window", DeadlineKind.WINDOW, d.provisional)
    if case.state == S.COMMITTEE:
        step = "committee"
    else:
        step = STEP_BY_STATE.get((case.kind, case.state))
    if step is None:
        return NONE
    d = add_working_days(since, target_days(case, step), overrides)
    return CaseDeadline(d.due_at, step, DeadlineKind.TARGET, d.provisional)


def reminded_on_case(d: CaseDeadline) -> bool:
    """Whether the deadline sweep reminds people of this deadline through the case.

    X5's committee window is the appellant's time, not a step of the body's: when it
    ends the appeal closes by itself (`run_due`). The implementation report's date is
    reminded through its analysis cycle (R7.06), as the report is the cycle's.
    """
    return (d.due_at is not None and d.kind != DeadlineKind.WINDOW
            and d.step != "implementation_report")


def appeal_filing_deadline(decision_received_on: dt.date, overrides: Overrides) -> Deadline:
    """R8.08: 30 working days from the appellant's receipt of the decision or notice.

    Provisional (W3) while any day it counts lies in a year whose schedule is unknown.
    """
    return add_working_days(decision_received_on, APPEAL_FILING_WORKING_DAYS, overrides)


def appeal_filed_late(received_at: dt.datetime, window: Deadline) -> bool:
    """R8.08: an appeal received after the end of its filing window."""
    return received_at > window.due_at


def task_due(*, assigned_at: dt.datetime | None, working_days: int | None,
             due_at: dt.datetime, overrides: Overrides) -> Deadline:
    """R7.05, W3: when a corrective-action task is due, by the current calendar.

    A due date counted in working days from the assignment is the calendar's: it is
    counted again, so it moves when the calendar changes. A due date without that count
    (set as a date, as tasks stored before counts were kept are) is a person's decision:
    the date is kept, but it is provisional while its year's schedule is unknown, as the
    implementation report's date is (R7.06), since nobody knows yet whether that day will
    be a working day.
    """
    if assigned_at is not None and working_days is not None:
        return add_working_days(assigned_at, working_days, overrides)
    return Deadline(due_at, not year_is_known(china_date(due_at).year, overrides))


def inspection_target(*, opened_at: dt.datetime, working_days: int | None,
                      overrides: Overrides) -> Deadline:
    """R7.04, X1: an internal inspection's target, in working days from its opening
    (the count it was opened with; the configured default where none was kept)."""
    days = working_days if working_days is not None else default_target_days("inspection")
    return add_working_days(opened_at, days, overrides)


# The rule each kind of notice serves: what a notice that cannot be delivered endangers.
NOTICE_RULES = {
    Notice.Kind.ACCEPTANCE: "R8.03",  # decision and notice inside the 7 working days
    Notice.Kind.REJECTION: "R8.03",
    Notice.Kind.COMPLAINT_RESULT: "R8.07",  # the approved result reaches the complainant
    Notice.Kind.APPEAL_RULING: "X5",  # the committee window counts from its receipt
    Notice.Kind.DISPUTE_ANSWER: "R8.12",
    Notice.Kind.COMMITTEE_DECISION: "R8.10",
}


def notice_deadline(notice: Notice, overrides: Overrides) -> tuple[str, CaseDeadline]:
    """The rule a notice serves and the deadline its non-delivery endangers: an
    acceptance or rejection notice the R8.03 acceptance deadline (past the decision the
    case's own deadline is another step's); any other notice the case's current one (a
    ruled appeal's X5 window, a step's target), none once the case is closed."""
    case = notice.case
    rule = NOTICE_RULES[notice.kind]
    if notice.kind in (Notice.Kind.ACCEPTANCE, Notice.Kind.REJECTION) and case.acceptance_due_at:
        due_at = case.acceptance_due_at
        return rule, CaseDeadline(due_at, "acceptance", DeadlineKind.RULE,
                                  not year_is_known(china_date(due_at).year, overrides))
    return rule, CaseDeadline(case.due_at, case.due_step, case.deadline_kind,
                              case.deadline_provisional)
