"""The complaint workflow (R8.03–R8.07; anonymous: R8.06, X4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_lock, case_move, case_note
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, TransitionNotAllowed
from caseflow.models import Case, Finding, Role, Staff
from caseflow.policies.transitions import S


@transaction.atomic
def complaint_evaluate(*, case: Case, acting_user: Staff, valid: bool, reasoning: str) -> Case:
    """R8.04: validity judged from the information and material received.

    Anonymous (R8.06, X4): evaluated first, on the acceptance clock; if it holds it goes on
    as any other, if not it closes with no reply. Named: evaluated after acceptance; one
    that does not hold goes straight to a proposal saying why, then review and approval.
    """
    case = case_lock(case)
    step = "evaluate_anonymous" if case.anonymous else "evaluate"
    if step == "evaluate" and case.state == S.RECEIVED:
        raise TransitionNotAllowed(gettext("Decide acceptance first; the notice is due in 7 "
                                           "working days."), rule="R8.03")
    case, _ = case_begin(case, step, acting_user)
    if not reasoning.strip():
        raise InvalidInput(gettext("Record what the evaluation rests on."), rule="R8.04",
                           field="reasoning")
    case.valid = valid
    if case.state == S.RECEIVED:
        case.accepted_at = timezone.now()
    if valid:
        return case_move(case, to_state=S.INVESTIGATING, action="evaluated_valid",
                         actor=acting_user, reason=reasoning)
    if case.anonymous:
        case.outcome = reasoning
        return case_move(case, to_state=S.CLOSED, action="closed_without_reply",
                         actor=acting_user, reason=reasoning)
    case.outcome = reasoning
    case.substantiated = False
    case.drafted_by = acting_user
    case_move(case, to_state=S.PROPOSED, action="evaluated_invalid", actor=acting_user,
              reason=reasoning)
    notification_queue(case, "review_needed", role=Role.DEPARTMENT_HEAD)
    return case


@transaction.atomic
def complaint_record_finding(
    *, case: Case, acting_user: Staff, side: str, text: str,
    method: str = Finding.Method.DESK, evidence=None,
) -> Finding:
    """R8.05: information from one side, and how it was gathered (an unscheduled audit or
    an on-site investigation is recorded as such)."""
    case, _ = case_begin(case, "record_finding", acting_user)
    if side not in Finding.Side.values or method not in Finding.Method.values:
        raise InvalidInput(gettext("Unknown side or method."), field="side")
    if not text.strip():
        raise InvalidInput(gettext("A finding needs its content."), field="text")
    finding = Finding(case=case, side=side, method=method, text=text, recorded_by=acting_user)
    if evidence:
        finding.evidence = evidence
    finding.save()
    case_note(case, action="finding_recorded", actor=acting_user,
              payload={"finding": finding.pk, "side": side, "method": method})
    return finding


@transaction.atomic
def complaint_propose(*, case: Case, acting_user: Staff, outcome: str,
                      substantiated: bool) -> Case:
    """R8.05: a handling opinion, once both sides were heard (an anonymous complainant
    cannot be asked: the respondent's side and the body's records suffice)."""
    case, _ = case_begin(case, "propose", acting_user)
    sides = set(case.findings.values_list("side", flat=True))
    needed = {Finding.Side.RESPONDENT} if case.anonymous else {
        Finding.Side.SUBMITTER, Finding.Side.RESPONDENT}
    if not needed <= sides:
        raise TransitionNotAllowed(gettext("Gather both sides' information before proposing."),
                                   rule="R8.05")
    if not outcome.strip():
        raise InvalidInput(gettext("Write the handling opinion."), field="outcome")
    case.outcome, case.substantiated, case.drafted_by = outcome, substantiated, acting_user
    case_move(case, to_state=S.PROPOSED, action="proposed", actor=acting_user)
    notification_queue(case, "review_needed", role=Role.DEPARTMENT_HEAD)
    return case


@transaction.atomic
def complaint_close_without_reply(*, case: Case, acting_user: Staff) -> Case:
    """An anonymous complaint's approved outcome is recorded; nobody is written to (X4)."""
    case, _ = case_begin(case, "close_without_reply", acting_user)
    return case_move(case, to_state=S.CLOSED, action="closed_without_reply",
                     actor=acting_user)
