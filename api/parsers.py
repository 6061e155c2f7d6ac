"""Request bodies, parsed defensively: never a 5xx for what a client sends.

Every API body goes through these parsers (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES and
`api.uploads.WITH_FILES`), so two rules hold in one place for every serializer:
- a body past the size limit is a 413 before it is read whole (JSON:
  DATA_UPLOAD_MAX_MEMORY_SIZE; multipart: CASEFLOW_UPLOAD_MAX_BYTES plus the form's fields);
- JSON nested deeper than MAX_DEPTH is a 400 (deep nesting used to exhaust the recursion
  limit: a 500);
and text holding a control character is refused field by field where the serializers
check types (api.strict.type_errors), so unknown keys stay ignored.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

MAX_DEPTH = 32  # no payload of this API nests deeper than a handful of levels
FORM_OVERHEAD = 2**20  # multipart: the form's own fields besides the file


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__(gettext("The request is larger than %(size)s.") % {"size": size(limit)})


def size(limit: int) -> str:
    if limit >= 2**20:
        return f"{limit / 2**20:g} MB"
    return f"{limit / 2**10:g} KB"


def content_length(parser_context) -> int:
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def check_depth(data, depth: int = 0) -> None:
    """ParseError when the JSON nests deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise ParseError(gettext("The JSON is nested more than %(depth)d levels deep.")
                         % {"depth": MAX_DEPTH})
    children = data.values() if isinstance(data, dict) else data if isinstance(
        data, list) else ()
    for value in children:
        check_depth(value, depth + 1)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            if content_length(parser_context) > limit:
                raise RequestTooLarge(limit)
            body = stream.read(limit + 1) if stream is not None else b""
            if len(body) > limit:  # a body without an honest Content-Length
                raise RequestTooLarge(limit)
        else:
            body = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(body.decode(encoding), parse_constant=reject_constant)
        except RecursionError as exc:
            raise ParseError(gettext("The JSON is nested more than %(depth)d levels deep.")
                             % {"depth": MAX_DEPTH}) from exc
        except ValueError as exc:
            raise ParseError(gettext("The body is not valid JSON.")) from exc
        check_depth(data)
        return data


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.CASEFLOW_UPLOAD_MAX_BYTES + FORM_OVERHEAD
        if content_length(parser_context) > limit:
            raise RequestTooLarge(limit)
        try:
            result = super().parse(stream, media_type, parser_context)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            raise RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit) from exc
        return result
