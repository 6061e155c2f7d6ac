"""What the impartiality committee sees: its referral queue and where it stands on a
case (R8.10, X6, X10)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from caseflow.actions.committee import committee_quorum
from caseflow.models import Case, CaseEvent, CommitteeVote, Staff
from caseflow.policies.transitions import S
from caseflow.selectors.cases import cases_for_staff

DECIDED = "committee_decided"


def committee_pending(staff: Staff) -> QuerySet[Case]:
    """Cases referred to the committee that `staff` sees (as the API's queue), with how
    many members have voted and whether `staff` has."""
    votes = CommitteeVote.objects.filter(case=OuterRef("pk"))
    return (cases_for_staff(staff).filter(state=S.COMMITTEE)
            .annotate(votes_cast=Count("committee_votes", distinct=True),
                      own_vote_cast=Exists(votes.filter(member=staff))))


def committee_decided(staff: Staff, *, limit: int = 50) -> list[Case]:
    """Cases the committee decided that `staff` sees, latest decision first."""
    decided = CaseEvent.objects.filter(case=OuterRef("pk"), action=DECIDED)
    return list(cases_for_staff(staff).filter(Exists(decided))
                .order_by("-closed_at", "-number")[:limit])


@dataclass(frozen=True)
class CommitteeStanding:
    """Where the committee stands on a case. X10: until the decision a member sees only
    their own vote and how many were cast; the decision carries every vote and its
    reasoning."""

    quorum: int
    votes_cast: int
    own_vote: CommitteeVote | None
    decision: str = ""  # "uphold" or "overturn" once taken
    tally: dict[str, int] = field(default_factory=dict)
    votes: list[CommitteeVote] = field(default_factory=list)


def committee_standing(case: Case, *, viewer: Staff) -> CommitteeStanding | None:
    """None for a case never before the committee."""
    event = case.events.filter(action=DECIDED).first()
    if case.state != S.COMMITTEE and event is None:
        return None
    votes = list(case.committee_votes.select_related("member").order_by("cast_at", "id"))
    own = next((v for v in votes if v.member_id == viewer.pk), None)
    if event is None:
        return CommitteeStanding(quorum=committee_quorum(), votes_cast=len(votes),
                                 own_vote=own)
    return CommitteeStanding(quorum=event.payload.get("quorum", committee_quorum()),
                             votes_cast=len(votes), own_vote=own,
                             decision=event.payload.get("decision", ""),
                             tally=event.payload.get("tally", {}), votes=votes)
