"""What a notification says: a subject and a short text per template, in the recipient's
language, with the case's number, kind, stage, deadline and a link to it.

Confidentiality (R8.13): a message never carries the submitter's identity, the respondent's
or the complaint's own words (its subject or description): only the facts above, which
are the body's. A submitter is told about their own case by number, with their tracking
code where the message exists to give it (receipt, reissued code).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from caseflow.channels.base import Message
from caseflow.models import Case, CaseKind, DeadlineKind, Notification
from caseflow.policies.transitions import S
from caseflow.workdays import CHINA


@dataclass(frozen=True)
class Wording:
    subject: str
    text: str


W = Wording

# What each step of a workflow is called where a deadline names it (caseflow.deadlines).
STEP_LABELS = {
    "acceptance": pgettext_lazy("workflow step", "acceptance decision"),
    "implementation_report": pgettext_lazy(
        "workflow step", "implementation report of the corrective action"),
    "committee_window": pgettext_lazy(
        "workflow step", "window to ask for the impartiality committee"),
    "committee": pgettext_lazy("workflow step", "impartiality committee review"),
    "evaluation": pgettext_lazy("workflow step", "evaluation"),
    "investigation": pgettext_lazy("workflow step", "investigation"),
    "review": pgettext_lazy("workflow step", "review"),
    "approval": pgettext_lazy("workflow step", "approval"),
    "notice": pgettext_lazy("workflow step", "written notice"),
    "organize": pgettext_lazy("workflow step", "organizing the handling"),
    "ruling": pgettext_lazy("workflow step", "ruling"),
    "answer": pgettext_lazy("workflow step", "answer"),
    "agreement": pgettext_lazy("workflow step", "agreement"),
    "escalation": pgettext_lazy("workflow step", "escalated handling"),
    "gm_approval": pgettext_lazy("workflow step", "general manager's approval"),
    "analysis": pgettext_lazy("workflow step", "cause analysis and plan"),
    "plan_signoff": pgettext_lazy("workflow step", "plan sign-off"),
    "task_assignment": pgettext_lazy("workflow step", "assigning the tasks"),
    "verification": pgettext_lazy("workflow step", "verification of effectiveness"),
    "confirmation": pgettext_lazy("workflow step", "confirmation"),
    "inspection": pgettext_lazy("workflow step", "internal inspection"),
}

# A case's state as staff read it in a message (the public site has its own, plainer set).
STAGE_LABELS = {
    S.RECEIVED: pgettext_lazy("case stage", "received, acceptance to be decided"),
    S.ACCEPTED: pgettext_lazy("case stage", "accepted"),
    S.REJECTED: pgettext_lazy("case stage", "not accepted"),
    S.INVESTIGATING: pgettext_lazy("case stage", "under investigation"),
    S.PROPOSED: pgettext_lazy("case stage", "handling opinion proposed"),
    S.REVIEWED: pgettext_lazy("case stage", "reviewed"),
    S.APPROVED: pgettext_lazy("case stage", "approved"),
    S.IN_HANDLING: pgettext_lazy("case stage", "in handling"),
    S.RULING_DRAFTED: pgettext_lazy("case stage", "ruling drafted"),
    S.RULING_REVIEWED: pgettext_lazy("case stage", "ruling reviewed"),
    S.RULING_APPROVED: pgettext_lazy("case stage", "ruling approved"),
    S.RULED: pgettext_lazy("case stage", "ruling notified"),
    S.ANSWERED: pgettext_lazy("case stage", "answered"),
    S.WITH_DEPARTMENT_HEAD: pgettext_lazy("case stage", "with the department head"),
    S.WITH_QUALITY_MANAGER: pgettext_lazy("case stage", "with the quality manager"),
    S.PENDING_GM_APPROVAL: pgettext_lazy("case stage", "awaiting the general manager's approval"),
    S.COMMITTEE: pgettext_lazy("case stage", "with the impartiality committee"),
    S.CLOSED: pgettext_lazy("case stage", "closed"),
    S.WITHDRAWN: pgettext_lazy("case stage", "withdrawn"),
    S.MERGED: pgettext_lazy("case stage", "merged"),
    S.OPEN: pgettext_lazy("case stage", "open: cause analysis and plan due"),
    S.ANALYSED: pgettext_lazy("case stage", "plan awaiting sign-off"),
    S.PLAN_APPROVED: pgettext_lazy("case stage", "plan signed off"),
    S.IMPLEMENTING: pgettext_lazy("case stage", "corrective action under way"),
    S.REPORTED: pgettext_lazy("case stage", "implementation reported"),
    S.VERIFIED: pgettext_lazy("case stage", "verified effective"),
}

# What a notification without a case is about (`Notification.about`, "<what>:<id>").
ABOUT_LABELS = {
    "preventive": _("preventive action no. %(id)s"),
    "change_request": _("document change request no. %(id)s"),
    "inspection": _("internal inspection no. %(id)s"),
    "conflict_analysis": _("conflict-of-interest analysis %(id)s"),
    "loan": _("archive loan no. %(id)s"),
    "capa_task": _("corrective action task no. %(id)s"),
    "capa_report": _("corrective action report no. %(id)s"),
}

# The escalation ladder's rungs (the sweep's `level`).
LEVEL_LABELS = {
    0: pgettext_lazy("escalation level", "the handler"),
    1: pgettext_lazy("escalation level", "department head"),
    2: pgettext_lazy("escalation level", "quality manager"),
    3: pgettext_lazy("escalation level", "general manager"),
}

# Messages to staff, per template the domain queues.
STAFF_TEMPLATES = {
    "case_received": W(_("New case received"),
                       _("A new case was received: decide whether to accept it and "
                         "assign a handler.")),
    "case_assigned": W(_("Case assigned to you"),
                       _("You were assigned to handle this case.")),
    "case_accepted": W(_("Case accepted"),
                       _("This case was accepted and is to be handled.")),
    "review_needed": W(_("Review needed"),
                       _("A handling opinion or ruling awaits your review.")),
    "approval_needed": W(_("Approval needed"),
                         _("Something awaits your approval.")),
    "returned_for_rework": W(_("Returned for rework"),
                             _("The handling opinion was returned for rework.")),
    "notice_to_send": W(_("Written notice to send"),
                        _("A written notice was approved and is to be sent to the "
                          "parties.")),
    "committee_review": W(_("Impartiality committee review"),
                          _("A case is referred to the impartiality committee: cast "
                            "your vote.")),
    "committee_decided": W(_("Impartiality committee decided"),
                           _("The impartiality committee decided on this case.")),
    "escalated": W(_("Dispute referred to you"),
                   _("A dispute the parties did not settle was referred to you.")),
    "submitter_added_information": W(
        _("New information from the submitter"),
        _("The submitter added information or documents on the status page; see the "
          "case file.")),
    "nonconformity_opened": W(_("Nonconformity opened"),
                              _("A nonconformity was opened: its causes are to be "
                                "analysed and a corrective action planned.")),
    "inspection_opened": W(_("Internal inspection opened"),
                           _("An internal inspection was opened.")),
    "plan_signoff_needed": W(_("Corrective action plan to sign off"),
                             _("A cause analysis and corrective action plan awaits your "
                               "sign-off.")),
    "plan_returned": W(_("Corrective action plan returned"),
                       _("The corrective action plan was returned: see what it lacks.")),
    "tasks_to_assign": W(_("Corrective action tasks to assign"),
                         _("The plan was signed off: assign its tasks.")),
    "task_assigned": W(_("Corrective action task assigned to you"),
                       _("A corrective action task was assigned to you.")),
    "verification_needed": W(_("Corrective action to verify"),
                             _("The implementation was reported: verify its "
                               "effectiveness.")),
    "reanalysis_needed": W(_("Corrective action not effective"),
                           _("The corrective action was found not effective: the causes "
                             "are to be analysed again.")),
    "confirmation_needed": W(_("Corrective action to confirm"),
                             _("The corrective action was verified effective and awaits "
                               "your confirmation.")),
    "review_check_needed": W(_("Serious nonconformity review to check"),
                             _("The review of a serious nonconformity awaits your "
                               "check.")),
    "review_approved": W(_("Serious nonconformity review approved"),
                         _("The review of the serious nonconformity was approved.")),
    "change_to_apply": W(_("Document change to apply"),
                         _("A document change was approved and is to be applied.")),
    "preventive_approved": W(_("Preventive action approved"),
                             _("A preventive action was approved: carry it out.")),
    "conflict_analysis_due": W(_("Yearly conflict-of-interest analysis due"),
                               _("The yearly analysis of conflicts of interest is due.")),
    "loan_requested": W(_("Archive loan requested"),
                        _("A loan of an archived dossier awaits your decision.")),
    "loan_decided": W(_("Archive loan decided"),
                      _("Your request to borrow an archived dossier was decided.")),
    "loan_overdue": W(_("Archive loan overdue"),
                      _("A borrowed archived dossier is overdue for return.")),
}

# Messages to a submitter or a client (by email only, R8.13: their own case, by number).
PARTY_TEMPLATES = {
    "submission_receipt": W(
        _("%(number)s: we received your submission"),
        _("We received your submission: %(kind)s, number %(number)s.\n\n"
          "Your tracking code: %(code)s\n\n"
          "Keep this code: it is the only way to follow the case on our site, and we "
          "cannot show it again.")),
    "tracking_code_reissued": W(
        _("%(number)s: your new tracking code"),
        _("A new tracking code was issued for case %(number)s; the old one no longer "
          "works.\n\nYour tracking code: %(code)s")),
    "acceptance_notice": W(
        _("%(number)s: accepted"),
        _("Your case %(number)s was accepted and is being handled. The written notice "
          "is on the status page.")),
    "rejection_notice": W(
        _("%(number)s: not accepted"),
        _("Your case %(number)s was not accepted. The written notice with the reason is "
          "on the status page.")),
    "decision_notice": W(
        _("%(number)s: decision made"),
        _("A decision was made on your case %(number)s. The written notice is on its way "
          "and on the status page.")),
}

DIGEST, REMINDER, ESCALATION = "digest", "reminder", "escalation"
GENERIC = W(_("Update"), _("There is an update on this case."))


def site_url(path: str) -> str:
    return settings.CASEFLOW_SITE_URL.rstrip("/") + path


def staff_case_link(case_id: int | None) -> str:
    return site_url(f"/staff/cases/{case_id}/") if case_id else ""


def local_time(value: dt.datetime | str) -> str:
    """A deadline as people in the body read it: Asia/Shanghai, to the minute."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step.replace("_", " ")))


