"""A staff member's own profile: language, email, which channels they want, their WeCom
and DingTalk user ids and the order in which their channels are tried."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caseflow.actions.staff import BROKEN_AT
from caseflow.errors import Conflict, InvalidInput
from caseflow.models import Messenger, Staff
from caseflow.models.people import validate_channel_order, validate_messenger_user_id

EDITABLE = ("language", "email", "notify_by_email", "notify_by_telegram", "wecom_user_id",
            "dingtalk_user_id", "channel_order")
# The messengers linked by a user id typed in (Telegram links through the bot's /start).
USER_IDS = {Messenger.WECOM: "wecom_user_id", Messenger.DINGTALK: "dingtalk_user_id"}


@transaction.atomic
def staff_profile_update(*, staff: Staff, retry: Iterable[str] = (), **changes) -> Staff:
    """`channel_order`: messenger names, first choice first. A changed WeCom or DingTalk
    id mends its broken link; `retry` names links to try again with the same id (the
    person or their administrator has fixed what the platform refused)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Not editable here: %(fields)s.")
                           % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if "channel_order" in changes:
        changes["channel_order"] = channel_order_text(changes["channel_order"])
    for messenger, field in USER_IDS.items():
        if field in changes:
            changes[field] = checked_user_id(staff, field, changes[field])
            if changes[field] != getattr(staff, field):
                setattr(staff, BROKEN_AT[messenger], None)
    for messenger in retry:
        if messenger not in USER_IDS:
            raise InvalidInput(_("Only a WeCom or DingTalk link is tried again here."),
                               field="retry")
        setattr(staff, BROKEN_AT[messenger], None)
    for name, value in changes.items():
        setattr(staff, name, value)
    if staff.notify_by_telegram and staff.telegram_chat_id is None:
        raise InvalidInput(_("Link a Telegram chat with the bot's /start first."),
                           field="notify_by_telegram")
    if staff.notify_by_email and not staff.email:
        raise InvalidInput(_("Give an email address to be notified by email."), field="email")
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError as exc:  # another person saved the same id at the same moment
        raise Conflict(_("This user id is already linked to another staff member.")) from exc
    return staff


def channel_order_text(order: str | Iterable[str]) -> str:
    """The stored form of a preferred order: known messenger names, each once."""
    names = order.split(",") if isinstance(order, str) else list(order)
    text = ",".join(name.strip() for name in names if name and name.strip())
    try:
        validate_channel_order(text)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="channel_order") from exc
    return text


def checked_user_id(staff: Staff, field: str, value: str | None) -> str:
    """A WeCom or DingTalk user id of the right shape that no one else has linked (a
    reminder must never reach someone else: R8.13). Blank unlinks."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_messenger_user_id(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from exc
    if Staff.objects.filter(**{field: value}).exclude(pk=staff.pk).exists():
        raise Conflict(_("This user id is already linked to another staff member."),
                       field=field)
    return value
