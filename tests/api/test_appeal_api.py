"""The appeal workflow over HTTP alone (R8.08–R8.10, X5, X6): after the staff accounts
exist, everything goes through the API."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caseflow.actions.intake import PartyDetails
from tests.api.steps import PDF, attempt, events, ok, pdf, refused, sign, step, transitions
from tests.personas import appealed_engagement, complaint

pytestmark = pytest.mark.django_db


# R8.09: the ruling goes to the appellant and to the engagement's client.
TO_BOTH = {"channel": "registered_mail", "registered_mail_number": "XA100200300CN",
           "client": {"channel": "registered_mail", "registered_mail_number": "XA100200301CN"}}


def file_appeal(client, *, decision_received_on, document=True, **extra):
    """The office registers an appeal received by letter, the scan attached (multipart)."""
    payload = {
        "kind": "appeal", "subject": "对核查结论的申诉", "description": "不同意核查结论。",
        "scope": "a", "channel": "letter", "received_at": timezone.now().isoformat(),
        "submitter_name": "李四", "submitter_address": "江苏省南京市某路1号",
        "appealed_decision": "核查报告 JS25A0012 结论", "engagement": appealed_engagement().pk,
        "decision_received_on": decision_received_on.isoformat(), **extra}
    if document:
        payload["submission_document"] = pdf("申诉书.pdf")
    return client.post("/api/cases/", payload, format="multipart")


def approved_appeal(people, api, **extra):
    """Filed, accepted, organized, drafted, reviewed and approved: the ruling to send."""
    office, head, handler, qm = (api(people.office), api(people.head), api(people.handler),
                                 api(people.quality_manager))
    created = ok(file_appeal(office, decision_received_on=timezone.localdate()
                             - dt.timedelta(days=5), **extra), 201)
    case_id = created["case"]["id"]
    for client in (office, head, handler, qm):
        sign(client, case_id)
    step(head, case_id, "accept", {"action_to_take": "组织复核"})
    step(head, case_id, "organize", {"handler": people.handler.pk})
    step(handler, case_id, "draft_ruling", {"ruling": "维持原核查结论"})
    step(head, case_id, "review", {"note": "同意"})
    step(qm, case_id, "approve")
    return case_id


def ruled_appeal(people, api):
    """Approved and sent to the appellant and the client: ruled."""
    case_id = approved_appeal(people, api)
    return case_id, step(api(people.office), case_id, "send_ruling", TO_BOTH)


def test_r8_08_appeal_by_letter_needs_the_written_submission_over_http(people, api):
    """R8.08: an appeal filed by letter without the scan is a 400 on `submission_document`
    naming the rule; with a PDF it is registered, on time, and the scan downloads."""
    office = api(people.office)
    received = timezone.localdate() - dt.timedelta(days=5)
    body = refused(file_appeal(office, decision_received_on=received, document=False),
                   400, "R8.08")
    assert "submission_document" in body["errors"]
    assert ok(office.get("/api/cases/"))["count"] == 0

    created = ok(file_appeal(office, decision_received_on=received), 201)
    case = created["case"]
    assert case["kind"] == "appeal" and case["state"] == "received"
    assert case["number"].startswith("SS-")
    assert case["filed_late"] is False and case["has_submission_document"] is True
    assert case["deadline_kind"] == "rule" and case["due_step"] == "acceptance"
    assert created["submitter"]["name"] == "***"  # R8.13: redacted in the case file
    sign(office, case["id"])
    scan = ok(office.get(f"/api/cases/{case['id']}/submission-document/"))
    assert b"".join(scan.streaming_content) == PDF


def test_r8_08_a_late_appeal_is_kept_and_accepting_it_needs_a_reason(people, api):
    """R8.08: received long after the 30 working days, the appeal is registered and marked
    late; the head's acceptance without a reason is a 400 naming R8.08, with one it passes."""
    office, head = api(people.office), api(people.head)
    created = ok(file_appeal(office, decision_received_on=timezone.localdate()
                             - dt.timedelta(days=200)), 201)
    case_id = created["case"]["id"]
    assert created["case"]["filed_late"] is True
    sign(head, case_id)
    body = refused(attempt(head, case_id, "accept", {"action_to_take": "复核"}), 400, "R8.08")
    assert "reason" in body["errors"]
    assert ok(head.get(f"/api/cases/{case_id}/"))["case"]["state"] == "received"
    detail = step(head, case_id, "accept",
                  {"action_to_take": "复核", "reason": "申诉人因病住院，有证明"})
    assert detail["case"]["state"] == "accepted"
    accepted = [e for e in detail["events"] if e["action"] == "accepted"][0]
    assert accepted["reason"] == "申诉人因病住院，有证明"
    assert [n["kind"] for n in detail["notices"]] == ["acceptance"]


