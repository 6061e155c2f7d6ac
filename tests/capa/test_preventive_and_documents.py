"""Preventive actions (R7.03, R7.09) and document change control (R7.07)."""

import pytest

from caseflow.actions.documents import (
    change_request_apply,
    change_request_decide,
    change_request_submit,
    controlled_document_register,
)
from caseflow.actions.preventive import (
    preventive_action_approve,
    preventive_action_complete,
    preventive_action_propose,
)
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import DocumentRevision, Role, RoleAssignment

pytestmark = pytest.mark.django_db


def test_r7_09_head_rates_risk_and_proposes_for_quality_manager_approval(people):
    """R7.09: from a quality-analysis meeting the head rates the risk and proposes; the
    quality manager approves; an unrated one is refused; the QM cannot propose it."""
    with pytest.raises(InvalidInput) as refused:
        preventive_action_propose(origin="quality_meeting", potential_problem="人员流失",
                                  risk="", plan="培训后备人员", acting_user=people.head)
    assert refused.value.rule == "R7.09"
    with pytest.raises(RoleRequired):
        preventive_action_propose(origin="quality_meeting", potential_problem="人员流失",
                                  risk="high", plan="培训", acting_user=people.quality_manager)
    action = preventive_action_propose(origin="evaluation", potential_problem="人员流失",
                                       risk="high", plan="培训后备人员", acting_user=people.head)
    with pytest.raises(RoleRequired):
        preventive_action_approve(action=action, acting_user=people.general_manager)
    action = preventive_action_approve(action=action, acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):  # carried out under the head
        preventive_action_complete(action=action, outcome="已培训", acting_user=people.office)
    assert preventive_action_complete(action=action, outcome="已培训",
                                      acting_user=people.head).state == "done"


def test_r7_03_plans_touching_impartiality_drafted_by_qm_approved_by_gm(people):
    """R7.03: touching impartiality or resources: the quality manager drafts, the general
    manager approves (not the quality manager)."""
    with pytest.raises(RoleRequired) as refused:
        preventive_action_propose(origin="evaluation", potential_problem="委托方关联",
                                  risk="medium", plan="回避机制",
                                  touches_impartiality_or_resources=True,
                                  acting_user=people.head)
    assert refused.value.rule == "R7.03"
    action = preventive_action_propose(origin="evaluation", potential_problem="委托方关联",
                                       risk="medium", plan="回避机制",
                                       touches_impartiality_or_resources=True,
                                       acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):
        preventive_action_approve(action=action, acting_user=people.quality_manager)
    assert preventive_action_approve(action=action,
                                     acting_user=people.general_manager).state == "approved"
    with pytest.raises(TransitionNotAllowed):
        preventive_action_approve(action=action, acting_user=people.general_manager)


def test_r7_03_drafter_does_not_approve_own_plan(people):
    """R7.03 with X3: a head who is also a deputy QM does not approve what she proposed."""
    RoleAssignment.objects.create(staff=people.head, role=Role.QUALITY_MANAGER,
                                  capacity="deputy")
    action = preventive_action_propose(origin="evaluation", potential_problem="p", risk="low",
                                       plan="m", acting_user=people.head)
    with pytest.raises(Recused):
        preventive_action_approve(action=action, acting_user=people.head)


@pytest.fixture
def qa(people):
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    return people.office_2


def test_r7_07_change_approved_by_the_documents_approver_and_numbered(people, qa):
    """R7.07: a procedure's change is approved by the QM (not the GM), applied by QA:
    CEC-0005D-A/0 → A/1; a re-issue → B/0; each superseded revision obsolete and
    withdrawn."""
    document = controlled_document_register(sequence=5, title="档案管理制度",
                                            kind="procedure", acting_user=qa)
    assert document.revisions.get().number == "CEC-0005D-A/0"
    request = change_request_submit(document=document, description="增加电子档案命名规则",
                                    acting_user=people.handler)
    with pytest.raises(RoleRequired):
        change_request_decide(request=request, approve=True, acting_user=people.general_manager)
    with pytest.raises(TransitionNotAllowed):  # not approved yet
        change_request_apply(request=request, acting_user=qa)
    change_request_decide(request=request, approve=True, acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):
        change_request_apply(request=request, acting_user=people.handler)
    first = change_request_apply(request=request, acting_user=qa)
    assert first.number == "CEC-0005D-A/1"
    reissue = change_request_submit(document=document, description="全面修订", reissue=True,
                                    acting_user=people.handler)
    change_request_decide(request=reissue, approve=True, acting_user=people.quality_manager)
    second = change_request_apply(request=reissue, acting_user=qa)
    assert second.number == "CEC-0005D-B/0"
    assert [(r.number, r.obsolete, bool(r.withdrawn_at)) for r in
            DocumentRevision.objects.filter(document=document).order_by("effective_at", "id")
            ] == [("CEC-0005D-A/0", True, True), ("CEC-0005D-A/1", True, True),
                  ("CEC-0005D-B/0", False, False)]


def test_r7_07_quality_manual_is_approved_by_the_general_manager(people, qa):
    """R7.07: the quality manual's changes need the general manager."""
    manual = controlled_document_register(sequence=1, title="碳核查业务质量管理手册",
                                          kind="quality_manual", acting_user=qa)
    request = change_request_submit(document=manual, description="更新组织机构图",
                                    acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):
        change_request_decide(request=request, approve=True,
                              acting_user=people.quality_manager)
    change_request_decide(request=request, approve=True, acting_user=people.general_manager)
    assert change_request_apply(request=request, acting_user=qa).number == "CEC-0001D-A/1"


def test_r7_07_sequence_numbers_are_unique(people, qa):
    controlled_document_register(sequence=7, title="A", kind="form", acting_user=qa)
    with pytest.raises(InvalidInput):
        controlled_document_register(sequence=7, title="B", kind="form", acting_user=qa)
