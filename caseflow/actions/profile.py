"""A staff member's own profile: language, email, which channels they want."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from caseflow.errors import InvalidInput
from caseflow.models import Staff

EDITABLE = ("language", "email", "notify_by_email", "notify_by_telegram")


@transaction.atomic
def staff_profile_update(*, staff: Staff, **changes) -> Staff:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Not editable here: %(fields)s.")
                           % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    for name, value in changes.items():
        setattr(staff, name, value)
    if staff.notify_by_telegram and staff.telegram_chat_id is None:
        raise InvalidInput(_("Link a Telegram chat with the bot's /start first."),
                           field="notify_by_telegram")
    if staff.notify_by_email and not staff.email:
        raise InvalidInput(_("Give an email address to be notified by email."), field="email")
    staff.save()
    return staff