def test_r8_09_ruling_organized_drafted_reviewed_approved_and_sent_over_http(people, api):
    """R8.09: the head organizes (and may still review: organizing is not drafting), the
    handler drafts, the head reviews, the quality manager approves, and only the office
    sends it in writing with the registered-mail number as proof; the appeal is ruled."""
    office, head, handler, qm = (api(people.office), api(people.head), api(people.handler),
                                 api(people.quality_manager))
    created = ok(file_appeal(office, decision_received_on=timezone.localdate()
                             - dt.timedelta(days=3)), 201)
    case_id = created["case"]["id"]
    for client in (office, head, handler, qm):
        sign(client, case_id)
    refused(attempt(office, case_id, "accept", {"action_to_take": "复核"}), 403, "R8.03")
    step(head, case_id, "accept", {"action_to_take": "组织复核"})
    refused(attempt(office, case_id, "organize", {"handler": people.handler.pk}), 403, "R8.09")
    detail = step(head, case_id, "organize", {"handler": people.handler.pk})
    assert detail["case"]["state"] == "in_handling"
    assert detail["case"]["handler"]["id"] == people.handler.pk
    assert "draft_ruling" in transitions(handler, case_id)
    assert "draft_ruling" not in transitions(head, case_id)
    refused(attempt(handler, case_id, "draft_ruling", {"ruling": "  "}), 400)
    step(handler, case_id, "draft_ruling", {"ruling": "维持原核查结论"})
    refused(attempt(qm, case_id, "approve"), 409, "R8.09")  # not reviewed yet
    refused(attempt(handler, case_id, "review"), 403, "R8.09")
    assert step(head, case_id, "review")["case"]["state"] == "ruling_reviewed"
    refused(attempt(head, case_id, "approve"), 403, "R8.09")
    detail = step(qm, case_id, "approve")
    assert detail["case"]["state"] == "ruling_approved"
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    assert ruling["approved_by"] == people.quality_manager.pk and ruling["sendings"] == []

    refused(attempt(head, case_id, "send_ruling", {
        "channel": "registered_mail", "registered_mail_number": "XA1CN"}), 403, "R8.09")
    body = refused(attempt(office, case_id, "send_ruling", TO_BOTH | {
        "registered_mail_number": ""}), 400)
    assert "registered_mail_number" in body["errors"]
    detail = step(office, case_id, "send_ruling", TO_BOTH)
    assert detail["case"]["state"] == "ruled"
    assert detail["case"]["deadline_kind"] == "window"
    assert detail["case"]["committee_window_ends_at"]
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    sending, to_client = ruling["sendings"]
    assert (sending["recipient"], to_client["recipient"]) == ("submitter", "client")
    assert sending["channel"] == "registered_mail"
    assert sending["registered_mail_number"] == "XA100200300CN"
    # R8.07/R8.09: what was approved is sent, to each recipient
    assert sending["sha256"] == to_client["sha256"] == ruling["sha256"]
    assert events(detail)[-1] == "decision_sent"


def test_r8_09_receipt_date_of_the_posted_ruling_is_recorded(people, api):
    """R8.09, X5: the office enters the date the appellant received the ruling; a date
    before sending is a 400, the head may not record it (403), and the committee window
    now counts from the receipt."""
    case_id, detail = ruled_appeal(people, api)
    office, head = api(people.office), api(people.head)
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    sending_id = ruling["sendings"][0]["id"]
    url = f"/api/cases/{case_id}/sendings/{sending_id}/receipt/"
    before = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert "received_on" in refused(office.post(url, {"received_on": before}, format="json"),
                                    400)["errors"]
    refused(head.post(url, {"received_on": timezone.localdate().isoformat()}, format="json"),
            403, "R8.09")
    assert api(people.hu_wei).post(url, {"received_on": timezone.localdate().isoformat()},
                                   format="json").status_code == 404
    sending = ok(office.post(url, {"received_on": timezone.localdate().isoformat()},
                             format="json"))
    assert sending["id"] == sending_id
    assert sending["received_on"] == timezone.localdate().isoformat()
    case = ok(office.get(f"/api/cases/{case_id}/"))
    assert case["case"]["ruling_received_on"] == timezone.localdate().isoformat()
    assert case["case"]["committee_window_ends_at"]
    assert "notice_received" in events(case)
    # A sending of another case is not found under this one.
    assert office.post(f"/api/cases/{case_id + 999}/sendings/{sending_id}/receipt/",
                       {"received_on": timezone.localdate().isoformat()},
                       format="json").status_code == 404


