"""Pages of a list: `page` is a whole number from 1, given once, as the schema says.

A list's `count` is counted up to COUNT_BOUND rows, never over the whole table: counting
every match on every page costs what the table costs. Past the bound `count` is the bound
and `count_exact` is false; narrow the filters (or export) to reach further."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.strict import MAX_ID
from caseflow.selectors.cases import count_up_to

COUNT_BOUND = 1000


class BoundedCountPaginator(Paginator):
    """Django's paginator with a count that stops at COUNT_BOUND + 1 rows."""

    @cached_property
    def counted(self) -> int:
        return count_up_to(self.object_list, COUNT_BOUND + 1)

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_BOUND)

    @property
    def exact(self) -> bool:
        return self.counted <= COUNT_BOUND


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's pages, minus what it would take silently: `page=last`, `page=1.5`,
    `page=` or `page` given twice (the last one won). A page past the end is still a 404."""

    django_paginator_class = BoundedCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        values = request.query_params.getlist(self.page_query_param)
        if values and not (len(values) == 1 and values[0].isascii() and values[0].isdigit()
                           and 1 <= int(values[0]) <= MAX_ID):
            raise serializers.ValidationError(
                {self.page_query_param: [gettext("Give a page number from 1, once.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_exact": paginator.exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = (
            f"How many match, counted up to {COUNT_BOUND}; when more match it is "
            f"{COUNT_BOUND}, count_exact is false and the pages stop there (narrow the "
            "filters to reach the rest).")
        properties["count"]["maximum"] = COUNT_BOUND
        properties["count"]["minimum"] = 0
        described["properties"] = {
            "count": properties["count"],
            "count_exact": {"type": "boolean",
                            "description": "false when more match than count says"},
            **{k: v for k, v in properties.items() if k != "count"},
        }
        described["required"] = ["count", "count_exact", "results"]
        return described

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters
