"""The one action each step of the workflow tables calls.

The tables (caseflow.policies.transitions) say which steps exist and who may take them
when; this says what taking one does. The adapters (the API's step routes, the case
pages' forms) parse a step's input their own way and hand it to `step_take`.
"""

from __future__ import annotations

from collections.abc import Callable

from caseflow.actions.appeals import appeal_draft_ruling, appeal_organize, appeal_request_committee
from caseflow.actions.committee import (
    case_refer_committee,
    case_refer_no_eligible,
    committee_vote,
)
from caseflow.actions.complaints import (
    complaint_close_without_reply,
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.disputes import (
    dispute_answer,
    dispute_gm_approve,
    dispute_mark_impartiality_related,
    dispute_record_agreement,
    dispute_refer_department_head,
    dispute_refer_quality_manager,
    dispute_resolve,
)
from caseflow.actions.handling import (
    case_approve,
    case_return_for_rework,
    case_review,
    case_send_decision,
)
from caseflow.actions.intake import (
    case_accept,
    case_assign,
    case_correct_kind,
    case_merge,
    case_reject,
    case_target_set,
    case_withdraw,
)
from caseflow.actions.nonconformities import (
    capa_task_assign,
    case_report_internal_problem,
    nonconformity_analyse,
    nonconformity_confirm,
    nonconformity_record_overdue,
    nonconformity_return_plan,
    nonconformity_sign_off_plan,
    nonconformity_submit_report,
    nonconformity_verify,
    serious_review_approve,
    serious_review_check,
    serious_review_write,
)
from caseflow.models import Case, Staff

STEP_ACTIONS: dict[str, Callable[..., object]] = {
    # every kind
    "assign": case_assign,
    "withdraw": case_withdraw,
    "merge": case_merge,
    "correct_kind": case_correct_kind,
    "report_internal_problem": case_report_internal_problem,
    "refer_no_eligible": case_refer_no_eligible,
    "set_target": case_target_set,
    "committee_vote": committee_vote,
    "accept": case_accept,
    "reject": case_reject,
    # complaints
    "evaluate": complaint_evaluate,
    "evaluate_anonymous": complaint_evaluate,
    "record_finding": complaint_record_finding,
    "propose": complaint_propose,
    "review": case_review,
    "return_for_rework": case_return_for_rework,
    "approve": case_approve,
    "send_final_notice": case_send_decision,
    "close_without_reply": complaint_close_without_reply,
    # appeals
    "organize": appeal_organize,
    "draft_ruling": appeal_draft_ruling,
    "send_ruling": case_send_decision,
    "request_committee": appeal_request_committee,
    "refer_committee": case_refer_committee,
    # disputes
    "answer": dispute_answer,
    "record_agreement": dispute_record_agreement,
    "refer_department_head": dispute_refer_department_head,
    "refer_quality_manager": dispute_refer_quality_manager,
    "resolve": dispute_resolve,
    "mark_impartiality_related": dispute_mark_impartiality_related,
    "gm_approve": dispute_gm_approve,
    # nonconformities
    "analyse": nonconformity_analyse,
    "sign_off_plan": nonconformity_sign_off_plan,
    "return_plan": nonconformity_return_plan,
    "assign_task": capa_task_assign,
    "submit_report": nonconformity_submit_report,
    "verify": nonconformity_verify,
    "record_overdue": nonconformity_record_overdue,
    "confirm": nonconformity_confirm,
    "write_serious_review": serious_review_write,
    "check_serious_review": serious_review_check,
    "approve_serious_review": serious_review_approve,
}


def step_take(*, case: Case, name: str, acting_user: Staff, **arguments) -> object:
    """Take the step `name` on `case`: its action checks role, recusal and state under
    the case's row lock, writes the event and queues the notifications."""
    return STEP_ACTIONS[name](case=case, acting_user=acting_user, **arguments)
