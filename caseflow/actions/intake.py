"""Intake and acceptance: registering, numbering, assigning, accepting or rejecting (R8.03).

Also the bookkeeping every case kind has: withdraw, merge a duplicate, correct the kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import (
    case_begin,
    case_deadline_refresh,
    case_lock,
    case_move,
    case_note,
)
from caseflow.actions.events import event_record
from caseflow.actions.notices import notice_issue
from caseflow.actions.notifications import (
    notification_queue,
    notification_queue_roles,
    notify_owner,
)
from caseflow.deadlines import DEFAULT_TARGETS, appeal_filed_late, appeal_filing_deadline
from caseflow.errors import Conflict, InvalidInput, Recused, RoleRequired
from caseflow.models import (
    NUMBER_PREFIX,
    Case,
    CaseCounter,
    CaseKind,
    CaseNumberAlias,
    Channel,
    Engagement,
    Notice,
    Organization,
    Party,
    Role,
    Scope,
    Staff,
)
from caseflow.policies.impartiality import check_impartial
from caseflow.policies.transitions import DRAFT, FINAL_STATES, S
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import Deadline, check_in_calendar, china_date

SUBMITTER_KIND = {
    CaseKind.COMPLAINT: Party.Kind.COMPLAINANT,
    CaseKind.APPEAL: Party.Kind.APPELLANT,
    CaseKind.DISPUTE: Party.Kind.CLIENT,
}
# R8.08: an appeal is filed in writing. Email and the web form are writing in themselves;
# a letter, a visit or a phone call counts only with the written submission attached (for
# a call: a written record signed by the appellant).
NEEDS_ATTACHED_WRITING = {Channel.LETTER, Channel.IN_PERSON, Channel.PHONE}
RECEIVERS = (Role.CLIENT_OFFICE, Role.DEPARTMENT_HEAD)


@dataclass(frozen=True)
class PartyDetails:
    """Who submitted (or is complained about). Anonymous: no identity, no contact."""

    name: str = ""
    organization: Organization | None = None
    staff: Staff | None = None
    email: str = ""
    phone: str = ""
    address: str = ""
    language: str = "zh-hans"
    anonymous: bool = False


def case_number_issue(kind: str, year: int) -> str:
    """Next number per kind and year (`TS-2026-0007`), never reused, safe when concurrent:
    the counter's UPDATE takes its row's lock until commit and returns the number it
    wrote (one round trip)."""
    last = CaseCounter.advance(kind, year)
    if last is None:
        # The kind's first case of the year: make its counter (a racing one may win).
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    CaseCounter.objects.get_or_create(kind=kind, year=year)
                break
            except IntegrityError:
                continue
        last = CaseCounter.advance(kind, year)
        if last is None:
            raise Conflict(gettext("Could not issue a case number; try again."))
    return f"{NUMBER_PREFIX[kind]}-{year}-{last:04d}"


def party_create(kind: str, details: PartyDetails) -> Party:
    if details.anonymous:
        if kind != Party.Kind.COMPLAINANT:
            raise InvalidInput(gettext("Only a complaint may be anonymous."), rule="R8.06",
                               field="anonymous")
        if details.name or details.email or details.phone or details.address:
            raise InvalidInput(gettext("An anonymous complaint carries no identity or contact."),
                               rule="X4", field="anonymous")
        return Party.objects.create(kind=kind, anonymous=True, language=details.language)
    if not (details.name or details.organization or details.staff):
        raise InvalidInput(gettext("Give the party's name or organization."), field="name")
    return Party.objects.create(
        kind=kind, name=details.name, organization=details.organization, staff=details.staff,
        email=details.email, phone=details.phone, address=details.address,
        language=details.language,
    )


def is_client(organization: Organization | None) -> bool:
    """R8.12: a dispute is between a client (项目委托方) and the body."""
    return organization is not None and organization.kind == Organization.Kind.CLIENT_AUTHORITY


def check_submission(
    *, kind: str, channel: str, by_client: bool, anonymous: bool, appealed_decision: str,
    decision_received_on: dt.date | None, has_document: bool,
    appealed_case: Case | None = None, engagement: Engagement | None = None,
    overrides=None,
) -> Deadline | None:
    """What each kind of submission needs; returns an appeal's filing window (R8.08).
    `overrides`: the calendar's, when the caller read them already."""
    if anonymous and kind != CaseKind.COMPLAINT:
        raise InvalidInput(gettext("Only a complaint may be anonymous."), rule="R8.06",
                           field="anonymous")
    if kind == CaseKind.DISPUTE and not by_client:
        raise InvalidInput(gettext("A dispute is raised by a client organization."), rule="R8.12",
                           field="organization")
    if kind != CaseKind.APPEAL:
        return None
    if not appealed_decision.strip() or decision_received_on is None:
        raise InvalidInput(gettext("An appeal names the decision appealed and when the appellant "
                                   "received it."), rule="R8.08", field="appealed_decision")
    if appealed_case is None and engagement is None:
        raise InvalidInput(gettext(
            "An appeal names what it appeals from the records: a decision of this body (its "
            "case) or a verification conclusion (its engagement)."),
            rule="X11", field="appealed_case")
    if appealed_case is not None:
        check_appealable(appealed_case)
    if channel == Channel.PHONE and not has_document:
        raise InvalidInput(gettext(
            "A phone call is not an appeal: an appeal is filed in writing (a letter, an "
            "email, the web form, or a written record signed by the appellant and attached)."),
            rule="R8.08", field="channel")
    if channel in NEEDS_ATTACHED_WRITING and not has_document:
        raise InvalidInput(gettext("An appeal received by letter or in person needs the written "
                                   "submission attached."),
                           rule="R8.08", field="submission_document")
    return appeal_filing_deadline(
        decision_received_on, overrides if overrides is not None else calendar_overrides())


