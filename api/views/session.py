"""Signing in with a browser session, for Swagger UI and the staff web pages: Django's
login form, throttled like the token login (per address and per account). The staff
pages' sign-in is this view with their own templates (wired in caseflow.urls)."""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from api.throttling import SIGN_IN_THROTTLES


class SessionLoginView(auth_views.LoginView):
    template_name = "caseflow/signin.html"  # DRF's form, its styles in a file (CSP)
    throttle_scope = "login"  # read by ScopedRateThrottle
    # A page for the refusal when too many attempts came (the API's JSON shape if unset).
    throttled_template_name = None

    def post(self, request, *args, **kwargs):
        refusing = [t for t in (cls() for cls in SIGN_IN_THROTTLES)
                    if not t.allow_request(request, self)]
        if refusing:
            wait = int(max(t.wait() or 60 for t in refusing))
            detail = gettext("Too many sign-in attempts: try again in %(seconds)d s.") % {
                "seconds": wait}
            headers = {"Retry-After": str(wait)}
            if self.throttled_template_name:
                page = render(request, self.throttled_template_name, {"message": detail},
                              status=429)
                page["Retry-After"] = headers["Retry-After"]
                return page
            # The API's refusal shape, as the lockout of the same form (caseflow.web.lockout).
            return JsonResponse({"code": "throttled", "rule": None, "errors": {},
                                 "detail": detail}, status=429, headers=headers)
        return super().post(request, *args, **kwargs)
