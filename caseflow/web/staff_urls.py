"""The staff pages' routes (namespace "staff"; the sign-in is wired in caseflow.urls).
Every route is listed in tests/api/test_permission_table.py."""

from django.urls import path

from caseflow.web import staff

urlpatterns = [
    path("", staff.home, name="home"),
    path("signout/", staff.signout, name="signout"),
    path("profile/", staff.profile, name="profile"),
    path("profile/commitment/", staff.annual_commitment_sign, name="annual-commitment"),
    path("profile/telegram-link/", staff.telegram_link_issue, name="telegram-link"),
    path("dashboard/", staff.dashboard, name="dashboard"),
    path("committee/", staff.committee, name="committee"),
    # Reminder messages link here (issue 12): keep this path.
    path("cases/<int:pk>/", staff.case_page, name="case"),
    path("cases/<int:pk>/steps/<slug:step>/", staff.case_step, name="case-step"),
    path("cases/<int:pk>/commitment/", staff.case_commitment_sign, name="case-commitment"),
    path("cases/<int:pk>/parties/<int:party_pk>/reveal/", staff.party_reveal,
         name="case-reveal"),
    path("cases/number/<str:number>/", staff.case_by_number, name="case-number"),
    # WeCom and DingTalk cards link here (caseflow.actions.acknowledgement_links).
    path("ack/<str:token>/", staff.acknowledge, name="acknowledge"),
]
