"""The impartiality committee's decision (R8.10, X6) and the X2 referral."""

from __future__ import annotations

from django.db import transaction

from caseflow.actions.case_state import case_begin, case_move
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, Recused, TransitionNotAllowed
from caseflow.models import Case, CaseKind, CommitteeVote, Role, Staff
from caseflow.policies.impartiality import eligible_staff, impartiality_refusal
from caseflow.policies.transitions import DECIDE, DRAFT, S


def committee_members() -> list[Staff]:
    return list(Staff.objects.filter(is_active=True,
                                     role_assignments__role=Role.COMMITTEE_MEMBER).distinct())


@transaction.atomic
def committee_decide(*, case: Case, acting_user: Staff, votes: dict[Staff, str],
                     decision: str) -> Case:
    """X6: a quorum (a majority of all members) of members none of whom is recused votes;
    the majority's decision is final and closes the case (R8.10)."""
    case, _ = case_begin(case, "committee_decide", acting_user)
    members = {m.pk for m in committee_members()}
    if not decision.strip():
        raise InvalidInput("Write the committee's decision.", field="decision")
    for member, vote in votes.items():
        if member.pk not in members:
            raise InvalidInput(f"{member} is not a committee member.", rule="X6", field="votes")
        if vote not in CommitteeVote.Vote.values:
            raise InvalidInput(f"Unknown vote '{vote}'.", field="votes")
        refusal = impartiality_refusal(case, member, DECIDE)
        if refusal:
            raise Recused(f"{member} may not vote: {refusal.message}", rule=refusal.rule)
    if len(votes) <= len(members) // 2:
        raise TransitionNotAllowed(
            f"No quorum: {len(votes)} of {len(members)} members voted; a majority is needed.",
            rule="X6")
    tally = {v: list(votes.values()).count(v) for v in CommitteeVote.Vote.values}
    for member, vote in votes.items():
        CommitteeVote.objects.create(case=case, member=member, vote=vote)
    case.outcome = decision
    case_move(case, to_state=S.CLOSED, action="committee_decided", actor=acting_user,
              payload={"tally": tally, "members": sorted(m.pk for m in votes)})
    notification_queue(case, "committee_decided", role=Role.DEPARTMENT_HEAD)
    if case.kind != CaseKind.COMPLAINT:
        notification_queue(case, "decision_notice", party=case.submitter)
    return case


@transaction.atomic
def case_refer_committee(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """R8.10: in exceptional cases the body refers its appeal ruling to the committee;
    R8.12: the general manager sends an impartiality-related dispute outcome there."""
    case, _ = case_begin(case, "refer_committee", acting_user)
    if not reason.strip():
        raise InvalidInput("Say why the committee should review this case.", field="reason")
    case_move(case, to_state=S.COMMITTEE, action="referred_to_committee", actor=acting_user,
              reason=reason)
    notification_queue(case, "committee_review", role=Role.COMMITTEE_MEMBER)
    return case


@transaction.atomic
def case_refer_no_eligible(*, case: Case, role: str, acting_user: Staff) -> Case:
    """X2: when recusal leaves nobody eligible in a role the case needs, the committee
    takes it over instead of the case stalling."""
    case, _ = case_begin(case, "refer_no_eligible", acting_user)
    if role not in Role.values:
        raise InvalidInput("Unknown role.", field="role")
    if eligible_staff(case, role, DRAFT):
        raise TransitionNotAllowed("Someone eligible holds that role (or deputises): the "
                                   "case stays with the body.", rule="X2")
    case_move(case, to_state=S.COMMITTEE, action="referred_no_eligible", actor=acting_user,
              payload={"role": role})
    notification_queue(case, "committee_review", role=Role.COMMITTEE_MEMBER)
    return case
