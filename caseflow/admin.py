"""Django admin: configuration data with its change history (simple-history); cases,
parties and the event trail read-only, since every change to them goes through an action.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.actions.engagements import (
    EngagementImportRejected,
    engagement_rows_from_file,
    engagements_import,
)
from caseflow.actions.parties import party_identity_redacted
from caseflow.errors import InvalidInput
from caseflow.models import (
    AnalysisCycle,
    ArchiveLoan,
    ArchiveRecord,
    CalendarOverride,
    CalendarYear,
    Case,
    CaseEvent,
    ChangeRequest,
    ConflictAnalysis,
    ControlledDocument,
    Declaration,
    DisclosureRequest,
    DocumentRevision,
    Engagement,
    InterestRelationship,
    InternalInspection,
    Nonconformity,
    Notice,
    Notification,
    Organization,
    Party,
    PreventiveAction,
    ReminderAcknowledgement,
    RoleAssignment,
    Staff,
)
from caseflow.policies.transitions import FINAL_STATES

admin.site.site_header = _("Caseflow administration")
admin.site.site_title = _("Caseflow")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only actions write: visible, never edited or deleted here (R10.04)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "schedule_complete", "completed_at", "completed_by"]
    # Completion goes through its action (it recomputes provisional deadlines).
    readonly_fields = ["schedule_complete", "completed_at", "completed_by"]
    actions = ["mark_complete"]

    @admin.action(description=_("Mark the schedule complete (ends provisional deadlines)"))
    def mark_complete(self, request, queryset):
        for record in queryset:
            calendar_year_mark_complete(year=record.year, acting_user=request.user)
        self.message_user(request, _("Schedule marked complete."), messages.SUCCESS)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


class EngagementImportForm(forms.Form):
    file = forms.FileField(label=_("Engagement register (CSV or XLSX)"))


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["report_number", "verified_entity", "province", "year", "conclusion",
                    "timely", "team_lead"]
    list_filter = ["year", "province", "conclusion", "timely"]
    fieldsets = [
        (None, {"fields": ["report_number", "client", "verified_entity", "province", "year",
                           "batch", "conclusion", "team_lead", "verifiers",
                           "technical_reviewers", "report_signers"]}),
        # D1: what the yearly disclosure table (信息公开表) publishes about this work.
        (_("Disclosure table (信息公开表)"), {"fields": [
            "timely", *Engagement.QUALITY_FIELDS, "quality_other"]}),
    ]
    search_fields = ["report_number", "verified_entity__name", "client__name"]
    autocomplete_fields = ["client", "verified_entity", "team_lead"]
    filter_horizontal = ["verifiers", "technical_reviewers", "report_signers"]
    change_list_template = "admin/caseflow/engagement/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # With open cases the team decides recusals (R8.15): it changes only through
        # engagement_team_set (the register import), which checks and records it.
        if obj is not None and obj.cases.exclude(state__in=FINAL_STATES).exists():
            return ["team_lead", "verifiers", "technical_reviewers", "report_signers"]
        return []

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="caseflow_engagement_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload the register; all rows or none (errors listed by row and column)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EngagementImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = engagement_rows_from_file(upload)
                result = engagements_import(rows=rows,
                                            acting_user=getattr(request.user, "staff", None))
            except EngagementImportRejected as exc:
                errors = [str(e) for e in exc.errors]
            except InvalidInput as exc:
                errors = [exc.message]
            else:
                self.message_user(request, _("Imported: %(created)d created, %(updated)d "
                                             "updated.") % {"created": result.created,
                                                            "updated": result.updated})
                return redirect("admin:caseflow_engagement_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "opts": self.model._meta, "title": _("Import engagements")}
        return TemplateResponse(request, "admin/caseflow/engagement/import.html", context)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "roles", "email", "language", "is_active"]
    list_filter = ["role_assignments__role", "is_active"]
    search_fields = ["display_name", "user__username", "email"]
    inlines = [RoleAssignmentInline]
    # Chat binding goes through staff_telegram_link (the bot's /start). WeCom and DingTalk
    # ids are typed in, here or on the person's profile; clearing a "broken at" tries the
    # link again (after adding the person to the platform's app, say).
    readonly_fields = ["telegram_chat_id"]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "language", "email", "is_active"]}),
        (_("Channels"), {"fields": [
            "notify_by_email", "notify_by_telegram", "telegram_chat_id", "telegram_broken_at",
            "wecom_user_id", "wecom_broken_at", "dingtalk_user_id", "dingtalk_broken_at",
            "channel_order"]}),
    ]

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(a.get_role_display() for a in obj.role_assignments.all())


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["staff", "role", "capacity"]
    list_filter = ["role", "capacity"]


class InterestRelationshipInline(ReadOnlyInline):
    model = InterestRelationship
    fields = ["organization", "description", "ended_on"]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["staff", "kind", "year", "case", "signed_at", "ruling"]
    list_filter = ["kind", "year", "ruling"]
    inlines = [InterestRelationshipInline]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    """Identity shown redacted (R8.13): reveals happen per case, recorded, via the API."""

    list_display = ["__str__", "kind", "anonymous", "shown_name", "shown_contact", "redacted_at"]
    list_filter = ["kind", "anonymous"]
    fields = ["kind", "anonymous", "shown_name", "shown_contact", "language", "redacted_at"]
    readonly_fields = fields

    @admin.display(description=_("name"))
    def shown_name(self, obj):
        return party_identity_redacted(obj).name or "—"

    @admin.display(description=_("contact"))
    def shown_contact(self, obj):
        shown = party_identity_redacted(obj)
        return " ".join(filter(None, [shown.email, shown.phone, shown.address])) or "—"


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "actor", "actor_label", "action", "from_state", "to_state", "reason",
              "payload"]
    readonly_fields = fields
    ordering = ["at", "id"]


class NoticeInline(ReadOnlyInline):
    model = Notice
    # The PDF names the submitter: it is opened through the API, where reveals are
    # recorded (R8.13), not from here.
    fields = ["kind", "approved_by", "approved_at", "sha256"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "state", "subject", "handler", "due_at", "due_step",
                    "deadline_kind", "deadline_provisional", "received_at"]
    list_filter = ["kind", "state", "scope", "deadline_kind", "deadline_provisional"]
    search_fields = ["number", "subject", "aliases__number"]
    date_hierarchy = "received_at"
    exclude = ["submitter", "respondent", "tracking_code_hash"]
    inlines = [NoticeInline, CaseEventInline]

    def has_change_permission(self, request, obj=None):
        # Viewing a case's page needs "view" only; Django shows it read-only.
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "action", "actor", "actor_label", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["case__number"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "case", "template", "recipient_staff", "recipient_role",
                    "status", "attempts"]
    list_filter = ["status", "template"]


@admin.register(ReminderAcknowledgement)
class ReminderAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["at", "staff", "subject_kind", "object_id", "due_at", "level", "role"]
    list_filter = ["subject_kind"]


class AnalysisCycleInline(ReadOnlyInline):
    model = AnalysisCycle
    fields = ["number", "method", "root_cause", "corrective_action", "report_due_on",
              "conclusion", "conclusion_reason"]
    readonly_fields = fields


@admin.register(Nonconformity)
class NonconformityAdmin(ReadOnlyAdmin):
    list_display = ["case", "source", "severity", "responsible_role"]
    list_filter = ["source", "severity", "responsible_role"]
    inlines = [AnalysisCycleInline]


@admin.register(InternalInspection)
class InternalInspectionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["__str__", "nonconformity", "target_at", "completed_at"]


@admin.register(PreventiveAction)
class PreventiveActionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["potential_problem", "origin", "risk", "touches_impartiality_or_resources",
                    "state", "approved_by"]
    list_filter = ["origin", "risk", "state"]


class DocumentRevisionInline(ReadOnlyInline):
    model = DocumentRevision
    fields = ["number", "effective_at", "obsolete", "withdrawn_at", "file"]
    readonly_fields = fields


@admin.register(ControlledDocument)
class ControlledDocumentAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Documents change only through change requests (R7.07)."""

    list_display = ["__str__", "kind"]
    inlines = [DocumentRevisionInline]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["document", "description", "reissue", "state", "requested_by",
                    "decided_by"]
    list_filter = ["state"]


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["archive_number", "case", "archived_at", "retain_until"]
    search_fields = ["archive_number", "case__number"]


@admin.register(ArchiveLoan)
class ArchiveLoanAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["archive", "borrower", "return_due_on", "state", "returned_at"]
    list_filter = ["state"]


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["case", "recipient", "basis", "client_notified_at", "disclosed_at"]


@admin.register(ConflictAnalysis)
class ConflictAnalysisAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["year", "run_by", "run_at"]
