"""The complaint workflow, named and anonymous (R8.03–R8.07, R8.06, X4)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caseflow.actions.complaints import (
    complaint_close_without_reply,
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import case_accept, case_assign, case_reject
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import DeadlineKind, Finding, Notice, Notification
from caseflow.workdays import CHINA
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def test_r8_03_acceptance_deadline_is_seven_working_days_after_receipt(people):
    """R8.03: received Tue 2026-09-29 → acceptance (decision and notice) due end of 10-14."""
    received = dt.datetime(2026, 9, 29, 10, 0, tzinfo=CHINA)
    with time_machine.travel(received):
        case = complaint(people, received_at=received)
    assert case.number == "TS-2026-0001"
    assert case.due_step == "acceptance"
    assert case.deadline_kind == DeadlineKind.RULE
    assert case.due_at == dt.datetime(2026, 10, 14, 23, 59, 59, tzinfo=CHINA)
    assert case.acceptance_due_at == case.due_at


def test_r8_03_acceptance_issues_notice_and_notifies_submitter_at_once(people):
    """R8.03: accepting records the action to take, issues the acceptance notice and
    queues the submitter's notification in the same step."""
    case = complaint(people)
    commit(case, people.head)
    case = case_accept(case=case, acting_user=people.head, action_to_take="调查核实数据")
    assert case.state == "accepted"
    notice = case.notices.get()
    assert notice.kind == Notice.Kind.ACCEPTANCE and notice.sha256
    assert notice.file.read().startswith(b"%PDF")
    assert Notification.objects.filter(case=case, template="acceptance_notice",
                                       recipient_party=case.submitter).count() == 1


def test_r8_03_acceptance_needs_the_action_to_take(people):
    """R8.03: the decision records the action to take; without it nothing is saved."""
    case = complaint(people)
    commit(case, people.head)
    with pytest.raises(InvalidInput):
        case_accept(case=case, acting_user=people.head, action_to_take=" ")
    case.refresh_from_db()
    assert case.state == "received" and not case.notices.exists()


def test_r8_03_rejection_states_its_reason(people):
    """R8.03: a rejection without a reason is refused; with one, the notice carries it."""
    case = complaint(people)
    commit(case, people.head)
    with pytest.raises(InvalidInput) as refused:
        case_reject(case=case, acting_user=people.head, reason="")
    assert refused.value.rule == "R8.03"
    case = case_reject(case=case, acting_user=people.head, reason="不属于本机构业务范围")
    assert case.state == "rejected" and case.closed_at
    assert case.notices.get().text == "不属于本机构业务范围"


def test_r8_03_only_the_department_head_decides_acceptance(people):
    """R8.03: the client & information office receives but does not decide acceptance."""
    case = complaint(people)
    commit(case, people.office)
    with pytest.raises(RoleRequired):
        case_accept(case=case, acting_user=people.office, action_to_take="调查")


def accepted_and_assigned(people, **kw):
    case = complaint(people, **kw)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    case = case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    return case_assign(case=case, handler=people.handler, acting_user=people.head)


def test_r8_04_validity_is_evaluated_after_acceptance(people):
    """R8.04: a named complaint is evaluated from the material received, after the
    acceptance decision; evaluating before accepting is refused."""
    case = complaint(people)
    commit(case, people.head)
    with pytest.raises(TransitionNotAllowed):
        complaint_evaluate(case=case, acting_user=people.head, valid=True, reasoning="材料充分")
    case = accepted_and_assigned(people)
    with pytest.raises(InvalidInput):
        complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="")
    case = complaint_evaluate(case=case, acting_user=people.handler, valid=True,
                              reasoning="材料充分")
    assert case.state == "investigating" and case.valid is True


def test_r8_05_proposal_needs_both_sides_heard(people):
    """R8.05: the handling opinion comes after the complainant's and the respondent's
    information was gathered; an on-site investigation is recorded as such."""
    case = accepted_and_assigned(people)
    case = complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="成立")
    complaint_record_finding(case=case, acting_user=people.handler, side="submitter",
                             text="投诉人提供了监测数据")
    with pytest.raises(TransitionNotAllowed) as refused:
        complaint_propose(case=case, acting_user=people.handler, outcome="整改",
                          substantiated=True)
    assert refused.value.rule == "R8.05"
    complaint_record_finding(case=case, acting_user=people.handler, side="respondent",
                             text="现场核查确认", method=Finding.Method.ON_SITE)
    case = complaint_propose(case=case, acting_user=people.handler, outcome="投诉属实，重新核查",
                             substantiated=True)
    assert case.state == "proposed"
    assert case.findings.filter(method=Finding.Method.ON_SITE).count() == 1


