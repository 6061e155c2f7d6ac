"""Organizations: clients, verified entities and others (configuration data)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import Organization, Role, Staff
from caseflow.models.people import validate_uscc

EDITORS = (Role.CLIENT_OFFICE, Role.DEPARTMENT_HEAD, Role.PROJECT_OFFICE)


def check_editor(acting_user: Staff) -> None:
    if not acting_user.has_any_role(EDITORS):
        raise RoleRequired(_("The client & information office, the project office or the "
                             "department head keep organizations."))


def clean_credit_code(code: str | None) -> str | None:
    code = (code or "").strip().upper() or None
    if code is not None:
        try:
            validate_uscc(code)
        except ValidationError as exc:
            raise InvalidInput(_("Not a valid unified social credit code."),
                               field="credit_code") from exc
    return code


def clean_email(email: str) -> str:
    """Where written notices to the organization are emailed (R8.09); blank for none."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("Enter a valid email address."), field="email") from exc
    return email


@transaction.atomic
def organization_create(*, name: str, kind: str, acting_user: Staff,
                        credit_code: str | None = None, email: str = "") -> Organization:
    check_editor(acting_user)
    if not name.strip():
        raise InvalidInput(_("Give the organization's name."), field="name")
    if kind not in Organization.Kind.values:
        raise InvalidInput(_("Unknown kind of organization."), field="kind")
    try:
        with transaction.atomic():
            return Organization.objects.create(name=name.strip(), kind=kind,
                                               credit_code=clean_credit_code(credit_code),
                                               email=clean_email(email))
    except IntegrityError as exc:
        raise InvalidInput(_("An organization with this credit code exists."),
                           field="credit_code") from exc


@transaction.atomic
def organization_update(*, organization: Organization, acting_user: Staff,
                        **changes) -> Organization:
    check_editor(acting_user)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if "name" in changes:
        if not changes["name"].strip():
            raise InvalidInput(_("Give the organization's name."), field="name")
        organization.name = changes["name"].strip()
    if "kind" in changes:
        if changes["kind"] not in Organization.Kind.values:
            raise InvalidInput(_("Unknown kind of organization."), field="kind")
        organization.kind = changes["kind"]
    if "credit_code" in changes:
        organization.credit_code = clean_credit_code(changes["credit_code"])
    if "email" in changes:
        organization.email = clean_email(changes["email"])
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise InvalidInput(_("An organization with this credit code exists."),
                           field="credit_code") from exc
    return organization
