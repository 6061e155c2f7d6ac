"""Cases: list, intake, the case file, what may be done next, and doing it."""

from django.db import transaction
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import CalendarDateField, CalendarDateTimeField
from api.filters import CaseFilter
from api.serializers import CaseDetailSerializer, CaseListSerializer, IdentitySerializer
from api.strict import strict_is_valid
from api.transitions import STEP_INPUTS, VisibleCase, step_arguments
from api.uploads import WITH_FILES, DocumentField, takes_files
from api.views.base import perform, validated
from caseflow.actions.case_files import case_file_open
from caseflow.actions.intake import PartyDetails, case_register
from caseflow.actions.notices import notice_file_open
from caseflow.actions.parties import party_erase, party_identity_redacted, party_identity_reveal
from caseflow.actions.steps import step_take
from caseflow.documents import ACCEPTED
from caseflow.errors import InvalidInput
from caseflow.models import Case, Channel, Engagement, Organization, Party, Scope, Staff
from caseflow.policies.impartiality import check_transition
from caseflow.selectors.cases import case_detail, case_for_staff, cases_for_staff


def visible_case(request, pk) -> Case:
    """The case if the caller may see it; 404 otherwise (existence is not revealed)."""
    try:
        return case_for_staff(request.staff, pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def case_file(request, case: Case) -> Response:
    return Response(CaseDetailSerializer(case_detail(case, viewer=request.staff)).data)


# The domain names a submitter's field without the prefix the intake payload gives it.
INTAKE_FIELDS = {"organization": "submitter_organization"}


class CaseIntakeSerializer(serializers.Serializer):
    """A case received by letter, email, phone or in person, registered by staff."""

    kind = serializers.ChoiceField(choices=["complaint", "appeal", "dispute"])
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    scope = serializers.ChoiceField(choices=Scope.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = CalendarDateTimeField()
    anonymous = serializers.BooleanField(default=False)
    submitter_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                           default="")
    submitter_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None)
    submitter_email = serializers.EmailField(required=False, allow_blank=True, default="")
    submitter_phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                            default="")
    submitter_address = serializers.CharField(max_length=300, required=False,
                                              allow_blank=True, default="")
    submitter_language = serializers.ChoiceField(choices=Staff.Language.choices,
                                                 default="zh-hans")
    respondent_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                            default="")
    respondent_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None)
    respondent_staff = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.all(), required=False, allow_null=True, default=None)
    engagement = serializers.PrimaryKeyRelatedField(
        queryset=Engagement.objects.all(), required=False, allow_null=True, default=None)
    submission_document = DocumentField(required=False)
    appealed_case = VisibleCase(
        required=False, allow_null=True, default=None,
        help_text="Appeals (X11): the case whose decision is appealed; or give `engagement` "
                  "for an appeal against a verification conclusion.")
    appealed_decision = serializers.CharField(max_length=300, required=False,
                                              allow_blank=True, default="")
    decision_received_on = CalendarDateField(required=False, allow_null=True,
                                                 default=None)


# What a row of the list shows (CaseListSerializer), all the list reads: not each case's
# description and other long texts, nor each engagement's disclosure texts.
LIST_COLUMNS = [*(name for name in CaseListSerializer.Meta.fields if name != "is_overdue"),
                "handler__display_name", "engagement__report_number"]


class CaseListView(generics.ListCreateAPIView):
    """Cases the caller may see, soonest deadline first; staff register new ones here."""

    serializer_class = CaseListSerializer
    filterset_class = CaseFilter
    parser_classes = WITH_FILES

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Case.objects.none()
        return cases_for_staff(self.request.staff).only(*LIST_COLUMNS)

    @extend_schema(request=CaseIntakeSerializer, responses={201: CaseDetailSerializer})
    def post(self, request):
        data = validated(CaseIntakeSerializer, request, context={"staff": request.staff})
        respondent = None
        if data["respondent_name"] or data["respondent_organization"] or data[
                "respondent_staff"]:
            respondent = PartyDetails(name=data["respondent_name"],
                                      organization=data["respondent_organization"],
                                      staff=data["respondent_staff"])
        try:
            with transaction.atomic():
                case = self.register(data, respondent, request.staff)
        except InvalidInput as exc:  # name the field as this payload calls it
            exc.field = INTAKE_FIELDS.get(exc.field, exc.field)
            raise
        response = case_file(request, visible_case(request, case.pk))
        response.status_code = status.HTTP_201_CREATED
        return response

    @staticmethod
    def register(data, respondent, staff) -> Case:
        return case_register(
            kind=data["kind"], subject=data["subject"], description=data["description"],
            scope=data["scope"], channel=data["channel"], received_at=data["received_at"],
            submitter=PartyDetails(
                name=data["submitter_name"], organization=data["submitter_organization"],
                email=data["submitter_email"], phone=data["submitter_phone"],
                address=data["submitter_address"], language=data["submitter_language"],
                anonymous=data["anonymous"]),
            respondent=respondent, engagement=data["engagement"],
            submission_document=data.get("submission_document"),
            appealed_decision=data["appealed_decision"],
            decision_received_on=data["decision_received_on"],
            appealed_case=data["appealed_case"], acting_user=staff)



