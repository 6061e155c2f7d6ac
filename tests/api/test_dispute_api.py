"""The dispute workflow over HTTP alone (R8.12, X7): the client organization is created
through the API, and the dispute goes from consultation through escalation."""

import pytest
from django.utils import timezone

from tests.api.steps import attempt, events, ok, refused, sign, step, transitions

pytestmark = pytest.mark.django_db

CREDIT_CODE = "91110000600037341L"


def client_organization(office):
    return ok(office.post("/api/organizations/", {
        "name": "某市生态环境局", "credit_code": CREDIT_CODE, "kind": "client_authority"},
        format="json"), 201)


def file_dispute(office, organization_id, *, scope="d"):
    return office.post("/api/cases/", {
        "kind": "dispute", "subject": "核查费用争议", "description": "对核查工作量有异议。",
        "scope": scope, "channel": "letter", "received_at": timezone.now().isoformat(),
        "submitter_name": "王五", "submitter_organization": organization_id,
        "submitter_email": "wangwu@example.cn"}, format="json")


def accepted_dispute(people, api, *, scope="d"):
    office = api(people.office)
    organization = client_organization(office)
    created = ok(file_dispute(office, organization["id"], scope=scope), 201)
    case_id = created["case"]["id"]
    for who in (people.office, people.head, people.quality_manager, people.general_manager):
        sign(api(who), case_id)
    step(api(people.head), case_id, "accept", {"action_to_take": "协商答复"})
    return case_id


def test_r8_12_client_organization_is_created_over_http_with_a_valid_credit_code(people, api):
    """R8.12: the client is an organization; the office records it with a valid unified
    social credit code (an invalid one is a 400 on the field), a verifier may not (403)."""
    office = api(people.office)
    body = refused(office.post("/api/organizations/", {
        "name": "某市生态环境局", "credit_code": "91110000600037341X",
        "kind": "client_authority"}, format="json"), 400)
    assert "credit_code" in body["errors"]
    assert api(people.hu_wei).post("/api/organizations/", {
        "name": "某市生态环境局", "credit_code": CREDIT_CODE, "kind": "client_authority"},
        format="json").status_code == 403
    organization = client_organization(office)
    assert organization["credit_code"] == CREDIT_CODE
    assert organization["kind"] == "client_authority"
    assert ok(office.get(f"/api/organizations/{organization['id']}/"))["name"] == "某市生态环境局"
    # The same credit code twice is refused on the field.
    body = refused(office.post("/api/organizations/", {
        "name": "重复", "credit_code": CREDIT_CODE, "kind": "client_authority"},
        format="json"), 400)
    assert "credit_code" in body["errors"]


def test_r8_12_a_dispute_without_a_client_organization_is_refused(people, api):
    """R8.12: a dispute is between a client and the body: no organization, 400 naming
    R8.12 on the payload's `submitter_organization` field, and nothing saved."""
    office = api(people.office)
    body = refused(file_dispute(office, None), 400, "R8.12")
    assert "submitter_organization" in body["errors"]
    assert ok(office.get("/api/cases/"))["count"] == 0


def test_r8_12_dispute_answered_then_head_then_quality_manager_resolves(people, api):
    """R8.12: the office answers (a written answer notice); without agreement it refers to
    the department head, who refers to the quality manager, who resolves; closed. Nobody
    skips a level, and each level is the only one that may take its step."""
    case_id = accepted_dispute(people, api)
    office, head, qm = api(people.office), api(people.head), api(people.quality_manager)
    refused(attempt(head, case_id, "answer", {"answer": "解释"}), 403, "R8.12")
    refused(attempt(office, case_id, "answer", {"answer": " "}), 400)
    detail = step(office, case_id, "answer", {"answer": "工作量依据合同附件计算"})
    assert detail["case"]["state"] == "answered"
    assert [n["kind"] for n in detail["notices"]] == ["acceptance", "dispute_answer"]

    # The office cannot skip the head.
    refused(attempt(office, case_id, "refer_quality_manager", {"reason": "不接受"}), 409,
            "R8.12")
    detail = step(office, case_id, "refer_department_head", {"reason": "委托方不接受答复"})
    assert detail["case"]["state"] == "with_department_head"
    assert set(transitions(head, case_id)) >= {"refer_quality_manager", "resolve"}
    refused(attempt(office, case_id, "refer_quality_manager", {"reason": "x"}), 403, "R8.12")
    detail = step(head, case_id, "refer_quality_manager", {"reason": "仍未达成一致"})
    assert detail["case"]["state"] == "with_quality_manager"
    # At the quality manager's level the head no longer resolves.
    refused(attempt(head, case_id, "resolve", {"outcome": "处理意见"}), 403, "R8.12")
    assert "resolve" in transitions(qm, case_id)
    detail = step(qm, case_id, "resolve", {"outcome": "退还部分费用"})
    assert detail["case"]["state"] == "closed"
    assert detail["case"]["outcome"] == "退还部分费用"
    assert detail["case"]["impartiality_related"] is False
    assert events(detail)[-4:] == ["referred_department_head", "referred_quality_manager",
                                   "resolved", "archived"]
    assert detail["case"]["archive_number"] == detail["case"]["number"]


