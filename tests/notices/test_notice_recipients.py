"""Every party concerned gets the decision in writing (R8.09): the submitter and, where
the case concerns an engagement, its client (项目委托方); each sending is recorded with
its recipient and its own proof."""

import pytest
from django.utils import timezone

from caseflow.actions.appeals import appeal_draft_ruling, appeal_organize
from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import PartyDetails, case_accept, case_assign
from caseflow.actions.notices import SendingProof, notice_receipt_record, notice_send
from caseflow.errors import InvalidInput
from caseflow.models import CaseEvent, Notice, NoticeSending
from tests.personas import appeal, commit, complaint

pytestmark = pytest.mark.django_db

LETTER_TO_CLIENT = SendingProof(channel="registered_mail",
                                registered_mail_number="XA900000002CN")


def approved_ruling(people, engagement=None):
    """An appeal (about the engagement, if given) whose ruling the QM approved."""
    case = appeal(people, engagement=engagement)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    case_accept(case=case, acting_user=people.head, action_to_take="组织复核")
    appeal_organize(case=case, acting_user=people.head, handler=people.handler)
    appeal_draft_ruling(case=case, acting_user=people.handler, ruling="维持原核查结论")
    case_review(case=case, acting_user=people.head)
    return case_approve(case=case, acting_user=people.quality_manager)


def approved_complaint_result(people, **kw):
    case = complaint(people, **kw)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="成立")
    for side in ("submitter", "respondent"):
        complaint_record_finding(case=case, acting_user=people.handler, side=side, text="记录")
    complaint_propose(case=case, acting_user=people.handler, outcome="投诉属实，重新核查",
                      substantiated=True)
    case_review(case=case, acting_user=people.head)
    return case_approve(case=case, acting_user=people.quality_manager)


def recipients(notice):
    return [(s.recipient, s.recipient_party_id, s.recipient_organization_id)
            for s in notice.sendings.order_by("id")]


def test_r8_09_ruling_goes_to_the_appellant_and_the_client(people, engagement):
    """R8.09: the ruling on an appeal about the cement works' verification goes to the
    appellant and to the provincial authority that commissioned it, each by its own
    registered letter; both sendings carry the approved hash, and the events point at
    the recipients without naming them (X8)."""
    case = approved_ruling(people, engagement)
    case = case_send_decision(case=case, acting_user=people.office, channel="registered_mail",
                              registered_mail_number="XA900000001CN", client=LETTER_TO_CLIENT)
    assert case.state == "ruled"
    ruling = case.notices.get(kind=Notice.Kind.APPEAL_RULING)
    assert recipients(ruling) == [("submitter", case.submitter_id, None),
                                  ("client", None, engagement.client_id)]
    assert [s.registered_mail_number for s in ruling.sendings.order_by("id")] == [
        "XA900000001CN", "XA900000002CN"]
    assert {s.sha256 for s in ruling.sendings.all()} == {ruling.sha256}
    sent = CaseEvent.objects.filter(case=case, action="notice_sent").order_by("id")
    assert [(e.payload["recipient"], e.payload["party"], e.payload["organization"])
            for e in sent] == [("submitter", case.submitter_id, None),
                               ("client", None, engagement.client_id)]
    assert "李四" not in str([e.payload for e in sent])


def test_r8_09_a_ruling_does_not_go_out_to_the_appellant_alone_when_a_client_is_concerned(
        people, engagement):
    """R8.09: without the sending to the client the ruling is not sent at all: the case
    stays approved and nothing is recorded."""
    case = approved_ruling(people, engagement)
    with pytest.raises(InvalidInput) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           email_message_id="<ruling@cec>")
    assert (refused.value.rule, refused.value.field) == ("R8.09", "client")
    case.refresh_from_db()
    assert case.state == "ruling_approved"
    assert not NoticeSending.objects.exists()


def test_r8_09_complaint_result_goes_to_the_complainant_and_the_client(people, engagement):
    """R8.05, R8.09: a complaint about the engagement's report: the result goes to the
    complainant by email and to the client by registered letter, one sending each."""
    case = approved_complaint_result(people, engagement=engagement)
    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              email_message_id="<result@cec>", client=LETTER_TO_CLIENT)
    assert case.state == "closed"
    result = case.notices.get(kind=Notice.Kind.COMPLAINT_RESULT)
    assert recipients(result) == [("submitter", case.submitter_id, None),
                                  ("client", None, engagement.client_id)]
    assert [s.channel for s in result.sendings.order_by("id")] == ["email",
                                                                    "registered_mail"]


