"""Domain refusals speak the caller's language: Simplified Chinese by default, English on
request. The message is translated when the error is raised (gettext, not lazy), so it is
in the language active at that moment; the rule ID and the field never change."""

import pytest
from django.conf import settings
from django.utils import timezone, translation

from caseflow.actions.intake import case_assign, case_reject
from caseflow.errors import InvalidInput, Recused
from tests.personas import commit, complaint


@pytest.fixture
def default_language():
    """No language activated: Django falls back to settings.LANGUAGE_CODE."""
    previous = translation.get_language()
    translation.deactivate()
    yield
    translation.activate(previous)


def test_r8_03_rejection_refusal_is_chinese_by_default_and_english_on_request(
        people, default_language):
    """R8.03: a rejection without a reason is refused in Chinese unless English is asked
    for; either way the refusal names rule R8.03 and the field `reason`."""
    assert settings.LANGUAGE_CODE == "zh-hans"
    case = complaint(people)
    commit(case, people.head)

    with pytest.raises(InvalidInput) as refused:
        case_reject(case=case, acting_user=people.head, reason="")
    assert refused.value.message == "不予受理须说明理由。"
    assert (refused.value.rule, refused.value.field) == ("R8.03", "reason")
    assert str(refused.value) == "[R8.03] 不予受理须说明理由。"

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        case_reject(case=case, acting_user=people.head, reason="")
    assert refused.value.message == "A rejection states its reason."
    assert (refused.value.rule, refused.value.field) == ("R8.03", "reason")
    assert str(refused.value) == "[R8.03] A rejection states its reason."


def test_r9_01_recusal_fills_its_placeholders_in_either_language(people, default_language):
    """R9.01: the guard's refusal carries who and which year in both languages."""
    case = complaint(people)
    commit(case, people.head)
    year = timezone.localdate().year

    with pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.newcomer, acting_user=people.head)
    assert refused.value.message == f"{people.newcomer}没有{year}年度公正性和保密承诺的记录。"
    assert refused.value.rule == "R9.01"

    with translation.override("en"), pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.newcomer, acting_user=people.head)
    assert refused.value.message == (
        f"{people.newcomer} has no impartiality commitment for {year} on file.")
    assert refused.value.rule == "R9.01"
