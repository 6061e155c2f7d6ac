"""Issue 10, safe outputs of notices: a name beyond the Basic Multilingual Plane prints as
itself, a character no font draws is refused when the notice is issued (R8.07)."""

import pytest

from caseflow.actions.intake import PartyDetails, case_reject
from caseflow.errors import InvalidInput
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

