"""Nonconformities, tasks, internal inspections, preventive actions, controlled documents."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.views import APIView

from api.serializers import CaseDetailSerializer
from api.uploads import WITH_FILES, DocumentField
from api.views.base import get_or_404, perform, validated
from api.views.cases import FILE_RESPONSE, case_file, visible_case
from caseflow.actions.documents import (
    change_request_apply,
    change_request_decide,
    change_request_submit,
    controlled_document_register,
)
from caseflow.actions.nonconformities import (
    capa_task_progress_record,
    deviation_record,
    inspection_complete,
    nonconformity_open,
)
from caseflow.actions.preventive import (
    preventive_action_approve,
    preventive_action_complete,
    preventive_action_propose,
)
from caseflow.models import (
    CapaTask,
    ChangeRequest,
    ControlledDocument,
    DocumentRevision,
    InternalInspection,
    Nonconformity,
    NonconformitySource,
    PreventiveAction,
)
from caseflow.selectors.visibility import inspections_for_staff, tasks_for_staff


class NonconformityInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=NonconformitySource.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    severity = serializers.ChoiceField(choices=Nonconformity.Severity.choices,
                                       default=Nonconformity.Severity.NORMAL)


class NonconformityCreateView(APIView):
    """R7.01: record a nonconformity found in inspections, verification work or meetings."""

    @extend_schema(request=NonconformityInput, responses={201: CaseDetailSerializer})
    def post(self, request):
        data = validated(NonconformityInput, request)
        with transaction.atomic():
            case = nonconformity_open(acting_user=request.staff, **data)
        response = case_file(request, visible_case(request, case.pk))
        response.status_code = status.HTTP_201_CREATED
        return response


class TaskSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="cycle.nonconformity.case_id", read_only=True)
    cycle = serializers.IntegerField(source="cycle.number", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CapaTask
        fields = ["id", "case", "cycle", "description", "owner", "assigned_at", "due_at",
                  "due_working_days", "due_provisional", "assigned_by", "done_at", "progress"]

    def get_progress(self, task) -> list[dict]:
        return [{"note": p.note, "recorded_by": p.recorded_by_id, "recorded_at": p.recorded_at}
                for p in task.progress.all()]


class TaskListView(generics.ListAPIView):
    """R7.05: owners see their tasks; quality assurance and the head see all."""

    serializer_class = TaskSerializer
    filterset_fields = ["owner"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CapaTask.objects.none()
        return tasks_for_staff(self.request.staff)


class ProgressInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    done = serializers.BooleanField(default=False)


class TaskProgressView(APIView):
    @extend_schema(request=ProgressInput, responses={201: TaskSerializer})
    def post(self, request, pk):
        task = get_or_404(tasks_for_staff(request.staff), pk=pk)
        data = validated(ProgressInput, request)
        return perform(lambda: capa_task_progress_record(
            task=task, acting_user=request.staff, **data).task, TaskSerializer, created=True)


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = InternalInspection
        fields = ["id", "nonconformity", "deviation", "target_at", "target_working_days",
                  "target_provisional", "opened_at", "findings", "completed_by", "completed_at"]


class DeviationInput(serializers.Serializer):
    description = serializers.CharField(max_length=5000)


class InspectionListView(generics.ListAPIView):
    """R7.04: internal inspections, opened by nonconformities and recorded deviations."""

    serializer_class = InspectionSerializer
    queryset = InternalInspection.objects.order_by("target_at", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return inspections_for_staff(self.request.staff)

    @extend_schema(request=DeviationInput, responses={201: InspectionSerializer})
    def post(self, request):
        data = validated(DeviationInput, request)
        return perform(lambda: deviation_record(acting_user=request.staff, **data),
                       InspectionSerializer, created=True)


class FindingsInput(serializers.Serializer):
    findings = serializers.CharField(max_length=10000)


class InspectionCompleteView(APIView):
    @extend_schema(request=FindingsInput, responses=InspectionSerializer)
    def post(self, request, pk):
        inspection = get_or_404(inspections_for_staff(request.staff), pk=pk)
        data = validated(FindingsInput, request)
        return perform(lambda: inspection_complete(inspection=inspection,
                                                   acting_user=request.staff, **data),
                       InspectionSerializer)


class PreventiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreventiveAction
        fields = ["id", "origin", "nonconformity", "potential_problem", "risk",
                  "touches_impartiality_or_resources", "plan", "state", "drafted_by",
                  "approved_by", "approved_at", "completed_by", "outcome"]
        read_only_fields = ["state", "drafted_by", "approved_by", "approved_at",
                            "completed_by", "outcome"]


class PreventiveListView(generics.ListAPIView):
    """R7.03, R7.09: preventive actions, rated by risk."""

    serializer_class = PreventiveSerializer
    queryset = PreventiveAction.objects.order_by("-id")
    filterset_fields = ["state", "risk", "origin"]

    @extend_schema(request=PreventiveSerializer, responses={201: PreventiveSerializer})
    def post(self, request):
        data = validated(PreventiveSerializer, request)
        return perform(lambda: preventive_action_propose(acting_user=request.staff, **data),
                       PreventiveSerializer, created=True)


class PreventiveApproveView(APIView):
    @extend_schema(request=None, responses=PreventiveSerializer)
    def post(self, request, pk):
        action = get_or_404(PreventiveAction.objects, pk=pk)
        return perform(lambda: preventive_action_approve(action=action,
                                                         acting_user=request.staff),
                       PreventiveSerializer)


class OutcomeInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=10000)


class PreventiveCompleteView(APIView):
    @extend_schema(request=OutcomeInput, responses=PreventiveSerializer)
    def post(self, request, pk):
        action = get_or_404(PreventiveAction.objects, pk=pk)
        data = validated(OutcomeInput, request)
        return perform(lambda: preventive_action_complete(action=action,
                                                          acting_user=request.staff, **data),
                       PreventiveSerializer)


class RevisionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = DocumentRevision
        fields = ["id", "number", "revision", "changes", "effective_at", "obsolete",
                  "withdrawn_at"]


class DocumentSerializer(serializers.ModelSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = ControlledDocument
        fields = ["id", "sequence", "title", "kind", "revisions"]


class DocumentInput(serializers.Serializer):
    sequence = serializers.IntegerField(min_value=1, max_value=9999)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ControlledDocument.Kind.choices)
    file = DocumentField(required=False)


class DocumentListView(generics.ListAPIView):
    """R7.07: controlled documents with their revisions (CEC-YYYYD-M/N)."""

    serializer_class = DocumentSerializer
    queryset = ControlledDocument.objects.prefetch_related("revisions__document").order_by(
        "sequence")
    parser_classes = WITH_FILES

    @extend_schema(request=DocumentInput, responses={201: DocumentSerializer})
    def post(self, request):
        data = validated(DocumentInput, request)
        return perform(lambda: controlled_document_register(acting_user=request.staff, **data),
                       DocumentSerializer, created=True)


class DocumentDetailView(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer
    queryset = DocumentListView.queryset


class RevisionFileView(APIView):
    @extend_schema(responses=FILE_RESPONSE)
    def get(self, request, pk, revision_pk):
        revision = get_or_404(DocumentRevision.objects, pk=revision_pk, document_id=pk)
        if not revision.file:
            raise Http404
        return FileResponse(revision.file.open("rb"), as_attachment=True,
                            filename=f"{revision.number.replace('/', '_')}"
                                     f"{revision.file.name[revision.file.name.rfind('.'):]}")


class ChangeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequest
        fields = ["id", "document", "description", "reissue", "nonconformity_case", "state",
                  "requested_by", "decided_by", "decision_reason", "applied_by",
                  "resulting_revision"]
        read_only_fields = ["document", "state", "requested_by", "decided_by",
                            "decision_reason", "applied_by", "resulting_revision"]


class ChangeRequestListView(generics.ListAPIView):
    serializer_class = ChangeRequestSerializer
    queryset = ChangeRequest.objects.order_by("-id")
    filterset_fields = ["state", "document"]


class ChangeRequestCreateView(APIView):
    @extend_schema(request=ChangeRequestSerializer, responses={201: ChangeRequestSerializer})
    def post(self, request, pk):
        document = get_or_404(ControlledDocument.objects, pk=pk)
        data = validated(ChangeRequestSerializer, request)
        if data.get("nonconformity_case") is not None:
            visible_case(request, data["nonconformity_case"].pk)
        return perform(lambda: change_request_submit(document=document,
                                                     acting_user=request.staff, **data),
                       ChangeRequestSerializer, created=True)


class DecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                   default="")


class ChangeRequestDecideView(APIView):
    @extend_schema(request=DecisionInput, responses=ChangeRequestSerializer)
    def post(self, request, pk):
        change = get_or_404(ChangeRequest.objects, pk=pk)
        data = validated(DecisionInput, request)
        return perform(lambda: change_request_decide(request=change,
                                                     acting_user=request.staff, **data),
                       ChangeRequestSerializer)


class ApplyInput(serializers.Serializer):
    file = DocumentField(required=False)


class ChangeRequestApplyView(APIView):
    parser_classes = WITH_FILES

    @extend_schema(request=ApplyInput, responses=RevisionSerializer)
    def post(self, request, pk):
        change = get_or_404(ChangeRequest.objects, pk=pk)
        data = validated(ApplyInput, request)
        return perform(lambda: change_request_apply(request=change, acting_user=request.staff,
                                                    **data), RevisionSerializer)

