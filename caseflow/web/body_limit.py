"""Refuse a request body over the limit before anything reads it (413).

The reverse proxy in front refuses it earlier still (nginx `client_max_body_size`, see
README.md, Production); this is the earliest Django can: a declared Content-Length over
CASEFLOW_REQUEST_MAX_BYTES (the largest attachment plus room for the form around it) is
answered before sessions, CSRF or a parser touch the body. A body that is not multipart
(JSON, a URL-encoded form) is read into memory whole, so Django's own
DATA_UPLOAD_MAX_MEMORY_SIZE bounds it: refusing it here turns what would be an HTML 400
with a logged traceback (the CSRF check reads the form first) into the same 413.
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
        limit = settings.CASEFLOW_REQUEST_MAX_BYTES
        in_memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if in_memory is not None and not request.content_type.startswith("multipart/"):
            limit = min(limit, in_memory)
        if length > limit:
            detail = gettext("The request is larger than %(megabytes)s MB.") % {
                "megabytes": f"{limit / 2**20:.3g}"}
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "too_large", "rule": None, "detail": detail,
                                     "errors": {}}, status=413)
            return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
