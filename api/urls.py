"""The staff REST API. Every route is listed in tests/api/test_permission_table.py."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import capa, cases, notifications, oversight, people, records, session

CASE = "cases/<int:pk>/"

urlpatterns = [
    path("auth/token/", people.LoginView.as_view(), name="api-login"),
    path("auth/logout/", people.LogoutView.as_view(), name="api-logout"),
    # a browser session (Swagger UI); rest_framework's login template posts to this name
    path("auth/session/", include(([path("login/", session.SessionLoginView.as_view(),
                                         name="login")], "rest_framework"))),
    path("me/", people.MeView.as_view(), name="api-me"),
    # cases and their workflows
    path("cases/", cases.CaseListView.as_view(), name="api-cases"),
    path(CASE, cases.CaseDetailView.as_view(), name="api-case"),
    path(CASE + "transitions/", cases.CaseTransitionsView.as_view(),
         name="api-case-transitions"),
    *[path(CASE + f"transitions/{name}/", view.as_view(), name=f"api-case-step-{name}")
      for name, view in cases.transition_views().items()],
    path(CASE + "parties/<int:party_pk>/reveal/", cases.RevealView.as_view(),
         name="api-case-reveal"),
    path(CASE + "parties/<int:party_pk>/erase/", cases.PartyEraseView.as_view(),
         name="api-case-party-erase"),
    path(CASE + "submission-document/", cases.SubmissionDocumentView.as_view(),
         name="api-case-submission"),
    path(CASE + "findings/<int:finding_pk>/evidence/", cases.FindingEvidenceView.as_view(),
         name="api-case-evidence"),
    path(CASE + "notices/<int:notice_pk>/file/", cases.NoticeFileView.as_view(),
         name="api-case-notice-file"),
    path(CASE + "notices/<int:notice_pk>/sendings/", records.NoticeSendView.as_view(),
         name="api-case-notice-send"),
    path(CASE + "sendings/<int:sending_pk>/receipt/", records.SendingReceiptView.as_view(),
         name="api-case-sending-receipt"),
    path(CASE + "dossier/", records.DossierView.as_view(), name="api-case-dossier"),
    path(CASE + "disclosures/", records.DisclosureCreateView.as_view(),
         name="api-case-disclosures"),
    path("nonconformities/", capa.NonconformityCreateView.as_view(),
         name="api-nonconformities"),
    path("committee/queue/", oversight.CommitteeQueueView.as_view(), name="api-committee"),
    # corrective and preventive actions, documents
    path("tasks/", capa.TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/progress/", capa.TaskProgressView.as_view(), name="api-task-progress"),
    path("inspections/", capa.InspectionListView.as_view(), name="api-inspections"),
    path("inspections/<int:pk>/complete/", capa.InspectionCompleteView.as_view(),
         name="api-inspection-complete"),
    path("preventive-actions/", capa.PreventiveListView.as_view(), name="api-preventive"),
    path("preventive-actions/<int:pk>/approve/", capa.PreventiveApproveView.as_view(),
         name="api-preventive-approve"),
    path("preventive-actions/<int:pk>/complete/", capa.PreventiveCompleteView.as_view(),
         name="api-preventive-complete"),
    path("documents/", capa.DocumentListView.as_view(), name="api-documents"),
    path("documents/<int:pk>/", capa.DocumentDetailView.as_view(), name="api-document"),
    path("documents/<int:pk>/revisions/<int:revision_pk>/file/",
         capa.RevisionFileView.as_view(), name="api-document-file"),
    path("documents/<int:pk>/change-requests/", capa.ChangeRequestCreateView.as_view(),
         name="api-document-change"),
    path("change-requests/", capa.ChangeRequestListView.as_view(), name="api-changes"),
    path("change-requests/<int:pk>/decide/", capa.ChangeRequestDecideView.as_view(),
         name="api-change-decide"),
    path("change-requests/<int:pk>/apply/", capa.ChangeRequestApplyView.as_view(),
         name="api-change-apply"),
    # archives and confidentiality
    path("archives/", records.ArchiveListView.as_view(), name="api-archives"),
    path("archives/<int:pk>/extend/", records.ArchiveExtendView.as_view(),
         name="api-archive-extend"),
    path("archives/<int:pk>/loans/", records.LoanRequestView.as_view(),
         name="api-archive-loan"),
    path("loans/", records.LoanListView.as_view(), name="api-loans"),
    path("loans/<int:pk>/decide/", records.LoanDecideView.as_view(), name="api-loan-decide"),
    path("loans/<int:pk>/return/", records.LoanReturnView.as_view(), name="api-loan-return"),
    path("disclosures/", records.DisclosureListView.as_view(), name="api-disclosures"),
    path("disclosures/<int:pk>/client-notified/",
         records.DisclosureClientNotifiedView.as_view(), name="api-disclosure-notified"),
    path("disclosures/<int:pk>/done/", records.DisclosureDoneView.as_view(),
         name="api-disclosure-done"),
    # people and configuration
    path("organizations/", people.OrganizationListView.as_view(), name="api-organizations"),
    path("organizations/<int:pk>/", people.OrganizationDetailView.as_view(),
         name="api-organization"),
    path("engagements/", people.EngagementListView.as_view(), name="api-engagements"),
    path("engagements/import/", people.EngagementImportView.as_view(),
         name="api-engagements-import"),
    path("engagements/<int:pk>/", people.EngagementDetailView.as_view(),
         name="api-engagement"),
    path("declarations/", people.DeclarationListView.as_view(), name="api-declarations"),
    path("declarations/<int:pk>/ruling/", people.DeclarationRulingView.as_view(),
         name="api-declaration-ruling"),
    path("calendar/overrides/", oversight.CalendarOverrideListView.as_view(),
         name="api-calendar-overrides"),
    path("calendar/overrides/<int:pk>/", oversight.CalendarOverrideDetailView.as_view(),
         name="api-calendar-override"),
    path("calendar/years/<int:year>/complete/", oversight.CalendarYearCompleteView.as_view(),
         name="api-calendar-year-complete"),
    path("conflict-analyses/", oversight.ConflictAnalysisListView.as_view(),
         name="api-conflict-analyses"),
    # reminders of deadlines (issue 12)
    path("notifications/<int:pk>/acknowledge/", notifications.AcknowledgeView.as_view(),
         name="api-notification-acknowledge"),
    # oversight
    path("dashboard/", oversight.DashboardView.as_view(), name="api-dashboard"),
    re_path(r"^exports/cases\.(?P<fmt>csv|xlsx)$", oversight.CaseExportView.as_view(),
            name="api-export"),
    path("reports/<int:year>/disclosure-table.xlsx", oversight.DisclosureTableView.as_view(),
         name="api-report-disclosure"),
    path("reports/<int:year>/self-check.pdf", oversight.SelfCheckReportView.as_view(),
         name="api-report-self-check"),
    path("reports/<int:year>/statistics/", oversight.StatisticsView.as_view(),
         name="api-report-statistics"),
    # schema
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline
    # script under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="caseflow/swagger_ui.html"), name="api-docs"),
]