def filing_window_set(case: Case, window: Deadline | None) -> None:
    """Store an appeal's filing window, whether it is provisional (W3) and whether the
    appeal came after it (R8.08); a case of another kind has none."""
    case.filing_window_ends_at = window.due_at if window else None
    case.filing_window_provisional = window.provisional if window else False
    case.filed_late = window is not None and appeal_filed_late(case.received_at, window)


# X11: the decisions of this body an appeal can be against (a committee decision is
# final, R8.10; an appeal ruling goes on to the committee, not to a new appeal).
APPEALABLE_NOTICES = (Notice.Kind.REJECTION, Notice.Kind.COMPLAINT_RESULT,
                      Notice.Kind.DISPUTE_ANSWER)


def check_appealable(case: Case) -> None:
    if not case.notices.filter(kind__in=APPEALABLE_NOTICES).exists():
        raise InvalidInput(gettext(
            "Case %(number)s has no decision notice that can be appealed.")
            % {"number": case.number}, rule="X11", field="appealed_case")


@transaction.atomic
def case_register(
    *, kind: str, subject: str, description: str, scope: str, channel: str,
    received_at: dt.datetime, submitter: PartyDetails, acting_user: Staff | None,
    respondent: PartyDetails | None = None, engagement: Engagement | None = None,
    submission_document=None, appealed_decision: str = "",
    decision_received_on: dt.date | None = None, appealed_case: Case | None = None,
    tracking_code_hash: str | None = None,
) -> Case:
    """Register a complaint, appeal or dispute received by any channel.

    `acting_user` None is a submission from the public web form. An appeal names what it
    appeals (X11): `appealed_case`, a decision of this body, or `engagement`, a
    verification conclusion; an appealed case brings its engagement with it (R8.15).
    """
    if acting_user is not None and not acting_user.has_any_role(RECEIVERS):
        raise RoleRequired(gettext("The client & information office or the department "
                                   "registers submissions."), rule="R8.03")
    if acting_user is not None and respondent is not None and respondent.staff == acting_user:
        raise Recused(gettext("A case about you is registered by a colleague."), rule="R8.14")
    if kind not in SUBMITTER_KIND:
        raise InvalidInput(gettext("Register a complaint, an appeal or a dispute."), field="kind")
    if scope not in Scope.values:
        raise InvalidInput(gettext("Say what the case concerns: R8.01 (a)–(d)."), rule="R8.01",
                           field="scope")
    if channel not in Channel.values:
        raise InvalidInput(gettext("Unknown channel."), field="channel")
    if not subject.strip() or not description.strip():
        raise InvalidInput(gettext("Subject and description are required."), field="subject")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput(gettext("A case cannot be received in the future."), field="received_at")
    check_in_calendar(china_date(received_at), field="received_at")  # W1
    if decision_received_on is not None:
        check_in_calendar(decision_received_on, field="decision_received_on")
    if kind != CaseKind.APPEAL:
        appealed_case = None
    elif appealed_case is not None:
        engagement = engagement or appealed_case.engagement
        appealed_decision = appealed_decision.strip() or appealed_case.number
    elif engagement is not None:
        appealed_decision = appealed_decision.strip() or engagement.report_number
    # Read before the case number is issued: the counter's row stays locked from then
    # until commit, and every concurrent submission of the kind waits on it.
    overrides = calendar_overrides()
    window = check_submission(
        kind=kind, channel=channel,
        by_client=is_client(submitter.organization), anonymous=submitter.anonymous,
        appealed_decision=appealed_decision, decision_received_on=decision_received_on,
        has_document=bool(submission_document), appealed_case=appealed_case,
        engagement=engagement, overrides=overrides)

    submitter_party = party_create(SUBMITTER_KIND[kind], submitter)
    respondent_party = party_create(Party.Kind.RESPONDENT, respondent) if respondent else None
    case = Case(
        number=case_number_issue(kind, china_date(received_at).year), kind=kind,
        state=S.RECEIVED, state_since=received_at, subject=subject.strip(),
        description=description, scope=scope, channel=channel, received_at=received_at,
        submitter=submitter_party, respondent=respondent_party, engagement=engagement,
        appealed_decision=appealed_decision, decision_received_on=decision_received_on,
        appealed_case=appealed_case, tracking_code_hash=tracking_code_hash,
    )
    filing_window_set(case, window)
    if submission_document:
        case.submission_document = submission_document
    case_move(case, to_state=S.RECEIVED, action="received", actor=acting_user,
              actor_label="" if acting_user else "submitter",
              payload={"channel": channel, "filed_late": case.filed_late,
                       "submitter_party": submitter_party.pk}, overrides=overrides)
    # Until a handler is assigned, the roles that assign one are reminded.
    notification_queue_roles(case, "case_received", (Role.DEPARTMENT_HEAD, Role.CLIENT_OFFICE))
    return case


