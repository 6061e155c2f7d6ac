"""Reminders in the chat: `/digest` (today's digest, now) and the Acknowledge and Snooze
buttons under a reminder. The press action decides (the recipient's own press, on a
reminder still current); this module answers the press and tidies the message."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update

from bots.chats import StaffContext, domain
from caseflow.actions.reminder_snooze import reminder_button_press
from caseflow.actions.reminders import digest_today
from caseflow.errors import CaseflowError
from caseflow.messages import digest_of, local_time
from caseflow.models import Staff


def digest_text(staff: Staff) -> str:
    today = digest_today(staff, now=timezone.now())
    if not today.total:
        return _("Nothing of yours is overdue or due within two working days: no digest "
                 "today.")
    message = digest_of(today.items, soon=today.soon, overdue=today.overdue)
    return f"{message.subject}\n\n{message.text}"


async def digest(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(await domain(digest_text)(context.staff),
                                        link_preview_options=LinkPreviewOptions(
                                            is_disabled=True))


def links_only(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The message's keyboard without its callback buttons: Open the case stays."""
    rows = [[b for b in row if b.url] for row in (markup.inline_keyboard if markup else ())]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def button_pressed(update: Update, context: StaffContext) -> None:
    """Acknowledge or Snooze. Refused (forged data, someone else's reminder, one out of
    date): Telegram shows the reason, nothing changes. Done: it says what happened and
    the two buttons go from the message."""
    query = update.callback_query
    with translation.override(context.staff.language):
        try:
            outcome = await domain(reminder_button_press)(
                data=query.data or "", acting_user=context.staff, now=timezone.now())
        except CaseflowError as refused:
            await query.answer(refused.message, show_alert=True)
            return
        if outcome.acknowledged:
            text = _("Acknowledged: the daily reminder of this stops for you. The escalation "
                     "goes on until the step is done.")
        else:
            text = _("Snoozed: I will remind you again on %(when)s.") % {
                "when": local_time(outcome.snoozed_until)}
        await query.answer(text, show_alert=True)
        if query.message is not None:
            await query.edit_message_reply_markup(
                reply_markup=links_only(query.message.reply_markup))
