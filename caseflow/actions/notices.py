"""Formal notices: issue the approved PDF, then record each sending with its proof.

What is sent must be the approved version (R8.07): a sending re-hashes the stored file
and is refused if it no longer matches the hash taken at approval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.case_files import case_file_open
from caseflow.actions.case_state import case_deadline_refresh, case_lock
from caseflow.actions.events import event_record
from caseflow.errors import InvalidInput, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    NOTICE_TITLES,
    Case,
    Notice,
    NoticeSending,
    Organization,
    Party,
    Role,
    Staff,
)
from caseflow.notice_pdf import NoticeDocument, content_sha256, render_notice_pdf, unprintable
from caseflow.policies.confidentiality import notice_refusal
from caseflow.policies.impartiality import check_impartial
from caseflow.policies.transitions import RECORD, S


def recipient_line(case: Case) -> str:
    party = case.submitter
    if party is None or party.anonymous or party.redacted_at:
        return ""
    return party.organization.name if party.organization and not party.name else party.name


# Which field of the case or the request a character the notice cannot print came from.
UNPRINTABLE_FIELDS = {"recipient": "submitter_name", "body": "text", "number": "number",
                      "title": "kind", "issuer": "issuer"}


def check_printable(document: NoticeDocument, text_field: str = "text") -> None:
    """R8.07: the notice prints exactly what was approved. A character the embedded
    fonts cannot draw (an emoji, say) is refused, never printed as another one."""
    for field, chars in unprintable(document).items():
        if field == "recipient":
            message = _("The notice cannot print %(chars)s in the submitter's name; correct "
                        "the name as on an identity document before issuing it.")
        else:
            message = _("The notice cannot print %(chars)s; remove it from the text before "
                        "issuing the notice.")
        raise InvalidInput(message % {"chars": " ".join(chars)}, rule="R8.07",
                           field=text_field if field == "body" else UNPRINTABLE_FIELDS[field])


def notice_issue(*, case: Case, kind: str, text: str, approved_by: Staff,
                 text_field: str = "outcome") -> Notice | None:
    """Render and store the approved notice. An anonymous complaint gets none (X4).
    `text_field` names the input the text came from, for a refusal (R8.07)."""
    if case.anonymous:
        return None
    document = NoticeDocument(
        title=NOTICE_TITLES[kind], number=case.number, recipient=recipient_line(case), body=text,
        issued_on=timezone.localdate(),
    )
    check_printable(document, text_field)
    pdf = render_notice_pdf(document)
    notice = Notice(case=case, kind=kind, text=text, sha256=content_sha256(pdf),
                    approved_by=approved_by)
    notice.file.save(f"{case.number}-{kind}.pdf", ContentFile(pdf), save=False)
    notice.save()
    event_record(case, action="notice_issued", actor=approved_by, from_state=case.state,
                 payload={"notice": notice.pk, "kind": kind, "sha256": notice.sha256})
    return notice


@dataclass(frozen=True)
class Recipient:
    """A party concerned by a case's notices (R8.09): a `Party` or, for a client without
    a party record, the engagement's client `Organization`."""

    key: str
    party: Party | None = None
    organization: Organization | None = None


@dataclass(frozen=True)
class SendingProof:
    """How one recipient was sent a notice, and the proof (R8.09)."""

    channel: str
    email_message_id: str = ""
    registered_mail_number: str = ""
    received_on: dt.date | None = None


def notice_recipients(case: Case) -> list[Recipient]:
    """R8.09: every party concerned, submitter first: the submitter (never an anonymous
    one, X4) and, where the case concerns an engagement, its client (项目委托方), unless
    the client is the submitter's own organization (a dispute the client filed)."""
    recipients = []
    submitter = case.submitter
    if submitter is not None and not submitter.anonymous:
        recipients.append(Recipient(NoticeSending.Recipient.SUBMITTER, party=submitter))
    if case.engagement_id:
        client = case.engagement.client
        if submitter is None or submitter.organization_id != client.pk:
            recipients.append(Recipient(NoticeSending.Recipient.CLIENT, organization=client))
    return recipients


def check_proof(proof: SendingProof) -> None:
    if proof.channel not in NoticeSending.Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    if proof.channel == NoticeSending.Channel.EMAIL and not proof.email_message_id:
        raise InvalidInput(_("Give the email's message id as proof."), field="email_message_id")
    if proof.channel == NoticeSending.Channel.REGISTERED_MAIL and not proof.registered_mail_number:
        raise InvalidInput(_("Give the registered-mail number as proof."),
                           field="registered_mail_number")


