"""The composition root's URL map: adapters (web, api) are wired in here."""

from django.contrib import admin
from django.urls import include, path

from api.views.session import SessionLoginView
from bots.webhook import update_received as telegram_update_received
from caseflow.web import staff_urls
from caseflow.web.forms import StaffSigninForm
from caseflow.web.health import healthz

# The staff pages sign in with the API's session sign-in (the same throttles and lockout),
# in their own layout.
staff_signin = SessionLoginView.as_view(template_name="staff/signin.html",
                                        authentication_form=StaffSigninForm,
                                        throttled_template_name="staff/signin_refused.html")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    path("staff/", include(([path("signin/", staff_signin, name="signin"),
                             *staff_urls.urlpatterns], "staff"))),
    # Telegram's webhook (issue 14): answers only with the derived path and secret header.
    path("telegram/webhook/<str:path>", telegram_update_received, name="telegram-webhook"),
    path("", include("caseflow.web.urls")),
]

handler404 = "caseflow.web.errors.not_found"
handler500 = "caseflow.web.errors.server_error"
