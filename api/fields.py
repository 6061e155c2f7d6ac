"""Input fields shared by the API's serializers.

Dates and moments are bounded to what the working-day calendar counts (W1,
`caseflow.workdays`): a date past it is a 400 naming the field, never an overflow deep in
a deadline computation. Lists are bounded (MAX_ITEMS) so one payload cannot tie a worker
up; the bound is in the schema as `maxItems`.
"""

from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import serializers

from caseflow.workdays import CHINA, FIRST_DAY, INPUT_LAST_DAY

MAX_ITEMS = 100  # items in any list of a payload


def outside_message() -> str:
    return gettext("Enter a date between %(first)s and %(last)s.") % {
        "first": FIRST_DAY.isoformat(), "last": INPUT_LAST_DAY.isoformat()}


class CalendarDateField(serializers.DateField):
    """A date the working-day calendar can count from."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not FIRST_DAY <= day <= INPUT_LAST_DAY:
            raise serializers.ValidationError(outside_message(), code="outside_calendar")
        return day


class CalendarDateTimeField(serializers.DateTimeField):
    """A moment whose China date the working-day calendar can count from."""

    def to_internal_value(self, value):
        # Bound the text before Django turns it into an aware datetime: converting
        # 0001-01-01T00:00Z or 9999-12-31T23:59+08:00 between time zones overflows.
        try:
            moment = super().to_internal_value(value)
        except OverflowError as exc:
            raise serializers.ValidationError(outside_message(),
                                              code="outside_calendar") from exc
        try:
            day = (moment.astimezone(CHINA).date() if timezone.is_aware(moment)
                   else moment.date())
        except OverflowError as exc:
            raise serializers.ValidationError(outside_message(),
                                              code="outside_calendar") from exc
        if not FIRST_DAY <= day <= INPUT_LAST_DAY:
            raise serializers.ValidationError(outside_message(), code="outside_calendar")
        return moment
