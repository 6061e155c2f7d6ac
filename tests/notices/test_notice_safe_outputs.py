"""Issue 10, safe outputs of notices: a name beyond the Basic Multilingual Plane prints as
itself, a character no font draws is refused when the notice is issued (R8.07), and after
an erasure (X8) the notices that name the person stay but open only to the office that
keeps the archive (X12)."""

import pytest

from caseflow.actions.intake import PartyDetails, case_reject
from caseflow.actions.notices import notice_file_open
from caseflow.actions.parties import party_erase
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import Case, Notice
from tests.pdf_text import pdf_text
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def rejected(people, name: str) -> Case:
    case = complaint(people, submitter=PartyDetails(name=name, email="z@example.cn"))
    commit(case, people.head)
    return case_reject(case=case, acting_user=people.head, reason="不属于受理范围")


def test_r8_07_the_notice_names_a_submitter_beyond_the_bmp_as_written(people):
    case = rejected(people, "张𠮷𬌗")
    notice = case.notices.get()
    with notice.file.open("rb") as f:
        assert "致：张𠮷𬌗" in pdf_text(f.read())


def test_r8_07_a_character_the_fonts_cannot_draw_is_refused_when_the_notice_is_issued(
        people):
    """An emoji in the name is not printed as another character: the rejection, which
    issues the notice, is refused naming the rule and the field, and nothing is kept."""
    case = complaint(people, submitter=PartyDetails(name="张三🎉", email="z@example.cn"))
    commit(case, people.head)
    with pytest.raises(InvalidInput) as refused:
        case_reject(case=case, acting_user=people.head, reason="不属于受理范围")
    assert (refused.value.rule, refused.value.field) == ("R8.07", "submitter_name")
    assert "🎉" in refused.value.message
    assert Case.objects.get(pk=case.pk).state == case.state
    assert not Notice.objects.filter(case=case).exists()

    other = complaint(people)
    commit(other, people.head)
    with pytest.raises(InvalidInput) as in_text:
        case_reject(case=other, acting_user=people.head, reason="不属于受理范围❤")
    assert (in_text.value.rule, in_text.value.field) == ("R8.07", "reason")


def test_x8_after_erasure_the_notice_stays_and_opens_only_to_the_archive_keepers(people):
    """X8, X12: the head, who opened the notice before, is refused after the erasure; the
    client & information office opens it; the erasure is recorded on the notice and on
    the case naming it; the file is unchanged."""
    case = rejected(people, "张三")
    commit(case, people.office)
    notice = case.notices.get()
    assert notice_file_open(notice=notice, viewer=people.head) == notice.file

    party_erase(party=case.submitter, acting_user=people.office, reason="依法删除请求")

    notice.refresh_from_db()
    assert notice.identity_erased_at is not None
    event = case.events.get(action="notice_identity_erased")
    assert event.payload == {"notice": notice.pk, "party": case.submitter_id}
    with pytest.raises(RoleRequired) as refused:
        notice_file_open(notice=notice, viewer=people.head)
    assert refused.value.rule == "X8"
    stored = notice_file_open(notice=notice, viewer=people.office)
    with stored.open("rb") as f:
        assert "致：张三" in pdf_text(f.read())
    assert case.events.filter(action="file_opened", actor=people.office,
                              payload={"file": f"notice:{notice.pk}"}).exists()
