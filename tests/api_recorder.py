"""Test-only middleware: which API operations answered 2xx during the test session."""

from django.urls import resolve

SUCCESSES: set[tuple[str, str]] = set()


class RecordApiSuccesses:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and 200 <= response.status_code < 300:
            match = resolve(request.path)
            SUCCESSES.add((request.method, match.route))
        return response