class CaseDetailView(APIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request, pk):
        return case_file(request, visible_case(request, pk))


class TransitionListSerializer(serializers.Serializer):
    transitions = serializers.ListField(child=serializers.CharField())


class CaseTransitionsView(APIView):
    """What the caller may do next on this case (the tables the actions use)."""

    @extend_schema(responses=TransitionListSerializer)
    def get(self, request, pk):
        detail = case_detail(visible_case(request, pk), viewer=request.staff)
        return Response({"transitions": detail.transitions})


class TransitionView(APIView):
    """POST one step; subclasses per step set `name` and `input` (see `transition_views`)."""

    name = ""
    input = serializers.Serializer

    def post(self, request, pk):
        case = visible_case(request, pk)
        # "Not now" or "not you" answers before any complaint about the payload; the
        # action checks again under its row lock.
        check_transition(case, self.name, request.staff)
        serializer = self.input(data=request.data, context={"staff": request.staff})
        strict_is_valid(serializer)
        with transaction.atomic():
            step_take(case=case, name=self.name, acting_user=request.staff,
                      **step_arguments(self.name, dict(serializer.validated_data)))
        return case_file(request, visible_case(request, pk))


def transition_views() -> dict[str, type[TransitionView]]:
    """One view class per step, so the schema documents each step's own payload."""
    views = {}
    for name, step_input in STEP_INPUTS.items():
        attributes = {"name": name, "input": step_input}
        if takes_files(step_input):
            attributes["parser_classes"] = WITH_FILES
        view = type(f"{name.title().replace('_', '')}TransitionView", (TransitionView,),
                    attributes)
        views[name] = extend_schema_view(post=extend_schema(
            request=step_input, responses=CaseDetailSerializer,
            operation_id=f"cases_transition_{name}",
            summary=f"Take the step '{name}' on a case"))(view)
    return views


def case_party(request, pk, party_pk) -> tuple[Case, Party]:
    """A visible case and one of its own parties (submitter or respondent); 404 else."""
    case = visible_case(request, pk)
    if party_pk not in (case.submitter_id, case.respondent_id):
        raise Http404
    return case, Party.objects.get(pk=party_pk)


class RevealView(APIView):
    """R8.13: the identity of a party, if the policy allows the caller; each reveal is
    recorded on the case. Others get it redacted."""

    @extend_schema(request=None, responses=IdentitySerializer)
    def post(self, request, pk, party_pk):
        case, party = case_party(request, pk, party_pk)
        return perform(lambda: party_identity_reveal(case=case, party=party,
                                                     viewer=request.staff),
                       IdentitySerializer)


class EraseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PartyEraseView(APIView):
    """X8: on a lawful request, erase a party's identity (the office or the quality
    manager); recorded on each case of the party. Answers the identity as it now stands."""

    @extend_schema(request=EraseInput, responses=IdentitySerializer)
    def post(self, request, pk, party_pk):
        _, party = case_party(request, pk, party_pk)
        reason = validated(EraseInput, request)["reason"]
        return perform(lambda: party_identity_redacted(party_erase(
            party=party, reason=reason, acting_user=request.staff)), IdentitySerializer)


def file_response(description: str) -> dict:
    """A stored file is served as the type of its content (uploads are named by it, see
    api.uploads; notices are PDFs), an unknown one as octet-stream."""
    return {(200, media_type): OpenApiResponse(response=OpenApiTypes.BINARY,
                                               description=description)
            for media_type in [*ACCEPTED, "application/octet-stream"]}


class SubmissionDocumentView(APIView):
    @extend_schema(responses=file_response("the written submission"))
    def get(self, request, pk):
        case = visible_case(request, pk)
        return download(request, case, case.submission_document, "submission")


def download(request, case: Case, stored, label: str) -> FileResponse:
    if not stored:
        raise Http404
    stored = case_file_open(case=case, viewer=request.staff, stored=stored, label=label)
    return FileResponse(stored.open("rb"), as_attachment=True,
                        filename=stored.name.rsplit("/", 1)[-1])


FILE_RESPONSE = file_response("the file")


class FindingEvidenceView(APIView):
    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request, pk, finding_pk):
        case = visible_case(request, pk)
        finding = case.findings.filter(pk=finding_pk).first()
        if finding is None:
            raise Http404
        return download(request, case, finding.evidence, f"finding:{finding.pk}")


class NoticeFileView(APIView):
    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request, pk, notice_pk):
        case = visible_case(request, pk)
        notice = case.notices.filter(pk=notice_pk).first()
        if notice is None or not notice.file:
            raise Http404
        stored = notice_file_open(notice=notice, viewer=request.staff)
        return FileResponse(stored.open("rb"), as_attachment=True,
                            filename=stored.name.rsplit("/", 1)[-1])
