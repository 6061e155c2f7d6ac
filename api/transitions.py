"""What each transition of the workflow tables takes as input and which action it calls.

The tables (caseflow.policies.transitions) decide what is allowed; this adapter only
parses a payload and calls the one action for the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import CalendarDateField, CalendarDateTimeField
from api.strict import MAX_ID
from api.uploads import DocumentField
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
from caseflow.actions.notices import SendingProof
from caseflow.deadlines import DEFAULT_TARGETS
from caseflow.models import (
    AnalysisCycle,
    Case,
    CommitteeVote,
    Finding,
    Nonconformity,
    NonconformitySource,
    NoticeSending,
    Staff,
)
from caseflow.selectors.cases import cases_for_staff


def text(**kw):
    return serializers.CharField(max_length=kw.pop("max_length", 10000), **kw)


def active_staff():
    return serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(is_active=True))


class Empty(serializers.Serializer):
    pass


class Reason(serializers.Serializer):
    reason = text()


class Accept(serializers.Serializer):
    action_to_take = text()
    reason = text(required=False, allow_blank=True, default="")


class Handler(serializers.Serializer):
    handler = active_staff()


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class VisibleCase(serializers.PrimaryKeyRelatedField):
    """A case the caller may see: others do not exist for them (as on the case routes)."""

    def get_queryset(self):
        return cases_for_staff(self.context["staff"])


class Merge(serializers.Serializer):
    into = VisibleCase()
    reason = text()


class CorrectKind(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["complaint", "appeal", "dispute"])
    reason = text()


class InternalProblem(serializers.Serializer):
    description = text()
    source = serializers.ChoiceField(choices=NonconformitySource.choices,
                                     default=NonconformitySource.VERIFICATION_WORK)
    severity = serializers.ChoiceField(choices=Nonconformity.Severity.choices,
                                       default=Nonconformity.Severity.NORMAL)




class CommitteeVoteInput(serializers.Serializer):
    """X10: the caller's own vote; nobody casts another member's."""

    vote = serializers.ChoiceField(choices=CommitteeVote.Vote.choices)
    reasoning = text()


class Target(serializers.Serializer):
    step = serializers.ChoiceField(choices=sorted(DEFAULT_TARGETS))
    working_days = serializers.IntegerField(min_value=1, max_value=250)


class Evaluate(serializers.Serializer):
    valid = serializers.BooleanField()
    reasoning = text()


class RecordFinding(serializers.Serializer):
    side = serializers.ChoiceField(choices=Finding.Side.choices)
    method = serializers.ChoiceField(choices=Finding.Method.choices,
                                     default=Finding.Method.DESK)
    text = text()
    evidence = DocumentField(required=False)


class Propose(serializers.Serializer):
    outcome = text()
    substantiated = serializers.BooleanField()


class Note(serializers.Serializer):
    note = text(required=False, allow_blank=True, default="")


class SendingProofInput(serializers.Serializer):
    """One sending's channel and proof."""

    channel = serializers.ChoiceField(choices=NoticeSending.Channel.choices)
    email_message_id = text(
        required=False, allow_blank=True, default="", max_length=200,
        help_text="With channel email: the Message-ID of an email sent outside the system. "
                  "Left blank, the system emails the approved PDF itself to the address on "
                  "file (refused when there is none) and records the sending once the mail "
                  "server accepts it.")
    registered_mail_number = text(required=False, allow_blank=True, default="",
                                  max_length=40)
    received_on = CalendarDateField(required=False, allow_null=True, default=None)


class SendDecision(SendingProofInput):
    """R8.09: the sending to the submitter (the fields as before) and, where the case
    concerns an engagement whose client (项目委托方) did not file it, the sending to that
    client: required then, refused otherwise."""

    client = SendingProofInput(required=False, allow_null=True, default=None,
                   help_text="The sending to the engagement's client (项目委托方).")


class Ruling(serializers.Serializer):
    ruling = text()


class RequestCommittee(serializers.Serializer):
    requested_at = CalendarDateTimeField()
    reason = text()


class Answer(serializers.Serializer):
    answer = text()


class Agreement(serializers.Serializer):
    agreement = text()


class Outcome(serializers.Serializer):
    outcome = text()


