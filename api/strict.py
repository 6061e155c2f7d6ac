"""The API takes what its schema says, no more: JSON values of the documented type, query
parameters in their documented form.

DRF coerces (`{"reason": 12}` becomes "12", `{"valid": 0}` becomes False, `"5"` an
integer); the schema says string, boolean, integer, so a client reading it would be
surprised by either. A JSON payload is checked against each field's type before the
serializer runs; a form (multipart, where every value is text) is left to the fields.
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import QueryDict
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

# Years an API date or year may name: the body's records begin after 2000, and a year
# outside this range is a typing mistake (year 0, year 319), never a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A date string in the schema (`format: date` has no range): 2000 to 2099, the days the
# working-day calendar takes as input (caseflow.workdays.INPUT_LAST_DAY).
DATE_PATTERN = r"^20\d\d-\d\d-\d\d$"
# A moment in a request body: in those years too (api.fields.CalendarDateTimeField).
MOMENT_IN_CALENDAR = r"^20\d\d-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)?$"
# Text: no control characters but tab and line breaks (what a form or a file can hold).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
# Text that may not be blank: DRF trims surrounding whitespace first, so it needs one
# character besides whitespace ("\r" alone is blank).
NONBLANK_TEXT_PATTERN = (r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*"
                         r"[^\s\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]"
                         r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$")

_TEXT = (serializers.CharField, serializers.ChoiceField, serializers.DateField,
         serializers.DateTimeField, serializers.TimeField)
_NUMBER = (serializers.FloatField, serializers.DecimalField)


def _expected(field) -> tuple[type, ...] | None:
    """The JSON types a field takes, or None: the field judges for itself."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        return (int,)
    if isinstance(field, _NUMBER):
        return (int, float)
    if isinstance(field, (serializers.ListField, serializers.ListSerializer,
                          serializers.ManyRelatedField)):
        return (list,)
    if isinstance(field, (serializers.Serializer, serializers.DictField)):
        return (dict,)
    if isinstance(field, (serializers.MultipleChoiceField, serializers.FileField)):
        return None
    if isinstance(field, _TEXT):
        return (str,)
    return None


def type_errors(fields, data, *, form: bool = False) -> dict:
    """Field errors for JSON values of another type than their field's (booleans are
    not integers here, as in JSON), and for dates outside the years the API takes. A
    form's values are all text: only its dates are checked."""
    errors = {}
    for name, field in fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]
        if value is None:
            continue  # the field's own `allow_null` decides
        if (isinstance(field, serializers.DateField) and isinstance(value, str)
                and not re.match(DATE_PATTERN, value)):
            errors[name] = [year_message()]
            continue
        if (isinstance(field, serializers.CharField) and isinstance(value, str)
                and CONTROL.search(value)):
            errors[name] = [gettext("Control characters are not allowed (only tab and line "
                                    "breaks).")]
            continue
        if form:
            continue
        expected = _expected(field)
        if expected is None:
            continue
        wrong = not isinstance(value, expected) or (
            isinstance(value, bool) and bool not in expected)
        if wrong:
            errors[name] = [gettext("Expected a value of another type.")]
        elif isinstance(field, serializers.Serializer):
            nested = type_errors(field.fields, value)
            if nested:
                errors[name] = nested
        elif isinstance(field, serializers.ListSerializer):
            child = [type_errors(field.child.fields, item) if isinstance(item, dict)
                     else {"non_field_errors": [gettext("Expected an object.")]}
                     for item in value]
            if any(child):
                errors[name] = child
        elif isinstance(field, serializers.ListField) and _expected(field.child):
            if any(type_errors({"item": field.child}, {"item": item}) for item in value):
                errors[name] = [gettext("Expected a value of another type.")]
    return errors


def check_types(serializer) -> None:
    """Refuse (400, naming the fields) a JSON payload with values of the wrong type."""
    data = serializer.initial_data
    if not isinstance(data, dict):
        return  # not an object: the serializer says so
    errors = type_errors(serializer.fields, data, form=isinstance(data, QueryDict))
    if errors:
        raise serializers.ValidationError(errors)


def strict_is_valid(serializer) -> None:
    check_types(serializer)
    serializer.is_valid(raise_exception=True)


def year_message() -> str:
    return gettext("Give a year between %(first)d and %(last)d.") % {
        "first": FIRST_YEAR, "last": LAST_YEAR}


def check_year(value: int) -> None:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise serializers.ValidationError(year_message())


def check_date_year(value: dt.date) -> None:
    check_year(value.year)


class QueryBooleanField(serializers.BooleanField):
    """A boolean query parameter: `true` or `false`, as the schema says (not 1, yes, on).
    Left out, it takes its default (DRF's form default would be False)."""

    default_empty_html = serializers.empty

    def to_internal_value(self, data):
        if data not in ("true", "false"):
            self.fail("invalid", input=data)
        return data == "true"


MAX_ID = 2**31 - 1  # a database integer's range


class ReferenceFieldExtension(OpenApiSerializerFieldExtension):
    """A reference to another object by id is documented as an id: from 1 (whether the
    object exists the schema cannot say: that is a 400 naming the field)."""

    target_class = "rest_framework.relations.PrimaryKeyRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction,
                                                   bypass_extensions=True)
        if schema.get("type") == "integer":
            schema.update(minimum=1, maximum=MAX_ID)
        return schema