@transaction.atomic
def case_assign(*, case: Case, handler: Staff, acting_user: Staff) -> Case:
    """The department head or the client & information office assigns the handler.

    Nobody the guard refuses can be assigned (R9.01: no commitment, a recent interest
    relationship; R8.15: performed the verification concerned).
    """
    case, _ = case_begin(case, "assign", acting_user)
    check_impartial(case, handler, DRAFT)
    previous = case.handler_id
    case.handler = handler
    case_note(case, action="assigned", actor=acting_user,
              payload={"handler": handler.pk, "previous_handler": previous})
    notification_queue(case, "case_assigned", staff=handler)
    return case


@transaction.atomic
def case_accept(*, case: Case, acting_user: Staff, action_to_take: str,
                reason: str = "") -> Case:
    """R8.03: the department decides to accept, records the action to take, issues the
    acceptance notice and notifies the submitter, all at once (inside the 7 WD)."""
    case, _ = case_begin(case, "accept", acting_user)
    if not action_to_take.strip():
        raise InvalidInput(gettext("Record the action to take."), rule="R8.03",
                           field="action_to_take")
    if case.filed_late and not reason.strip():
        raise InvalidInput(gettext("This appeal was filed after the 30-working-day window: "
                                   "give the reason for accepting it."),
                           rule="R8.08", field="reason")
    case.accepted_at = timezone.now()
    case_move(case, to_state=S.ACCEPTED, action="accepted", actor=acting_user,
              payload={"action_to_take": action_to_take,
                       "late": case.accepted_at > case.acceptance_due_at},
              reason=reason)
    notice_issue(case=case, kind=Notice.Kind.ACCEPTANCE, text=action_to_take,
                 approved_by=acting_user, text_field="action_to_take")
    notification_queue(case, "acceptance_notice", party=case.submitter)
    notify_owner(case, "case_accepted", fallback_roles=(Role.DEPARTMENT_HEAD,))
    return case


