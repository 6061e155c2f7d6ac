"""The department head's dashboard, the committee's queue, exports, yearly reports, the
calendar and the yearly conflict-of-interest analysis."""

from __future__ import annotations

import dataclasses

import django_filters
from django.core.validators import MaxValueValidator
from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.plumbing import get_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import CalendarDateField
from api.filters import CaseFilter
from api.serializers import CaseListSerializer
from api.strict import FIRST_YEAR, LAST_YEAR, QueryBooleanField, check_date_year
from api.views.base import get_or_404, perform, validated
from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.actions.calendar_overrides import (
    calendar_override_remove,
    calendar_override_set,
    check_editor,
)
from caseflow.actions.conflict_analysis import conflict_analysis_record
from caseflow.disclosure_table import render_disclosure_table_xlsx
from caseflow.models import CalendarOverride, CalendarYear, Case, ConflictAnalysis
from caseflow.policies.oversight import check_management
from caseflow.policies.transitions import S
from caseflow.selectors.cases import cases_for_staff
from caseflow.selectors.dashboard import dashboard_summary
from caseflow.selectors.reports import (
    complaint_statistics,
    disclosure_table_data,
    self_check_report_data,
)
from caseflow.self_check_report import render_self_check_report_pdf
from caseflow.spreadsheets import csv_bytes, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = OpenApiResponse(response=OpenApiTypes.BINARY, description="the file")


def report_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class MonthRateSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="percent on time; null: none due")


class HandlerLoadSerializer(serializers.Serializer):
    handler = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class FailedNotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    template = serializers.CharField()
    case_number = serializers.CharField(allow_blank=True,
                                        help_text="blank for a notification about no case")
    failed_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    open_by_kind_and_state = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()))
    due_within_two_working_days = serializers.ListField(
        child=serializers.CharField(),
        help_text="the first cases (at most 50) due within two working days that the caller "
                  "may see, soonest first; the case list with due_before= gives them all")
    due_within_two_working_days_total = serializers.IntegerField(
        help_text="how many cases the caller may see are due within two working days")
    overdue = serializers.ListField(
        child=serializers.CharField(),
        help_text="the first overdue cases (at most 50) the caller may see, most overdue "
                  "first; the case list with overdue=true gives them all")
    overdue_total = serializers.IntegerField(
        help_text="how many overdue cases the caller may see")
    load_by_handler = HandlerLoadSerializer(many=True)
    on_time_by_month = MonthRateSerializer(many=True)
    acceptance_on_time_by_month = MonthRateSerializer(many=True)
    corrective_reports_on_time_by_month = MonthRateSerializer(many=True)
    median_working_days_to_acceptance = serializers.FloatField(allow_null=True)
    median_working_days_to_closure = serializers.FloatField(allow_null=True)
    notifications_by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="notifications pending and failed (those sent are not counted here)")
    failed_notifications = FailedNotificationSerializer(
        many=True, help_text="the latest notifications given up on (see notifications_by_status "
                             "for how many in all)")


class DashboardView(APIView):
    """Load, stages, due soon and overdue, on-time rates, medians, notifications."""

    @extend_schema(parameters=[YearQuery], responses=DashboardSerializer)
    def get(self, request):
        check_management(request.staff)
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year", timezone.localdate().year)
        summary = dashboard_summary(year=year, now=timezone.now(), viewer=request.staff)
        return Response(DashboardSerializer(dataclasses.asdict(summary)).data)


class CommitteeQueueView(generics.ListAPIView):
    """Cases referred to the impartiality committee, as the caller may see them."""

    serializer_class = CaseListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return cases_for_staff(self.request.staff).filter(state=S.COMMITTEE)


EXPORT_COLUMNS = ["number", "kind", "state", "subject", "scope", "channel", "received_at",
                  "handler", "due_at", "due_step", "deadline_kind", "deadline_provisional",
                  "closed_at"]


def export_rows(request):
    filterset = CaseFilter(request.query_params, queryset=cases_for_staff(request.staff))
    if not filterset.is_valid():  # as the list does: a bad filter is a 400, not everything
        raise serializers.ValidationError(filterset.errors)
    cases = filterset.qs
    for row in CaseListSerializer(cases, many=True).data:
        handler = row["handler"]["display_name"] if row["handler"] else ""
        yield [handler if c == "handler" else row[c] for c in EXPORT_COLUMNS]


def case_filter_parameters() -> list[OpenApiParameter]:
    """The list's filters, documented for the export that takes them too."""
    types = {django_filters.NumberFilter: OpenApiTypes.INT,
             django_filters.BooleanFilter: OpenApiTypes.BOOL,
             django_filters.IsoDateTimeFilter: OpenApiTypes.DATETIME}
    parameters = []
    for name, field in CaseFilter.base_filters.items():
        # a filter's own schema (ids from 1, see api.filters) before its class's type
        kind = get_override(field, "field") or types.get(type(field), OpenApiTypes.STR)
        choices = [c for c, _ in field.extra.get("choices", [])] or None
        parameters.append(OpenApiParameter(name, kind, required=False, enum=choices,
                                           description=str(field.extra.get("help_text", ""))))
    return parameters


