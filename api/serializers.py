"""Output shapes of cases and what hangs off them. Input serializers live with their views."""

from operator import attrgetter
from typing import ClassVar

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from caseflow.actions.notice_delivery import Undeliverable
from caseflow.models import (
    AnalysisCycle,
    Case,
    CaseEvent,
    Finding,
    Notice,
    NoticeSending,
    Staff,
)

RELATED = (serializers.RelatedField, serializers.ManyRelatedField)
# Fields whose output depends on the serializer instance they are bound to.
BOUND = (serializers.SerializerMethodField, serializers.HyperlinkedRelatedField,
         serializers.HyperlinkedIdentityField)


class ListRowSerializer(serializers.ModelSerializer):
    """A row of a long list: each field reads its value and shows it as DRF does (its
    attribute, None kept as None, else the field's own to_representation), but a field
    whose source is a plain attribute of the model is read through a getter prepared once
    per list, not DRF's general walk for every value (mapping test, callable test, nested
    sources). Serializing a page of 50 cases was the largest part of the list's Python.

    The getters are prepared once per class, on a serializer of their own that holds no
    rows: DRF builds a ModelSerializer's fields again for every instance, a third of a
    page's serializing. A class with a field that reads the serializer it is bound to (a
    method field, a hyperlink from the request) prepares them per instance instead."""

    _readers_of_class: ClassVar[dict[type, list]] = {}

    @cached_property
    def _row_readers(self):
        cls = type(self)
        readers = ListRowSerializer._readers_of_class.get(cls)
        if readers is None:
            if any(isinstance(field, BOUND) for field in self.fields.values()):
                return self._readers_of_fields()
            readers = ListRowSerializer._readers_of_class[cls] = cls()._readers_of_fields()
        return readers

    def _readers_of_fields(self):
        model = self.Meta.model
        readers = []
        for field in self._readable_fields:
            attributes = field.source_attrs
            # A related field reads only the key where it can (DRF's PKOnlyObject).
            plain = (len(attributes) == 1 and field.source != "*"
                     and not isinstance(field, RELATED)
                     and not callable(getattr(model, attributes[0], None)))
            readers.append((field.field_name,
                            attrgetter(attributes[0]) if plain else field.get_attribute,
                            field.to_representation))
        return readers

    def to_representation(self, instance):
        row = {}
        for name, read, show in self._row_readers:
            value = read(instance)
            shown = value.pk if isinstance(value, PKOnlyObject) else value
            row[name] = None if shown is None else show(value)
        return row


class StaffRefSerializer(ListRowSerializer):
    class Meta:
        model = Staff
        fields = ["id", "display_name"]


class CaseRefSerializer(ListRowSerializer):
    class Meta:
        model = Case
        fields = ["id", "number", "kind", "state", "subject"]


class CaseListSerializer(ListRowSerializer):
    handler = StaffRefSerializer(read_only=True, allow_null=True)
    engagement = serializers.SlugRelatedField(slug_field="report_number", read_only=True,
                                              allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "kind", "state", "subject", "scope", "channel",
                  "received_at", "handler", "engagement", "due_at", "due_step",
                  "deadline_kind", "deadline_provisional", "is_overdue", "closed_at"]


class NonconformityFactsSerializer(serializers.Serializer):
    source = serializers.CharField()
    severity = serializers.CharField()
    responsible_role = serializers.CharField()


class CaseFileSerializer(CaseListSerializer):
    anonymous = serializers.BooleanField(read_only=True)
    archive_number = serializers.SerializerMethodField()
    nonconformity = serializers.SerializerMethodField()
    has_submission_document = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "description", "anonymous", "submitter", "respondent", "acceptance_due_at",
            "accepted_at", "target_days", "valid", "substantiated", "outcome",
            "rejection_reason", "impartiality_related", "appealed_case", "appealed_decision",
            "decision_received_on", "filing_window_ends_at", "filing_window_provisional",
            "filed_late", "committee_window_ends_at",
            "ruling_received_on", "has_submission_document", "archive_number",
            "nonconformity", "origin_case", "merged_into"]

    def get_archive_number(self, case) -> str | None:
        archive = getattr(case, "archive", None)
        return archive.archive_number if archive else None

    @extend_schema_field(NonconformityFactsSerializer(allow_null=True))
    def get_nonconformity(self, case):
        facts = getattr(case, "nonconformity", None)
        return NonconformityFactsSerializer(facts).data if facts else None

    def get_has_submission_document(self, case) -> bool:
        return bool(case.submission_document)


class EventSerializer(serializers.ModelSerializer):
    actor = StaffRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "actor", "actor_label", "action", "from_state", "to_state",
                  "payload", "reason"]


class SendingSerializer(serializers.ModelSerializer):
    """One sending to one party concerned (R8.09): the submitter (its party record,
    identity not shown: R8.13) or the engagement's client (its organization)."""

    recipient = serializers.ChoiceField(choices=NoticeSending.Recipient.choices,
                                        read_only=True)

    class Meta:
        model = NoticeSending
        fields = ["id", "channel", "sha256", "sent_at", "sent_by", "email_message_id",
                  "email_server_reply", "registered_mail_number", "received_on", "recipient",
                  "recipient_party", "recipient_organization"]


class NoticeSerializer(serializers.ModelSerializer):
    sendings = SendingSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "kind", "sha256", "approved_by", "approved_at", "sendings"]


class UndeliveredNoticeSerializer(serializers.Serializer):
    """A notice a party concerned has not been sent (R8.09): no email address on file,
    or the email failed for good. It needs registered mail or handing over; `due_at` is
    the deadline of `rule` that is at risk (none once the case is closed)."""

    notice = serializers.IntegerField()
    notice_kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    recipient = serializers.ChoiceField(choices=NoticeSending.Recipient.choices)
    reason = serializers.ChoiceField(choices=Undeliverable.choices)
    flagged_at = serializers.DateTimeField()
    rule = serializers.CharField()
    step = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    deadline_kind = serializers.CharField()
    provisional = serializers.BooleanField()


class FindingSerializer(serializers.ModelSerializer):
    recorded_by = StaffRefSerializer(read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "side", "method", "text", "recorded_by", "recorded_at", "has_evidence"]

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnalysisCycle
        fields = ["number", "method", "analysis", "root_cause", "correction",
                  "corrective_action", "report_due_on", "analysed_by", "plan_signed_off_by",
                  "report", "reported_at", "conclusion", "conclusion_reason", "verified_by",
                  "confirmed_by"]


class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField()
    organization = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    redacted = serializers.BooleanField()


class CaseDetailSerializer(serializers.Serializer):
    """The case file: the case, its trail, deadlines, links, notices, what the caller may
    do next. Identity is redacted here; reveals go through their own endpoint (R8.13)."""

    case = serializers.SerializerMethodField()
    submitter = IdentitySerializer(allow_null=True)
    events = EventSerializer(many=True)
    notices = NoticeSerializer(many=True)
    undelivered_notices = UndeliveredNoticeSerializer(many=True)
    findings = FindingSerializer(many=True)
    linked_cases = CaseRefSerializer(many=True)
    aliases = serializers.ListField(child=serializers.CharField())
    cycles = CycleSerializer(many=True)
    transitions = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(CaseFileSerializer)
    def get_case(self, detail) -> dict:
        return CaseFileSerializer(detail.case).data
