"""Pages of a list: `page` is a whole number from 1, given once, as the schema says."""

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from api.strict import MAX_ID


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's pages, minus what it would take silently: `page=last`, `page=1.5`,
    `page=` or `page` given twice (the last one won). A page past the end is still a 404."""

    def paginate_queryset(self, queryset, request, view=None):
        values = request.query_params.getlist(self.page_query_param)
        if values and not (len(values) == 1 and values[0].isascii() and values[0].isdigit()
                           and 1 <= int(values[0]) <= MAX_ID):
            raise serializers.ValidationError(
                {self.page_query_param: [gettext("Give a page number from 1, once.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters
