"""X11 with R9.02: an appeal names what it appeals, chosen from records, and whoever
drafted, reviewed, approved or signed that decision is recused from the appeal."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.appeals import appeal_draft_ruling, appeal_organize
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import PartyDetails, case_accept, case_register
from caseflow.errors import InvalidInput, Recused
from caseflow.models import Case, Channel, RoleAssignment, Scope
from caseflow.selectors.cases import cases_for_staff
from tests.domain.test_complaint_workflow import investigated
from tests.personas import appeal, commit, complaint

pytestmark = pytest.mark.django_db


def decided_complaint(people) -> Case:
    """Drafted by Liu Yang, reviewed by Zhang Min, approved by Wang Fang, sent."""
    case = investigated(people)
    case = case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    return case_send_decision(case=case, acting_user=people.office, channel="email",
                              email_message_id="<result@cec>")


def test_x11_an_appeal_names_what_it_appeals_from_the_records(people):
    """X11: free text alone is not enough: an appeal names a decided case of this body
    or an engagement; a case with no decision notice cannot be appealed. Nothing is
    registered on a refusal."""
    def file(**kw):
        return case_register(
            kind="appeal", subject="申诉", description="不服处理结果。", scope=Scope.REPORT,
            channel=Channel.EMAIL, received_at=timezone.now(),
            submitter=PartyDetails(name="张三", email="zhangsan@example.cn"),
            acting_user=people.office, appealed_decision="投诉处理结果",
            decision_received_on=timezone.localdate() - dt.timedelta(days=2), **kw)

    with pytest.raises(InvalidInput) as refused:
        file()
    assert (refused.value.rule, refused.value.field) == ("X11", "appealed_case")
    undecided = complaint(people)
    with pytest.raises(InvalidInput) as refused:
        file(appealed_case=undecided)
    assert refused.value.rule == "X11"
    assert Case.objects.filter(kind="appeal").count() == 0
    decided = decided_complaint(people)
    filed = file(appealed_case=decided)
    assert filed.appealed_case == decided


def test_x11_whoever_made_the_decision_appealed_is_recused_from_the_appeal(people):
    """X11, R9.02: Wang Fang approved the complaint's result notice: on the appeal against
    it she may not approve the ruling and does not even see it (X9); Zhang Min reviewed
    it and Liu Yang drafted it: neither sees the appeal. The deputy head organizes, a
    delegate quality manager approves."""
    decided = decided_complaint(people)
    case = appeal(people, appealed_case=decided)
    for who in (people.quality_manager, people.head, people.handler):
        assert not cases_for_staff(who).filter(pk=case.pk).exists(), who
    RoleAssignment.objects.create(staff=people.general_manager, role="quality_manager",
                                  capacity="delegate")
    commit(case, people.deputy_head, people.quality_manager, people.office_2,
           people.general_manager)
    case = case_accept(case=case, acting_user=people.deputy_head, action_to_take="组织复核")
    case = appeal_organize(case=case, acting_user=people.deputy_head, handler=people.office_2)
    case = appeal_draft_ruling(case=case, acting_user=people.office_2, ruling="维持原处理结果")
    case = case_review(case=case, acting_user=people.deputy_head)
    with pytest.raises(Recused) as refused:
        case_approve(case=case, acting_user=people.quality_manager)
    assert refused.value.rule == "X11"
    assert case_approve(case=case, acting_user=people.general_manager).state == (
        "ruling_approved")
