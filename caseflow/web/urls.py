"""The public site's routes (no account needed)."""

from django.urls import path

from caseflow.web import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("procedure/", public.procedure, name="procedure"),
    path("impartiality/", public.impartiality_policy, name="impartiality"),
    path("privacy/", public.privacy_notice, name="privacy"),
    path("complaint/", public.complaint_new, name="complaint"),
    path("appeal/", public.appeal_new, name="appeal"),
    path("appeal/window/", public.appeal_window, name="appeal-window"),
    path("dispute/", public.dispute_new, name="dispute"),
    path("submitted/", public.receipt, name="receipt"),
    path("track/", public.track, name="track"),
    path("track/status/", public.status, name="status"),
    path("track/notices/<int:pk>/", public.notice_download, name="notice"),
    path("track/lost/", public.lost_code, name="lost-code"),
]
