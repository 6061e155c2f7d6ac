"""Filters of the case lists (and of their exports)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from caseflow.models import Case, CaseKind, Scope


class CaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    state = django_filters.CharFilter()
    handler = django_filters.NumberFilter(field_name="handler_id")
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    engagement = django_filters.NumberFilter(field_name="engagement_id")
    respondent = django_filters.NumberFilter(field_name="respondent_id")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte")
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at",
                                                      lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at",
                                                       lookup_expr="lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    q = django_filters.CharFilter(method="filter_text", max_length=100,
                                  help_text="Substring of number, subject or description "
                                            "(Chinese works; trigram-indexed on PostgreSQL).")

    class Meta:
        model = Case
        fields = ["kind", "state", "handler", "scope", "engagement", "respondent"]

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(due_at__lt=now) if value else queryset.exclude(due_at__lt=now)

    def filter_text(self, queryset, name, value):
        # ILIKE '%…%' works for any script (word-splitting search does not for Chinese);
        # on PostgreSQL the pg_trgm GIN indexes of migration 0008 keep it fast.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(subject__icontains=value)
                               | Q(description__icontains=value)
                               | Q(aliases__number__icontains=value)).distinct()
