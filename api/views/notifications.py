"""Reminders to staff: acknowledging one (issue 12). The bot calls the same action."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.views.base import get_or_404, perform
from caseflow.actions.reminders import ACKNOWLEDGEABLE, reminder_acknowledge
from caseflow.models import Notification, ReminderAcknowledgement


class AcknowledgementSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReminderAcknowledgement
        fields = ["id", "notification", "staff", "subject_kind", "object_id", "due_at",
                  "level", "at"]


class AcknowledgeView(APIView):
    """Acknowledge a reminder or an escalation sent to you: its daily repeat to you stops
    for that deadline; the escalation up the ladder goes on until the step is done.
    Acknowledging again changes nothing; a reminder whose deadline has moved on is
    refused (409)."""

    @extend_schema(request=None, responses=AcknowledgementSerializer)
    def post(self, request, pk):
        notification = get_or_404(Notification.objects.filter(template__in=ACKNOWLEDGEABLE),
                                  pk=pk)
        return perform(lambda: reminder_acknowledge(notification=notification,
                                                    acting_user=request.staff),
                       AcknowledgementSerializer)
