"""Notices the system emails itself (R8.03, R8.07, R8.09): the approved PDF, byte for
byte, to each party concerned with an address on file; the sending recorded with its
Message-ID and the mail server's reply; a notice that cannot go flagged on the case and
to the office with the rule deadline it endangers."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.delivery import notification_deliver
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import PartyDetails, case_accept, case_assign
from caseflow.actions.notice_delivery import (
    EmailOutcome,
    notice_email_address,
    notice_email_failed,
    notice_email_message,
    notice_email_queue,
    notice_email_sent,
)
from caseflow.actions.notices import SendingProof, notice_send
from caseflow.actions.parties import party_erase
from caseflow.channels.base import PermanentFailure, Sent
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    CaseEvent,
    Notice,
    NoticeSending,
    Notification,
)
from caseflow.selectors.cases import case_detail
from caseflow.workdays import CHINA
from tests.notices.test_notice_recipients import approved_complaint_result, approved_ruling
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db

CLIENT_EMAIL = "notices@sthjt.example.gov.cn"


def accepted(people, engagement=None, **kw):
    """A complaint (about `engagement`, if given) the head accepted: its acceptance
    notice (R8.03) is issued and waits to be sent."""
    case = complaint(people, engagement=engagement, **kw)
    commit(case, people.head, people.office, people.office_2)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    return case, case.notices.get(kind=Notice.Kind.ACCEPTANCE)


def stored_pdf(notice) -> bytes:
    with notice.file.open("rb") as f:
        return f.read()


def emails(notice):
    return list(Notification.objects.filter(notice=notice, template="notice_email")
                .order_by("id"))


def test_r8_07_the_emailed_notice_is_the_approved_pdf_byte_for_byte(people, smtp_server):
    """R8.07, R8.09: the acceptance notice emailed to the complainant arrives through a
    real SMTP server with the approved PDF attached byte for byte under its name; the
    sending records the recipient, the Message-ID chosen when it was queued and the
    server's acceptance, and who had it sent."""
    case, notice = accepted(people)
    [queued] = notice_email_queue(notice=notice, acting_user=people.office)
    assert queued.outcome == EmailOutcome.QUEUED
    notification = queued.notification
    address = notice_email_address(notification)
    assert address == "zhangsan@example.cn"

    # Through the delivery loop and the email channel, as the worker sends it.
    assert notification_deliver(notification.pk, now=timezone.now()) == "sent"
    sending = NoticeSending.objects.get(notice=notice)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["zhangsan@example.cn"]
    assert received.attachments() == [(f"{case.number}-acceptance.pdf", stored_pdf(notice))]
    assert received.message["Message-ID"] == notification.context["message_id"]
    assert case.number in received.message["Subject"]
    assert "申诉、投诉和争议受理通知书" in received.text()
    assert (sending.channel, sending.sha256) == ("email", notice.sha256)
    assert (sending.recipient, sending.recipient_party_id) == ("submitter", case.submitter_id)
    assert sending.email_message_id == notification.context["message_id"]
    assert sending.email_server_reply == "250 2.0.0 Ok: queued"
    assert sending.sent_by == people.office
    event = CaseEvent.objects.get(case=case, action="notice_sent")
    assert event.payload["sending"] == sending.pk and "zhangsan" not in str(event.payload)


def test_r8_07_a_file_changed_after_approval_is_never_sent(people, smtp_server):
    """R8.07: the stored PDF altered after approval: the message is refused for good
    (PermanentFailure) and nothing reaches the server; asking again is refused up front;
    nothing is recorded as sent."""
    case, notice = accepted(people)
    [queued] = notice_email_queue(notice=notice, acting_user=people.office)
    with notice.file.storage.open(notice.file.name, "wb") as f:
        f.write(stored_pdf(notice).replace(b"%PDF", b"%PDF ", 1))
    with pytest.raises(PermanentFailure, match="R8.07"):
        notice_email_message(queued.notification)
    with pytest.raises(TransitionNotAllowed) as refused:
        notice_email_queue(notice=notice, acting_user=people.office)
    assert refused.value.rule == "R8.07"
    assert smtp_server.received == []
    assert not NoticeSending.objects.exists()


