"""The composition root's URL map: adapters (web, api) are wired in here."""

from django.contrib import admin
from django.urls import include, path

from bots.webhook import update_received as telegram_update_received
from caseflow.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    # Telegram's webhook (issue 14): answers only with the derived path and secret header.
    path("telegram/webhook/<str:path>", telegram_update_received, name="telegram-webhook"),
    path("", include("caseflow.web.urls")),
]

handler404 = "caseflow.web.errors.not_found"
handler500 = "caseflow.web.errors.server_error"
