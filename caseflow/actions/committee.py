"""The impartiality committee's decision (R8.10, X6) and the X2 referral."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_move
from caseflow.actions.events import event_record
from caseflow.actions.notices import notice_issue
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, TransitionNotAllowed
from caseflow.models import Case, CommitteeVote, Notice, Role, Staff
from caseflow.policies.impartiality import eligible_staff
from caseflow.policies.transitions import S, next_step


def committee_members() -> list[Staff]:
    return list(Staff.objects.filter(is_active=True,
                                     role_assignments__role=Role.COMMITTEE_MEMBER).distinct())


def committee_quorum() -> int:
    """X6: a majority of the committee's members."""
    return len(committee_members()) // 2 + 1


@transaction.atomic
def committee_vote(*, case: Case, acting_user: Staff, vote: str, reasoning: str) -> Case:
    """X10: a member casts their own vote, with their reasoning; nobody records another's.
    Once a quorum (X6) has voted and a majority of the votes cast upholds or overturns,
    the decision is taken: final, it closes the case (R8.10) and carries every vote and
    reasoning; a named submitter gets it in writing. Until then the case waits."""
    case, _ = case_begin(case, "committee_vote", acting_user)
    if vote not in CommitteeVote.Vote.values:
        raise InvalidInput(gettext("Unknown vote '%(vote)s'.") % {"vote": vote}, field="vote")
    if not reasoning.strip():
        raise InvalidInput(gettext("Give the reasoning for your vote."), rule="X10",
                           field="reasoning")
    if case.committee_votes.filter(member=acting_user).exists():
        raise TransitionNotAllowed(gettext("You have already voted on this case."), rule="X10")
    CommitteeVote.objects.create(case=case, member=acting_user, vote=vote,
                                 reasoning=reasoning.strip(), cast_at=timezone.now())
    event_record(case, action="committee_vote_cast", actor=acting_user,
                 from_state=case.state, to_state=case.state, payload={"vote": vote})
    votes = list(case.committee_votes.select_related("member").order_by("cast_at", "id"))
    quorum = committee_quorum()
    if len(votes) < quorum:
        return case
    tally = {v: sum(1 for cast in votes if cast.vote == v) for v in CommitteeVote.Vote.values}
    decided = [v for v in (CommitteeVote.Vote.UPHOLD, CommitteeVote.Vote.OVERTURN)
               if tally[v] * 2 > len(votes)]
    if not decided:
        return case  # a quorum without a majority: the remaining members' votes decide
    decision = CommitteeVote.Vote(decided[0])
    reasons = "\n".join(f"{cast.member}（{cast.get_vote_display()}）：{cast.reasoning}"
                        for cast in votes)
    case.outcome = f"{decision.label}\n{reasons}"
    case_move(case, to_state=S.CLOSED, action="committee_decided", actor=acting_user,
              payload={"decision": decision.value, "tally": tally, "quorum": quorum,
                       "members": sorted(cast.member_id for cast in votes),
                       "votes": [{"member": cast.member_id, "vote": cast.vote}
                                 for cast in votes]})
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
def case_refer_no_eligible(*, case: Case, acting_user: Staff) -> Case:
    """X2: when recusal leaves nobody eligible for the case's next step, among the holders,
    deputies and delegates of the role that step needs, the committee takes the case over
    instead of it stalling. The role comes from the workflow, not from the caller; a
    commitment not yet signed makes nobody ineligible (they can sign it)."""
    case, _ = case_begin(case, "refer_no_eligible", acting_user)
    step = next_step(case.kind, case.state, anonymous=case.anonymous)
    roles = sorted(step.roles_for(case.state)) if step else []
    if not roles:
        raise TransitionNotAllowed(
            gettext("The next step of this case is its handler's: assign another handler "
                    "instead of referring it."), rule="X2")
    eligible = {role: eligible_staff(case, role, step.step) for role in roles}
    if any(eligible.values()):
        raise TransitionNotAllowed(
            gettext("Someone eligible can take the next step (%(step)s): the case stays "
                    "with the body.") % {"step": step.name}, rule="X2")
    case_move(case, to_state=S.COMMITTEE, action="referred_no_eligible", actor=acting_user,
              payload={"step": step.name, "roles": roles})
    notification_queue(case, "committee_review", role=Role.COMMITTEE_MEMBER)
    return case