def kind_label(kind: str) -> str:
    return str(CaseKind(kind).label) if kind in CaseKind.values else kind


def stage_label(state: str) -> str:
    return str(STAGE_LABELS.get(state, state))


def deadline_label(kind: str, provisional: bool) -> str:
    """X1: a rule deadline or an internal target; W3: provisional when the calendar of
    its year is not known yet."""
    label = str(DeadlineKind(kind).label) if kind in DeadlineKind.values else ""
    if provisional:
        note = gettext("provisional: next year's public holidays are not announced yet")
        label = f"{label}; {note}" if label else note
    return label


def deadline_line(due_at, kind: str, provisional: bool, step: str) -> str:
    when = local_time(due_at)
    label = deadline_label(kind, provisional)
    what = f" · {step_label(step)}" if step else ""
    return (gettext("Deadline: %(when)s (%(label)s)%(what)s")
            % {"when": when, "label": label, "what": what} if label
            else gettext("Deadline: %(when)s%(what)s") % {"when": when, "what": what})


def about_label(about: str) -> str:
    what, _sep, ident = about.partition(":")
    label = ABOUT_LABELS.get(what)
    return str(label) % {"id": ident} if label else about


def titled(what: str, title) -> str:
    """A subject: what it is about (a case number), then what happened."""
    return gettext("%(what)s: %(title)s") % {"what": what, "title": title}


