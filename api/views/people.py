"""The caller's profile, organizations, engagements, declarations and rulings."""

from __future__ import annotations

from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import MAX_ITEMS, CalendarDateField
from api.strict import MAX_ID, strict_is_valid
from api.throttling import SIGN_IN_THROTTLES
from api.uploads import WITH_FILES
from api.views.base import get_or_404, perform, validated
from caseflow.actions.engagements import engagement_rows_from_file, engagements_import
from caseflow.actions.organizations import (
    check_editor,
    organization_create,
    organization_update,
)
from caseflow.actions.profile import staff_profile_update
from caseflow.actions.staff import Relationship, declaration_rule, declaration_sign
from caseflow.actions.telegram_links import telegram_link_token_issue
from caseflow.models import Case, Declaration, Engagement, Organization, Staff
from caseflow.selectors.visibility import declarations_for_staff


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class LoginView(APIView):
    """Exchange a username and password for an API token (throttled against guessing)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = SIGN_IN_THROTTLES
    throttle_scope = "login"

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer)
    def post(self, request):
        if getattr(request, "unparsable", None) is not None:
            raise request.unparsable  # met by the per-account throttle
        # Django's request, not DRF's wrapper: django-axes flags a lockout on it and its
        # middleware answers it (caseflow.web.lockout).
        serializer = AuthTokenSerializer(data=request.data,
                                         context={"request": request._request})
        strict_is_valid(serializer)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class LogoutView(APIView):
    """Revoke the caller's API token and end the caller's browser session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        logout(request._request)  # flushes the session, whichever way the caller signed in
        return Response(status=204)


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "username", "display_name", "language", "email", "notify_by_email",
                  "notify_by_telegram", "telegram_chat_id", "roles"]
        read_only_fields = ["id", "display_name", "telegram_chat_id"]

    def get_roles(self, staff) -> list[dict]:
        return [{"role": a.role, "capacity": a.capacity} for a in staff.role_assignments.all()]


