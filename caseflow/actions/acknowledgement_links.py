"""Acknowledging a reminder through a link: WeCom and DingTalk hand no button presses back
to us (there is no inbound callback server), so their cards carry a signed URL,
`/staff/ack/<token>/`, that records the acknowledgement once the person has signed in.

The token is the notification's id, the person's and the link's expiry, signed with
SECRET_KEY under a salt of its own (a token made for anything else does not pass here).
It is the same for every try at delivering the same reminder to the same person, so the
platforms' duplicate checks recognise a repeat. It works:
- for that person only (another signed-in person is refused, even one the reminder also
  reached: each has their own link);
- until it expires (settings.CASEFLOW_ACKNOWLEDGE_LINK_HOURS from when the reminder was
  queued; newer reminders carry newer links);
- once: the first use is recorded (`AcknowledgementLinkUse`), a second is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from caseflow.actions.reminders import ACKNOWLEDGEABLE, reminder_acknowledge
from caseflow.channels.base import Button
from caseflow.errors import CaseflowError, Conflict, InvalidInput, RoleRequired
from caseflow.messages import site_url, staff_case_link
from caseflow.models import (
    AcknowledgementLinkUse,
    Notification,
    ReminderAcknowledgement,
    Staff,
)

SALT = "caseflow.reminder-acknowledgement-link"


class LinkExpired(CaseflowError):
    """The acknowledgement link is past its time."""

    code = "link_expired"


@dataclass(frozen=True)
class AcknowledgementLink:
    notification_id: int
    staff_id: int
    expires_at: dt.datetime


def link_expiry(notification: Notification) -> dt.datetime:
    queued = notification.created_at or timezone.now()
    return queued + dt.timedelta(hours=settings.CASEFLOW_ACKNOWLEDGE_LINK_HOURS)


def acknowledgement_token(notification: Notification, staff: Staff) -> str:
    expires = int(link_expiry(notification).timestamp())
    # A plain Signer, not dumps' TimestampSigner: no signing time in it, so the same link
    # on every try; the expiry it carries is signed with it.
    return signing.Signer(salt=SALT).sign_object(
        {"n": notification.pk, "s": staff.pk, "e": expires})


def acknowledgement_url(notification: Notification, staff: Staff) -> str:
    """The link a card carries for `staff` to acknowledge `notification`."""
    token = acknowledgement_token(notification, staff)
    return site_url(reverse("staff:acknowledge", kwargs={"token": token}))


def link_buttons(notification: Notification, staff: Staff) -> tuple[Button, ...]:
    """A reminder's or an escalation's buttons on a channel that shows links only
    (WeCom's card opens the first): Acknowledge, then the case's page. Labelled in the
    active language."""
    buttons = []
    if notification.template in ACKNOWLEDGEABLE:
        buttons.append(Button(pgettext("reminder link", "Acknowledge"),
                              url=acknowledgement_url(notification, staff)))
    if notification.case_id is not None:
        buttons.append(Button(_("Open the case"),
                              url=staff_case_link(notification.case_id)))
    return tuple(buttons)


def acknowledgement_link_read(token: str) -> AcknowledgementLink:
    """The link behind a token we issued; InvalidInput for anything else (altered, made
    for another purpose, cut short in a copy and paste)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        return AcknowledgementLink(
            notification_id=int(data["n"]), staff_id=int(data["s"]),
            expires_at=dt.datetime.fromtimestamp(int(data["e"]), tz=dt.UTC))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(_("This acknowledgement link is not valid: open it from the "
                             "reminder as it came, in full.")) from exc


def check_acknowledgement_link(link: AcknowledgementLink, staff: Staff, *,
                               now: dt.datetime) -> None:
    """Refuses another person's link, an expired one and a used one, in that order (a
    person who is not the addressee learns nothing more about the link)."""
    if link.staff_id != staff.pk:
        raise RoleRequired(_("This acknowledgement link was sent to someone else: only "
                             "they can use it."))
    if now >= link.expires_at:
        raise LinkExpired(_("This acknowledgement link has expired: use the link in the "
                            "latest reminder, or open the case."))
    if AcknowledgementLinkUse.objects.filter(notification_id=link.notification_id,
                                             staff=staff).exists():
        raise Conflict(_("This acknowledgement link has been used already: the reminder "
                         "is acknowledged."))


def acknowledgement_link_notification(link: AcknowledgementLink) -> Notification:
    notification = (Notification.objects.select_related("case")
                    .filter(pk=link.notification_id, template__in=ACKNOWLEDGEABLE).first())
    if notification is None:
        raise InvalidInput(_("The reminder of this link no longer exists."))
    return notification


@transaction.atomic
def acknowledgement_link_use(*, token: str, acting_user: Staff) -> ReminderAcknowledgement:
    """Acknowledge the reminder behind `token` for the signed-in person it was sent to
    (`reminder_acknowledge`: the repeat to them stops, the case's trail records it), and
    spend the link."""
    link = acknowledgement_link_read(token)
    now = timezone.now()
    check_acknowledgement_link(link, acting_user, now=now)
    notification = acknowledgement_link_notification(link)
    acknowledgement = reminder_acknowledge(notification=notification, acting_user=acting_user)
    try:
        with transaction.atomic():
            AcknowledgementLinkUse.objects.create(notification=notification,
                                                  staff=acting_user, used_at=now)
    except IntegrityError as exc:  # two taps at once: the first one counts
        raise Conflict(_("This acknowledgement link has been used already: the reminder "
                         "is acknowledged.")) from exc
    return acknowledgement