def test_r8_10_body_decides_before_any_referral_over_http(people, api):
    """R8.10: the body must decide every appeal: the head cannot refer an accepted,
    unruled appeal (409); after the ruling it may, giving why."""
    office, head = api(people.office), api(people.head)
    created = ok(file_appeal(office, decision_received_on=timezone.localdate()
                             - dt.timedelta(days=3)), 201)
    case_id = created["case"]["id"]
    sign(head, case_id)
    step(head, case_id, "accept", {"action_to_take": "复核"})
    refused(attempt(head, case_id, "refer_committee", {"reason": "特殊"}), 409, "R8.10")

    ruled_id, _ = ruled_appeal(people, api)
    refused(attempt(head, ruled_id, "refer_committee", {"reason": " "}), 400)
    assert step(head, ruled_id, "refer_committee",
                {"reason": "涉及重大公众利益"})["case"]["state"] == "committee"


def test_x5_a_committee_request_after_the_window_is_refused(people, api):
    """X5: the appellant asks for the committee after the window ended: 409 naming X5."""
    case_id, detail = ruled_appeal(people, api)
    office = api(people.office)
    window_end = dt.datetime.fromisoformat(detail["case"]["committee_window_ends_at"])
    late = window_end + dt.timedelta(minutes=1)
    ok(office.post("/api/declarations/", {"kind": "annual", "year": late.year},
                   format="json"), 201)  # the window may end in the next year
    with time_machine.travel(late):
        refused(attempt(office, case_id, "request_committee",
                        {"requested_at": late.isoformat(), "reason": "仍有异议"}), 409, "X5")
    refused(attempt(office, case_id, "request_committee",  # not before the ruling was sent
                    {"requested_at": "2020-01-01T00:00:00+08:00", "reason": "异议"}), 400, "X5")
    assert ok(office.get(f"/api/cases/{case_id}/"))["case"]["state"] == "ruled"


def test_r8_10_x6_committee_queue_and_quorum_decision_close_the_appeal(people, api):
    """R8.10, X6: the appellant asks for the committee; the members find it in their queue,
    sign their per-case commitments over HTTP, and each casts their own vote (X10): the
    decision is taken once a quorum (2 of 3) voted. One vote is no quorum, a second vote
    by the same member and a staff member's vote are refused, an unsigned member may not
    vote; the decision is final and closes the appeal."""
    case_id, _ = ruled_appeal(people, api)
    office = api(people.office)
    refused(attempt(api(people.head), case_id, "request_committee", {
        "requested_at": timezone.now().isoformat(), "reason": "x"}), 403, "R8.10")
    detail = step(office, case_id, "request_committee",
                  {"requested_at": timezone.now().isoformat(), "reason": "申诉人仍有异议"})
    assert detail["case"]["state"] == "committee"
    assert detail["case"]["due_step"] == "committee"

    xu, ma, guo = people.members
    xu_client, ma_client = api(xu), api(ma)
    queue = ok(xu_client.get("/api/committee/queue/"))
    assert [c["id"] for c in queue["results"]] == [case_id]
    assert queue["results"][0]["state"] == "committee"
    assert ok(api(people.hu_wei).get("/api/committee/queue/"))["results"] == []
    # The member sees the case but may not act before signing this case's commitment.
    assert "committee_vote" not in transitions(xu_client, case_id)
    sign(xu_client, case_id)
    sign(ma_client, case_id)
    assert "committee_vote" in transitions(xu_client, case_id)

    def vote(client, choice, reasoning="维持原核查结论"):
        return attempt(client, case_id, "committee_vote",
                       {"vote": choice, "reasoning": reasoning})

    refused(vote(api(guo), "uphold"), 403, "R9.01")  # guo signed nothing
    refused(vote(api(people.head), "uphold"), 403, "X10")  # staff do not vote
    body = refused(vote(xu_client, "maybe"), 400)
    assert "vote" in body["errors"]
    detail = ok(vote(xu_client, "uphold"))
    assert detail["case"]["state"] == "committee"  # 1 of 3: no quorum
    refused(vote(xu_client, "overturn"), 409, "X10")  # one vote each
    detail = ok(vote(ma_client, "uphold", "证据充分"))
    assert detail["case"]["state"] == "closed" and detail["case"]["closed_at"]
    decided = [e for e in detail["events"] if e["action"] == "committee_decided"][0]
    assert decided["payload"]["decision"] == "uphold"
    assert sorted(decided["payload"]["members"]) == sorted([xu.pk, ma.pk])
    [decision] = [n for n in detail["notices"] if n["kind"] == "committee_decision"]
    assert decision["sha256"]
    assert detail["case"]["archive_number"]  # R10.01: archived on closing
    # Final: nothing more to decide, and the queue is empty.
    refused(vote(api(guo), "overturn"), 409)
    assert ok(xu_client.get("/api/committee/queue/"))["results"] == []


