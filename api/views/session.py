"""Signing in with a browser session, for Swagger UI (and, later, the staff web pages):
Django's login form, throttled like the token login (the same "login" rate)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext
from rest_framework.throttling import ScopedRateThrottle


class SessionLoginView(auth_views.LoginView):
    template_name = "rest_framework/login.html"
    throttle_scope = "login"  # read by ScopedRateThrottle

    def post(self, request, *args, **kwargs):
        throttle = ScopedRateThrottle()
        if not throttle.allow_request(request, self):
            wait = int(throttle.wait() or 60)
            return HttpResponse(gettext("Too many sign-in attempts: try again in %(seconds)d s.")
                                % {"seconds": wait},
                                status=429, headers={"Retry-After": str(wait)},
                                content_type="text/plain; charset=utf-8")
        return super().post(request, *args, **kwargs)