def test_r8_12_x7_impartiality_related_dispute_needs_the_general_managers_approval(people,
                                                                                   api):
    """R8.12, X7: a dispute of scope (b) is impartiality-related: the agreement recorded
    by the office waits for the general manager, whom the quality manager cannot replace;
    the general manager's approval closes it."""
    case_id = accepted_dispute(people, api, scope="b")
    office, gm = api(people.office), api(people.general_manager)
    step(office, case_id, "answer", {"answer": "核查组独立性说明"})
    detail = step(office, case_id, "record_agreement", {"agreement": "双方同意复核"})
    assert detail["case"]["state"] == "pending_gm_approval"
    assert detail["case"]["closed_at"] is None
    refused(attempt(api(people.quality_manager), case_id, "gm_approve"), 403, "R8.12")
    refused(attempt(api(people.head), case_id, "gm_approve"), 403, "R8.12")
    assert "gm_approve" in transitions(gm, case_id)
    detail = step(gm, case_id, "gm_approve")
    assert detail["case"]["state"] == "closed"
    assert detail["case"]["outcome"] == "双方同意复核"
    assert events(detail)[-3:] == ["agreed", "gm_approved", "archived"]


def test_x7_head_marks_a_dispute_impartiality_related_and_the_office_cannot(people, api):
    """X7: the office (which handles disputes) may not mark the outcome impartiality-
    related; the head may, and from then on the agreement waits for the general manager;
    no step unmarks it."""
    case_id = accepted_dispute(people, api)
    office, head = api(people.office), api(people.head)
    refused(attempt(office, case_id, "mark_impartiality_related", {"reason": "x"}), 403, "X7")
    detail = step(head, case_id, "mark_impartiality_related", {"reason": "涉及核查组独立性"})
    assert detail["case"]["impartiality_related"] is True
    assert detail["case"]["state"] == "accepted"
    assert not any("unmark" in name for name in transitions(head, case_id))
    step(office, case_id, "answer", {"answer": "解释"})
    detail = step(office, case_id, "record_agreement", {"agreement": "同意"})
    assert detail["case"]["state"] == "pending_gm_approval"


def test_r8_12_general_manager_may_send_an_impartiality_outcome_to_the_committee(people,
                                                                                  api):
    """R8.12: where necessary the impartiality-related outcome goes to the committee
    (the general manager's step), and it shows in the members' queue."""
    case_id = accepted_dispute(people, api, scope="b")
    office, head, gm = api(people.office), api(people.head), api(people.general_manager)
    step(office, case_id, "answer", {"answer": "解释"})
    step(office, case_id, "refer_department_head", {"reason": "不接受"})
    detail = step(head, case_id, "resolve", {"outcome": "意见"})
    assert detail["case"]["state"] == "pending_gm_approval"
    refused(attempt(head, case_id, "refer_committee", {"reason": "x"}), 403, "R8.12")
    detail = step(gm, case_id, "refer_committee", {"reason": "涉及公正性"})
    assert detail["case"]["state"] == "committee"
    queue = ok(api(people.members[0]).get("/api/committee/queue/"))
    assert [c["id"] for c in queue["results"]] == [case_id]


def test_r8_12_nothing_is_answered_before_acceptance(people, api):
    """R8.12 with R8.03: the office's answer before the acceptance decision is a 409."""
    office = api(people.office)
    organization = client_organization(office)
    case_id = ok(file_dispute(office, organization["id"]), 201)["case"]["id"]
    sign(office, case_id)
    refused(attempt(office, case_id, "answer", {"answer": "解释"}), 409, "R8.12")