def test_r8_09_without_an_engagement_the_submitter_is_the_only_recipient(people):
    """R8.09: an appeal against a complaint's result, about no engagement, concerns no
    client: the one sending records the submitter; a sending to a client is refused.
    (Those who made the complaint's decision are recused from the appeal, X11: the
    deputy head, Qian Yu and the general manager as the QM's delegate handle it.)"""
    from caseflow.models import RoleAssignment
    from tests.domain.test_appeal_independence import decided_complaint

    RoleAssignment.objects.create(staff=people.general_manager, role="quality_manager",
                                  capacity="delegate")
    case = appeal(people, appealed_case=decided_complaint(people))
    commit(case, people.deputy_head, people.office_2, people.general_manager, people.office)
    case_accept(case=case, acting_user=people.deputy_head, action_to_take="组织复核")
    appeal_organize(case=case, acting_user=people.deputy_head, handler=people.office_2)
    appeal_draft_ruling(case=case, acting_user=people.office_2, ruling="维持原处理结果")
    case_review(case=case, acting_user=people.deputy_head)
    case = case_approve(case=case, acting_user=people.general_manager)
    with pytest.raises(InvalidInput) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           email_message_id="<r@cec>", client=LETTER_TO_CLIENT)
    assert (refused.value.rule, refused.value.field) == ("R8.09", "client")
    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              email_message_id="<r@cec>")
    ruling = case.notices.get(kind=Notice.Kind.APPEAL_RULING)
    assert recipients(ruling) == [("submitter", case.submitter_id, None)]


def test_r8_09_a_client_that_filed_the_complaint_gets_one_sending(people, engagement,
                                                                  client_authority):
    """R8.09: where the client's own staff filed the complaint, the client is the
    submitter: one sending, no second letter to the same authority."""
    case = approved_complaint_result(people, engagement=engagement, submitter=PartyDetails(
        name="省厅联系人", organization=client_authority, email="contact@example.gov.cn"))
    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              email_message_id="<result@cec>")
    assert recipients(case.notices.get(kind=Notice.Kind.COMPLAINT_RESULT)) == [
        ("submitter", case.submitter_id, None)]


def test_r8_09_each_recipient_has_its_own_registered_letter(people, engagement):
    """R8.09: one registered-mail number is one letter to one recipient: the client's
    proof may not repeat the appellant's; nothing is recorded."""
    case = approved_ruling(people, engagement)
    with pytest.raises(InvalidInput) as refused:
        case_send_decision(
            case=case, acting_user=people.office, channel="registered_mail",
            registered_mail_number="XA900000001CN",
            client=SendingProof(channel="registered_mail",
                                registered_mail_number="XA900000001CN"))
    assert (refused.value.rule, refused.value.field) == ("R8.09",
                                                         "client.registered_mail_number")
    with pytest.raises(InvalidInput) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           email_message_id="<r@cec>",
                           client=SendingProof(channel="registered_mail"))
    assert refused.value.field == "client.registered_mail_number"
    assert not NoticeSending.objects.exists()


def test_r8_09_the_office_records_a_notice_sent_to_the_client(people, engagement):
    """R8.09: a single sending (here the acceptance notice) names which party concerned
    it went to; the submitter by default; a client the case does not concern is refused."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.office)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    notice = case.notices.get(kind=Notice.Kind.ACCEPTANCE)
    notice_send(notice=notice, channel="email", email_message_id="<a1@cec>",
                acting_user=people.office)
    notice_send(notice=notice, channel="in_person", recipient="client",
                acting_user=people.office)
    assert recipients(notice) == [("submitter", case.submitter_id, None),
                                  ("client", None, engagement.client_id)]

    other = complaint(people)
    commit(other, people.head, people.office)
    case_accept(case=other, acting_user=people.head, action_to_take="调查核实")
    with pytest.raises(InvalidInput) as refused:
        notice_send(notice=other.notices.get(), channel="in_person", recipient="client",
                    acting_user=people.office)
    assert (refused.value.rule, refused.value.field) == ("R8.09", "recipient")


def test_x5_the_clients_receipt_does_not_start_the_appellants_committee_window(people,
                                                                               engagement):
    """X5, R8.09: the committee window counts from the appellant's receipt of the ruling;
    the client's receipt is recorded on its sending and moves nothing."""
    case = approved_ruling(people, engagement)
    case = case_send_decision(case=case, acting_user=people.office, channel="registered_mail",
                              registered_mail_number="XA900000001CN", client=LETTER_TO_CLIENT)
    to_appellant, to_client = case.notices.get(kind=Notice.Kind.APPEAL_RULING).sendings.order_by(
        "id")
    today = timezone.localdate()
    notice_receipt_record(sending=to_client, received_on=today, acting_user=people.office)
    case.refresh_from_db()
    assert case.ruling_received_on is None
    notice_receipt_record(sending=to_appellant, received_on=today, acting_user=people.office)
    case.refresh_from_db()
    assert case.ruling_received_on == today
