"""The submitter's identity is confidential (R8.13) and erasable on lawful request (X8)."""

import pytest

from caseflow.actions.parties import REDACTED, party_erase, party_identity_reveal
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import CaseEvent
from caseflow.selectors.cases import case_detail
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def test_r8_13_identity_redacted_for_staff_not_entitled(people):
    """R8.13: Liu Yang (project office) signed the case's commitment but is not its
    handler and holds no role that writes to submitters: a reveal shows him '***' and is
    not recorded as a reveal; the case file itself shows the submitter redacted, even to
    the head."""
    case = complaint(people)
    commit(case, people.handler)
    seen = party_identity_reveal(case=case, party=case.submitter, viewer=people.handler)
    assert seen.redacted and seen.name == REDACTED and seen.email == REDACTED
    assert case_detail(case, viewer=people.head).submitter.name == REDACTED
    assert not case.events.filter(action="identity_revealed").exists()


def test_r8_13_each_reveal_to_an_entitled_person_is_recorded(people):
    """R8.13: the office sees the identity, and the reveal is recorded (without the
    identity itself in the event, X8)."""
    case = complaint(people)
    commit(case, people.office)
    seen = party_identity_reveal(case=case, party=case.submitter, viewer=people.office)
    assert seen.name == "张三" and not seen.redacted
    event = case.events.get(action="identity_revealed")
    assert event.actor == people.office and event.payload == {"party": case.submitter_id}


def test_r8_13_a_recused_office_member_sees_nothing(people, engagement):
    """R8.13 with R8.15: Zhao Lei's office role entitles him to see submitters, but he
    verified the engagement the complaint is about: a reveal shows him only '***'."""
    engagement.verifiers.add(people.office)
    case = complaint(people, engagement=engagement)
    commit(case, people.office)
    assert party_identity_reveal(case=case, party=case.submitter, viewer=people.office).redacted


def test_x8_erasure_redacts_the_party_and_keeps_every_event(people):
    """X8: erasing the identity blanks it, is audited, and no event is changed; no event
    ever held the identity."""
    case = complaint(people)
    events_before = list(CaseEvent.objects.filter(case=case).values())
    with pytest.raises(InvalidInput):
        party_erase(party=case.submitter, acting_user=people.office, reason="")
    with pytest.raises(RoleRequired):
        party_erase(party=case.submitter, acting_user=people.handler, reason="依法删除请求")
    party = party_erase(party=case.submitter, acting_user=people.office, reason="依法删除请求")
    assert (party.name, party.email, party.phone) == ("", "", "")
    assert party.redacted_at
    assert list(CaseEvent.objects.filter(case=case).exclude(action="party_erased")
                .values()) == events_before
    assert case.events.get(action="party_erased").actor == people.office
    every_payload = str(list(CaseEvent.objects.values_list("payload", "reason")))
    assert "张三" not in every_payload and "zhangsan@example.cn" not in every_payload