def investigated(people):
    case = accepted_and_assigned(people)
    complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="成立")
    for side in ("submitter", "respondent"):
        complaint_record_finding(case=case, acting_user=people.handler, side=side, text="记录")
    return complaint_propose(case=case, acting_user=people.handler, outcome="投诉属实，重新核查",
                             substantiated=True)


def test_r8_07_final_notice_reviewed_by_head_and_approved_by_quality_manager(people):
    """R8.07: the final notice goes out only after the head's review and the quality
    manager's approval, and the text sent is the text approved."""
    case = investigated(people)
    with pytest.raises(TransitionNotAllowed):  # not reviewed yet
        case_approve(case=case, acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):  # the quality manager does not review
        case_review(case=case, acting_user=people.quality_manager)
    case = case_review(case=case, acting_user=people.head)
    with pytest.raises(TransitionNotAllowed):  # not approved: nothing can be sent
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           email_message_id="<m1@cec>")
    case = case_approve(case=case, acting_user=people.quality_manager)
    notice = case.notices.get(kind=Notice.Kind.COMPLAINT_RESULT)
    assert notice.text == "投诉属实，重新核查"
    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              email_message_id="<m1@cec>")
    assert case.state == "closed"
    sending = notice.sendings.get()
    assert sending.sha256 == notice.sha256 and sending.email_message_id == "<m1@cec>"


def test_r8_07_a_file_changed_after_approval_cannot_be_sent(people):
    """R8.07: if the stored notice no longer matches the approved hash, sending fails."""
    case = investigated(people)
    case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    notice = case.notices.get(kind=Notice.Kind.COMPLAINT_RESULT)
    with open(notice.file.path, "ab") as f:
        f.write(b"tampered")
    with pytest.raises(TransitionNotAllowed) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="registered_mail",
                           registered_mail_number="XA123456789CN")
    assert refused.value.rule == "R8.07"
    case.refresh_from_db()
    assert case.state == "approved" and not notice.sendings.exists()


def test_x3_drafter_does_not_review_and_approver_is_neither(people):
    """X3: the head who drafted the proposal may not review it; a deputy head reviews;
    the quality manager approves."""
    case = complaint(people)
    commit(case, people.head, people.deputy_head, people.quality_manager)
    case = case_accept(case=case, acting_user=people.head, action_to_take="调查")
    case = complaint_evaluate(case=case, acting_user=people.head, valid=False,
                              reasoning="证据不足，投诉不成立")
    assert case.state == "proposed" and case.drafted_by == people.head
    with pytest.raises(Recused) as refused:
        case_review(case=case, acting_user=people.head)
    assert refused.value.rule == "X3"
    case = case_review(case=case, acting_user=people.deputy_head)
    assert case_approve(case=case, acting_user=people.quality_manager).state == "approved"