def case_lines(case: Case) -> list[str]:
    lines = [gettext("Case: %(number)s · %(kind)s") % {"number": case.number,
                                                  "kind": kind_label(case.kind)},
             gettext("Stage: %(stage)s") % {"stage": stage_label(case.state)}]
    if case.due_at:
        lines.append(deadline_line(case.due_at, case.deadline_kind,
                                   case.deadline_provisional, case.due_step))
    return lines


def notification_message(notification: Notification, *, language: str) -> Message:
    """The message for one recipient of `notification`, in `language`."""
    with translation.override(language):
        if notification.template in PARTY_TEMPLATES:
            return party_message(notification)
        if notification.template in (REMINDER, ESCALATION):
            return reminder_message(notification)
        if notification.template == DIGEST:
            return digest_message(notification)
        if notification.template == NOTICE_UNDELIVERABLE:
            return undeliverable_notice_message(notification)
        return staff_message(notification)


def staff_message(notification: Notification) -> Message:
    wording = STAFF_TEMPLATES.get(notification.template, GENERIC)
    case = notification.case
    if case is not None:
        subject = titled(case.number, wording.subject)
        lines = case_lines(case)
    else:
        label = about_label(notification.about)
        subject = titled(label, wording.subject) if label else str(wording.subject)
        lines = [gettext("About: %(label)s") % {"label": label}] if label else []
    text = "\n".join([str(wording.text), "", *lines]).rstrip()
    return Message(subject=subject, text=text,
                   link=staff_case_link(case.pk if case else None))


