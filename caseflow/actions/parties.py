"""Confidentiality of the submitter (R8.13) and lawful erasure (X8)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.events import event_record
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import Case, Party, Role, Staff
from caseflow.policies.confidentiality import may_see_identity

REDACTED = "***"


@dataclass(frozen=True)
class PartyIdentity:
    name: str
    organization: str
    email: str
    phone: str
    address: str
    redacted: bool


def party_identity_redacted(party: Party) -> PartyIdentity:
    """What everyone not entitled sees. A respondent organization is no secret."""
    organization = ""
    if party.kind == Party.Kind.RESPONDENT and party.organization:
        organization = party.organization.name
    return PartyIdentity(REDACTED if party.name else "", organization,
                         REDACTED if party.email else "", REDACTED if party.phone else "",
                         REDACTED if party.address else "", True)


@transaction.atomic
def party_identity_reveal(*, case: Case, party: Party, viewer: Staff) -> PartyIdentity:
    """R8.13: the policy decides who sees the identity; each reveal is recorded."""
    if party.anonymous or party.redacted_at or not may_see_identity(case, party, viewer):
        return party_identity_redacted(party)
    event_record(case, action="identity_revealed", actor=viewer, from_state=case.state,
                 payload={"party": party.pk})
    return PartyIdentity(party.name, party.organization.name if party.organization else "",
                         party.email, party.phone, party.address, False)


@transaction.atomic
def party_erase(*, party: Party, acting_user: Staff, reason: str) -> Party:
    """X8: on a lawful request, redact the identity; events (which hold none) stay intact.
    The notices already issued stay as the legal record, marked and closed to all but
    the archive's keepers (X12)."""
    if not acting_user.has_any_role((Role.CLIENT_OFFICE, Role.QUALITY_MANAGER)):
        raise RoleRequired(_("The client & information office or the quality manager erases "
                             "identities."), rule="X8")
    if not reason.strip():
        raise InvalidInput(_("Record the lawful request behind the erasure."), rule="X8",
                           field="reason")
    party = Party.objects.select_for_update().get(pk=party.pk)
    party.name = party.email = party.phone = party.address = ""
    party.organization = None
    party.redacted_at = timezone.now()
    party.save()
    for case in Case.objects.filter(submitter=party) | Case.objects.filter(respondent=party):
        event_record(case, action="party_erased", actor=acting_user, from_state=case.state,
                     payload={"party": party.pk}, reason=reason)
        notices_mark_identity_erased(case=case, party=party, acting_user=acting_user)
    return party


def notices_mark_identity_erased(*, case: Case, party: Party, acting_user: Staff) -> None:
    """X8: each notice of `case` issued so far names `party` (the addressee, or whom the
    case is about): it is kept, marked, and the marking recorded on the case by notice."""
    now = timezone.now()
    for notice in case.notices.select_for_update().filter(identity_erased_at__isnull=True):
        notice.identity_erased_at = now
        notice.save(update_fields=["identity_erased_at"])
        event_record(case, action="notice_identity_erased", actor=acting_user,
                     from_state=case.state, payload={"notice": notice.pk, "party": party.pk})
