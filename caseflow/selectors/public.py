"""What the public site shows: a case found by its tracking code, in plain words, with
nothing about staff or internal notes; records a submitter may name by number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from caseflow.models import (
    Case,
    CaseKind,
    CaseNumberAlias,
    Engagement,
    Notice,
    Organization,
)
from caseflow.models.cases import tracking_code_hash
from caseflow.policies.transitions import FINAL_STATES, S

RECEIVED = _("Received: the decision whether to accept it is being made")
ACCEPTED = _("Accepted: being handled")
DECIDED = _("Decision made: the written notice is on its way")
# X4: an anonymous complaint shows neutral stages only.
ANONYMOUS_STAGES = {S.RECEIVED: _("Received"), S.CLOSED: _("Closed")}
UNDER_EVALUATION = _("Under evaluation")
STAGES = {
    S.RECEIVED: RECEIVED,
    S.REJECTED: _("Not accepted: the notice gives the reason"),
    S.RULED: _("Ruling notified: you may ask for the impartiality committee's review"),
    S.COMMITTEE: _("With the impartiality committee"),
    S.ANSWERED: _("Answered: awaiting agreement"),
    S.WITH_DEPARTMENT_HEAD: _("Referred to the department head"),
    S.WITH_QUALITY_MANAGER: _("Referred to the quality manager"),
    S.APPROVED: DECIDED,
    S.RULING_APPROVED: DECIDED,
    S.CLOSED: _("Closed"),
    S.WITHDRAWN: _("Withdrawn"),
    S.MERGED: _("Merged with another case about the same matter"),
}
# Notices a submitter receives, once issued (acceptance, rejection) or sent (decisions).
ISSUED_TO_SUBMITTER = (Notice.Kind.ACCEPTANCE, Notice.Kind.REJECTION)
SENT_TO_SUBMITTER = (Notice.Kind.COMPLAINT_RESULT, Notice.Kind.APPEAL_RULING,
                     Notice.Kind.DISPUTE_ANSWER, Notice.Kind.COMMITTEE_DECISION)


@dataclass(frozen=True)
class PublicStatus:
    case: Case
    stage: str
    received_at: dt.datetime
    acceptance_due_at: dt.datetime | None
    provisional: bool
    closed: bool
    outcome: str = ""
    notices: list[Notice] = field(default_factory=list)


def case_for_tracking_code(code: str) -> Case | None:
    """The case whose tracking code this is, or None: a wrong code and an unknown one are
    the same answer."""
    if not code or len(code) > 64:
        return None
    return Case.objects.select_related("submitter").filter(
        tracking_code_hash=tracking_code_hash(code)).first()


def public_status(case: Case) -> PublicStatus:
    closed = case.state in FINAL_STATES
    if case.anonymous:
        stage = ANONYMOUS_STAGES.get(case.state, UNDER_EVALUATION)
        # X4: if it held, the outcome; if not, just "closed".
        outcome = case.outcome if closed and case.valid else ""
        return PublicStatus(case=case, stage=str(stage), received_at=case.received_at,
                            acceptance_due_at=case.acceptance_due_at,
                            provisional=case.deadline_provisional, closed=closed,
                            outcome=outcome)
    # After an erasure (X8) the notices naming the person open only to the office (X12).
    erased = case.submitter is not None and case.submitter.redacted_at is not None
    notices = [] if erased else [
        n for n in case.notices.prefetch_related("sendings").order_by("approved_at")
        if n.identity_erased_at is None and (
            n.kind in ISSUED_TO_SUBMITTER or (n.kind in SENT_TO_SUBMITTER and n.sendings.all()))]
    return PublicStatus(
        case=case, stage=str(STAGES.get(case.state, ACCEPTED)), received_at=case.received_at,
        acceptance_due_at=case.acceptance_due_at if case.state == S.RECEIVED else None,
        provisional=case.deadline_provisional, closed=closed,
        outcome=case.outcome if closed and notices else "", notices=notices)


def public_notice(case: Case, pk: int) -> Notice | None:
    """One of the notices the status page lists for `case`, or None."""
    return next((n for n in public_status(case).notices if n.pk == pk), None)


def appealed_record(number: str) -> tuple[Case | None, Engagement | None]:
    """X11: the record an appellant names by number: a case of this body (by its number
    or an old one) or an engagement (by its report number)."""
    number = number.strip().upper()
    if not number:
        return None, None
    case = (Case.objects.filter(number=number).first()
            or getattr(CaseNumberAlias.objects.select_related("case").filter(
                number=number).first(), "case", None))
    if case is not None and case.kind != CaseKind.NONCONFORMITY:
        return case, None
    return None, Engagement.objects.filter(report_number=number).first()


def client_by_credit_code(code: str) -> Organization | None:
    """R8.12: the client (项目委托方) a dispute comes from, by its unified social credit
    code; None when the code is no client's of this body."""
    return Organization.objects.filter(credit_code=code.strip().upper(),
                                       kind=Organization.Kind.CLIENT_AUTHORITY).first()
