"""Staff profile, chat binding, and impartiality commitments (R9.01)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.events import event_record
from caseflow.errors import Conflict, InvalidInput, RoleRequired
from caseflow.models import (
    Case,
    Declaration,
    InterestRelationship,
    Organization,
    Role,
    RoleAssignment,
    Staff,
)


@transaction.atomic
def staff_telegram_link(*, staff: Staff, chat_id: int) -> Staff:
    """Bind a Telegram chat to a staff member (the bot's /start calls this)."""
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    other = Staff.objects.filter(telegram_chat_id=chat_id).exclude(pk=staff.pk).first()
    if other:
        raise Conflict(_("This chat is already linked to another staff member."),
                       field="chat_id")
    staff.telegram_chat_id = chat_id
    staff.notify_by_telegram = True
    staff.telegram_broken_at = None  # linking again mends a broken link
    try:
        staff.save(update_fields=["telegram_chat_id", "notify_by_telegram",
                                  "telegram_broken_at"])
    except IntegrityError as exc:  # a concurrent link took the chat first
        raise Conflict(_("This chat is already linked."), field="chat_id") from exc
    return staff


@transaction.atomic
def staff_telegram_broken(*, staff: Staff, reason: str) -> Staff:
    """Telegram refused for good (bot blocked, chat gone): messages go by email until the
    person links a chat again. The first moment is kept; the reason goes to the history."""
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if staff.telegram_broken_at is None:
        staff.telegram_broken_at = timezone.now()
        staff._change_reason = reason[:100]  # django-simple-history's column
        staff.save(update_fields=["telegram_broken_at"])
    return staff


# The column that records each messenger's broken link.
BROKEN_AT = {"telegram": "telegram_broken_at", "wecom": "wecom_broken_at",
             "dingtalk": "dingtalk_broken_at"}


@transaction.atomic
def staff_messenger_broken(*, staff: Staff, messenger: str, reason: str) -> Staff:
    """WeCom or DingTalk said the person's user id reaches nobody (they left, the id is
    wrong, or they are outside the app's visible range): messages go by the next channel
    until the id is corrected or tried again on the profile. The first moment is kept."""
    if messenger == "telegram":
        return staff_telegram_broken(staff=staff, reason=reason)
    column = BROKEN_AT[messenger]
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if getattr(staff, column) is None:
        setattr(staff, column, timezone.now())
        staff._change_reason = reason[:100]
        staff.save(update_fields=[column])
    return staff


@transaction.atomic
def staff_telegram_unlink(*, staff: Staff) -> Staff:
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    staff.telegram_chat_id = None
    staff.notify_by_telegram = False
    staff.save(update_fields=["telegram_chat_id", "notify_by_telegram"])
    return staff


@dataclass(frozen=True)
class Relationship:
    organization: Organization
    description: str
    ended_on: dt.date | None = None


@transaction.atomic
def declaration_sign(
    *, staff: Staff, kind: str, year: int | None = None, case: Case | None = None,
    relationships: tuple[Relationship, ...] = (), potential_conflict: str = "",
) -> Declaration:
    """R9.01: the annual commitment, or the per-case one signed before taking part,
    declaring interest relationships (ongoing or ended) and any potential conflict."""
    if kind == Declaration.Kind.ANNUAL and (year is None or case is not None):
        raise InvalidInput(_("An annual commitment names its year."), rule="R9.01", field="year")
    if kind == Declaration.Kind.ANNUAL:
        this_year = timezone.localdate().year
        if year not in (this_year, this_year + 1):
            raise InvalidInput(
                _("An annual commitment is signed for this year (%(this)d) or the next "
                  "(%(next)d).") % {"this": this_year, "next": this_year + 1},
                rule="R9.01", field="year")
    if kind == Declaration.Kind.CASE and case is None:
        raise InvalidInput(_("A per-case commitment names its case."), rule="R9.01", field="case")
    if kind not in Declaration.Kind.values:
        raise InvalidInput(_("Unknown kind of commitment."), field="kind")
    declaration = Declaration.objects.create(
        staff=staff, kind=kind, year=year, case=case, signed_at=timezone.now(),
        potential_conflict=potential_conflict,
    )
    for r in relationships:
        InterestRelationship.objects.create(declaration=declaration, organization=r.organization,
                                            description=r.description, ended_on=r.ended_on)
    if case is not None:
        event_record(case, action="commitment_signed", actor=staff, from_state=case.state,
                     payload={"declaration": declaration.pk,
                              "conflict_declared": bool(potential_conflict)})
    return declaration


@transaction.atomic
def declaration_rule(*, declaration: Declaration, ruling: str, acting_user: Staff) -> Declaration:
    """R9.01: the quality manager rules on a declared potential conflict."""
    if not acting_user.has_role(Role.QUALITY_MANAGER):
        raise RoleRequired(_("The quality manager rules on declared conflicts."), rule="R9.01")
    if acting_user.pk == declaration.staff_id:
        raise RoleRequired(_("Nobody rules on their own conflict."), rule="R9.02")
    if ruling not in Declaration.Ruling.values:
        raise InvalidInput(_("Rule prohibit, restrict or allow."), field="ruling")
    if not declaration.potential_conflict:
        raise InvalidInput(_("No conflict was declared here."), field="ruling")
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    declaration.ruling, declaration.ruled_by = ruling, acting_user
    declaration.ruled_at = timezone.now()
    declaration.save()
    if declaration.case_id:
        action = "recused" if ruling == Declaration.Ruling.PROHIBIT else "conflict_ruled"
        event_record(declaration.case, action=action, actor=acting_user,
                     from_state=declaration.case.state,
                     payload={"staff": declaration.staff_id, "ruling": ruling})
    return declaration


@transaction.atomic
def staff_create(
    *, username: str, display_name: str, roles: dict[str, str], email: str = "",
    language: str = Staff.Language.ZH, password: str | None = None,
) -> Staff:
    """A staff (or committee) account with its roles: {role: capacity}."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise InvalidInput(_("Unknown roles: %(roles)s.") % {"roles": ", ".join(sorted(unknown))},
                           field="roles")
    user = get_user_model().objects.create_user(username=username, email=email,
                                                password=password)
    staff = Staff.objects.create(user=user, display_name=display_name, email=email,
                                 language=language, notify_by_email=bool(email))
    for role, capacity in roles.items():
        RoleAssignment.objects.create(staff=staff, role=role, capacity=capacity)
    return staff
