"""The person's own settings and the bot's manners: `/lang`, `/help`, and a readable
answer to a command the bot does not know or to text that is no command."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from telegram import Update

from bots.chats import StaffContext, domain
from caseflow.actions.profile import staff_profile_update
from caseflow.errors import CaseflowError
from caseflow.models import Staff

# The commands as Telegram's menu and /help list them, in this order.
COMMAND_MENU = (
    ("mine", gettext_lazy("my open cases, overdue first")),
    ("due", gettext_lazy("what is due within two working days")),
    ("case", gettext_lazy("one case: /case <number>")),
    ("digest", gettext_lazy("today's digest, now")),
    ("lang", gettext_lazy("language: /lang zh or /lang en")),
    ("unlink", gettext_lazy("unlink this chat from your account")),
    ("help", gettext_lazy("this list")),
)

LANGUAGE_WORDS = {
    "zh": Staff.Language.ZH, "zh-hans": Staff.Language.ZH, "zh_hans": Staff.Language.ZH,
    "cn": Staff.Language.ZH, "中文": Staff.Language.ZH,
    "en": Staff.Language.EN, "english": Staff.Language.EN, "英文": Staff.Language.EN,
}


def help_text() -> str:
    lines = [_("What I can do:")]
    lines += [f"/{command} — {description}" for command, description in COMMAND_MENU]
    lines += ["", _("Reminders come with buttons: Acknowledge, Snooze to the next working "
                    "morning, Open the case.")]
    return "\n".join(lines)


async def show_help(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(help_text())


async def language_set(update: Update, context: StaffContext) -> None:
    """`/lang zh` or `/lang en`: the person's language everywhere (bot, email, pages)."""
    word = context.args[0].lower() if len(context.args or ()) == 1 else ""
    language = LANGUAGE_WORDS.get(word)
    if language is None:
        with translation.override(context.staff.language):
            await update.message.reply_text(_("Say /lang zh for Chinese or /lang en for "
                                              "English."))
        return
    with translation.override(language):
        try:
            staff = await domain(staff_profile_update)(staff=context.staff, language=language)
        except CaseflowError as refused:
            await update.message.reply_text(refused.message)
            return
        await update.message.reply_text(_("I will write to you in English from now on.")
                                        if staff.language == Staff.Language.EN
                                        else _("I will write to you in Chinese from now on."))


async def unknown_command(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(_("I do not know that command. Send /help for the "
                                          "list."))


async def not_a_command(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(_("I answer commands only. Send /help for the list."))
