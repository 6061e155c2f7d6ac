"""The composition root's URL map: adapters (web, api) are wired in here."""

from django.contrib import admin
from django.urls import include, path

from caseflow.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
