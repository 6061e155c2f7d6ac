"""Small pieces every endpoint shares: validate a payload, run one action in a
transaction, answer with the serialized result."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from api.strict import strict_is_valid


def validated(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    strict_is_valid(serializer)
    return dict(serializer.validated_data)


def perform(call, output_class, *, created: bool = False, **context) -> Response:
    with transaction.atomic():
        result = call()
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(output_class(result, context=context).data, status=code)


def get_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
