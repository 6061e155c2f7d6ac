"""What each transition of the workflow tables takes as input and which action it calls.

The tables (caseflow.policies.transitions) decide what is allowed; this adapter only
parses a payload and calls the one action for the step.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import CalendarDateField, CalendarDateTimeField
from api.strict import MAX_ID
from api.uploads import DocumentField
from caseflow.actions.notices import SendingProof
from caseflow.deadlines import DEFAULT_TARGETS
from caseflow.models import (
    AnalysisCycle,
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



# The input of each step; what taking it does is caseflow.actions.steps.
STEP_INPUTS: dict[str, type[serializers.Serializer]] = {
    # every kind
    "assign": Handler,
    "withdraw": Reason,
    "merge": Merge,
    "correct_kind": CorrectKind,
    "report_internal_problem": InternalProblem,
    "refer_no_eligible": Empty,
    "set_target": Target,
    "committee_vote": CommitteeVoteInput,
    "accept": Accept,
    "reject": Reason,
    # complaints
    "evaluate": Evaluate,
    "evaluate_anonymous": Evaluate,
    "record_finding": RecordFinding,
    "propose": Propose,
    "review": Note,
    "return_for_rework": Reason,
    "approve": Empty,
    "send_final_notice": SendDecision,
    "close_without_reply": Empty,
    # appeals
    "organize": Handler,
    "draft_ruling": Ruling,
    "send_ruling": SendDecision,
    "request_committee": RequestCommittee,
    "refer_committee": Reason,
    # disputes
    "answer": Answer,
    "record_agreement": Agreement,
    "refer_department_head": Reason,
    "refer_quality_manager": Reason,
    "resolve": Outcome,
    "mark_impartiality_related": Reason,
    "gm_approve": Empty,
    # nonconformities
    "analyse": Analyse,
    "sign_off_plan": Empty,
    "return_plan": Reason,
    "assign_task": AssignTask,
    "submit_report": SubmitReport,
    "verify": Verify,
    "record_overdue": Empty,
    "confirm": Empty,
    "write_serious_review": ReviewText,
    "check_serious_review": Empty,
    "approve_serious_review": Empty,
}


def step_arguments(name: str, data: dict) -> dict:
    """A step's validated input as its action takes it: the client's sending proof
    (R8.09) as a `SendingProof`."""
    if name in ("send_final_notice", "send_ruling") and data.get("client"):
        data = {**data, "client": SendingProof(**data["client"])}
    return data
