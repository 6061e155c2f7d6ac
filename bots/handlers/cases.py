"""The person's cases: `/mine` (open cases, overdue first), `/due` (overdue and due within
two working days) and `/case <number>` (one case they may see, without the submitter's
identity, R8.13). The selectors decide what is shown; this module words it."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import LinkPreviewOptions, Update

from bots.chats import StaffContext, domain
from caseflow.errors import CaseflowError
from caseflow.messages import (
    case_lines,
    kind_label,
    local_time,
    staff_case_link,
    stage_label,
    step_label,
)
from caseflow.models import Case, Staff
from caseflow.selectors.cases import case_by_number_for_staff, worklist_for_staff

# A chat message holds 4096 characters: this many cases, then a pointer to the pages.
LISTED = 25


def case_item(case: Case) -> str:
    """One line per case: number, kind, stage, deadline and its step."""
    parts = [case.number, kind_label(case.kind), stage_label(case.state)]
    if case.due_at is not None:
        parts.append(local_time(case.due_at) + (_(" (provisional)")
                                                if case.deadline_provisional else ""))
        if case.due_step:
            parts.append(step_label(case.due_step))
    return "• " + " · ".join(parts)


def listing(sections: list[tuple[str, list[Case]]], *, title: str, empty: str) -> str:
    total = sum(len(cases) for _heading, cases in sections)
    if total == 0:
        return empty
    lines, shown = [title % {"count": total}], 0
    for heading, cases in sections:
        if not cases or shown >= LISTED:
            continue
        lines += ["", heading]
        for case in cases[:LISTED - shown]:
            lines.append(case_item(case))
            shown += 1
    if total > shown:
        lines += ["", _("…and %(more)s more: see your home page on the staff site.")
                  % {"more": total - shown}]
    return "\n".join(lines)


def mine_text(staff: Staff) -> str:
    worklist = worklist_for_staff(staff, now=timezone.now())
    return listing([(_("Overdue"), worklist.overdue),
                    (_("Due within two working days"), worklist.due_soon),
                    (_("Later"), worklist.later)],
                   title=_("Your open cases: %(count)s"),
                   empty=_("You have no open cases."))


def due_text(staff: Staff) -> str:
    worklist = worklist_for_staff(staff, now=timezone.now())
    return listing([(_("Overdue"), worklist.overdue),
                    (_("Due within two working days"), worklist.due_soon)],
                   title=_("Overdue or due within two working days: %(count)s"),
                   empty=_("Nothing of yours is overdue or due within two working days."))


def case_text(staff: Staff, number: str) -> str:
    case = case_by_number_for_staff(staff, number)
    if case is None:  # missing and hidden alike (R8.14, R8.15: existence is not revealed)
        return _("There is no case %(number)s that you may see.") % {
            "number": number.strip().upper()}
    lines = case_lines(case)
    if case.is_overdue:
        lines.append(_("Overdue"))
    lines.append(_("Handler: %(name)s") % {"name": case.handler.display_name}
                 if case.handler_id else _("Handler: not assigned yet"))
    if case.submitter_id:
        # R8.13: never the submitter's identity here; the case page reveals it to those
        # entitled, and records that it did.
        lines.append(_("Submitter: anonymous") if case.submitter.anonymous
                     else _("Submitter: confidential (open the case page)"))
    if case.engagement_id:
        lines.append(_("Engagement: %(report)s") % {"report": case.engagement.report_number})
    lines += ["", staff_case_link(case.pk)]
    return "\n".join(lines)


async def mine(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(await domain(mine_text)(context.staff))


async def due(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        await update.message.reply_text(await domain(due_text)(context.staff))


async def case(update: Update, context: StaffContext) -> None:
    with translation.override(context.staff.language):
        if len(context.args or ()) != 1:
            await update.message.reply_text(_("Say /case and a case number, for example "
                                              "/case TS-2026-0001."))
            return
        try:
            text = await domain(case_text)(context.staff, context.args[0])
        except CaseflowError as refused:  # no case number at all
            text = refused.message
        await update.message.reply_text(
            text, link_preview_options=LinkPreviewOptions(is_disabled=True))
