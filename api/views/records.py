"""Notices and their sending proofs, archives, loans, disclosures, the dossier."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import CalendarDateField
from api.serializers import SendingSerializer
from api.uploads import WITH_FILES, DocumentField
from api.views.base import get_or_404, perform, validated
from api.views.cases import visible_case
from caseflow.actions.archives import (
    archive_dossier_open,
    archive_loan_decide,
    archive_loan_request,
    archive_loan_return,
    archive_retention_extend,
    disclosure_client_notified,
    disclosure_mark_done,
    disclosure_request_create,
)
from caseflow.actions.notice_delivery import EmailOutcome, notice_email_queue
from caseflow.actions.notices import notice_receipt_record, notice_send
from caseflow.models import ArchiveLoan, ArchiveRecord, DisclosureRequest, NoticeSending
from caseflow.selectors.archives import dossier_zip
from caseflow.selectors.visibility import (
    archives_for_staff,
    disclosures_for_staff,
    loans_for_staff,
)


class SendInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=NoticeSending.Channel.choices)
    email_message_id = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                             default="")
    registered_mail_number = serializers.CharField(max_length=40, required=False,
                                                   allow_blank=True, default="")
    received_on = CalendarDateField(required=False, allow_null=True, default=None)
    recipient = serializers.ChoiceField(choices=NoticeSending.Recipient.choices,
                                        required=False, default=NoticeSending.Recipient.SUBMITTER,
                                        help_text="Which party concerned it went to (R8.09).")


class NoticeSendView(APIView):
    """Record a sending of an approved notice to one party concerned with its proof (the
    office, R8.09)."""

    @extend_schema(request=SendInput, responses={201: SendingSerializer})
    def post(self, request, pk, notice_pk):
        case = visible_case(request, pk)
        notice = get_or_404(case.notices, pk=notice_pk)
        data = validated(SendInput, request)
        return perform(lambda: notice_send(notice=notice, acting_user=request.staff, **data),
                       SendingSerializer, created=True)


class NoticeEmailInput(serializers.Serializer):
    recipients = serializers.ListField(
        child=serializers.ChoiceField(choices=NoticeSending.Recipient.choices),
        required=False, allow_empty=False, min_length=1,  # min_length: the schema's minItems
        max_length=len(NoticeSending.Recipient.choices),
        help_text="The parties concerned to email (R8.09); all of them when left out.")


class NoticeEmailRecipientSerializer(serializers.Serializer):
    """What asking for the email did for one party concerned. `no_address`: the case is
    flagged and the office told; the notice needs registered mail or handing over
    (`send_by`), and `due_at` is the deadline of `rule` at risk."""

    recipient = serializers.ChoiceField(choices=NoticeSending.Recipient.choices)
    outcome = serializers.ChoiceField(choices=EmailOutcome.choices)
    notification = serializers.IntegerField(source="notification.pk", allow_null=True,
                                            default=None)
    send_by = serializers.SerializerMethodField()
    rule = serializers.CharField(source="endangered.rule", allow_null=True, default=None)
    step = serializers.CharField(source="endangered.step", allow_null=True, default=None)
    due_at = serializers.DateTimeField(source="endangered.due_at", allow_null=True,
                                       default=None)

    @extend_schema_field(serializers.ListField(
        child=serializers.ChoiceField(choices=NoticeSending.Channel.choices)))
    def get_send_by(self, queued) -> list[str]:
        if queued.outcome != EmailOutcome.NO_ADDRESS:
            return []
        return [NoticeSending.Channel.REGISTERED_MAIL, NoticeSending.Channel.IN_PERSON]


class NoticeEmailView(APIView):
    """Have the system email the approved notice to the parties concerned (the office,
    R8.09): the PDF attached as approved (R8.07), one email each to the address on file;
    each sending is recorded when the mail server accepts it. The answer says, per
    party, whether it was queued or needs registered mail or handing over."""

    @extend_schema(request=NoticeEmailInput,
                   responses={202: NoticeEmailRecipientSerializer(many=True)})
    def post(self, request, pk, notice_pk):
        case = visible_case(request, pk)
        notice = get_or_404(case.notices, pk=notice_pk)
        data = validated(NoticeEmailInput, request)
        with transaction.atomic():
            queued = notice_email_queue(notice=notice, acting_user=request.staff,
                                        recipients=data.get("recipients"))
        return Response(NoticeEmailRecipientSerializer(queued, many=True).data,
                        status=status.HTTP_202_ACCEPTED)


class ReceiptInput(serializers.Serializer):
    received_on = CalendarDateField()


class SendingReceiptView(APIView):
    """The date a posted notice was received (proof; restarts the X5 window)."""

    @extend_schema(request=ReceiptInput, responses=SendingSerializer)
    def post(self, request, pk, sending_pk):
        case = visible_case(request, pk)
        sending = get_or_404(NoticeSending.objects, pk=sending_pk, notice__case=case)
        data = validated(ReceiptInput, request)
        return perform(lambda: notice_receipt_record(sending=sending, acting_user=request.staff,
                                                     **data), SendingSerializer)


class ArchiveSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = ArchiveRecord
        fields = ["id", "archive_number", "case", "case_number", "archived_at",
                  "custodian_role", "retain_until"]


class ArchiveListView(generics.ListAPIView):
    """R10.01: archived dossiers the caller may see."""

    serializer_class = ArchiveSerializer
    filterset_fields = ["archive_number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ArchiveRecord.objects.none()
        return archives_for_staff(self.request.staff)


class ExtendInput(serializers.Serializer):
    until = CalendarDateField()
    reason = serializers.CharField(max_length=2000)


class ArchiveExtendView(APIView):
    """R10.04: extend retention at a client's request."""

    @extend_schema(request=ExtendInput, responses=ArchiveSerializer)
    def post(self, request, pk):
        archive = get_or_404(archives_for_staff(request.staff), pk=pk)
        data = validated(ExtendInput, request)
        return perform(lambda: archive_retention_extend(archive=archive,
                                                        acting_user=request.staff, **data),
                       ArchiveSerializer)


class LoanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArchiveLoan
        fields = ["id", "archive", "borrower", "purpose", "return_due_on", "state",
                  "decided_by", "returned_at", "overdue_reminded_at"]
        read_only_fields = ["archive", "borrower", "state", "decided_by", "returned_at",
                            "overdue_reminded_at"]


class LoanListView(generics.ListAPIView):
    """R10.02: loans of archived dossiers."""

    serializer_class = LoanSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ArchiveLoan.objects.none()
        return loans_for_staff(self.request.staff)


class LoanRequestView(APIView):
    @extend_schema(request=LoanSerializer, responses={201: LoanSerializer})
    def post(self, request, pk):
        archive = get_or_404(archives_for_staff(request.staff), pk=pk)
        data = validated(LoanSerializer, request)
        return perform(lambda: archive_loan_request(archive=archive, borrower=request.staff,
                                                    **data), LoanSerializer, created=True)


class LoanDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()


class LoanDecideView(APIView):
    @extend_schema(request=LoanDecisionInput, responses=LoanSerializer)
    def post(self, request, pk):
        loan = get_or_404(loans_for_staff(request.staff), pk=pk)
        data = validated(LoanDecisionInput, request)
        return perform(lambda: archive_loan_decide(loan=loan, acting_user=request.staff,
                                                   **data), LoanSerializer)


class LoanReturnView(APIView):
    @extend_schema(request=None, responses=LoanSerializer)
    def post(self, request, pk):
        loan = get_or_404(loans_for_staff(request.staff), pk=pk)
        return perform(lambda: archive_loan_return(loan=loan, acting_user=request.staff),
                       LoanSerializer)


class DossierView(APIView):
    """R10.05, X12: the archived dossier as a zip (`序号-文件名称`, event manifest last),
    for the client & information office and a borrower during an approved loan."""

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="the dossier")})
    def get(self, request, pk):
        # Through the archive, not the case file: a borrower sees the record only (X12).
        archive = get_or_404(archives_for_staff(request.staff), case_id=pk)
        archive_dossier_open(archive=archive, viewer=request.staff)
        name, data = dossier_zip(archive.case, viewer=request.staff)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureRequest
        fields = ["id", "case", "material", "recipient", "basis", "legal_basis",
                  "client_notified_at", "client_notice_proof", "disclosed_at",
                  "requested_by", "disclosed_by"]


class DisclosureInput(serializers.Serializer):
    material = serializers.CharField(max_length=5000)
    recipient = serializers.CharField(max_length=200)
    basis = serializers.ChoiceField(choices=DisclosureRequest.Basis.choices)
    legal_basis = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                        default="")
    consent_file = DocumentField(required=False)


class DisclosureListView(generics.ListAPIView):
    """R10.03: disclosures of confidential material."""

    serializer_class = DisclosureSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DisclosureRequest.objects.none()
        return disclosures_for_staff(self.request.staff)


class DisclosureCreateView(APIView):
    parser_classes = WITH_FILES

    @extend_schema(request=DisclosureInput, responses={201: DisclosureSerializer})
    def post(self, request, pk):
        case = visible_case(request, pk)
        data = validated(DisclosureInput, request)
        return perform(lambda: disclosure_request_create(case=case, acting_user=request.staff,
                                                         **data),
                       DisclosureSerializer, created=True)


class ProofInput(serializers.Serializer):
    proof = serializers.CharField(max_length=200)


class DisclosureClientNotifiedView(APIView):
    @extend_schema(request=ProofInput, responses=DisclosureSerializer)
    def post(self, request, pk):
        disclosure = get_or_404(disclosures_for_staff(request.staff), pk=pk)
        data = validated(ProofInput, request)
        return perform(lambda: disclosure_client_notified(request=disclosure,
                                                          acting_user=request.staff, **data),
                       DisclosureSerializer)


class DisclosureDoneView(APIView):
    @extend_schema(request=None, responses=DisclosureSerializer)
    def post(self, request, pk):
        disclosure = get_or_404(disclosures_for_staff(request.staff), pk=pk)
        return perform(lambda: disclosure_mark_done(request=disclosure,
                                                    acting_user=request.staff),
                       DisclosureSerializer)