class Analyse(serializers.Serializer):
    method = serializers.ChoiceField(choices=AnalysisCycle.Method.choices)
    analysis = text(allow_blank=True, default="")
    root_cause = text()
    correction = text()
    corrective_action = text()
    report_due_on = CalendarDateField()


class AssignTask(serializers.Serializer):
    owner = active_staff()
    description = text()
    working_days = serializers.IntegerField(min_value=1, max_value=250)


class SubmitReport(serializers.Serializer):
    report = text()
    report_file = DocumentField(required=False)


class Verify(serializers.Serializer):
    effective = serializers.BooleanField()
    reason = text()


class ReviewText(serializers.Serializer):
    text = text()


@dataclass(frozen=True)
class Step:
    input: type[serializers.Serializer]
    perform: Callable[[Case, Staff, dict], object]


def kw(action, **renames):
    """Call `action(case=…, acting_user=…, **payload)`, renaming payload keys if needed."""
    def perform(case, staff, data):
        payload = {renames.get(k, k): v for k, v in data.items()}
        return action(case=case, acting_user=staff, **payload)
    return perform


def send_decision(case, staff, data):
    client = data.pop("client", None)
    return case_send_decision(case=case, acting_user=staff, **data,
                              client=SendingProof(**client) if client else None)


STEPS: dict[str, Step] = {
    # every kind
    "assign": Step(Handler, kw(case_assign)),
    "withdraw": Step(Reason, kw(case_withdraw)),
    "merge": Step(Merge, kw(case_merge)),
    "correct_kind": Step(CorrectKind, kw(case_correct_kind)),
    "report_internal_problem": Step(InternalProblem, kw(case_report_internal_problem)),
    "refer_no_eligible": Step(Empty, kw(case_refer_no_eligible)),
    "set_target": Step(Target, kw(case_target_set)),
    "committee_vote": Step(CommitteeVoteInput, kw(committee_vote)),
    "accept": Step(Accept, kw(case_accept)),
    "reject": Step(Reason, kw(case_reject)),
    # complaints
    "evaluate": Step(Evaluate, kw(complaint_evaluate)),
    "evaluate_anonymous": Step(Evaluate, kw(complaint_evaluate)),
    "record_finding": Step(RecordFinding, kw(complaint_record_finding)),
    "propose": Step(Propose, kw(complaint_propose)),
    "review": Step(Note, kw(case_review)),
    "return_for_rework": Step(Reason, kw(case_return_for_rework)),
    "approve": Step(Empty, kw(case_approve)),
    "send_final_notice": Step(SendDecision, send_decision),
    "close_without_reply": Step(Empty, kw(complaint_close_without_reply)),
    # appeals
    "organize": Step(Handler, kw(appeal_organize)),
    "draft_ruling": Step(Ruling, kw(appeal_draft_ruling)),
    "send_ruling": Step(SendDecision, send_decision),
    "request_committee": Step(RequestCommittee, kw(appeal_request_committee)),
    "refer_committee": Step(Reason, kw(case_refer_committee)),
    # disputes
    "answer": Step(Answer, kw(dispute_answer)),
    "record_agreement": Step(Agreement, kw(dispute_record_agreement)),
    "refer_department_head": Step(Reason, kw(dispute_refer_department_head)),
    "refer_quality_manager": Step(Reason, kw(dispute_refer_quality_manager)),
    "resolve": Step(Outcome, kw(dispute_resolve)),
    "mark_impartiality_related": Step(Reason, kw(dispute_mark_impartiality_related)),
    "gm_approve": Step(Empty, kw(dispute_gm_approve)),
    # nonconformities
    "analyse": Step(Analyse, kw(nonconformity_analyse)),
    "sign_off_plan": Step(Empty, kw(nonconformity_sign_off_plan)),
    "return_plan": Step(Reason, kw(nonconformity_return_plan)),
    "assign_task": Step(AssignTask, kw(capa_task_assign)),
    "submit_report": Step(SubmitReport, kw(nonconformity_submit_report)),
    "verify": Step(Verify, kw(nonconformity_verify)),
    "record_overdue": Step(Empty, kw(nonconformity_record_overdue)),
    "confirm": Step(Empty, kw(nonconformity_confirm)),
    "write_serious_review": Step(ReviewText, kw(serious_review_write)),
    "check_serious_review": Step(Empty, kw(serious_review_check)),
    "approve_serious_review": Step(Empty, kw(serious_review_approve)),
}
