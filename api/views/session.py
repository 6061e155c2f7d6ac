"""Signing in with a browser session, for Swagger UI (and, later, the staff web pages):
Django's login form, throttled like the token login (per address and per account)."""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.utils.translation import gettext

from api.throttling import SIGN_IN_THROTTLES


class SessionLoginView(auth_views.LoginView):
    template_name = "caseflow/signin.html"  # DRF's form, its styles in a file (CSP)
    throttle_scope = "login"  # read by ScopedRateThrottle

    def post(self, request, *args, **kwargs):
        refusing = [t for t in (cls() for cls in SIGN_IN_THROTTLES)
                    if not t.allow_request(request, self)]
        if refusing:
            wait = int(max(t.wait() or 60 for t in refusing))
            # The API's refusal shape, as the lockout of the same form (caseflow.web.lockout).
            return JsonResponse({"code": "throttled", "rule": None, "errors": {},
                                 "detail": gettext("Too many sign-in attempts: try again in "
                                                   "%(seconds)d s.") % {"seconds": wait}},
                                status=429, headers={"Retry-After": str(wait)})
        return super().post(request, *args, **kwargs)
