"""The dispute workflow: consultation, then escalation (R8.12, X7)."""

import pytest

from caseflow.actions.committee import case_refer_committee
from caseflow.actions.disputes import (
    dispute_answer,
    dispute_gm_approve,
    dispute_mark_impartiality_related,
    dispute_record_agreement,
    dispute_refer_department_head,
    dispute_refer_quality_manager,
    dispute_resolve,
)
from caseflow.actions.intake import case_accept
from caseflow.errors import InvalidInput, RoleRequired, TransitionNotAllowed
from caseflow.models import Notice, Scope
from caseflow.policies.impartiality import available_transitions
from tests.personas import commit, dispute

pytestmark = pytest.mark.django_db


def accepted_dispute(people, client_authority, **kw):
    case = dispute(people, client_authority, **kw)
    commit(case, people.head, people.office, people.quality_manager, people.general_manager,
           people.handler)
    return case_accept(case=case, acting_user=people.head, action_to_take="协商答复")


def test_r8_12_dispute_is_raised_by_a_client_organization(people):
    """R8.12: a dispute is between a client and the body: no organization, no dispute."""
    from django.utils import timezone

    from caseflow.actions.intake import PartyDetails, case_register

    with pytest.raises(InvalidInput) as refused:
        case_register(kind="dispute", subject="争议", description="d", scope="d",
                      channel="letter", received_at=timezone.now(), acting_user=people.office,
                      submitter=PartyDetails(name="个人"))
    assert refused.value.rule == "R8.12"


def test_r8_12_office_answers_and_agreement_closes(people, client_authority):
    """R8.12: the client & information office answers; both sides' agreement closes it."""
    case = accepted_dispute(people, client_authority)
    with pytest.raises(RoleRequired):
        dispute_answer(case=case, acting_user=people.handler, answer="解释")
    case = dispute_answer(case=case, acting_user=people.office, answer="工作量依据合同附件")
    assert case.notices.get(kind=Notice.Kind.DISPUTE_ANSWER)
    case = dispute_record_agreement(case=case, acting_user=people.office,
                                    agreement="双方同意按合同结算")
    assert case.state == "closed" and case.outcome == "双方同意按合同结算"


def test_r8_12_without_agreement_head_then_quality_manager(people, client_authority):
    """R8.12: no agreement → the department head; still none → the quality manager, who
    resolves. The office cannot skip the head, and the head cannot resolve at the QM step."""
    case = accepted_dispute(people, client_authority)
    case = dispute_answer(case=case, acting_user=people.office, answer="解释")
    with pytest.raises(TransitionNotAllowed):  # the office cannot skip the head
        dispute_refer_quality_manager(case=case, acting_user=people.office, reason="不接受")
    case = dispute_refer_department_head(case=case, acting_user=people.office,
                                         reason="委托方不接受")
    assert case.state == "with_department_head"
    case = dispute_refer_quality_manager(case=case, acting_user=people.head,
                                         reason="仍未达成一致")
    assert case.state == "with_quality_manager"
    with pytest.raises(RoleRequired):
        dispute_resolve(case=case, acting_user=people.head, outcome="处理意见")
    case = dispute_resolve(case=case, acting_user=people.quality_manager, outcome="退还部分费用")
    assert case.state == "closed"


def test_r8_12_impartiality_outcome_needs_general_manager(people, client_authority):
    """R8.12, X7: scope (b) makes the outcome impartiality-related: it waits for the
    general manager's approval, who may send it on to the committee."""
    case = accepted_dispute(people, client_authority, scope=Scope.IMPARTIALITY)
    case = dispute_answer(case=case, acting_user=people.office, answer="解释")
    case = dispute_record_agreement(case=case, acting_user=people.office, agreement="同意")
    assert case.state == "pending_gm_approval"
    with pytest.raises(RoleRequired):
        dispute_gm_approve(case=case, acting_user=people.quality_manager)
    assert dispute_gm_approve(case=case, acting_user=people.general_manager).state == "closed"


def test_r8_12_general_manager_may_refer_to_committee(people, client_authority):
    """R8.12: where necessary the impartiality-related outcome goes to the committee."""
    case = accepted_dispute(people, client_authority, scope=Scope.IMPARTIALITY)
    dispute_answer(case=case, acting_user=people.office, answer="解释")
    case = dispute_refer_department_head(case=case, acting_user=people.office, reason="不接受")
    case = dispute_resolve(case=case, acting_user=people.head, outcome="意见")
    case = case_refer_committee(case=case, acting_user=people.general_manager,
                                   reason="涉及公正性")
    assert case.state == "committee"


def test_x7_head_marks_impartiality_related_and_the_handler_cannot(people, client_authority):
    """X7: the department head marks an outcome impartiality-related; the office (the
    handler) may neither mark nor unmark it, and no step unmarks it."""
    case = accepted_dispute(people, client_authority)
    with pytest.raises(RoleRequired):
        dispute_mark_impartiality_related(case=case, acting_user=people.office, reason="x")
    case = dispute_mark_impartiality_related(case=case, acting_user=people.head,
                                             reason="涉及核查组独立性")
    assert case.impartiality_related
    assert not any("unmark" in name for name in available_transitions(case, people.head))
    case = dispute_answer(case=case, acting_user=people.office, answer="解释")
    case = dispute_record_agreement(case=case, acting_user=people.office, agreement="同意")
    assert case.state == "pending_gm_approval"


def test_r8_12_answer_requires_acceptance_first(people, client_authority):
    """R8.12 with R8.03: nothing is answered before the acceptance decision."""
    case = dispute(people, client_authority)
    commit(case, people.office)
    with pytest.raises(TransitionNotAllowed):
        dispute_answer(case=case, acting_user=people.office, answer="解释")


def test_r8_12_a_verified_entity_cannot_raise_a_dispute(people, cement_works):
    """R8.12: disputes are between a client (项目委托方) and the body; a verified entity
    complains or appeals instead."""
    with pytest.raises(InvalidInput) as refused:
        dispute(people, cement_works)
    assert refused.value.rule == "R8.12"
