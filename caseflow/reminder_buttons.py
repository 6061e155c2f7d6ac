"""The buttons of a reminder or an escalation (issue 14), from one place for every
channel: Acknowledge and Snooze where the channel hands presses back to us (Telegram's
callback buttons), and Open, a link to the case page, everywhere.

A pressed button comes back as its data, which anyone can forge with a modified client:
it carries the notification's id and a signature (an HMAC with SECRET_KEY), so only data
we issued is accepted. Who pressed, and whether the reminder is still current, the press
action checks (`caseflow.actions.reminder_snooze.reminder_button_press`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from caseflow.channels.base import Button
from caseflow.errors import InvalidInput
from caseflow.messages import staff_case_link
from caseflow.models import Notification

ACKNOWLEDGE, SNOOZE = "a", "s"
PRESSABLE_TEMPLATES = ("reminder", "escalation")
# "r:<action>:<notification id>:<signature>", well under Telegram's 64 bytes.
DATA_SHAPE = re.compile(r"r:([as]):([1-9][0-9]{0,18}):([A-Za-z0-9_-]{16})")


def signature(payload: str) -> str:
    digest = salted_hmac("caseflow.reminder_buttons", payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()  # 96 bits, 16 characters


def button_data(action: str, notification_id: int) -> str:
    payload = f"r:{action}:{notification_id}"
    return f"{payload}:{signature(payload)}"


@dataclass(frozen=True)
class ButtonPress:
    action: str  # ACKNOWLEDGE or SNOOZE
    notification_id: int


def button_press_read(data: str) -> ButtonPress:
    """The press behind button data we issued; InvalidInput for anything else."""
    match = DATA_SHAPE.fullmatch(data or "")
    if match is None or not constant_time_compare(
            match[3], signature(f"r:{match[1]}:{match[2]}")):
        raise InvalidInput(_("This button is not one of ours; nothing was changed."))
    return ButtonPress(action=match[1], notification_id=int(match[2]))


def reminder_buttons(notification: Notification, *, interactive: bool) -> tuple[Button, ...]:
    """The buttons of `notification`'s message, labelled in the active language.
    `interactive`: the channel passes presses back (Telegram); otherwise only the link."""
    buttons = []
    if interactive and notification.template in PRESSABLE_TEMPLATES:
        buttons += [Button(_("Acknowledge"), callback=button_data(ACKNOWLEDGE, notification.pk)),
                    Button(_("Snooze to the next working morning"),
                           callback=button_data(SNOOZE, notification.pk))]
    if notification.case_id is not None:
        buttons.append(Button(_("Open the case page"), url=staff_case_link(notification.case_id)))
    return tuple(buttons)
