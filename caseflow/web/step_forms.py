"""The form each workflow step takes on a case page, and the one action it calls.

The workflow tables (caseflow.policies.transitions) decide which steps a person may take;
the case page offers only those (`available_transitions`). These forms check the shape of
what is typed; the actions refuse what the rules forbid.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caseflow.actions.notices import SendingProof
from caseflow.deadlines import DEFAULT_TARGETS
from caseflow.documents import document_checked
from caseflow.errors import InvalidInput
from caseflow.models import (
    AnalysisCycle,
    Case,
    CaseKind,
    CommitteeVote,
    Finding,
    Nonconformity,
    NonconformitySource,
    NoticeSending,
    Staff,
)
from caseflow.selectors.cases import cases_for_staff
from caseflow.web.forms import SiteForm
from caseflow.web.labels import DUE_STEPS
from caseflow.workdays import FIRST_DAY, INPUT_LAST_DAY

TEXT_MAX = 10000  # as the API's step payloads
YES_NO = [("true", _("Yes")), ("false", _("No"))]


def long_text(label, *, required=True, rows=4, max_length=TEXT_MAX):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


def yes_no(label):
    return forms.TypedChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect,
                                  coerce=lambda v: v == "true")


def active_staff(label):
    return forms.ModelChoiceField(label=label, queryset=Staff.objects.filter(is_active=True))


def in_calendar(day):
    """W1: a date the working-day calendar counts (as the API's date fields)."""
    if day is not None and not FIRST_DAY <= day <= INPUT_LAST_DAY:
        raise forms.ValidationError(_("Enter a date between %(first)s and %(last)s.")
                                    % {"first": FIRST_DAY.isoformat(),
                                       "last": INPUT_LAST_DAY.isoformat()})
    return day


class CalendarDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value):
        return in_calendar(super().clean(value))


class CalendarDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None:
            in_calendar(moment.date())
        return moment