def test_r8_09_the_complainant_and_the_client_each_get_one_email(people, engagement):
    """R8.09: a complaint about the engagement: the complainant and the client authority
    that commissioned it each get the notice, in their own language; asking twice queues
    nothing more; each sending names its recipient."""
    engagement.client.email = CLIENT_EMAIL
    engagement.client.save()
    case, notice = accepted(people, engagement, submitter=PartyDetails(
        name="John Smith", email="john@example.com", language="en"))
    queued = notice_email_queue(notice=notice, acting_user=people.office)
    assert [(q.recipient, q.outcome) for q in queued] == [("submitter", "queued"),
                                                         ("client", "queued")]
    to_submitter, to_client = emails(notice)
    assert (to_submitter.recipient_party_id, to_client.recipient_organization_id) == (
        case.submitter_id, engagement.client_id)
    assert to_submitter.context["message_id"] != to_client.context["message_id"]
    assert [notice_email_address(n) for n in (to_submitter, to_client)] == [
        "john@example.com", CLIENT_EMAIL]

    again = notice_email_queue(notice=notice, acting_user=people.office)
    assert [q.outcome for q in again] == ["already_queued", "already_queued"]
    assert len(emails(notice)) == 2

    english, chinese = notice_email_message(to_submitter), notice_email_message(to_client)
    assert english.text.startswith("Dear Sir or Madam") and case.number in english.subject
    assert chinese.text.startswith("尊敬的") and case.number in chinese.subject
    for message in (english, chinese):
        assert "John Smith" not in message.subject + message.text  # R8.13
        assert message.attachments[0].content == stored_pdf(notice)
    notice_email_sent(to_submitter, Sent(detail="250 ok"), "john@example.com")
    notice_email_sent(to_client, Sent(detail="250 ok"), CLIENT_EMAIL)
    assert [(s.recipient, s.recipient_party_id, s.recipient_organization_id)
            for s in notice.sendings.order_by("id")] == [
        ("submitter", case.submitter_id, None), ("client", None, engagement.client_id)]
    to_submitter.status = Notification.Status.SENT
    to_submitter.save()
    assert notice_email_queue(notice=notice, acting_user=people.office,
                              recipients=["submitter"])[0].outcome == "already_sent"


def test_r8_09_a_message_recorded_twice_is_one_sending(people):
    """A crash between the server's acceptance and the bookkeeping: the delivery is
    recorded again for the same Message-ID, and still one sending stands."""
    case, notice = accepted(people)
    [queued] = notice_email_queue(notice=notice, acting_user=people.office)
    first = notice_email_sent(queued.notification, Sent(detail="250 ok"), "zhangsan@example.cn")
    again = notice_email_sent(queued.notification, Sent(detail="250 ok"), "zhangsan@example.cn")
    assert first == again and notice.sendings.count() == 1


def test_x4_an_anonymous_complainant_gets_no_notice_to_email(people, engagement):
    """X4: a valid anonymous complaint about the engagement is handled to approval, but
    no notice is issued and the system emails nothing, to the submitter or anyone: the
    final notice step, even asked to email, is refused."""
    case = complaint(people, engagement=engagement, anonymous=True)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    complaint_evaluate(case=case, acting_user=people.head, valid=True, reasoning="线索具体")
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    complaint_record_finding(case=case, acting_user=people.handler, side="respondent",
                             text="核查组说明")
    complaint_propose(case=case, acting_user=people.handler, outcome="属实",
                      substantiated=True)
    case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    with pytest.raises(TransitionNotAllowed) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           client=SendingProof(channel="email"))
    assert refused.value.rule == "X4"
    assert not case.notices.exists()
    assert not Notification.objects.filter(template="notice_email").exists()


