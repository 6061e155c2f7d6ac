"""The dispute workflow (R8.12, X7): consultation first, then escalation."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_move, case_note
from caseflow.actions.notices import notice_issue
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput
from caseflow.models import Case, Notice, Role, Scope, Staff
from caseflow.policies.transitions import S


def impartiality_related(case: Case) -> bool:
    """X7: scope (b), or marked so by the department head."""
    return case.scope == Scope.IMPARTIALITY or case.impartiality_related


def _settle(case: Case, *, action: str, actor: Staff, outcome: str) -> Case:
    """An outcome touching impartiality waits for the general manager; others close."""
    case.outcome = outcome
    if impartiality_related(case):
        case_move(case, to_state=S.PENDING_GM_APPROVAL, action=action, actor=actor)
        notification_queue(case, "approval_needed", role=Role.GENERAL_MANAGER)
        return case
    case_move(case, to_state=S.CLOSED, action=action, actor=actor)
    notification_queue(case, "decision_notice", party=case.submitter)
    return case


@transaction.atomic
def dispute_answer(*, case: Case, acting_user: Staff, answer: str) -> Case:
    """The client & information office answers and explains, aiming at agreement."""
    case, _ = case_begin(case, "answer", acting_user)
    if not answer.strip():
        raise InvalidInput(gettext("Write the answer."), field="answer")
    case.drafted_by = acting_user
    case_move(case, to_state=S.ANSWERED, action="answered", actor=acting_user)
    notice_issue(case=case, kind=Notice.Kind.DISPUTE_ANSWER, text=answer,
                 approved_by=acting_user, text_field="answer")
    notification_queue(case, "decision_notice", party=case.submitter)
    return case


@transaction.atomic
def dispute_record_agreement(*, case: Case, acting_user: Staff, agreement: str) -> Case:
    """Both sides agreed: what they agreed is recorded."""
    case, _ = case_begin(case, "record_agreement", acting_user)
    if not agreement.strip():
        raise InvalidInput(gettext("Record what both sides agreed."), field="agreement")
    return _settle(case, action="agreed", actor=acting_user, outcome=agreement)


@transaction.atomic
def dispute_refer_department_head(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """No agreement after the office's answer: the office refers it to the head."""
    return _escalate(case, "refer_department_head", S.WITH_DEPARTMENT_HEAD,
                     Role.DEPARTMENT_HEAD, acting_user, reason)


@transaction.atomic
def dispute_refer_quality_manager(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """Still no agreement: the head refers it to the quality manager."""
    return _escalate(case, "refer_quality_manager", S.WITH_QUALITY_MANAGER,
                     Role.QUALITY_MANAGER, acting_user, reason)


def _escalate(case, step, to_state, role, acting_user, reason) -> Case:
    case, _ = case_begin(case, step, acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Say why no agreement was reached."), field="reason")
    case_move(case, to_state=to_state, action=f"referred_{role}", actor=acting_user,
              reason=reason)
    notification_queue(case, "escalated", role=role)
    return case


@transaction.atomic
def dispute_resolve(*, case: Case, acting_user: Staff, outcome: str) -> Case:
    case, _ = case_begin(case, "resolve", acting_user)
    if not outcome.strip():
        raise InvalidInput(gettext("Write the handling opinion."), field="outcome")
    return _settle(case, action="resolved", actor=acting_user, outcome=outcome)


@transaction.atomic
def dispute_mark_impartiality_related(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """X7: the department head marks an outcome impartiality-related; nobody unmarks it
    here (the handler alone cannot)."""
    case, _ = case_begin(case, "mark_impartiality_related", acting_user)
    case.impartiality_related = True
    return case_note(case, action="marked_impartiality_related", actor=acting_user,
                     reason=reason)


@transaction.atomic
def dispute_gm_approve(*, case: Case, acting_user: Staff) -> Case:
    case, _ = case_begin(case, "gm_approve", acting_user)
    case_move(case, to_state=S.CLOSED, action="gm_approved", actor=acting_user)
    notification_queue(case, "decision_notice", party=case.submitter)
    return case
