"""Refuse a request body over the limit before anything reads it (413).

The reverse proxy in front refuses it earlier still (nginx `client_max_body_size`, see
README.md, Production); this is the earliest Django can: a declared Content-Length over
CASEFLOW_REQUEST_MAX_BYTES (the largest attachment plus room for the form around it) is
answered before sessions, CSRF or a parser touch the body.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot size
        if length > settings.CASEFLOW_REQUEST_MAX_BYTES:
            detail = gettext("The request is larger than %(megabytes)d MB.") % {
                "megabytes": settings.CASEFLOW_REQUEST_MAX_BYTES // 2**20}
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "too_large", "rule": None, "detail": detail,
                                     "errors": {}}, status=413)
            return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
