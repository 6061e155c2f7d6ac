"""Corrective and preventive actions and document control over HTTP alone (R7.02–R7.08).

Setup gives Qian Yu the quality-assurance role (configuration data); everything else goes
through the API."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.models import Role, RoleAssignment
from caseflow.workdays import CHINA
from tests.api.steps import PDF, attempt, events, ok, pdf, refused, sign, step, transitions

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):
    """Qian Yu, besides the office, works in quality assurance here."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    return people


def in_days(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def open_nonconformity(people, api, *, severity="normal"):
    """Quality assurance records a nonconformity found in verification work; the people
    who will work on it sign their per-case commitments."""
    qa = api(people.office_2)
    created = ok(qa.post("/api/nonconformities/", {
        "source": "verification_work", "subject": "核查记录未归档",
        "description": "2025年第一批核查记录未按要求归档。", "severity": severity},
        format="json"), 201)
    case_id = created["case"]["id"]
    for who in (people.office_2, people.handler, people.quality_manager, people.head,
                people.general_manager):
        sign(api(who), case_id)
    return case_id, created


def analyse(client, case_id, **overrides):
    return step(client, case_id, "analyse", {
        "method": "five_whys", "analysis": "为什么1…为什么5", "root_cause": "归档职责不清",
        "correction": "补齐记录", "corrective_action": "修订档案管理制度",
        "report_due_on": in_days(30), **overrides})


def run_cycle(people, api, case_id, *, effective, task="补齐2025年第一批核查记录"):
    """One cycle: analysed by the responsible post, signed off by the quality manager,
    a task assigned by QA, the report submitted with a PDF, verified by QA."""
    handler, qm, qa = api(people.handler), api(people.quality_manager), api(people.office_2)
    analyse(handler, case_id)
    step(qm, case_id, "sign_off_plan")
    step(qa, case_id, "assign_task",
         {"owner": people.handler.pk, "description": task, "working_days": 10})
    step(handler, case_id, "submit_report",
         {"report": "已完成整改", "report_file": pdf("实施报告.pdf")}, fmt="multipart")
    return step(qa, case_id, "verify", {
        "effective": effective,
        "reason": "抽查10份记录均已归档" if effective else "抽查仍有3份记录缺失"})


def test_r7_02_responsible_post_analyses_and_the_quality_manager_signs_off(people, api):
    """R7.01, R7.02: recorded by QA (not by a verifier), owned by the project office (its
    source); only the responsible post analyses, the plan needs a root cause, and only the
    quality manager signs it off."""
    refused(api(people.hu_wei).post("/api/nonconformities/", {
        "source": "verification_work", "subject": "s", "description": "d"}, format="json"),
        403, "R7.01")
    case_id, created = open_nonconformity(people, api)
    case = created["case"]
    assert case["number"].startswith("BFH-") and case["state"] == "open"
    assert case["kind"] == "nonconformity"
    assert case["nonconformity"] == {"source": "verification_work", "severity": "normal",
                                     "responsible_role": "project_office"}
    assert [c["number"] for c in created["cycles"]] == [1]
    handler, qm, head = api(people.handler), api(people.quality_manager), api(people.head)

    assert "analyse" in transitions(handler, case_id)
    assert "analyse" not in transitions(api(people.office), case_id)
    refused(attempt(api(people.office), case_id, "analyse", {
        "method": "free", "root_cause": "x", "correction": "y", "corrective_action": "z",
        "report_due_on": in_days(30)}), 403, "R7.02")
    body = refused(attempt(handler, case_id, "analyse", {
        "method": "free", "root_cause": "", "correction": "y", "corrective_action": "z",
        "report_due_on": in_days(30)}), 400)
    assert "root_cause" in body["errors"]
    body = refused(attempt(handler, case_id, "analyse", {
        "method": "free", "root_cause": "x", "correction": "y", "corrective_action": "z",
        "report_due_on": in_days(-1)}), 400)
    assert "report_due_on" in body["errors"]
    detail = analyse(handler, case_id)
    assert detail["case"]["state"] == "analysed"
    assert detail["cycles"][0]["root_cause"] == "归档职责不清"
    assert detail["cycles"][0]["analysed_by"] == people.handler.pk

    refused(attempt(head, case_id, "sign_off_plan"), 403, "R7.02")
    detail = step(qm, case_id, "sign_off_plan")
    assert detail["case"]["state"] == "plan_approved"
    assert detail["cycles"][0]["plan_signed_off_by"] == people.quality_manager.pk


def test_r7_02_the_quality_manager_may_return_the_plan(people, api):
    """R7.02: the quality manager supervises the plan: returned with a reason, it is
    analysed again."""
    case_id, _ = open_nonconformity(people, api)
    handler, qm = api(people.handler), api(people.quality_manager)
    analyse(handler, case_id)
    refused(attempt(qm, case_id, "return_plan", {"reason": ""}), 400)
    detail = step(qm, case_id, "return_plan", {"reason": "纠正措施不具体"})
    assert detail["case"]["state"] == "open"
    assert analyse(handler, case_id, corrective_action="修订制度并培训")["case"]["state"] == (
        "analysed")


def test_r7_05_qa_assigns_tasks_owners_see_theirs_and_record_progress(people, api):
    """R7.05: only quality assurance assigns rectification tasks; the owner finds them in
    GET /api/tasks/ and records progress; others neither see nor touch them."""
    case_id, _ = open_nonconformity(people, api)
    handler, qm, qa = api(people.handler), api(people.quality_manager), api(people.office_2)
    analyse(handler, case_id)
    step(qm, case_id, "sign_off_plan")
    task = {"owner": people.handler.pk, "description": "补齐记录", "working_days": 10}
    refused(attempt(api(people.head), case_id, "assign_task", task), 403, "R7.05")
    # Nobody without this case's commitment can own a task (R9.01).
    refused(attempt(qa, case_id, "assign_task", {**task, "owner": people.hu_wei.pk}), 403,
            "R9.01")
    detail = step(qa, case_id, "assign_task", task)
    assert detail["case"]["state"] == "implementing"
    assert "task_assigned" in events(detail)

    [mine] = ok(handler.get("/api/tasks/"))["results"]
    assert (mine["case"], mine["cycle"], mine["owner"]) == (case_id, 1, people.handler.pk)
    assert mine["assigned_by"] == people.office_2.pk and mine["done_at"] is None
    assert dt.datetime.fromisoformat(mine["due_at"]) > timezone.now()
    assert ok(api(people.hu_wei).get("/api/tasks/"))["results"] == []
    assert [t["id"] for t in ok(qa.get("/api/tasks/"))["results"]] == [mine["id"]]

    url = f"/api/tasks/{mine['id']}/progress/"
    assert api(people.hu_wei).post(url, {"note": "x"}, format="json").status_code == 404
    refused(qa.post(url, {"note": "代记"}, format="json"), 403, "R7.05")  # not the owner
    progressed = ok(handler.post(url, {"note": "已补齐一半"}, format="json"), 201)
    assert [p["note"] for p in progressed["progress"]] == ["已补齐一半"]
    done = ok(handler.post(url, {"note": "全部补齐", "done": True}, format="json"), 201)
    assert done["done_at"] and len(done["progress"]) == 2
    refused(handler.post(url, {"note": "再记"}, format="json"), 409, "R7.05")


def test_r7_06_not_effective_starts_a_new_cycle_until_effective_then_confirmed(people,
                                                                                  api):
    """R7.06: the implementer submits the report (with its PDF); QA verifies with a
    specific reason; not effective → a new numbered cycle analysed again; effective → the
    department head confirms and the nonconformity closes."""
    case_id, _ = open_nonconformity(people, api)
    qa, head = api(people.office_2), api(people.head)
    detail = run_cycle(people, api, case_id, effective=False)
    assert detail["case"]["state"] == "open"
    assert [c["number"] for c in detail["cycles"]] == [1, 2]
    first = detail["cycles"][0]
    assert first["conclusion"] == "not_effective"
    assert first["conclusion_reason"] == "抽查仍有3份记录缺失"
    assert first["verified_by"] == people.office_2.pk and first["report"] == "已完成整改"
    assert "verified_not_effective" in events(detail)

    # The second cycle: the report must carry a specific conclusion reason.
    handler, qm = api(people.handler), api(people.quality_manager)
    analyse(handler, case_id, root_cause="培训不足")
    step(qm, case_id, "sign_off_plan")
    step(qa, case_id, "assign_task",
         {"owner": people.handler.pk, "description": "培训", "working_days": 5})
    refused(attempt(head, case_id, "verify", {"effective": True, "reason": "ok"}), 409,
            "R7.06")  # nothing reported yet
    body = refused(attempt(handler, case_id, "submit_report", {"report": ""}), 400)
    assert "report" in body["errors"]
    detail = step(handler, case_id, "submit_report",
                  {"report": "已培训", "report_file": pdf("报告2.pdf")}, fmt="multipart")
    assert detail["case"]["state"] == "reported"
    refused(attempt(head, case_id, "verify", {"effective": True, "reason": "ok"}), 403,
            "R7.06")
    refused(attempt(qa, case_id, "verify", {"effective": True, "reason": ""}), 400)
    detail = step(qa, case_id, "verify", {"effective": True, "reason": "复查全部合格"})
    assert detail["case"]["state"] == "verified"
    assert detail["cycles"][1]["conclusion"] == "effective"

    refused(attempt(qa, case_id, "confirm"), 403, "R7.06")
    detail = step(head, case_id, "confirm")
    assert detail["case"]["state"] == "closed" and detail["case"]["closed_at"]
    assert detail["cycles"][1]["confirmed_by"] == people.head.pk
    assert [c["conclusion"] for c in detail["cycles"]] == ["not_effective", "effective"]
    # Both implementation reports are in the archived dossier (R10.05).
    import io
    import zipfile

    dossier = ok(api(people.office).get(f"/api/cases/{case_id}/dossier/"))
    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    assert [n for n in names if "实施报告" in n] == [
        "01-纠正措施实施报告（第1轮）.pdf", "02-纠正措施实施报告（第2轮）.pdf"]


def test_r7_08_a_serious_nonconformity_closes_only_after_its_review_is_approved(people,
                                                                                 api):
    """R7.08: written under the department head, checked by the quality manager, approved
    by the general manager, each in turn; until then the head cannot confirm (409)."""
    case_id, _ = open_nonconformity(people, api, severity="serious")
    head, qm, gm = api(people.head), api(people.quality_manager), api(people.general_manager)
    run_cycle(people, api, case_id, effective=True)
    refused(attempt(head, case_id, "confirm"), 409, "R7.08")
    refused(attempt(gm, case_id, "approve_serious_review"), 409, "R7.08")
    step(head, case_id, "write_serious_review", {"text": "可能导致核查结论失实，已评审。"})
    refused(attempt(head, case_id, "check_serious_review"), 403, "R7.08")
    refused(attempt(gm, case_id, "approve_serious_review"), 409, "R7.08")
    step(qm, case_id, "check_serious_review")
    detail = step(gm, case_id, "approve_serious_review")
    assert events(detail)[-3:] == ["serious_review_written", "serious_review_checked",
                                   "serious_review_approved"]
    assert step(head, case_id, "confirm")["case"]["state"] == "closed"


def test_r7_04_internal_inspections_are_listed_and_completed_by_qa(people, api):
    """R7.04: the nonconformity opened its internal inspection; a recorded deviation opens
    another; QA lists and completes them with findings (once), others cannot."""
    case_id, created = open_nonconformity(people, api)
    qa, head, handler = api(people.office_2), api(people.head), api(people.handler)
    [inspection] = ok(qa.get("/api/inspections/"))["results"]
    assert inspection["nonconformity"] is not None and inspection["completed_at"] is None
    assert dt.datetime.fromisoformat(inspection["target_at"]) > timezone.now()
    assert ok(handler.get("/api/inspections/"))["results"] == []
    refused(handler.post("/api/inspections/", {"description": "x"}, format="json"), 403,
            "R7.04")
    deviation = ok(head.post("/api/inspections/", {"description": "未按程序评审合同"},
                             format="json"), 201)
    assert deviation["deviation"] == "未按程序评审合同" and deviation["nonconformity"] is None
    assert len(ok(qa.get("/api/inspections/"))["results"]) == 2

    url = f"/api/inspections/{deviation['id']}/complete/"
    assert handler.post(url, {"findings": "x"}, format="json").status_code == 404
    refused(head.post(url, {"findings": "已核查"}, format="json"), 403, "R7.04")
    done = ok(qa.post(url, {"findings": "已核查，合同评审记录补齐"}, format="json"))
    assert done["completed_by"] == people.office_2.pk and done["completed_at"]
    refused(qa.post(url, {"findings": "再次"}, format="json"), 409, "R7.04")


def test_r7_03_preventive_actions_proposed_approved_and_carried_out(people, api):
    """R7.03, R7.09: the head proposes a measure rated by risk, the quality manager
    approves it (the drafter may not), the head carries it out. One touching impartiality
    or resources is drafted by the quality manager and approved by the general manager."""
    head, qm, gm = api(people.head), api(people.quality_manager), api(people.general_manager)
    plan = {"origin": "evaluation", "potential_problem": "新核查员不熟悉程序",
            "risk": "medium", "plan": "岗前培训与考核"}
    refused(api(people.handler).post("/api/preventive-actions/", plan, format="json"), 403,
            "R7.03")
    proposed = ok(head.post("/api/preventive-actions/", plan, format="json"), 201)
    assert proposed["state"] == "proposed" and proposed["drafted_by"] == people.head.pk
    url = f"/api/preventive-actions/{proposed['id']}/"
    refused(head.post(url + "complete/", {"outcome": "x"}, format="json"), 409, "R7.03")
    refused(gm.post(url + "approve/"), 403, "R7.03")  # the quality manager's to approve
    approved = ok(qm.post(url + "approve/"))
    assert approved["state"] == "approved" and approved["approved_by"] == (
        people.quality_manager.pk)
    refused(qm.post(url + "approve/"), 409, "R7.03")
    refused(qm.post(url + "complete/", {"outcome": "x"}, format="json"), 403, "R7.03")
    done = ok(head.post(url + "complete/", {"outcome": "已培训5人"}, format="json"))
    assert done["state"] == "done" and done["outcome"] == "已培训5人"

    touching = {**plan, "touches_impartiality_or_resources": True, "risk": "high",
                "potential_problem": "核查员兼职咨询"}
    refused(head.post("/api/preventive-actions/", touching, format="json"), 403, "R7.03")
    drafted = ok(qm.post("/api/preventive-actions/", touching, format="json"), 201)
    url = f"/api/preventive-actions/{drafted['id']}/"
    refused(qm.post(url + "approve/"), 403, "R7.03")
    assert ok(gm.post(url + "approve/"))["approved_by"] == people.general_manager.pk
    listed = ok(head.get("/api/preventive-actions/?risk=high"))["results"]
    assert [p["id"] for p in listed] == [drafted["id"]]


def test_r7_07_document_change_control_numbers_a0_then_a1_then_b0(people, api):
    """R7.07: QA registers CEC-0005D-A/0; a change request from a corrective action is
    approved by the quality manager (a procedure) — not the general manager, not the
    requester — and applied by QA: A/1, the superseded A/0 withdrawn and obsolete; a
    re-issue starts B/0; the quality manual's changes are the general manager's."""
    case_id, _ = open_nonconformity(people, api)
    qa, qm, gm = api(people.office_2), api(people.quality_manager), api(people.general_manager)
    handler = api(people.handler)
    register = {"sequence": 5, "title": "申诉、投诉及争议处理程序", "kind": "procedure",
                "file": pdf("程序.pdf")}
    refused(api(people.head).post("/api/documents/", register, format="multipart"), 403,
            "R7.07")
    document = ok(qa.post("/api/documents/", {**register, "file": pdf("程序.pdf")},
                          format="multipart"), 201)
    assert [r["number"] for r in document["revisions"]] == ["CEC-0005D-A/0"]
    body = refused(qa.post("/api/documents/", {**register, "file": pdf("again.pdf")},
                           format="multipart"), 400, "R7.07")
    assert "sequence" in body["errors"]

    change = ok(handler.post(f"/api/documents/{document['id']}/change-requests/", {
        "description": "增加归档职责条款", "nonconformity_case": case_id}, format="json"), 201)
    assert change["state"] == "requested" and change["requested_by"] == people.handler.pk
    decide = f"/api/change-requests/{change['id']}/decide/"
    apply = f"/api/change-requests/{change['id']}/apply/"
    refused(qa.post(apply), 409, "R7.07")  # not approved yet
    refused(gm.post(decide, {"approve": True}, format="json"), 403, "R7.07")
    decided = ok(qm.post(decide, {"approve": True}, format="json"))
    assert decided["state"] == "approved" and decided["decided_by"] == (
        people.quality_manager.pk)
    refused(qm.post(decide, {"approve": True}, format="json"), 409, "R7.07")
    refused(handler.post(apply), 403, "R7.07")
    revision = ok(qa.post(apply, {"file": pdf("程序A1.pdf")}, format="multipart"))
    assert revision["number"] == "CEC-0005D-A/1" and revision["obsolete"] is False
    refused(qa.post(apply), 409, "R7.07")

    current = ok(qa.get(f"/api/documents/{document['id']}/"))
    by_number = {r["number"]: r for r in current["revisions"]}
    assert set(by_number) == {"CEC-0005D-A/0", "CEC-0005D-A/1"}
    assert by_number["CEC-0005D-A/0"]["obsolete"] is True
    assert by_number["CEC-0005D-A/0"]["withdrawn_at"]
    download = ok(qa.get(f"/api/documents/{document['id']}/revisions/{revision['id']}/file/"))
    assert b"".join(download.streaming_content) == PDF
    assert "CEC-0005D-A_1" in download["Content-Disposition"]
    assert [c["state"] for c in ok(qa.get("/api/change-requests/"))["results"]] == ["applied"]

    reissue = ok(handler.post(f"/api/documents/{document['id']}/change-requests/", {
        "description": "全面改版", "reissue": True}, format="json"), 201)
    # Nobody approves their own request, even holding the approving role.
    own = ok(qm.post(f"/api/documents/{document['id']}/change-requests/", {
        "description": "自提"}, format="json"), 201)
    refused(qm.post(f"/api/change-requests/{own['id']}/decide/", {"approve": True},
                    format="json"), 403, "X3")
    body = refused(qm.post(f"/api/change-requests/{reissue['id']}/decide/",
                           {"approve": False}, format="json"), 400)
    assert "reason" in body["errors"]
    ok(qm.post(f"/api/change-requests/{reissue['id']}/decide/", {"approve": True},
               format="json"))
    assert ok(qa.post(f"/api/change-requests/{reissue['id']}/apply/"))["number"] == (
        "CEC-0005D-B/0")

    manual = ok(qa.post("/api/documents/", {"sequence": 1, "title": "质量手册",
                                            "kind": "quality_manual"}, format="multipart"), 201)
    assert manual["revisions"][0]["number"] == "CEC-0001D-A/0"
    change = ok(handler.post(f"/api/documents/{manual['id']}/change-requests/", {
        "description": "修订"}, format="json"), 201)
    refused(qm.post(f"/api/change-requests/{change['id']}/decide/", {"approve": True},
                    format="json"), 403, "R7.07")
    assert ok(gm.post(f"/api/change-requests/{change['id']}/decide/", {"approve": True},
                      format="json"))["state"] == "approved"


def test_w3_task_due_dates_and_inspection_targets_show_when_they_are_provisional(people,
                                                                                 api):
    """W3: on 2026-12-21 a 10-working-day task and the nonconformity's 20-working-day
    inspection both end in 2027 (no official schedule): the task and inspection lists
    say they are provisional. QA enters New Year's Day 2027 and marks the year complete:
    both lists show the dates moved a day and firm, the case file the events."""
    from tests.personas import clock_at

    with clock_at(people, dt.datetime(2026, 12, 21, 10, 0, tzinfo=CHINA)):
        case_id, _ = open_nonconformity(people, api)
        handler, qm, qa = api(people.handler), api(people.quality_manager), api(people.office_2)
        analyse(handler, case_id, report_due_on="2027-02-26")
        step(qm, case_id, "sign_off_plan")
        step(qa, case_id, "assign_task",
             {"owner": people.handler.pk, "description": "补齐记录", "working_days": 10})
        [task] = ok(handler.get("/api/tasks/"))["results"]
        assert (task["due_at"], task["due_provisional"], task["due_working_days"]) == (
            "2027-01-04T23:59:59+08:00", True, 10)
        [inspection] = ok(qa.get("/api/inspections/"))["results"]
        assert (inspection["target_at"], inspection["target_provisional"]) == (
            "2027-01-18T23:59:59+08:00", True)

        ok(qa.post("/api/calendar/overrides/",
                   {"date": "2027-01-01", "kind": "holiday", "note": "元旦"}, format="json"),
           201)
        ok(qa.post("/api/calendar/years/2027/complete/"))
        [task] = ok(handler.get("/api/tasks/"))["results"]
        assert (task["due_at"], task["due_provisional"]) == ("2027-01-05T23:59:59+08:00", False)
        [inspection] = ok(qa.get("/api/inspections/"))["results"]
        assert (inspection["target_at"], inspection["target_provisional"]) == (
            "2027-01-19T23:59:59+08:00", False)
        detail = ok(qa.get(f"/api/cases/{case_id}/"))
        assert events(detail).count("task_due_recomputed") == 2
        assert events(detail).count("inspection_target_recomputed") == 2