class CaseExportView(APIView):
    """Registers of complaints, appeals, disputes, nonconformities (filtered like the list)
    as CSV or XLSX."""

    @extend_schema(operation_id="exports_cases_retrieve", parameters=case_filter_parameters(),
                   responses={(200, "text/csv"): BINARY,
                              (200, XLSX_TYPE): BINARY})
    def get(self, request, fmt):
        rows = list(export_rows(request))
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            response = HttpResponse(csv_bytes(EXPORT_COLUMNS, rows), content_type="text/csv")
        else:
            response = HttpResponse(xlsx_bytes(EXPORT_COLUMNS, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
        return response


class DisclosureQuery(serializers.Serializer):
    final = QueryBooleanField(
        default=False,
        help_text="true: the final table, refused (409, rule D1) while an engagement's "
                  "timeliness or the body's basic information is not filled in; "
                  "otherwise a draft marked 草稿 that shows what is missing as 未填写")


class DisclosureTableView(APIView):
    """D1: the year's CEC 信息公开表 as XLSX, a draft unless `final` is asked for."""

    @extend_schema(operation_id="reports_disclosure_table_retrieve",
                   parameters=[DisclosureQuery], responses={(200, XLSX_TYPE): BINARY})
    def get(self, request, year):
        check_management(request.staff)
        query = DisclosureQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        final = query.validated_data["final"]
        table = disclosure_table_data(report_year(year), final=final)
        response = HttpResponse(render_disclosure_table_xlsx(table), content_type=XLSX_TYPE)
        name = f"disclosure-{year}" if final else f"disclosure-{year}-draft"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class SelfCheckReportView(APIView):
    """R9.03: the year's draft impartiality self-check report as PDF."""

    @extend_schema(operation_id="reports_self_check_retrieve",
                   responses={(200, "application/pdf"): BINARY})
    def get(self, request, year):
        check_management(request.staff)
        data = self_check_report_data(report_year(year))
        response = HttpResponse(render_self_check_report_pdf(data),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="self-check-{year}.pdf"'
        return response


class StatisticsView(APIView):
    """Complaint statistics for management review (X1: cases received that year)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, year):
        check_management(request.staff)
        return Response(dataclasses.asdict(complaint_statistics(report_year(year))))


class OverrideSerializer(serializers.ModelSerializer):
    date = CalendarDateField()  # setting a date again updates it: no unique validator

    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "kind", "note"]
        # setting a date again updates it; the calendar covers FIRST_YEAR..LAST_YEAR
        extra_kwargs = {"date": {"validators": [check_date_year]}}


class CalendarOverrideListView(generics.ListAPIView):
    """W1, W3: administrator corrections to the official working-day schedule."""

    serializer_class = OverrideSerializer
    queryset = CalendarOverride.objects.order_by("date")

    @extend_schema(request=OverrideSerializer, responses={201: OverrideSerializer})
    def post(self, request):
        data = validated(OverrideSerializer, request, context={"request": request})
        return perform(lambda: calendar_override_set(acting_user=request.staff, **data),
                       OverrideSerializer, created=True)


class CalendarOverrideDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        override = get_or_404(CalendarOverride.objects, pk=pk)
        perform(lambda: calendar_override_remove(override=override,
                                                 acting_user=request.staff), OverrideSerializer)
        return Response(status=204)


class CalendarYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarYear
        fields = ["year", "schedule_complete", "completed_at"]


class CalendarYearCompleteView(APIView):
    """W3: the year's schedule is fully entered; provisional deadlines are recomputed."""

    @extend_schema(request=None, responses=CalendarYearSerializer)
    def post(self, request, year):
        check_editor(request.staff)
        return perform(lambda: calendar_year_mark_complete(year=year, acting_user=request.user),
                       CalendarYearSerializer)


class AnalysisSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConflictAnalysis
        fields = ["id", "year", "run_by", "run_at", "findings"]
        read_only_fields = ["run_by", "run_at"]
        # one per year: the domain says (R9.03)
        extra_kwargs = {"year": {"validators": [], "min_value": FIRST_YEAR}}

    def get_fields(self):
        """A year analysed is this year or before (R9.03): the schema says so too."""
        fields = super().get_fields()
        year = fields["year"]
        year.max_value = timezone.localdate().year
        year.validators.append(MaxValueValidator(year.max_value))
        return fields


class ConflictAnalysisListView(generics.ListAPIView):
    """R9.03: the yearly conflict-of-interest analyses."""

    serializer_class = AnalysisSerializer
    queryset = ConflictAnalysis.objects.order_by("-year")

    @extend_schema(request=AnalysisSerializer, responses={201: AnalysisSerializer})
    def post(self, request):
        data = validated(AnalysisSerializer, request)
        return perform(lambda: conflict_analysis_record(acting_user=request.staff, **data),
                       AnalysisSerializer, created=True)
