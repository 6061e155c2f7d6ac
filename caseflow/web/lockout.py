"""Sign-in lockout (django-axes), for every sign-in: the admin's, the API's token and
session logins. The client's address is counted the way the API's throttles count it;
a locked-out client gets a JSON refusal under /api/ and a readable page elsewhere."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """REMOTE_ADDR, or the address NUM_PROXIES trusted proxies put in X-Forwarded-For."""
    return BaseThrottle().get_ident(request)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return gettext("Too many failed sign-in attempts: this address or account is locked "
                   "for %(minutes)d minutes.") % {"minutes": minutes}


def lockout_response(request, response=None, credentials=None):
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    headers = {"Retry-After": str(seconds)}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "rule": None, "detail": lockout_message(),
                             "errors": {}}, status=429, headers=headers)
    # The staff pages' own layout for their sign-in; the admin's elsewhere.
    template = ("staff/signin_refused.html" if request.path.startswith("/staff/")
                else "caseflow/signin_locked.html")
    page = render(request, template,
                  {"title": gettext("Sign-in locked"), "message": lockout_message()},
                  status=429)
    page["Retry-After"] = headers["Retry-After"]
    return page