def test_r8_03_a_client_without_an_address_is_flagged_with_the_acceptance_deadline(
        people, engagement):
    """R8.03, R8.09: the client authority has no email on file: the complainant's email
    is queued, the client's is not silently dropped: the answer says it needs registered
    mail or handing over, the case shows it with the 7-working-day acceptance deadline it
    endangers, the office is told; a registered letter to the client clears the flag."""
    case, notice = accepted(people, engagement)
    queued = notice_email_queue(notice=notice, acting_user=people.office)
    assert [(q.recipient, q.outcome) for q in queued] == [("submitter", "queued"),
                                                         ("client", "no_address")]
    endangered = queued[1].endangered
    assert (endangered.rule, endangered.step, endangered.due_at) == (
        "R8.03", "acceptance", case.acceptance_due_at)

    [flag] = case_detail(case, viewer=people.office).undelivered_notices
    assert (flag.notice, flag.recipient, flag.reason, flag.rule, flag.due_at) == (
        notice.pk, "client", "no_address", "R8.03", case.acceptance_due_at)
    told = Notification.objects.get(case=case, template="notice_undeliverable")
    assert told.recipient_role == "client_office" and told.notice is None
    assert (told.context["rule"], dt.datetime.fromisoformat(told.context["due_at"]),
            told.context["recipient"]) == ("R8.03", case.acceptance_due_at, "client")

    notice_email_queue(notice=notice, acting_user=people.office, recipients=["client"])
    assert Notification.objects.filter(template="notice_undeliverable").count() == 1
    notice_send(notice=notice, channel="registered_mail", registered_mail_number="XA1",
                recipient="client", acting_user=people.office)
    assert case_detail(case, viewer=people.office).undelivered_notices == []


def test_r8_09_an_email_refused_after_the_retries_is_flagged(people):
    """R8.09: delivery gives up on the complainant's email: the case is flagged, the
    office told (once, however often delivery reports it); the error, which may quote
    the address, stays out of the trail (R8.13). Asking again queues a new email."""
    case, notice = accepted(people)
    [queued] = notice_email_queue(notice=notice, acting_user=people.office)
    for _ in range(2):
        notice_email_failed(queued.notification, "550 5.1.1 <zhangsan@example.cn> unknown")
    [event] = CaseEvent.objects.filter(case=case, action="notice_undeliverable")
    assert event.payload["reason"] == "refused" and "zhangsan" not in str(event.payload)
    assert Notification.objects.filter(case=case, template="notice_undeliverable").count() == 1
    [flag] = case_detail(case, viewer=people.office).undelivered_notices
    assert (flag.recipient, flag.reason, flag.rule) == ("submitter", "refused", "R8.03")

    queued.notification.status = Notification.Status.FAILED
    queued.notification.save()
    [again] = notice_email_queue(notice=notice, acting_user=people.office)
    assert again.outcome == "queued" and len(emails(notice)) == 2

    # The address is erased before the second email goes (X8): no address, not refused.
    party_erase(party=case.submitter, acting_user=people.office, reason="当事人依法要求删除")
    again.notification.refresh_from_db()
    notice_email_failed(again.notification, "no address")
    [flag] = case_detail(case, viewer=people.office).undelivered_notices
    assert (flag.recipient, flag.reason) == ("submitter", "no_address")
    # X8, X12: the notice names the erased person: kept as the record, never sent.
    with pytest.raises(PermanentFailure, match="X8"):
        notice_email_message(again.notification)
    with pytest.raises(TransitionNotAllowed) as refused:
        notice_email_queue(notice=notice, acting_user=people.office)
    assert refused.value.rule == "X8"


def test_r8_09_only_the_office_has_a_notice_emailed_and_not_when_recused(people, engagement):
    """R8.09: the client & information office sends notices: the handler may not; R8.15:
    an office member who verified the engagement is recused; nothing is queued."""
    case, notice = accepted(people, engagement)
    with pytest.raises(RoleRequired) as refused:
        notice_email_queue(notice=notice, acting_user=people.handler)
    assert refused.value.rule == "R8.09"
    engagement.verifiers.add(people.office_2)
    with pytest.raises(Recused):
        notice_email_queue(notice=notice, acting_user=people.office_2)
    with pytest.raises(InvalidInput) as refused:
        notice_email_queue(notice=notice, acting_user=people.office, recipients=["respondent"])
    assert (refused.value.rule, refused.value.field) == ("R8.09", "recipients")
    assert not Notification.objects.filter(template="notice_email").exists()


