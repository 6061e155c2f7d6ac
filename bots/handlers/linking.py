"""Linking a chat to a staff account (`/start <token>`), undoing it (`/unlink`), and the
gate every update passes first: private chats only, and nothing but `/start` for a chat
nobody linked."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bots.chats import StaffContext, domain, language_of
from caseflow.actions.staff import staff_telegram_unlink
from caseflow.actions.telegram_links import telegram_link_token_redeem
from caseflow.errors import CaseflowError
from caseflow.selectors.staff import staff_for_chat


def not_linked_text() -> str:
    return _("This chat is not linked to a Caseflow account. Open the Telegram link on your "
             "profile page to link it.")


def command_of(update: Update) -> str:
    """"/start" for "/start@caseflow_bot abc"; "" for text that is no command."""
    text = update.message.text if update.message and update.message.text else ""
    if not text.startswith("/"):
        return ""
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()


async def gate(update: Update, context: StaffContext) -> None:
    """Runs before every handler (group -1). Messages and button presses only; in a
    private chat only (a group would share a staff member's reminders); from a linked
    chat, or `/start` to link one. Anything else ends here with a short refusal."""
    if update.message is None and update.callback_query is None:
        raise ApplicationHandlerStop  # edits, membership changes: nothing to answer
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        with translation.override(language_of(None, update)):
            refusal = _("I only work in a private chat with you.")
            if update.callback_query is not None:
                await update.callback_query.answer(refusal)
            elif command_of(update):  # a group's chatter is not for us; a command is
                await update.message.reply_text(refusal)
        raise ApplicationHandlerStop
    context.staff = await domain(staff_for_chat)(chat.id)
    if context.staff is not None:
        # For the error handler, which gets a context of its own: the person's language.
        context.chat_data["language"] = context.staff.language
    if context.staff is None and command_of(update) != "/start":
        with translation.override(language_of(None, update)):
            if update.callback_query is not None:
                await update.callback_query.answer(not_linked_text(), show_alert=True)
            else:
                await update.message.reply_text(not_linked_text())
        raise ApplicationHandlerStop


async def start(update: Update, context: StaffContext) -> None:
    """`/start <token>`: the one-time link from the profile page binds this chat."""
    token = context.args[0] if context.args else ""
    if not token:
        with translation.override(language_of(context.staff, update)):
            if context.staff is None:
                await update.message.reply_text(not_linked_text())
            else:
                await update.message.reply_text(
                    _("This chat is linked to %(name)s. Send /help to see what I can do.")
                    % {"name": context.staff.display_name})
        return
    with translation.override(language_of(context.staff, update)):
        try:
            staff = await domain(telegram_link_token_redeem)(token=token,
                                                              chat_id=update.effective_chat.id)
        except CaseflowError as refused:
            await update.message.reply_text(refused.message)
            return
    with translation.override(staff.language):
        await update.message.reply_text(
            _("Linked: this chat now belongs to %(name)s. Your reminders come here from now "
              "on. Send /help to see what I can do, /unlink to undo it.")
            % {"name": staff.display_name})


async def unlink(update: Update, context: StaffContext) -> None:
    staff = await domain(staff_telegram_unlink)(staff=context.staff)
    with translation.override(staff.language):
        await update.message.reply_text(
            _("Unlinked: this chat no longer belongs to %(name)s and your reminders come by "
              "email. To link a chat again, open the Telegram link on your profile page.")
            % {"name": staff.display_name})
