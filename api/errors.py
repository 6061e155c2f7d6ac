"""One exception handler: domain refusals become HTTP 4xx with the rule they enforce.

Bad input 400 (field errors), not allowed for this caller 403, not allowed in this state
or a conflicting change 409. The message is in the caller's language (the domain raises
it translated, under the request's active language).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.parsers import RequestTooLarge
from caseflow.errors import (
    CaseflowError,
    Conflict,
    InvalidInput,
    Recused,
    RoleRequired,
    TransitionNotAllowed,
)

STATUS = {
    InvalidInput: status.HTTP_400_BAD_REQUEST,
    RoleRequired: status.HTTP_403_FORBIDDEN,
    Recused: status.HTTP_403_FORBIDDEN,
    TransitionNotAllowed: status.HTTP_409_CONFLICT,
    Conflict: status.HTTP_409_CONFLICT,
}


def caseflow_exception_handler(exc, context):
    if isinstance(exc, CaseflowError):
        code = next((s for cls, s in STATUS.items() if isinstance(exc, cls)),
                    status.HTTP_409_CONFLICT)
        body = {"code": exc.code, "rule": exc.rule, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=code)
    if isinstance(exc, ProtectedError):
        return Response({"code": "protected", "rule": "R10.04",
                         "detail": gettext("Records in use are never deleted.")}, status=409)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": gettext("Not found.")}, status=404)
    if isinstance(exc, Throttled):
        response = exception_handler(exc, context)  # keeps its Retry-After header
        response.data = {"code": "throttled", "rule": None, "detail": str(exc.detail),
                         "errors": {}}
        return response
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # Django's own limits, met outside the parsers (which answer these themselves).
        exc = RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 400 and "detail" not in response.data:
        response.data = {"code": "invalid", "rule": None, "detail": gettext("Invalid input."),
                         "errors": response.data}
    elif (isinstance(exc, APIException) and isinstance(response.data, dict)
          and "detail" in response.data and "code" not in response.data):
        # DRF's own refusals (parse errors, 401, 413, 429…) in the documented shape.
        response.data = {"code": exc.get_codes() if isinstance(exc.get_codes(), str)
                         else exc.default_code, "rule": None, **response.data}
    return response