@transaction.atomic
def notice_send(
    *, notice: Notice, channel: str, acting_user: Staff, email_message_id: str = "",
    registered_mail_number: str = "", received_on: dt.date | None = None,
    recipient: str = NoticeSending.Recipient.SUBMITTER,
) -> NoticeSending:
    """The client & information office records one sending to one party concerned
    (R8.09) and its proof."""
    if not acting_user.has_role(Role.CLIENT_OFFICE):
        raise RoleRequired(_("The client & information office sends written notices."),
                           rule="R8.09")
    check_impartial(notice.case, acting_user, RECORD)
    proof = SendingProof(channel=channel, email_message_id=email_message_id,
                         registered_mail_number=registered_mail_number,
                         received_on=received_on)
    check_proof(proof)
    to = next((r for r in notice_recipients(notice.case) if r.key == recipient), None)
    if to is None:
        raise InvalidInput(_("This case has no such party to send the notice to."),
                           rule="R8.09", field="recipient")
    if registered_mail_number and notice.sendings.filter(
            registered_mail_number=registered_mail_number).exclude(
            recipient_party=to.party, recipient_organization=to.organization).exists():
        raise InvalidInput(_("Each registered letter has its own number; this one went to "
                             "another party."), rule="R8.09", field="registered_mail_number")
    with notice.file.open("rb") as f:
        sent_hash = content_sha256(f.read())
    if sent_hash != notice.sha256:
        raise TransitionNotAllowed(_("The file differs from the approved notice; it cannot be "
                                     "sent."), rule="R8.07")
    sending = NoticeSending.objects.create(
        notice=notice, channel=channel, sha256=sent_hash, sent_at=timezone.now(),
        sent_by=acting_user, email_message_id=email_message_id,
        registered_mail_number=registered_mail_number, received_on=received_on,
        recipient_party=to.party, recipient_organization=to.organization,
    )
    # X8: the payload points at the party or organization, it holds no identity.
    event_record(notice.case, action="notice_sent", actor=acting_user,
                 from_state=notice.case.state,
                 payload={"notice": notice.pk, "channel": channel, "sha256": sent_hash,
                          "sending": sending.pk, "recipient": to.key,
                          "party": to.party.pk if to.party else None,
                          "organization": to.organization.pk if to.organization else None})
    return sending


@transaction.atomic
def notice_receipt_record(*, sending: NoticeSending, received_on: dt.date,
                          acting_user: Staff) -> NoticeSending:
    """The office enters the date the recipient received a posted notice (the proof)."""
    if not acting_user.has_role(Role.CLIENT_OFFICE):
        raise RoleRequired(_("The client & information office records receipts."), rule="R8.09")
    sending = NoticeSending.objects.select_for_update().get(pk=sending.pk)
    if received_on < timezone.localdate(sending.sent_at) or received_on > timezone.localdate():
        raise InvalidInput(_("The date of receipt lies between sending and today."),
                           field="received_on")
    sending.received_on = received_on
    sending.save(update_fields=["received_on"])
    case = sending.notice.case
    event_record(case, action="notice_received", actor=acting_user, from_state=case.state,
                 payload={"sending": sending.pk, "received_on": received_on.isoformat()})
    # X5: the appellant's receipt starts the window, not the client's.
    to_appellant = (sending.recipient_party_id is not None
                    and sending.recipient_party_id == case.submitter_id)
    if (sending.notice.kind == Notice.Kind.APPEAL_RULING and case.state == S.RULED
            and to_appellant):
        case = case_lock(case)
        case.ruling_received_on = received_on
        case_deadline_refresh(case)
        case.save()
    return sending


@transaction.atomic
def notice_file_open(*, notice: Notice, viewer: Staff):
    """The stored PDF of a notice, for `viewer`: refused after an erasure to all but the
    archive's keepers (X8, X12), else as any file naming the submitter (R8.13);
    every opening is recorded on the case."""
    refusal = notice_refusal(notice, viewer)
    if refusal is not None:
        raise refusal
    return case_file_open(case=notice.case, viewer=viewer, stored=notice.file,
                          label=f"notice:{notice.pk}")

