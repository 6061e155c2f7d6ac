"""The impartiality committee's decision (R8.10, X6) and the X2 referral."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_move
from caseflow.actions.notices import notice_issue
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, Recused, TransitionNotAllowed
from caseflow.models import Case, CommitteeVote, Notice, Role, Staff
from caseflow.policies.impartiality import eligible_staff, impartiality_refusal
from caseflow.policies.transitions import DECIDE, DRAFT, RECORD, S

# X2: the step each role is needed for on a case; eligibility is judged for that step.
ROLE_STEP = {Role.DEPARTMENT_HEAD: DECIDE, Role.QUALITY_MANAGER: DECIDE,
             Role.GENERAL_MANAGER: DECIDE, Role.CLIENT_OFFICE: RECORD}


def committee_members() -> list[Staff]:
    return list(Staff.objects.filter(is_active=True,
                                     role_assignments__role=Role.COMMITTEE_MEMBER).distinct())


@transaction.atomic
def committee_decide(*, case: Case, acting_user: Staff, votes: dict[Staff, str],
                     reasoning: str) -> Case:
    """X6: a quorum (a majority of all members) of members none of whom is recused votes;
    the majority's decision is final and closes the case (R8.10). The decision is the
    majority vote, never a text that could say otherwise; a tie decides nothing. A named
    submitter gets the decision in writing."""
    case, _ = case_begin(case, "committee_decide", acting_user)
    members = {m.pk for m in committee_members()}
    if not reasoning.strip():
        raise InvalidInput(gettext("Write the committee's reasoning."), field="reasoning")
    if acting_user not in votes:
        raise InvalidInput(gettext("The member recording the decision votes in it."),
                           rule="X6", field="votes")
    for member, vote in votes.items():
        if member.pk not in members:
            raise InvalidInput(gettext("%(member)s is not a committee member.")
                               % {"member": member}, rule="X6", field="votes")
        if vote not in CommitteeVote.Vote.values:
            raise InvalidInput(gettext("Unknown vote '%(vote)s'.") % {"vote": vote},
                               field="votes")
        refusal = impartiality_refusal(case, member, DECIDE)
        if refusal:
            raise Recused(gettext("%(member)s may not vote: %(refusal)s")
                          % {"member": member, "refusal": refusal.message}, rule=refusal.rule)
    if len(votes) <= len(members) // 2:
        raise TransitionNotAllowed(
            gettext("No quorum: %(voted)s of %(members)s members voted; a majority is needed.")
            % {"voted": len(votes), "members": len(members)},
            rule="X6")
    tally = {v: list(votes.values()).count(v) for v in CommitteeVote.Vote.values}
    decided = [v for v in (CommitteeVote.Vote.UPHOLD, CommitteeVote.Vote.OVERTURN)
               if tally[v] * 2 > len(votes)]
    if not decided:
        raise TransitionNotAllowed(gettext("No majority of the votes cast for upholding or "
                                           "overturning: no decision."), rule="X6")
    for member, vote in votes.items():
        CommitteeVote.objects.create(case=case, member=member, vote=vote)
    decision = CommitteeVote.Vote(decided[0])
    case.outcome = f"{decision.label}: {reasoning}"
    case_move(case, to_state=S.CLOSED, action="committee_decided", actor=acting_user,
              payload={"decision": decision.value, "tally": tally,
                       "members": sorted(m.pk for m in votes)})
    notice_issue(case=case, kind=Notice.Kind.COMMITTEE_DECISION, text=case.outcome,
                 approved_by=acting_user)
    notification_queue(case, "committee_decided", role=Role.DEPARTMENT_HEAD)
    notification_queue(case, "notice_to_send", role=Role.CLIENT_OFFICE)
    notification_queue(case, "decision_notice", party=case.submitter)
    return case


@transaction.atomic
def case_refer_committee(*, case: Case, acting_user: Staff, reason: str) -> Case:
    """R8.10: in exceptional cases the body refers its appeal ruling to the committee;
    R8.12: the general manager sends an impartiality-related dispute outcome there."""
    case, _ = case_begin(case, "refer_committee", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Say why the committee should review this case."),
                           field="reason")
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
        raise InvalidInput(gettext("Unknown role."), field="role")
    if eligible_staff(case, role, ROLE_STEP.get(role, DRAFT)):
        raise TransitionNotAllowed(gettext("Someone eligible holds that role (or deputises): the "
                                           "case stays with the body."), rule="X2")
    case_move(case, to_state=S.COMMITTEE, action="referred_no_eligible", actor=acting_user,
              payload={"role": role})
    notification_queue(case, "committee_review", role=Role.COMMITTEE_MEMBER)
    return case
