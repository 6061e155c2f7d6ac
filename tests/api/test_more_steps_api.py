"""The workflow steps the other end-to-end API tests do not reach."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caseflow.models import Role, RoleAssignment
from tests.api.steps import ok, refused, sign, step

pytestmark = pytest.mark.django_db


def register(client, **fields):
    payload = {"kind": "complaint", "subject": "投诉", "description": "内容", "scope": "a",
               "channel": "phone", "received_at": timezone.now().isoformat(), **fields}
    return ok(client.post("/api/cases/", payload, format="json"), 201)["case"]


def test_r8_06_anonymous_complaint_over_http_closes_without_reply(people, api):
    """R8.06, X4: evaluated first; valid → investigated → approved → closed without reply;
    no notice at all."""
    office, head, handler, qm = (api(people.office), api(people.head), api(people.handler),
                                 api(people.quality_manager))
    case = register(office, anonymous=True, channel="web")
    for client in (office, head, handler, qm):
        sign(client, case["id"])
    refused(office.post(f"/api/cases/{case['id']}/transitions/accept/",
                        {"action_to_take": "调查"}, format="json"), 409, "X4")
    step(head, case["id"], "evaluate_anonymous", {"valid": True, "reasoning": "线索具体"})
    step(head, case["id"], "assign", {"handler": people.handler.pk})
    step(handler, case["id"], "record_finding", {"side": "respondent", "text": "说明"})
    step(handler, case["id"], "propose", {"outcome": "属实", "substantiated": True})
    step(head, case["id"], "review")
    step(qm, case["id"], "approve")
    detail = step(office, case["id"], "close_without_reply")
    assert detail["case"]["state"] == "closed" and detail["notices"] == []


def test_r8_07_head_returns_a_proposal_for_rework(people, api):
    """R8.07: the head's review may send the proposal back to the investigation."""
    office, head, handler = api(people.office), api(people.head), api(people.handler)
    case = register(office, submitter_name="张三", submitter_phone="138")
    for client in (office, head, handler):
        sign(client, case["id"])
    step(head, case["id"], "accept", {"action_to_take": "调查"})
    step(head, case["id"], "assign", {"handler": people.handler.pk})
    step(handler, case["id"], "evaluate", {"valid": True, "reasoning": "成立"})
    for side in ("submitter", "respondent"):
        step(handler, case["id"], "record_finding", {"side": side, "text": "记录"})
    step(handler, case["id"], "propose", {"outcome": "属实", "substantiated": True})
    refused(head.post(f"/api/cases/{case['id']}/transitions/return_for_rework/",
                      {"reason": ""}, format="json"), 400)
    detail = step(head, case["id"], "return_for_rework", {"reason": "补充被投诉方说明"})
    assert detail["case"]["state"] == "investigating"


def test_r8_12_correcting_a_clients_complaint_into_a_dispute(people, api, client_authority):
    """R8.12 with intake: a client's 'complaint' is really a dispute: new ZY- number, the
    old one kept as an alias."""
    office = api(people.office)
    case = register(office, submitter_name="王五", submitter_organization=client_authority.pk)
    sign(office, case["id"])
    detail = step(office, case["id"], "correct_kind", {"kind": "dispute", "reason": "更正"})
    assert detail["case"]["number"].startswith("ZY-")
    assert detail["aliases"] == [case["number"]]


def test_x2_office_refers_to_committee_when_no_head_is_eligible(people, api, engagement):
    """X2: both heads signed the engagement's report: the office refers the case."""
    engagement.report_signers.add(people.head, people.deputy_head)
    office = api(people.office)
    case = register(office, submitter_name="张三", submitter_phone="138",
                    engagement=engagement.pk)
    sign(office, case["id"])
    detail = step(office, case["id"], "refer_no_eligible")
    assert detail["case"]["state"] == "committee"


def test_r7_06_overdue_implementation_report_over_http(people, api):
    """R7.06: past the plan's date QA records the report overdue: a new cycle starts."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    qa, handler, qm = api(people.office_2), api(people.handler), api(people.quality_manager)
    created = ok(qa.post("/api/nonconformities/", {
        "source": "verification_work", "subject": "记录", "description": "记录未归档"},
        format="json"), 201)
    case_id = created["case"]["id"]
    for client in (qa, handler, qm):
        sign(client, case_id)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    step(handler, case_id, "analyse", {
        "method": "free", "analysis": "", "root_cause": "职责不清", "correction": "补齐",
        "corrective_action": "修订制度", "report_due_on": due})
    step(qm, case_id, "sign_off_plan")
    step(qa, case_id, "assign_task",
         {"owner": people.handler.pk, "description": "补齐", "working_days": 2})
    refused(qa.post(f"/api/cases/{case_id}/transitions/record_overdue/", {}, format="json"),
            409, "R7.06")
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        detail = step(qa, case_id, "record_overdue")
    assert detail["case"]["state"] == "open"
    assert [c["conclusion"] for c in detail["cycles"]] == ["overdue", ""]