NOTICE_UNDELIVERABLE = "notice_undeliverable"


def undeliverable_notice_message(notification: Notification) -> Message:
    """To the office: a written notice a party concerned has not been sent (no address on
    file, or the mail server refused it), and the rule deadline that is now at risk. Which
    party, by its role only (submitter or client), never its name or address."""
    facts = notification.context
    case = notification.case
    recipient = {"submitter": gettext("the submitter"),
                 "client": gettext("the client (项目委托方)")}.get(facts.get("recipient"),
                                                                   gettext("a party"))
    reason = (gettext("no email address on file") if facts.get("reason") == "no_address"
              else gettext("the mail server refused it or kept failing"))
    text = gettext("The written notice “%(title)s” has not reached %(recipient)s: "
                   "%(reason)s. Send it by registered mail or hand it over, and record "
                   "the sending.") % {"title": facts.get("notice_title", ""),
                                      "recipient": recipient, "reason": reason}
    lines = [text, ""]
    if facts.get("due_at"):
        lines.append(gettext("At risk: %(rule)s") % {"rule": facts.get("rule", "")})
        lines.append(deadline_line(facts["due_at"], facts.get("deadline_kind", ""),
                                   bool(facts.get("provisional")), facts.get("step", "")))
    if case is not None:
        lines += case_lines(case)
    label = case.number if case is not None else facts.get("label", "")
    return Message(subject=titled(label, gettext("Written notice not delivered")),
                   text="\n".join(lines).rstrip(),
                   link=staff_case_link(case.pk if case else None))