def test_x3_reviewer_may_not_approve(people):
    """X3: someone holding both roles who reviewed may not also approve."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.deputy_head, role="quality_manager",
                                  capacity="deputy")
    case = investigated(people)
    commit(case, people.deputy_head)
    case = case_review(case=case, acting_user=people.deputy_head)
    with pytest.raises(Recused) as refused:
        case_approve(case=case, acting_user=people.deputy_head)
    assert refused.value.rule == "X3"


def test_r8_06_invalid_anonymous_complaint_closes_without_reply(people):
    """R8.06, X4: an anonymous complaint is evaluated first on the 7-WD clock; if it does
    not hold it is closed, and no notice or notification goes anywhere."""
    case = complaint(people, anonymous=True)
    assert case.due_step == "acceptance" and case.deadline_kind == DeadlineKind.RULE
    commit(case, people.head)
    with pytest.raises(TransitionNotAllowed) as refused:  # no acceptance notice for nobody
        case_accept(case=case, acting_user=people.head, action_to_take="调查")
    assert refused.value.rule == "X4"
    case = complaint_evaluate(case=case, acting_user=people.head, valid=False,
                              reasoning="无具体事实")
    assert case.state == "closed" and case.valid is False
    assert not case.notices.exists()
    assert not Notification.objects.filter(case=case, recipient_party__isnull=False).exists()


def test_x4_valid_anonymous_complaint_is_handled_as_any_other_but_no_notice(people):
    """R8.06, X4: a valid anonymous complaint is investigated, reviewed, approved, then
    closed with its outcome recorded and no notice to anyone."""
    case = complaint(people, anonymous=True)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    case = complaint_evaluate(case=case, acting_user=people.head, valid=True, reasoning="线索具体")
    assert case.state == "investigating" and case.accepted_at
    case = case_assign(case=case, handler=people.handler, acting_user=people.head)
    complaint_record_finding(case=case, acting_user=people.handler, side="respondent",
                             text="核查组说明")
    case = complaint_propose(case=case, acting_user=people.handler, outcome="属实",
                             substantiated=True)
    case = case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    with pytest.raises(TransitionNotAllowed):
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           email_message_id="<x@cec>")
    case = complaint_close_without_reply(case=case, acting_user=people.office)
    assert case.state == "closed" and case.outcome == "属实"
    assert not case.notices.exists()
    assert not Notification.objects.filter(case=case, recipient_party__isnull=False).exists()


def test_r8_06_a_named_complaint_never_closes_without_reply(people):
    """R8.06, R8.07: only an anonymous complaint closes without reply; a named one's
    approved result goes out as the final notice."""
    case = investigated(people)
    case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    with pytest.raises(TransitionNotAllowed) as refused:
        complaint_close_without_reply(case=case, acting_user=people.office)
    assert refused.value.rule == "R8.06"


def test_x4_no_notification_row_for_anonymous_erased_or_contactless_parties(people):
    """X4, X8: the outbox never holds a row for a submitter nobody can or may write to."""
    from caseflow.actions.intake import PartyDetails
    from caseflow.actions.notifications import notification_queue
    from caseflow.actions.parties import party_erase

    anonymous = complaint(people, anonymous=True)
    contactless = complaint(people, submitter=PartyDetails(name="无联系方式"))
    erased = complaint(people)
    party_erase(party=erased.submitter, acting_user=people.office, reason="依法删除")
    erased.submitter.refresh_from_db()
    for case in (anonymous, contactless, erased):
        assert notification_queue(case, "decision_notice", party=case.submitter) is None
    named = complaint(people)
    assert notification_queue(named, "decision_notice", party=named.submitter)
    assert Notification.objects.filter(recipient_party__isnull=False).count() == 1


def test_x3_a_drafter_holding_the_approvers_role_may_not_approve(people):
    """X3: the approver is not the drafter, even when the drafter is a deputy QM."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.handler, role="quality_manager",
                                  capacity="deputy")
    case = investigated(people)
    case = case_review(case=case, acting_user=people.head)
    with pytest.raises(Recused) as refused:
        case_approve(case=case, acting_user=people.handler)
    assert refused.value.rule == "X3"


def test_x3_whoever_investigated_may_not_review(people):
    """X3: the head recorded the findings himself: investigating is drafting, so the
    deputy head reviews."""
    case = complaint(people)
    commit(case, people.head, people.deputy_head)
    case = case_accept(case=case, acting_user=people.head, action_to_take="调查")
    case = complaint_evaluate(case=case, acting_user=people.head, valid=True, reasoning="成立")
    for side in ("submitter", "respondent"):
        complaint_record_finding(case=case, acting_user=people.head, side=side, text="记录")
    commit(case, people.handler)
    case = case_assign(case=case, handler=people.handler, acting_user=people.head)
    case = complaint_propose(case=case, acting_user=people.handler, outcome="属实",
                             substantiated=True)
    with pytest.raises(Recused) as refused:
        case_review(case=case, acting_user=people.head)
    assert refused.value.rule == "X3"
    assert case_review(case=case, acting_user=people.deputy_head).state == "reviewed"


def test_r8_06_anonymous_complaint_cannot_carry_identity(people):
    """R8.06: anonymous means no identity and no contact; only complaints may be so."""
    from caseflow.actions.intake import PartyDetails, case_register

    with pytest.raises(InvalidInput):
        case_register(kind="complaint", subject="s", description="d", scope="a",
                      channel="web", received_at=timezone.now(), acting_user=None,
                      submitter=PartyDetails(anonymous=True, email="a@b.cn"))
    with pytest.raises(InvalidInput):
        case_register(kind="dispute", subject="s", description="d", scope="a",
                      channel="web", received_at=timezone.now(), acting_user=None,
                      submitter=PartyDetails(anonymous=True))