def test_x11_appeal_against_a_decision_of_the_body_over_http(people, api):
    """X11 over HTTP: the office files an appeal naming the decided complaint; the quality
    manager who approved that complaint's result gets a 404 for the appeal, and an
    appeal naming a case the caller cannot see is a 400 on `appealed_case`."""
    from tests.domain.test_appeal_independence import decided_complaint

    decided = decided_complaint(people)
    office = api(people.office)
    payload = {
        "kind": "appeal", "subject": "对投诉处理结果的申诉", "description": "不服。",
        "scope": "a", "channel": "email", "received_at": timezone.now().isoformat(),
        "submitter_name": "张三", "submitter_email": "zhangsan@example.cn",
        "appealed_decision": "投诉处理结果通知",
        "decision_received_on": timezone.localdate().isoformat()}
    body = refused(office.post("/api/cases/", payload, format="json"), 400, "X11")
    assert "appealed_case" in body["errors"]
    filed = ok(office.post("/api/cases/", payload | {"appealed_case": decided.pk},
                           format="json"), 201)["case"]
    assert filed["appealed_case"] == decided.pk
    refused(api(people.quality_manager).get(f"/api/cases/{filed['id']}/"), 404)
    hidden = complaint(people, respondent=PartyDetails(staff=people.hu_wei, name="胡伟"))
    body = refused(api(people.hu_wei).post("/api/cases/", payload | {
        "appealed_case": hidden.pk}, format="json"), 400)
    assert "appealed_case" in body["errors"]


def test_w3_the_case_file_shows_a_provisional_filing_window_and_filed_late_following_it(
        people, api):
    """R8.08, W3: an appeal filed 2027-01-22 against a decision received 2026-12-10 is
    late by the weekday count (window ends 2027-01-21), and the case file says the window
    is provisional. The head enters New Year's Day 2027 as a holiday: the window ends
    2027-01-22, the appeal is no longer late, and the events say why."""
    from caseflow.workdays import CHINA
    from tests.personas import clock_at

    with clock_at(people, dt.datetime(2027, 1, 22, 10, 0, tzinfo=CHINA)):
        office, head = api(people.office), api(people.head)
        created = ok(file_appeal(office, decision_received_on=dt.date(2026, 12, 10)), 201)
        case = created["case"]
        assert (case["filing_window_ends_at"], case["filing_window_provisional"]) == (
            "2027-01-21T23:59:59+08:00", True)
        assert case["filed_late"] is True
        ok(head.post("/api/calendar/overrides/",
                     {"date": "2027-01-01", "kind": "holiday", "note": "元旦"}, format="json"),
           201)
        detail = ok(office.get(f"/api/cases/{case['id']}/"))
        assert (detail["case"]["filing_window_ends_at"],
                detail["case"]["filing_window_provisional"]) == (
            "2027-01-22T23:59:59+08:00", True)
        assert detail["case"]["filed_late"] is False
        assert {"filing_window_recomputed", "filed_late_changed"} <= set(events(detail))