def reminder_message(notification: Notification) -> Message:
    """A reminder to the person whose step it is, or an escalation up the ladder (the
    sweep's context: what, which step, due when, of which kind, how late)."""
    facts = notification.context
    label = facts.get("label") or about_label(notification.about)
    step = step_label(facts.get("step", ""))
    late = int(facts.get("overdue_working_days") or 0)
    threshold = facts.get("threshold", "")
    if threshold == "overdue":
        when = gettext("overdue by %(days)s working days") % {"days": late}
    elif threshold == "due_today":
        when = gettext("due today")
    else:
        when = gettext("due soon")
    values = {"label": label, "step": step, "when": when}
    if notification.template == ESCALATION:
        subject = gettext("%(label)s: %(step)s %(when)s (escalated)") % values
        level = LEVEL_LABELS.get(int(facts.get("level") or 0), "")
        text = gettext("Escalated to you as %(level)s: the step “%(step)s” of %(label)s is "
                 "%(when)s and has not been done.") % {**values, "level": level}
    else:
        subject = gettext("%(label)s: %(step)s %(when)s") % values
        text = gettext("Reminder: the step “%(step)s” of %(label)s is %(when)s.") % values
    lines = []
    case = notification.case
    if case is not None:
        lines = case_lines(case)[:2]  # the reminder's own deadline follows
    if facts.get("due_at"):
        lines.append(deadline_line(facts["due_at"], facts.get("deadline_kind", ""),
                                   bool(facts.get("provisional")), ""))
    case_id = case.pk if case else (facts.get("object_id")
                                     if facts.get("subject_kind") == "case" else None)
    return Message(subject=subject, text="\n".join([text, "", *lines]).rstrip(),
                   link=staff_case_link(case_id))


def digest_message(notification: Notification) -> Message:
    """One message a working morning: the person's cases due soon and overdue."""
    context = notification.context
    return digest_of(context.get("items", []), soon=context.get("soon"),
                     overdue=context.get("overdue"))


def digest_of(items: list[dict], *, soon: int | None = None,
              overdue: int | None = None) -> Message:
    """A digest of `items` (the sweep's most urgent digest items), in the active language,
    with how many there are in all (`soon`, `overdue`; a digest queued before they were
    kept has all its items); the bot's /digest says the same on demand."""
    if overdue is None or soon is None:
        overdue = sum(1 for item in items if item.get("overdue"))
        soon = len(items) - overdue
    subject = (gettext("Your cases today: %(soon)s due soon, %(overdue)s overdue")
               % {"soon": soon, "overdue": overdue})
    lines = []
    for item in items:
        stage = item.get("stage", "")
        # The sweep names the step an item waits for; a case state reads as a stage.
        parts = [str(item.get("label", "")), kind_label(item.get("kind", "")),
                 stage_label(stage) if stage in STAGE_LABELS else step_label(stage)]
        if item.get("due_at"):
            due = local_time(item["due_at"])
            label = deadline_label(item.get("deadline_kind", ""),
                                   bool(item.get("provisional")))
            parts.append(gettext("%(when)s (%(label)s)") % {"when": due, "label": label}
                         if label else due)
        if item.get("overdue"):
            parts.append(gettext("OVERDUE"))
        lines.append("- " + " · ".join(p for p in parts if p))
        if item.get("case_id"):
            lines.append("  " + staff_case_link(item["case_id"]))
    if (more := soon + overdue - len(items)) > 0:
        lines += ["", gettext("…and %(more)s more: the staff pages list them all.")
                  % {"more": more}]
    text = "\n".join([gettext("Your cases due soon and overdue:"), "", *lines])
    return Message(subject=subject, text=text)


def party_message(notification: Notification) -> Message:
    wording = PARTY_TEMPLATES[notification.template]
    case = notification.case
    values = {"number": case.number, "kind": kind_label(case.kind),
              "code": notification.body}
    text = str(wording.text) % values
    if notification.template == "submission_receipt" and case.acceptance_due_at:
        text += "\n\n" + (gettext("Whether it is accepted will be decided by %(when)s.")
                          % {"when": local_time(case.acceptance_due_at)})
        if case.deadline_provisional:
            text += " " + gettext("provisional: next year's public holidays are not announced yet")
    text += "\n\n" + gettext("Follow your case with its tracking code on the status page:")
    return Message(subject=str(wording.subject) % values, text=text,
                   link=site_url(reverse("public:track")))


def templates() -> list[str]:
    """Every template a message is written for (the confidentiality test renders each)."""
    return [*STAFF_TEMPLATES, *PARTY_TEMPLATES, REMINDER, ESCALATION, DIGEST,
            NOTICE_UNDELIVERABLE]