class MeView(APIView):
    """The caller's profile: language, email, which channels they want."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.staff).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        data = validated(MeSerializer, request, partial=True)
        return perform(lambda: staff_profile_update(staff=request.staff, **data), MeSerializer)


class TelegramLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="https://t.me/<bot>?start=<one-time token>")
    expires_at = serializers.DateTimeField()


class TelegramLinkView(APIView):
    """A fresh one-time link that binds a Telegram chat to the caller's account: opened
    on the phone, it starts the bot with the token (`/start`). It works once, for an
    hour; links issued before it stop working. 409 while the bot is not set up."""

    @extend_schema(request=None, responses={201: TelegramLinkSerializer})
    def post(self, request):
        return perform(lambda: telegram_link_token_issue(staff=request.staff),
                       TelegramLinkSerializer, created=True)


class OrganizationSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(max_length=18, required=False, allow_null=True,
                                        allow_blank=True, validators=[])

    class Meta:
        model = Organization
        fields = ["id", "name", "credit_code", "kind", "email"]


class OrganizationListView(generics.ListAPIView):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.order_by("name", "id")
    filterset_fields = ["kind", "credit_code"]

    @extend_schema(request=OrganizationSerializer, responses={201: OrganizationSerializer})
    def post(self, request):
        data = validated(OrganizationSerializer, request)
        return perform(lambda: organization_create(acting_user=request.staff, **data),
                       OrganizationSerializer, created=True)


class OrganizationDetailView(APIView):
    @extend_schema(responses=OrganizationSerializer)
    def get(self, request, pk):
        return Response(OrganizationSerializer(get_or_404(Organization.objects, pk=pk)).data)

    @extend_schema(request=OrganizationSerializer, responses=OrganizationSerializer)
    def patch(self, request, pk):
        organization = get_or_404(Organization.objects, pk=pk)
        data = validated(OrganizationSerializer, request, partial=True)
        return perform(lambda: organization_update(organization=organization,
                                                   acting_user=request.staff, **data),
                       OrganizationSerializer)


class EngagementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Engagement
        fields = ["id", "report_number", "client", "verified_entity", "province", "year",
                  "batch", "conclusion", "timely", "team_lead", "verifiers",
                  "technical_reviewers", "report_signers", *Engagement.QUALITY_FIELDS,
                  "quality_other"]


class EngagementListView(generics.ListAPIView):
    serializer_class = EngagementSerializer
    queryset = Engagement.objects.prefetch_related(
        "verifiers", "technical_reviewers", "report_signers").order_by("-year", "report_number")
    filterset_fields = ["year", "province", "conclusion", "report_number"]


class EngagementDetailView(generics.RetrieveAPIView):
    serializer_class = EngagementSerializer
    queryset = EngagementListView.queryset


class EngagementImportInput(serializers.Serializer):
    file = serializers.FileField()


class EngagementImportResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class EngagementImportView(APIView):
    """Import the engagement register (CSV or XLSX): all rows or none."""

    parser_classes = WITH_FILES

    @extend_schema(request={"multipart/form-data": EngagementImportInput},
                   responses=EngagementImportResult)
    def post(self, request):
        check_editor(request.staff)
        upload = validated(EngagementImportInput, request)["file"]
        rows = engagement_rows_from_file(upload)
        return perform(lambda: engagements_import(rows=rows, acting_user=request.staff),
                       EngagementImportResult)


class RelationshipSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    description = serializers.CharField(max_length=200)
    ended_on = CalendarDateField(required=False, allow_null=True, default=None)


class DeclarationSerializer(serializers.ModelSerializer):
    relationships = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = ["id", "staff", "kind", "year", "case", "signed_at", "potential_conflict",
                  "ruling", "ruled_by", "ruled_at", "relationships"]

    def get_relationships(self, declaration) -> list[dict]:
        return [{"organization": r.organization_id, "description": r.description,
                 "ended_on": r.ended_on} for r in declaration.relationships.all()]


class DeclarationInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                    allow_null=True, default=None)
    case = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    allow_null=True, default=None)
    potential_conflict = serializers.CharField(max_length=5000, required=False,
                                               allow_blank=True, default="")
    relationships = RelationshipSerializer(many=True, required=False, default=list,
                                           max_length=MAX_ITEMS)


class DeclarationListView(generics.ListAPIView):
    """The caller's own commitments; the quality manager sees everyone's (to rule)."""

    serializer_class = DeclarationSerializer
    filterset_fields = ["kind", "year", "case", "ruling"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Declaration.objects.none()
        return declarations_for_staff(self.request.staff)

    @extend_schema(request=DeclarationInput, responses={201: DeclarationSerializer})
    def post(self, request):
        """R9.01: sign the annual or a per-case commitment, declaring relationships."""
        data = validated(DeclarationInput, request)
        case = None
        if data["case"] is not None:
            # Someone asked to take part signs before the assignment that lets them see
            # the case (R9.01), so any case may be named; the commitment opens nothing.
            case = get_or_404(Case.objects, pk=data["case"])
        relationships = tuple(Relationship(**r) for r in data["relationships"])
        return perform(lambda: declaration_sign(
            staff=request.staff, kind=data["kind"], year=data["year"], case=case,
            relationships=relationships, potential_conflict=data["potential_conflict"]),
            DeclarationSerializer, created=True)


class RulingInput(serializers.Serializer):
    ruling = serializers.ChoiceField(choices=Declaration.Ruling.choices)


class DeclarationRulingView(APIView):
    """R9.01: the quality manager rules on a declared potential conflict."""

    @extend_schema(request=RulingInput, responses=DeclarationSerializer)
    def post(self, request, pk):
        declaration = get_or_404(declarations_for_staff(request.staff), pk=pk)
        ruling = validated(RulingInput, request)["ruling"]
        return perform(lambda: declaration_rule(declaration=declaration, ruling=ruling,
                                                acting_user=request.staff),
                       DeclarationSerializer)
