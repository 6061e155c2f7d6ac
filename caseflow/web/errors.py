"""Site-wide error pages: JSON under /api/ (clients parse it), HTML elsewhere."""

from django.http import JsonResponse
from django.views import defaults


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "rule": None, "detail": "Not found."},
                            status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "rule": None,
                             "detail": "Internal error."}, status=500)
    return defaults.server_error(request)