class DocumentField(forms.FileField):
    """A PDF, image or Office file, judged by its content (caseflow.documents)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                upload.name = document_checked(upload, field="")
            except InvalidInput as refused:
                raise forms.ValidationError(refused.message) from refused
        return upload


class StepForm(SiteForm):
    """A step's input. `arguments()` is what its action takes besides the case and the
    person acting."""

    def __init__(self, *args, case: Case, viewer: Staff, **kwargs):
        self.case, self.viewer = case, viewer
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class Empty(StepForm):
    pass


class Reason(StepForm):
    reason = long_text(_("Reason"))


class Accept(StepForm):
    action_to_take = long_text(_("Action to take"))
    reason = long_text(_("Reason (for an appeal filed late)"), required=False, rows=2)


class Handler(StepForm):
    handler = active_staff(_("Handler"))


class Merge(StepForm):
    into = forms.CharField(label=_("Number of the case to merge into"), max_length=20)
    reason = long_text(_("Reason"))

    def clean_into(self):
        """Only a case the person sees can be named (as on the case routes)."""
        number = self.cleaned_data["into"].strip().upper()
        into = cases_for_staff(self.viewer).filter(number=number).exclude(
            pk=self.case.pk).first()
        if into is None:
            raise forms.ValidationError(_("No other case you can see has this number."))
        return into


class CorrectKind(StepForm):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=[
        (k.value, k.label) for k in (CaseKind.COMPLAINT, CaseKind.APPEAL, CaseKind.DISPUTE)])
    reason = long_text(_("Reason"))


class InternalProblem(StepForm):
    description = long_text(_("What went wrong inside the body"))
    source = forms.ChoiceField(label=_("Source"), choices=NonconformitySource.choices,
                               initial=NonconformitySource.VERIFICATION_WORK)
    severity = forms.ChoiceField(label=_("Severity"), choices=Nonconformity.Severity.choices,
                                 initial=Nonconformity.Severity.NORMAL)


class Vote(StepForm):
    """X10: the person's own vote; nobody casts another member's."""

    vote = forms.ChoiceField(label=_("Your vote"), choices=CommitteeVote.Vote.choices,
                             widget=forms.RadioSelect)
    reasoning = long_text(_("Your reasoning"))


class Target(StepForm):
    step = forms.ChoiceField(label=_("Step"), choices=[
        (s, DUE_STEPS.get(s, s)) for s in sorted(DEFAULT_TARGETS)])
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=250)


class Evaluate(StepForm):
    valid = yes_no(_("Does the complaint hold?"))
    reasoning = long_text(_("Reasoning"))


class RecordFinding(StepForm):
    side = forms.ChoiceField(label=_("Side"), choices=Finding.Side.choices)
    method = forms.ChoiceField(label=_("How it was gathered"), choices=Finding.Method.choices,
                               initial=Finding.Method.DESK)
    text = long_text(_("Finding"))
    evidence = DocumentField(label=_("Evidence (optional)"), required=False)


class Propose(StepForm):
    outcome = long_text(_("Handling opinion"))
    substantiated = yes_no(_("Is the complaint substantiated?"))


class Note(StepForm):
    note = long_text(_("Note (optional)"), required=False, rows=2)


CHANNELS = NoticeSending.Channel.choices


class SendDecision(StepForm):
    """R8.09: the sending to the submitter and, where the case concerns an engagement
    whose client did not file it, the sending to that client."""

    channel = forms.ChoiceField(label=_("Sent to the submitter by"), choices=CHANNELS)
    email_message_id = forms.CharField(label=_("Email message id"), max_length=200,
                                       required=False)
    registered_mail_number = forms.CharField(label=_("Registered mail number"),
                                             max_length=40, required=False)
    received_on = CalendarDateField(label=_("Received on (if known)"), required=False)
    client_channel = forms.ChoiceField(
        label=_("Sent to the engagement's client (项目委托方) by"), required=False,
        choices=[("", _("Not sent to a client"))] + list(CHANNELS))
    client_email_message_id = forms.CharField(label=_("Client: email message id"),
                                              max_length=200, required=False)
    client_registered_mail_number = forms.CharField(
        label=_("Client: registered mail number"), max_length=40, required=False)
    client_received_on = CalendarDateField(label=_("Client: received on (if known)"),
                                           required=False)

    def arguments(self) -> dict:
        data = self.cleaned_data
        client = None
        if data["client_channel"]:
            client = SendingProof(channel=data["client_channel"],
                                  email_message_id=data["client_email_message_id"],
                                  registered_mail_number=data["client_registered_mail_number"],
                                  received_on=data["client_received_on"])
        return {"channel": data["channel"], "email_message_id": data["email_message_id"],
                "registered_mail_number": data["registered_mail_number"],
                "received_on": data["received_on"], "client": client}


class Ruling(StepForm):
    ruling = long_text(_("Ruling"))


class RequestCommittee(StepForm):
    requested_at = CalendarDateTimeField(label=_("When the appellant asked"))
    reason = long_text(_("Reason given"))


class Answer(StepForm):
    answer = long_text(_("Answer"))


class Agreement(StepForm):
    agreement = long_text(_("Agreement"))


class Outcome(StepForm):
    outcome = long_text(_("Outcome"))


class Analyse(StepForm):
    method = forms.ChoiceField(label=_("Method"), choices=AnalysisCycle.Method.choices)
    analysis = long_text(_("Analysis"), required=False)
    root_cause = long_text(_("Root cause"))
    correction = long_text(_("Correction"))
    corrective_action = long_text(_("Corrective action"))
    report_due_on = CalendarDateField(label=_("Implementation report due on"))


class AssignTask(StepForm):
    owner = active_staff(_("Owner"))
    description = long_text(_("Task"))
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=250)


class SubmitReport(StepForm):
    report = long_text(_("Implementation report"))
    report_file = DocumentField(label=_("Report file (optional)"), required=False)


class Verify(StepForm):
    effective = yes_no(_("Was the corrective action effective?"))
    reason = long_text(_("Specific reason"))


class ReviewText(StepForm):
    text = long_text(_("Review"))


# The form of each step; what taking it does is caseflow.actions.steps.
STEP_FORMS: dict[str, type[StepForm]] = {
    # every kind
    "assign": Handler,
    "withdraw": Reason,
    "merge": Merge,
    "correct_kind": CorrectKind,
    "report_internal_problem": InternalProblem,
    "refer_no_eligible": Empty,
    "set_target": Target,
    "committee_vote": Vote,
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
