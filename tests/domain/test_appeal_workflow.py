"""The appeal workflow (R8.08–R8.11, X5, X6)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from caseflow.actions.appeals import (
    appeal_draft_ruling,
    appeal_organize,
    appeal_request_committee,
)
from caseflow.actions.committee import case_refer_committee, committee_vote
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import case_accept
from caseflow.actions.notices import SendingProof
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import Case, CommitteeVote, DeadlineKind, Notice
from caseflow.selectors.cases import case_detail, cases_for_staff
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db


def test_r8_08_appeal_within_thirty_working_days_is_on_time(people):
    """R8.08: received the decision Fri 2026-10-09 (day 0); the make-up Saturday 10-10 is
    day 1, so the 30th working day ends 2026-11-19; an appeal the next morning is late."""
    from tests.personas import appeal

    on_time = appeal(people, decision_received_on=dt.date(2026, 10, 9),
                     received_at=dt.datetime(2026, 11, 19, 17, 0, tzinfo=CHINA))
    late = appeal(people, decision_received_on=dt.date(2026, 10, 9),
                  received_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA))
    assert on_time.filed_late is False
    assert late.filed_late is True and late.number.startswith("SS-2026-")


def test_r8_08_late_appeal_is_recorded_and_accepting_it_needs_a_reason(people):
    """R8.08: past the window the appeal is kept, marked late; the head accepts or rejects
    it with a reason; nothing is dropped."""
    from tests.personas import appeal

    case = appeal(people, decision_received_on=dt.date(2026, 1, 5))
    assert case.filed_late and case.state == "received"
    commit(case, people.head)
    with pytest.raises(InvalidInput) as refused:
        case_accept(case=case, acting_user=people.head, action_to_take="复核")
    assert refused.value.rule == "R8.08"
    case = case_accept(case=case, acting_user=people.head, action_to_take="复核",
                       reason="申诉人因病住院，有证明")
    assert case.state == "accepted" and case.events.get(action="accepted").reason


def test_r8_08_appeal_by_letter_needs_the_written_submission(people):
    """R8.08: an appeal is filed in writing: by letter or in person, the scan is attached."""
    from tests.personas import appeal

    with pytest.raises(InvalidInput) as refused:
        appeal(people, channel="letter")
    assert refused.value.rule == "R8.08"
    case = appeal(people, channel="letter",
                  submission_document=ContentFile(b"%PDF-1.4 scan", name="appeal.pdf"))
    assert case.submission_document.name.endswith(".pdf")


def test_r8_08_a_phone_call_is_not_an_appeal(people):
    """R8.08: an appeal is filed in writing. A call alone is refused, saying what writing
    is needed, and nothing is registered; a call followed by a written record signed by
    the appellant is an appeal."""
    from tests.personas import appeal

    with pytest.raises(InvalidInput) as refused:
        appeal(people, channel="phone")
    assert (refused.value.rule, refused.value.field) == ("R8.08", "channel")
    assert "书面" in refused.value.message  # zh-hans by default: "in writing"
    assert not Case.objects.exists()
    signed_record = ContentFile(b"%PDF-1.4 signed record", name="record.pdf")
    assert appeal(people, channel="phone", submission_document=signed_record).state == (
        "received")


def ruled_appeal(people, **kw):
    from tests.personas import appeal

    case = appeal(people, **kw)
    commit(case, people.head, people.handler, people.quality_manager, people.office,
           *people.members)
    case = case_accept(case=case, acting_user=people.head, action_to_take="组织复核")
    case = appeal_organize(case=case, acting_user=people.head, handler=people.handler)
    case = appeal_draft_ruling(case=case, acting_user=people.handler, ruling="维持原核查结论")
    case = case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    # R8.09: to the appellant and to the engagement's client, each by registered mail.
    return case_send_decision(case=case, acting_user=people.office, channel="registered_mail",
                              registered_mail_number="XA100200300CN",
                              client=SendingProof(channel="registered_mail",
                                                  registered_mail_number="XA100200301CN"))


def test_r8_09_head_organizes_ruling_reviewed_approved_and_notified(people):
    """R8.09: organized by the head (who may still review: organizing is not drafting),
    drafted by the handler, reviewed by the head, approved by the quality manager and
    notified in writing by the office; the ruling is then binding."""
    case = ruled_appeal(people)
    assert case.state == "ruled"
    assert case.reviewed_by == people.head and case.drafted_by == people.handler
    ruling = case.notices.get(kind=Notice.Kind.APPEAL_RULING)
    assert ruling.text == "维持原核查结论"
    assert sorted(ruling.sendings.values_list("recipient_party", "registered_mail_number"),
                  key=str) == sorted([(None, "XA100200301CN"),
                                      (case.submitter_id, "XA100200300CN")], key=str)


def test_r8_09_only_the_office_sends_the_ruling(people):
    """R8.09: the client & information office notifies the parties, nobody else."""
    from tests.personas import appeal

    case = appeal(people)
    commit(case, people.head, people.handler, people.quality_manager)
    case_accept(case=case, acting_user=people.head, action_to_take="复核")
    appeal_organize(case=case, acting_user=people.head, handler=people.handler)
    appeal_draft_ruling(case=case, acting_user=people.handler, ruling="维持")
    case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    with pytest.raises(RoleRequired):
        case_send_decision(case=case, acting_user=people.head, channel="email",
                           email_message_id="<r@cec>")


def test_r8_10_body_decides_before_any_referral(people):
    """R8.10: the body must decide every appeal: it cannot refer one it has not ruled on."""
    from tests.personas import appeal

    case = appeal(people)
    commit(case, people.head)
    case = case_accept(case=case, acting_user=people.head, action_to_take="复核")
    with pytest.raises(TransitionNotAllowed):
        case_refer_committee(case=case, acting_user=people.head, reason="特殊")


def test_r8_10_committee_decision_is_final_and_closes(people):
    """R8.10, X6: the appellant asks for the committee in time; a quorum decides; closed."""
    case = ruled_appeal(people)
    case = appeal_request_committee(case=case, acting_user=people.office,
                                    requested_at=timezone.now(), reason="申诉人仍有异议")
    assert case.state == "committee" and case.due_step == "committee"
    xu, ma, guo = people.members
    committee_vote(case=case, acting_user=xu, vote="uphold", reasoning="维持")
    case = committee_vote(case=case, acting_user=ma, vote="uphold", reasoning="证据充分")
    assert case.state == "closed"
    assert CommitteeVote.objects.filter(case=case).count() == 2
    decision = case.notices.get(kind=Notice.Kind.COMMITTEE_DECISION)
    assert case.events.get(action="committee_decided").payload["decision"] == "uphold"
    assert decision.sha256 and "维持" in decision.text and "证据充分" in decision.text
    with pytest.raises(TransitionNotAllowed):
        committee_vote(case=case, acting_user=guo, vote="overturn", reasoning="改判")


def test_r8_10_exceptional_referral_by_the_body_after_ruling(people):
    """R8.10: after its ruling the body itself may refer the appeal, giving why."""
    case = ruled_appeal(people)
    with pytest.raises(InvalidInput):
        case_refer_committee(case=case, acting_user=people.head, reason="")
    case = case_refer_committee(case=case, acting_user=people.head, reason="涉及重大公众利益")
    assert case.state == "committee"


def test_x6_the_decision_is_what_the_majority_voted_and_a_tie_decides_nothing(people):
    """X6: two of three vote to overturn: the decision is "overturn" whatever the text
    says; one uphold against one overturn is no decision."""
    case = ruled_appeal(people)
    appeal_request_committee(case=case, acting_user=people.office,
                             requested_at=timezone.now(), reason="异议")
    xu, ma, guo = people.members
    committee_vote(case=case, acting_user=xu, vote="uphold", reasoning="维持原结论")
    case = committee_vote(case=case, acting_user=ma, vote="overturn", reasoning="数据有误")
    assert case.state == "committee"  # a quorum, but one against one decides nothing
    case = committee_vote(case=case, acting_user=guo, vote="overturn", reasoning="应改判")
    decided = case.events.get(action="committee_decided").payload
    assert decided["decision"] == "overturn"
    assert decided["votes"] == [{"member": xu.pk, "vote": "uphold"},
                                {"member": ma.pk, "vote": "overturn"},
                                {"member": guo.pk, "vote": "overturn"}]


def test_x5_window_counts_from_the_appellants_receipt_of_the_ruling(people):
    """X5: sent by registered mail on Mon 11-02, received Fri 11-06: the 30 WD run from
    the receipt, so the window ends later than counted from the sending."""
    from caseflow.actions.notices import notice_receipt_record

    with clock_at(people, dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        case = ruled_appeal(people)
    sent_window = case.committee_window_ends_at
    sending = case.notices.get(kind=Notice.Kind.APPEAL_RULING).sendings.get(
        recipient_party=case.submitter)
    with clock_at(people, dt.datetime(2026, 11, 9, 10, 0, tzinfo=CHINA)):
        notice_receipt_record(sending=sending, acting_user=people.office,
                              received_on=dt.date(2026, 11, 6))
    case.refresh_from_db()
    assert case.committee_window_ends_at == dt.datetime(2026, 12, 18, 23, 59, 59, tzinfo=CHINA)
    assert case.committee_window_ends_at > sent_window


def test_x6_no_decision_without_quorum(people):
    """X6: one of three members is no majority."""
    case = ruled_appeal(people)
    appeal_request_committee(case=case, acting_user=people.office,
                             requested_at=timezone.now(), reason="异议")
    xu = people.members[0]
    case = committee_vote(case=case, acting_user=xu, vote="uphold", reasoning="维持")
    assert case.state == "committee"
    assert not case.events.filter(action="committee_decided").exists()


def test_x6_a_recused_member_may_not_vote(people):
    """X6: members declare conflicts per case like staff; one prohibited cannot vote."""
    from caseflow.actions.staff import declaration_rule, declaration_sign

    case = ruled_appeal(people)
    appeal_request_committee(case=case, acting_user=people.office,
                             requested_at=timezone.now(), reason="异议")
    xu, ma, guo = people.members
    declaration = declaration_sign(staff=guo, kind="case", case=case,
                                   potential_conflict="曾为申诉人提供咨询")
    declaration_rule(declaration=declaration, ruling="prohibit",
                     acting_user=people.quality_manager)
    with pytest.raises(Recused):
        committee_vote(case=case, acting_user=guo, vote="uphold", reasoning="维持")
    assert not CommitteeVote.objects.filter(case=case).exists()


def test_x5_ruled_appeal_closes_when_the_committee_window_ends(people):
    """X5: 30 WD after the ruling was notified with no request, run_due closes it; a
    request after the window is refused."""
    with clock_at(people, dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        case = ruled_appeal(people)
    assert case.deadline_kind == DeadlineKind.WINDOW
    assert case.committee_window_ends_at == dt.datetime(2026, 12, 14, 23, 59, 59, tzinfo=CHINA)
    call_command("run_due", "--at", "2026-12-14T23:00+08:00")
    case.refresh_from_db()
    assert case.state == "ruled"
    late = dt.datetime(2026, 12, 15, 9, tzinfo=CHINA)
    with pytest.raises(TransitionNotAllowed) as refused, time_machine.travel(late):
        appeal_request_committee(case=case, acting_user=people.office, requested_at=late,
                                 reason="异议")
    assert refused.value.rule == "X5"
    with pytest.raises(InvalidInput) as refused:  # nor before the ruling was sent
        appeal_request_committee(case=case, acting_user=people.office,
                                 requested_at=dt.datetime(2026, 1, 1, tzinfo=CHINA),
                                 reason="异议")
    assert refused.value.rule == "X5"
    call_command("run_due", "--at", "2026-12-15T00:00+08:00")
    case.refresh_from_db()
    assert case.state == "closed"
    assert case.events.get(action="closed_after_committee_window").actor_label == "system"


def test_r8_11_an_appeal_changes_nothing_staff_see_on_the_appellants_other_cases(people):
    """R8.11: filing an appeal never leads to discriminatory action: the appellant's other
    case shows nothing of the appeal, and its deadline, handler and place in every list
    stay as they were."""
    from caseflow.actions.intake import PartyDetails
    from tests.personas import appeal

    other_complaint = complaint(people)  # 张三's earlier complaint
    unrelated = complaint(people, submitter=PartyDetails(name="赵六", email="z6@example.cn"))
    commit(other_complaint, people.head, people.office)
    before_list = [c.pk for c in cases_for_staff(people.head)]
    assert before_list == [other_complaint.pk, unrelated.pk]
    before = case_detail(other_complaint, viewer=people.office)

    the_appeal = appeal(people)  # 张三 now appeals a decision

    after_list = [c.pk for c in cases_for_staff(people.head) if c.pk != the_appeal.pk]
    after = case_detail(other_complaint, viewer=people.office)
    assert after_list == before_list
    assert (after.case.due_at, after.case.handler_id, after.case.state) == (
        before.case.due_at, before.case.handler_id, before.case.state)
    assert the_appeal.number not in repr(after)
    assert after.linked_cases == [] and after.transitions == before.transitions


def test_r8_09_registered_mail_receipt_date_is_recorded_as_proof(people):
    """R8.09: the written notice's proof: the registered-mail number at sending, the date
    of receipt entered later by the office; a date before sending is refused."""
    from caseflow.actions.notices import notice_receipt_record

    case = ruled_appeal(people)
    sending = case.notices.get(kind=Notice.Kind.APPEAL_RULING).sendings.get(
        recipient_party=case.submitter)
    with pytest.raises(InvalidInput):
        notice_receipt_record(sending=sending, acting_user=people.office,
                              received_on=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(RoleRequired):
        notice_receipt_record(sending=sending, acting_user=people.head,
                              received_on=timezone.localdate())
    sending = notice_receipt_record(sending=sending, acting_user=people.office,
                                    received_on=timezone.localdate())
    assert sending.received_on == timezone.localdate()
    assert case.events.filter(action="notice_received").count() == 1


def test_x10_each_member_casts_only_their_own_vote_once(people):
    """X10: a member votes once, for themself, with reasoning; a second vote, a vote
    without reasoning and a vote by someone who is no member are refused and change
    nothing; staff cannot vote for the committee."""
    case = ruled_appeal(people)
    appeal_request_committee(case=case, acting_user=people.office,
                             requested_at=timezone.now(), reason="异议")
    xu = people.members[0]
    with pytest.raises(InvalidInput) as refused:
        committee_vote(case=case, acting_user=xu, vote="uphold", reasoning=" ")
    assert refused.value.rule == "X10"
    committee_vote(case=case, acting_user=xu, vote="uphold", reasoning="维持")
    with pytest.raises(TransitionNotAllowed) as refused:
        committee_vote(case=case, acting_user=xu, vote="overturn", reasoning="改判")
    assert refused.value.rule == "X10"
    with pytest.raises(RoleRequired):
        committee_vote(case=case, acting_user=people.head, vote="uphold", reasoning="维持")
    assert list(CommitteeVote.objects.filter(case=case).values_list("member", "vote")) == [
        (xu.pk, "uphold")]
