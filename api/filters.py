"""Filters of the case lists (and of their exports)."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from api.strict import CONTROL, FIRST_YEAR, LAST_YEAR, MAX_ID, TEXT_PATTERN
from caseflow.models import Case, CaseKind, Scope
from caseflow.policies.transitions import S
from caseflow.selectors.cases import cases_matching

# The same bounds for the schema's date-time filters (years 1900 to 9000, written out).
MOMENT_PATTERN = r"^(19\d\d|[2-8]\d\d\d|9000)-"


def plausible_moment(value: dt.datetime) -> None:
    """A filter bound in years a database stores in every time zone (year 1 in UTC+8
    is year 0 in UTC, which no datetime holds)."""
    if not 1900 <= value.year <= 9000:
        raise ValidationError(_("Give a date between the years 1900 and 9000."))


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An object id: whole, positive and in a database integer's range. An id that
    points nowhere filters to nothing (it is not refused: ids are not secrets to probe
    for, and what the caller may not see is not listed anyway)."""

    def __init__(self, **kw):
        super().__init__(min_value=1, max_value=MAX_ID, decimal_places=0, **kw)


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """A year the API covers (api.strict.FIRST_YEAR..LAST_YEAR), whole."""

    def __init__(self, **kw):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, decimal_places=0, **kw)


# A free-text filter (a number, a code, a search term) is at most this long: a request
# line the schema allows stays well inside the server's limit (gunicorn's 4094 bytes).
TEXT_FILTER_MAX = 100


def no_control_characters(value: str) -> None:
    if CONTROL.search(value):
        raise ValidationError(_("Control characters are not allowed (only tab and line "
                                "breaks)."))


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": TEXT_FILTER_MAX,
                      "pattern": TEXT_PATTERN})
class TextFilter(django_filters.CharFilter):
    """Free text, as typed: up to TEXT_FILTER_MAX characters, no control characters."""

    def __init__(self, **kw):
        kw.setdefault("max_length", TEXT_FILTER_MAX)
        super().__init__(validators=[no_control_characters], **kw)


class TrueFalseField(forms.TypedChoiceField):
    def __init__(self, **kw):
        super().__init__(choices=[("true", "true"), ("false", "false")],
                         coerce=lambda value: value == "true", **kw)


@extend_schema_field({"type": "boolean"})
class TrueFalseFilter(django_filters.Filter):
    """`true` or `false`, as the schema says (not 1/0, yes/no)."""

    field_class = TrueFalseField


class StrictFilterSet(django_filters.FilterSet):
    """Filters that refuse what the schema does not document: a filter given empty or
    more than once (the list would silently ignore it), ids below 1, whole-number
    filters given fractions, years out of range, booleans as 1/0."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.BooleanField: {"filter_class": TrueFalseFilter},
        models.CharField: {"filter_class": TextFilter},  # choices get a ChoiceFilter first
    }

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr="exact"):
        if field.name == "year" and isinstance(field, models.IntegerField):
            return YearFilter(field_name=field_name, lookup_expr=lookup_expr)
        return super().filter_for_field(field, field_name, lookup_expr)

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                self.form.add_error(name, _("Give this filter once."))
            elif values == [""]:
                self.form.add_error(name, _("Give this filter a value, or leave it out."))
        return valid and not self.form.errors


class StrictFilterBackend(DjangoFilterBackend):
    """Every list's filters, generated from `filterset_fields` or declared, are strict."""

    filterset_base = StrictFilterSet


@extend_schema_field({"type": "string", "format": "date-time"})
class MomentFilter(django_filters.IsoDateTimeFilter):
    """A moment compared in UTC: ISO 8601 allows offsets to ±23:59, PostgreSQL only to
    ±15:59 ("time zone displacement out of range" would be a 500)."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return super().filter(qs, value)


def a_moment(**kw):
    return MomentFilter(validators=[plausible_moment], **kw)


def an_id(**kw):
    return IdFilter(**kw)


CASE_STATES = sorted({v for k, v in vars(S).items() if k.isupper() and isinstance(v, str)})


class CaseFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    state = django_filters.ChoiceFilter(choices=[(s, s) for s in CASE_STATES])
    handler = an_id(field_name="handler_id")
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    engagement = an_id(field_name="engagement_id")
    respondent = an_id(field_name="respondent_id")
    due_before = a_moment(field_name="due_at", lookup_expr="lte")
    received_after = a_moment(field_name="received_at", lookup_expr="gte")
    received_before = a_moment(field_name="received_at", lookup_expr="lte")
    # true/false (or 1/0); anything else is a 400, not a silently unfiltered list
    overdue = django_filters.ChoiceFilter(choices=[(v, v) for v in ("true", "false", "1", "0")],
                                          method="filter_overdue")
    q = TextFilter(method="filter_text",
                   help_text="Substring of number (or a former number), subject or "
                             "description, from one character (Chinese works; indexed on "
                             "PostgreSQL).")

    class Meta:
        model = Case
        fields = ["kind", "state", "handler", "scope", "engagement", "respondent"]

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        if value in ("true", "1"):
            return queryset.filter(due_at__lt=now)
        return queryset.exclude(due_at__lt=now)

    def filter_text(self, queryset, name, value):
        return cases_matching(queryset, value)