@transaction.atomic
def case_reject(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """R8.03: a rejection states its reason, and the submitter is told it."""
    case, _ = case_begin(case, "reject", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("A rejection states its reason."), rule="R8.03", field="reason")
    case.accepted_at = timezone.now()
    case.rejection_reason = reason
    case_move(case, to_state=S.REJECTED, action="rejected", actor=acting_user, reason=reason)
    notice_issue(case=case, kind=Notice.Kind.REJECTION, text=reason, approved_by=acting_user,
                 text_field="reason")
    notification_queue(case, "rejection_notice", party=case.submitter)
    return case


@transaction.atomic
def case_withdraw(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """The submitter withdraws (staff record it); the case is kept (R10.04)."""
    case, _ = case_begin(case, "withdraw", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Record how the submitter withdrew."), field="reason")
    return case_move(case, to_state=S.WITHDRAWN, action="withdrawn", actor=acting_user,
                     reason=reason)


@transaction.atomic
def case_merge(*, case: Case, into: Case, acting_user: Staff, reason: str) -> Case:
    """A duplicate is merged into another case of the same kind: both kept, linked."""
    # Lock both rows in id order, so two crossing merges cannot link each to the other.
    for pk in sorted({case.pk, into.pk}):
        Case.objects.select_for_update().filter(pk=pk).first()
    case, _ = case_begin(case, "merge", acting_user)
    into = case_lock(into)
    if into.pk == case.pk or into.kind != case.kind or into.state in FINAL_STATES:
        raise InvalidInput(gettext("Merge into another open case of the same kind."), field="into")
    case.merged_into = into
    case_move(case, to_state=S.MERGED, action="merged", actor=acting_user,
              payload={"into": into.pk}, reason=reason)
    event_record(into, action="duplicate_merged_in", actor=acting_user,
                 from_state=into.state, payload={"case": case.pk})
    return case


@transaction.atomic
def case_correct_kind(*, case: Case, kind: str, acting_user: Staff, reason: str) -> Case:
    """A case registered as the wrong kind gets a new number; the old one stays an alias."""
    case, _ = case_begin(case, "correct_kind", acting_user)
    if kind == case.kind or kind not in SUBMITTER_KIND:
        raise InvalidInput(gettext("Choose another kind: complaint, appeal or dispute."),
                           field="kind")
    # The new kind's intake rules hold as if it had been registered so (R8.06, R8.08, R8.12).
    window = check_submission(
        kind=kind, channel=case.channel,
        by_client=is_client(case.submitter.organization),
        anonymous=case.anonymous, appealed_decision=case.appealed_decision,
        decision_received_on=case.decision_received_on,
        has_document=bool(case.submission_document), appealed_case=case.appealed_case,
        engagement=case.engagement)
    filing_window_set(case, window)
    old_number = case.number
    CaseNumberAlias.objects.create(case=case, number=old_number)
    case.kind = kind
    case.number = case_number_issue(kind, china_date(case.received_at).year)
    case.submitter.kind = SUBMITTER_KIND[kind]
    case.submitter.save(update_fields=["kind"])
    return case_move(case, to_state=S.RECEIVED, action="kind_corrected", actor=acting_user,
                     payload={"old_number": old_number, "new_number": case.number},
                     reason=reason)


@transaction.atomic
def case_target_set(*, case: Case, step: str, working_days: int, acting_user: Staff) -> Case:
    """X1: the department head sets an internal target for a step of this case."""
    case, _ = case_begin(case, "set_target", acting_user)
    if step not in DEFAULT_TARGETS or not 1 <= working_days <= 250:
        raise InvalidInput(gettext("Unknown step or an unreasonable number of working days."),
                           rule="X1", field="working_days")
    case.target_days = {**case.target_days, step: working_days}
    case_deadline_refresh(case)
    return case_note(case, action="target_set", actor=acting_user,
                     payload={"step": step, "working_days": working_days})
