"""The complaint workflow over HTTP alone (after the staff accounts exist)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caseflow.models import CaseEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ok(response, code=200):
    assert response.status_code == code, (response.status_code, response.content[:500])
    return response.json() if response["Content-Type"].startswith("application/json") else response


def sign(client, case_id):
    return ok(client.post("/api/declarations/", {"kind": "case", "case": case_id},
                          format="json"), 201)


def step(client, case_id, name, payload=None, fmt="json", code=200):
    return ok(client.post(f"/api/cases/{case_id}/transitions/{name}/", payload or {},
                          format=fmt), code)


def test_r8_07_complaint_end_to_end_over_http(people, api):
    """R8.03–R8.07 over HTTP: intake by the office, acceptance, assignment, evaluation,
    findings with evidence from both sides, proposal, review, approval, final notice sent;
    the notice and dossier download."""
    office, head, handler, qm = (api(people.office), api(people.head), api(people.handler),
                                 api(people.quality_manager))
    created = ok(office.post("/api/cases/", {
        "kind": "complaint", "subject": "核查报告数据有误", "description": "排放量计算有误。",
        "scope": "a", "channel": "email", "received_at": timezone.now().isoformat(),
        "submitter_name": "张三", "submitter_email": "zhangsan@example.cn"}, format="json"), 201)
    case_id = created["case"]["id"]
    assert created["case"]["number"].startswith("TS-")
    assert created["case"]["deadline_kind"] == "rule"
    assert created["submitter"]["name"] == "***"
    for client in (office, head, handler, qm):
        sign(client, case_id)

    assert "accept" in ok(head.get(f"/api/cases/{case_id}/transitions/"))["transitions"]
    step(head, case_id, "accept", {"action_to_take": "调查核实"})
    step(head, case_id, "assign", {"handler": people.handler.pk})
    step(handler, case_id, "evaluate", {"valid": True, "reasoning": "材料充分"})
    for side in ("submitter", "respondent"):
        step(handler, case_id, "record_finding", {
            "side": side, "text": "记录", "method": "on_site",
            "evidence": SimpleUploadedFile("evidence.txt", PDF)}, fmt="multipart")
    step(handler, case_id, "propose", {"outcome": "投诉属实，重新核查", "substantiated": True})
    step(head, case_id, "review", {})
    detail = step(qm, case_id, "approve")
    assert detail["case"]["state"] == "approved"
    final = [n for n in detail["notices"] if n["kind"] == "complaint_result"][0]
    detail = step(office, case_id, "send_final_notice",
                  {"channel": "email", "email_message_id": "<final@cec>"})
    assert detail["case"]["state"] == "closed"
    assert detail["case"]["archive_number"] == detail["case"]["number"]

    # The office may open the notice (it names the submitter); each opening is recorded.
    pdf = ok(office.get(f"/api/cases/{case_id}/notices/{final['id']}/file/"))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    evidence = detail["findings"][0]
    assert evidence["has_evidence"]
    ok(office.get(f"/api/cases/{case_id}/findings/{evidence['id']}/evidence/"))
    assert CaseEvent.objects.filter(case_id=case_id, action="file_opened").count() == 2
    # The quality manager does not see submitters: the file is closed to her.
    response = qm.get(f"/api/cases/{case_id}/notices/{final['id']}/file/")
    assert response.status_code == 403 and response.json()["rule"] == "R8.13"

    dossier = ok(office.get(f"/api/cases/{case_id}/dossier/"))
    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    assert names[0].startswith("01-调查证据") and names[-1].endswith("案件记录.csv")


def test_r8_13_reveal_over_http_is_recorded(people, api):
    """R8.13: the office reveals the submitter (recorded); the handler gets '***'."""
    office = api(people.office)
    created = ok(office.post("/api/cases/", {
        "kind": "complaint", "subject": "s", "description": "d", "scope": "c",
        "channel": "phone", "received_at": timezone.now().isoformat(),
        "submitter_name": "张三", "submitter_phone": "13800000000"}, format="json"), 201)
    case = created["case"]
    sign(office, case["id"])
    shown = ok(office.post(f"/api/cases/{case['id']}/parties/{case['submitter']}/reveal/"))
    assert shown == {"name": "张三", "organization": "", "email": "", "phone": "13800000000",
                     "address": "", "redacted": False}
    assert CaseEvent.objects.filter(case_id=case["id"], action="identity_revealed").count() == 1