def test_r8_09_the_final_notice_step_can_have_the_system_email_it(people, engagement):
    """R8.07, R8.09: sending a complaint's result by email without a Message-ID has the
    system email it (no "decision_notice" besides): the case closes, the emails are
    queued, and their sendings are recorded as the server accepts them. A party chosen
    for email without an address is refused, naming its field, and nothing changes."""
    case = approved_complaint_result(people, engagement=engagement)
    with pytest.raises(InvalidInput) as refused:
        case_send_decision(case=case, acting_user=people.office, channel="email",
                           client=SendingProof(channel="email"))
    assert (refused.value.rule, refused.value.field) == ("R8.09", "client.channel")
    case.refresh_from_db()
    assert case.state == "approved" and not Notification.objects.filter(
        template__in=["notice_email", "notice_undeliverable"]).exists()

    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              client=SendingProof(channel="registered_mail",
                                                  registered_mail_number="XA2"))
    assert case.state == "closed"
    result = case.notices.get(kind=Notice.Kind.COMPLAINT_RESULT)
    [to_complainant] = emails(result)
    assert to_complainant.recipient_party_id == case.submitter_id
    assert not Notification.objects.filter(case=case, template="decision_notice").exists()
    assert case.events.get(action="decision_sent").payload["emails"] == [to_complainant.pk]
    notice_email_sent(to_complainant, Sent(detail="250 ok"), "zhangsan@example.cn")
    assert sorted(s.channel for s in result.sendings.all()) == ["email", "registered_mail"]


def test_x5_an_emailed_ruling_starts_the_committee_window_the_day_it_arrives(people,
                                                                             engagement):
    """X5: the ruling sent by the system on Mon 2 Nov 2026 is only accepted by the mail
    server on Wed 4 Nov (retries): the appellant's 30 working days count from the 4th; the
    client's email moves nothing. A failed ruling email flags the window it endangers."""
    engagement.client.email = CLIENT_EMAIL
    engagement.client.save()
    with clock_at(people, dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        case = approved_ruling(people, engagement)
        case = case_send_decision(case=case, acting_user=people.office, channel="email",
                                  client=SendingProof(channel="email"))
        assert case.state == "ruled" and case.ruling_received_on is None
        ruling = case.notices.get(kind=Notice.Kind.APPEAL_RULING)
        to_appellant, to_client = emails(ruling)
    with clock_at(people, dt.datetime(2026, 11, 4, 15, 0, tzinfo=CHINA)):
        notice_email_sent(to_client, Sent(detail="250 ok"), CLIENT_EMAIL)
        case.refresh_from_db()
        assert case.ruling_received_on is None
        notice_email_sent(to_appellant, Sent(detail="250 ok"), "lisi@example.cn")
        case.refresh_from_db()
    assert case.ruling_received_on == dt.date(2026, 11, 4)
    # 30 working days from Wed 4 Nov 2026 (day 0): Wed 16 Dec 2026, end of day.
    assert case.committee_window_ends_at == dt.datetime(2026, 12, 16, 23, 59, 59,
                                                        tzinfo=CHINA)
    assert case.events.filter(action="notice_sent").last().payload[
        "ruling_received_on"] == "2026-11-04"


def test_x5_a_ruling_that_cannot_be_emailed_flags_the_committee_window(people, engagement):
    """X5: a ruling email that fails leaves the appellant without the ruling while the
    committee window runs: the flag names X5 and the window's end."""
    engagement.client.email = CLIENT_EMAIL
    engagement.client.save()
    case = approved_ruling(people, engagement)
    case = case_send_decision(case=case, acting_user=people.office, channel="email",
                              client=SendingProof(channel="email"))
    to_appellant, _ = emails(case.notices.get(kind=Notice.Kind.APPEAL_RULING))
    notice_email_failed(to_appellant, "timed out")
    [flag] = case_detail(case, viewer=people.office).undelivered_notices
    assert (flag.recipient, flag.rule, flag.step, flag.due_at) == (
        "submitter", "X5", "committee_window", case.committee_window_ends_at)
    assert timezone.now() < flag.due_at
