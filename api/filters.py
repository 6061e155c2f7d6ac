"""Filters of the case lists (and of their exports)."""

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.models import Case, CaseKind, Scope


def plausible_moment(value: dt.datetime) -> None:
    """A filter bound in years a database stores in every time zone (year 1 in UTC+8
    is year 0 in UTC, which no datetime holds)."""
    if not 1900 <= value.year <= 9000:
        raise ValidationError(_("Give a date between the years 1900 and 9000."))


def an_id(**kw):
    """An object id: whole, positive and in a database integer's range."""
    return django_filters.NumberFilter(min_value=1, max_value=2**31 - 1, decimal_places=0,
                                       **kw)


def a_moment(**kw):
    return django_filters.IsoDateTimeFilter(validators=[plausible_moment], **kw)


class CaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    state = django_filters.CharFilter()
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
    q = django_filters.CharFilter(method="filter_text", max_length=100,
                                  help_text="Substring of number, subject or description "
                                            "(Chinese works; trigram-indexed on PostgreSQL).")

    class Meta:
        model = Case
        fields = ["kind", "state", "handler", "scope", "engagement", "respondent"]

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        if value in ("true", "1"):
            return queryset.filter(due_at__lt=now)
        return queryset.exclude(due_at__lt=now)

    def filter_text(self, queryset, name, value):
        # ILIKE '%…%' works for any script (word-splitting search does not for Chinese);
        # on PostgreSQL the pg_trgm GIN indexes of migration 0008 keep it fast.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(subject__icontains=value)
                               | Q(description__icontains=value)
                               | Q(aliases__number__icontains=value)).distinct()
