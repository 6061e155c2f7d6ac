"""Notices the system emails itself (R8.03, R8.07, R8.09): queue one email per party
concerned, build each message with the approved PDF attached, and keep the proof of
each sending or flag the one that could not be delivered.

The generic delivery code (`caseflow.actions.delivery`) hands every outbox row with a
`notice` to the three functions it calls: `notice_email_message` before sending,
`notice_email_sent` once the mail server accepted the message, `notice_email_failed`
once it gave up (refused for good, or still failing after the last retry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseflow.actions.case_state import case_deadline_refresh, case_lock
from caseflow.actions.events import event_record
from caseflow.actions.notices import Recipient, notice_recipients
from caseflow.actions.notifications import notification_queue
from caseflow.channels.base import Attachment, Message, PermanentFailure, Sent
from caseflow.deadlines import notice_deadline
from caseflow.errors import InvalidInput, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    NOTICE_TITLES,
    Case,
    Notice,
    NoticeSending,
    Notification,
    Role,
    Staff,
)
from caseflow.notice_pdf import content_sha256
from caseflow.policies.impartiality import check_impartial
from caseflow.policies.transitions import RECORD, S
from caseflow.selectors.calendar import calendar_overrides

TEMPLATE = "notice_email"
UNDELIVERABLE_TEMPLATE = "notice_undeliverable"


class EmailOutcome(models.TextChoices):
    """What asking the system to email a notice did for one party concerned."""

    QUEUED = "queued", gettext_lazy("queued for sending")
    ALREADY_QUEUED = "already_queued", gettext_lazy("already queued, not sent yet")
    ALREADY_SENT = "already_sent", gettext_lazy("already emailed by the system")
    NO_ADDRESS = "no_address", gettext_lazy(
        "no email address on file: send it by registered mail or hand it over")


class Undeliverable(models.TextChoices):
    NO_ADDRESS = "no_address", gettext_lazy("no email address on file")
    REFUSED = "refused", gettext_lazy("the mail server refused it or kept failing")


@dataclass(frozen=True)
class EndangeredDeadline:
    """The rule a notice serves and its deadline, which an undelivered notice puts at
    risk (the case's rule deadline; none once it is closed)."""

    rule: str
    step: str
    due_at: dt.datetime | None
    deadline_kind: str
    provisional: bool

    def facts(self) -> dict:
        return {"rule": self.rule, "step": self.step,
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "deadline_kind": self.deadline_kind, "provisional": self.provisional}


@dataclass(frozen=True)
class NoticeEmailQueued:
    """One party concerned, and what asking for the email did for it."""

    recipient: str  # NoticeSending.Recipient
    outcome: str  # EmailOutcome
    notification: Notification | None = None
    endangered: EndangeredDeadline | None = None  # with NO_ADDRESS: what is at risk


def recipient_email(recipient: Recipient) -> str:
    """The address on file for a party concerned; "" when there is none (an erased
    party's is blank too, X8)."""
    if recipient.party is not None:
        return "" if recipient.party.redacted_at else recipient.party.email
    return recipient.organization.email if recipient.organization else ""


def notification_recipient(notification: Notification) -> Recipient:
    if notification.recipient_organization_id:
        return Recipient(NoticeSending.Recipient.CLIENT,
                         organization=notification.recipient_organization)
    return Recipient(notification.context.get("recipient", NoticeSending.Recipient.SUBMITTER),
                     party=notification.recipient_party)


def notice_email_address(notification: Notification) -> str | None:
    """Where a notice email goes: the party's or the client organization's address on
    file, read when sending (a corrected address is used), or None."""
    return recipient_email(notification_recipient(notification)) or None


def approved_pdf(notice: Notice) -> bytes:
    """The stored PDF, refused unless it is byte for byte the approved one (R8.07), and
    never once it names a person whose identity was erased: it is then the legal record,
    open to the office alone (X8, X12)."""
    if notice.identity_erased_at is not None:
        raise PermanentFailure("X8: the notice names a person whose identity was erased; "
                               "it is not sent.")
    try:
        with notice.file.open("rb") as f:
            content = f.read()
    except OSError as exc:
        raise PermanentFailure(f"R8.07: the notice's file cannot be read ({exc}).") from exc
    if content_sha256(content) != notice.sha256:
        raise PermanentFailure("R8.07: the stored file differs from the approved notice; "
                               "it is not sent.")
    return content


def endangered_deadline(notice: Notice) -> EndangeredDeadline:
    rule, deadline = notice_deadline(notice, calendar_overrides())
    return EndangeredDeadline(rule=rule, step=deadline.step, due_at=deadline.due_at,
                              deadline_kind=deadline.kind, provisional=deadline.provisional)


def notice_undeliverable_flag(*, notice: Notice, recipient: Recipient, reason: str,
                              actor: Staff | None = None,
                              notification: Notification | None = None) -> EndangeredDeadline:
    """Flag on the case that a party concerned has not been sent `notice` and tell the
    client & information office, with the rule deadline that is at risk. The event
    points at the party, never at its address (X8); the flag stands until a sending to
    that recipient is recorded (`undelivered_notices`)."""
    case = notice.case
    endangered = endangered_deadline(notice)
    facts = {"notice": notice.pk, "notice_kind": notice.kind, "recipient": recipient.key,
             "reason": reason, "notification": notification.pk if notification else None,
             **endangered.facts()}
    event_record(case, action="notice_undeliverable", actor=actor,
                 actor_label="" if actor else "system", from_state=case.state,
                 payload=facts | {
                     "party": recipient.party.pk if recipient.party else None,
                     "organization": (recipient.organization.pk if recipient.organization
                                      else None)})
    notification_queue(
        case, UNDELIVERABLE_TEMPLATE, role=Role.CLIENT_OFFICE,
        context=facts | {"label": case.number, "notice_title": NOTICE_TITLES[notice.kind]},
        # One word to the office per recipient without an address, per failed email.
        dedupe_key=(f"{UNDELIVERABLE_TEMPLATE}:{notice.pk}:{recipient.key}:{reason}:"
                    f"{notification.pk if notification else ''}"))
    return endangered


def check_notice_sender(notice: Notice, acting_user: Staff) -> None:
    """As for a sending recorded by hand (R8.09): the office, not recused."""
    if not acting_user.has_role(Role.CLIENT_OFFICE):
        raise RoleRequired(_("The client & information office sends written notices."),
                           rule="R8.09")
    check_impartial(notice.case, acting_user, RECORD)


@transaction.atomic
def notice_email_queue(*, notice: Notice, acting_user: Staff,
                       recipients: list[str] | None = None) -> list[NoticeEmailQueued]:
    """The office has the system email the approved notice (R8.09) to each party
    concerned named in `recipients` (all of them when None) that has an address on
    file: one outbox row each, with its Message-ID chosen now so that a retry is the
    same message. A party without an address is flagged on the case and the office told
    what deadline that endangers: it needs registered mail or handing over (R8.03).
    Asking again queues nothing while an email is pending or sent; after a failure it
    queues a new one (to a corrected address)."""
    check_notice_sender(notice, acting_user)
    notice = Notice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    concerned = notice_recipients(notice.case)
    if recipients is not None:
        unknown = set(recipients) - {r.key for r in concerned}
        if unknown or not recipients:
            raise InvalidInput(_("This case has no such party to send the notice to."),
                               rule="R8.09", field="recipients")
        concerned = [r for r in concerned if r.key in recipients]
    if not concerned:  # an anonymous complaint (X4): nobody to write to
        raise InvalidInput(_("This case has no party to send the notice to."), rule="X4",
                           field="recipients")
    approved_pdf_or_refuse(notice)
    return [queue_one(notice, to, acting_user) for to in concerned]


def approved_pdf_or_refuse(notice: Notice) -> None:
    """Refuse now, to the office, what delivery would refuse later (X8, R8.07)."""
    if notice.identity_erased_at is not None:
        raise TransitionNotAllowed(_("This notice names a person whose identity was erased: "
                                     "it is kept as the record and not sent."), rule="X8")
    try:
        approved_pdf(notice)
    except PermanentFailure as exc:
        raise TransitionNotAllowed(_("The file differs from the approved notice; it cannot "
                                     "be sent."), rule="R8.07") from exc


def queue_one(notice: Notice, to: Recipient, acting_user: Staff) -> NoticeEmailQueued:
    earlier = Notification.objects.filter(
        notice=notice, template=TEMPLATE, recipient_party=to.party,
        recipient_organization=to.organization)
    statuses = set(earlier.values_list("status", flat=True))
    if Notification.Status.SENT in statuses:
        return NoticeEmailQueued(to.key, EmailOutcome.ALREADY_SENT)
    if Notification.Status.PENDING in statuses:
        return NoticeEmailQueued(to.key, EmailOutcome.ALREADY_QUEUED)
    case = notice.case
    if not recipient_email(to):
        endangered = notice_undeliverable_flag(notice=notice, recipient=to,
                                               reason=Undeliverable.NO_ADDRESS,
                                               actor=acting_user)
        return NoticeEmailQueued(to.key, EmailOutcome.NO_ADDRESS, endangered=endangered)
    message_id = make_msgid("notice", domain=sender_domain())
    notification = notification_queue(
        case, TEMPLATE, party=to.party, organization=to.organization, notice=notice,
        context={"recipient": to.key, "queued_by": acting_user.pk, "message_id": message_id},
        # A new email only after the earlier ones failed: the count is taken under the
        # notice's lock, and the key stops a second row if two requests race anyway.
        dedupe_key=f"{TEMPLATE}:{notice.pk}:{to.key}:{earlier.count()}")
    if notification is None:
        return NoticeEmailQueued(to.key, EmailOutcome.ALREADY_QUEUED)
    event_record(case, action="notice_email_queued", actor=acting_user, from_state=case.state,
                 payload={"notice": notice.pk, "recipient": to.key,
                          "party": to.party.pk if to.party else None,
                          "organization": to.organization.pk if to.organization else None,
                          "notification": notification.pk, "message_id": message_id})
    return NoticeEmailQueued(to.key, EmailOutcome.QUEUED, notification=notification)


def sender_domain() -> str:
    """The Message-ID's domain: the sending address's, so replies and bounces that quote
    it are recognisably ours."""
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"


def recipient_language(notification: Notification) -> str:
    party = notification.recipient_party
    return party.language if party is not None else settings.LANGUAGE_CODE


def notice_filename(notice: Notice) -> str:
    """The name the notice was issued under, whatever the storage made of it."""
    return f"{notice.case.number}-{notice.kind}.pdf"


def notice_email_message(notification: Notification) -> Message:
    """The email for one notice to one party: the approved PDF attached byte for byte,
    refused (PermanentFailure) if the stored file no longer matches its approved hash
    (R8.07); the text in the recipient's language names the notice, the case number
    and the body, nothing else (R8.13)."""
    notice = notification.notice
    content = approved_pdf(notice)
    facts = {"title": NOTICE_TITLES[notice.kind], "number": notice.case.number,
             "body": settings.CASEFLOW_BODY_NAME}
    with translation.override(recipient_language(notification)):
        subject = _("%(body)s: notice “%(title)s”, case %(number)s") % facts
        text = _("Dear Sir or Madam,\n\n"
                 "Attached is the notice “%(title)s” that %(body)s issued in case "
                 "%(number)s, as a PDF file. The attachment is the approved notice "
                 "itself; please keep it.\n\n"
                 "If you contact us about it, please give the case number %(number)s.\n\n"
                 "%(body)s\nClient & information office") % facts
    return Message(
        subject=subject, text=text,
        attachments=(Attachment(notice_filename(notice), content, "application/pdf"),),
        headers={"Message-ID": notification.context["message_id"]})


@transaction.atomic
def notice_email_sent(notification: Notification, sent: Sent, address: str) -> NoticeSending:
    """The mail server accepted the notice: record the sending with its proof (the
    Message-ID and the server's reply), the hash of what went (R8.07), the party it
    went to (never `address`: the sending points at the party, R8.13, X8) and the staff
    member who had it sent.

    A ruling emailed to the appellant is received when it arrives: the X5 window for
    the committee counts from that day (an earlier receipt recorded stands).
    Called twice for one message (a crash between sending and recording), it records
    one sending."""
    notice = Notice.objects.select_for_update().select_related("case").get(
        pk=notification.notice_id)
    # The Message-ID chosen when it was queued, which the channel sends as given.
    message_id = sent.external_id or notification.context["message_id"]
    existing = notice.sendings.filter(
        email_message_id__in={message_id, notification.context["message_id"]}).first()
    if existing is not None:
        return existing
    to = notification_recipient(notification)
    with notice.file.open("rb") as f:
        sent_hash = content_sha256(f.read())
    queued_by = Staff.objects.get(pk=notification.context["queued_by"])
    sending = NoticeSending.objects.create(
        notice=notice, channel=NoticeSending.Channel.EMAIL, sha256=sent_hash,
        sent_at=timezone.now(), sent_by=queued_by, email_message_id=message_id,
        email_server_reply=sent.detail[:500],
        recipient_party=to.party, recipient_organization=to.organization)
    case = notice.case
    payload = {"notice": notice.pk, "channel": sending.channel, "sha256": sent_hash,
               "sending": sending.pk, "recipient": to.key,
               "party": to.party.pk if to.party else None,
               "organization": to.organization.pk if to.organization else None,
               "notification": notification.pk, "queued_by": queued_by.pk}
    received_on = ruling_received_by_email(case, notice, sending)
    if received_on is not None:
        payload["ruling_received_on"] = received_on.isoformat()
    event_record(case, action="notice_sent", actor_label="system", from_state=case.state,
                 payload=payload)
    return sending


def ruling_received_by_email(case: Case, notice: Notice, sending: NoticeSending):
    """X5: the appellant's committee window counts from receiving the ruling; an email
    is received the day it arrives. Returns the day recorded, or None."""
    to_appellant = (sending.recipient_party_id is not None
                    and sending.recipient_party_id == case.submitter_id)
    if not (notice.kind == Notice.Kind.APPEAL_RULING and case.state == S.RULED
            and to_appellant):
        return None
    case = case_lock(case)
    day = timezone.localdate(sending.sent_at)
    if case.ruling_received_on is not None and case.ruling_received_on <= day:
        return None
    case.ruling_received_on = day
    case_deadline_refresh(case)
    case.save()
    return day


@transaction.atomic
def notice_email_failed(notification: Notification, error: str) -> None:
    """Delivery gave up on a notice email (refused, or failing after the last retry):
    the case is flagged and the office told what deadline is at risk. The error stays
    on the notification and its attempts: it may quote the address (R8.13)."""
    notice = Notice.objects.select_for_update().select_related("case").get(
        pk=notification.notice_id)
    if notice.case.events.filter(action="notice_undeliverable",
                                 payload__notification=notification.pk).exists():
        return  # told already
    # An address erased or removed since it was queued is no address, not a refusal.
    reason = (Undeliverable.REFUSED if notice_email_address(notification)
              else Undeliverable.NO_ADDRESS)
    notice_undeliverable_flag(notice=notice, recipient=notification_recipient(notification),
                              reason=reason, notification=notification)
