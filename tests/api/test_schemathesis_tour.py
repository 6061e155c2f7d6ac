"""A scripted tour of the API on the demo data, one test per area: every request is built
by schemathesis from a documented operation (by its operationId), called in-process
through the WSGI app as a demo persona with a real token, its response checked by
schemathesis against the schema (no 5xx, nothing outside the schema, authentication
enforced), and required to be a 2xx.

The fuzzer (tests/api/test_schemathesis.py) cannot reach the workflow steps that depend
on a case's state; these tours walk each workflow to the letter of its rules instead.
The last test checks that the tours together answered every operation the schema
documents. Deterministic, so it runs in every CI pass (no `schemathesis` marker).
"""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from caseflow.actions.reminders import reminders_sweep
from caseflow.models import Case, Notification
from caseflow.workdays import CHINA
from tests.api.demo_api import headers, schema
from tests.api.steps import PDF

pytestmark = [pytest.mark.django_db]

# All of schemathesis's default checks. `positive_data_acceptance` and
# `negative_data_rejection` judge generated data by its generation mode: these requests
# are built by hand (no mode), so those two pass over them; the tour requires a 2xx
# itself, and the fuzzing module holds the API to both.
EXCLUDED_CHECKS = []


class Tour:
    """Calls documented operations as the demo personas (None: nobody signed in)."""

    def __init__(self, keys):
        self.tokens = keys  # {username: token key}
        self.called: set[str] = set()  # operationIds answered 2xx

    def call(self, persona, operation_id, *, body=None, query=None, multipart=False,
             **path_parameters):
        """Build the request from the operation, send it, validate the response against
        the schema, require a 2xx; the parsed JSON (or the response for files)."""
        operation = schema.find_operation_by_id(operation_id)
        payload = {}
        if body is not None:
            payload = {"body": body,
                       "media_type": "multipart/form-data" if multipart else "application/json"}
        case = operation.Case(path_parameters=path_parameters or None, query=query, **payload)
        sent = headers(self.tokens[persona] if persona else None)
        response = case.call(headers=sent)
        case.validate_response(response, headers=sent, excluded_checks=EXCLUDED_CHECKS)
        assert 200 <= response.status_code < 300, (
            persona, operation_id, response.status_code, response.text[:800])
        self.called.add(operation_id)
        content_type = response.headers.get("content-type", [""])[0]
        return response.json() if content_type.startswith("application/json") else response

    def step(self, persona, case_id, name, body=None, *, multipart=False):
        """POST /api/cases/{id}/transitions/<name>/: the case file after the step."""
        return self.call(persona, f"cases_transition_{name}", body=body, multipart=multipart,
                         id=case_id)

    def sign(self, persona, case_id, **extra):
        """R9.01: the per-case commitment, signed before taking part."""
        return self.call(persona, "declarations_create",
                         body={"kind": "case", "case": case_id, **extra})

    def staff_id(self, persona):
        return self.call(persona, "me_retrieve")["id"]

    def find_case(self, persona, **query):
        """The one case the list shows the persona for these filters."""
        [found] = self.call(persona, "cases_list", query=query)["results"]
        return found["id"]

    def register(self, **fields):
        """The office registers a case received by phone today."""
        body = {"kind": "complaint", "description": "来电反映。", "scope": "c",
                "channel": "phone", "received_at": timezone.now().isoformat(), **fields}
        return self.call("office", "cases_create", body=body)["case"]


@pytest.fixture
def tour(tokens, keep_the_test_connection):
    """The demo data and its tokens (tests/api/conftest.py), the connection kept open
    for the in-process calls."""
    return Tour(tokens)


def today(days=0):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def notice(detail, kind):
    [found] = [n for n in detail["notices"] if n["kind"] == kind]
    return found


def first_reminder(case_id, staff_id):
    """The deadline sweep (time-driven: `run_due`) on the morning the case's deadline is
    first reminded; the id of the reminder it queued for `staff_id`."""
    case = Case.objects.get(pk=case_id)
    reminders_sweep(now=case.next_reminder_at)
    return Notification.objects.get(case=case, template="reminder",
                                    recipient_staff_id=staff_id).pk


def complaint_tour(tour):
    """R8.03–R8.07, R8.13, R8.16, X1 on the demo complaint about an emission report: the
    office sees who complained (the reveal is recorded), the head accepts (the office
    records the acceptance notice it emailed the complainant and has the system email it
    to the engagement's client), sets an internal target and assigns the
    project office, which evaluates, hears both sides (evidence attached) and proposes;
    the head returns it once, then reviews; the quality manager approves; the office
    sends the result by registered mail to the complainant and to the engagement's
    client (R8.09) and records its receipt; the notice and the
    evidence open for the office; the head reports the internal problem found. The
    handler acknowledges the first reminder of the investigation's target (issue 12)."""
    project = tour.staff_id("project")
    case_id = tour.find_case("office", kind="complaint", state="received", q="排放量数据")
    case = tour.call("office", "cases_retrieve", id=case_id)["case"]
    assert not tour.call("office", "cases_parties_reveal_create", id=case_id,
                         party_pk=case["submitter"])["redacted"]

    assert "accept" in tour.call("head", "cases_transitions_retrieve",
                                 id=case_id)["transitions"]
    detail = tour.step("head", case_id, "accept", {"action_to_take": "调查核实排放量计算"})
    tour.call("office", "cases_notices_sendings_create", id=case_id,
              notice_pk=notice(detail, "acceptance")["id"],
              body={"channel": "email", "email_message_id": "<accept-1@cec.example.cn>"})
    [to_client] = tour.call("office", "cases_notices_email_create", id=case_id,
                            notice_pk=notice(detail, "acceptance")["id"],
                            body={"recipients": ["client"]})
    assert (to_client["recipient"], to_client["outcome"]) == ("client", "queued")
    tour.step("head", case_id, "set_target", {"step": "investigation", "working_days": 15})
    tour.step("head", case_id, "assign", {"handler": project})
    tour.step("project", case_id, "evaluate", {"valid": True, "reasoning": "材料具体，可核实"})
    acknowledged = tour.call("project", "notifications_acknowledge_create",
                             id=first_reminder(case_id, project))
    assert (acknowledged["subject_kind"], acknowledged["object_id"]) == ("case", case_id)
    tour.step("project", case_id, "record_finding", {
        "side": "submitter", "method": "on_site", "text": "投诉人提供计算表", "evidence": PDF},
        multipart=True)
    tour.step("project", case_id, "record_finding", {"side": "respondent",
                                                     "text": "核查组说明取数依据"})
    tour.step("project", case_id, "propose", {"outcome": "投诉属实", "substantiated": True})
    tour.step("head", case_id, "return_for_rework", {"reason": "写明整改要求"})
    tour.step("project", case_id, "propose", {"outcome": "投诉属实，重新核查并更正报告",
                                              "substantiated": True})
    tour.step("head", case_id, "review", {"note": "同意"})
    result = notice(tour.step("qm", case_id, "approve"), "complaint_result")
    detail = tour.step("office", case_id, "send_final_notice", {
        "channel": "registered_mail", "registered_mail_number": "XA200300400CN",
        "client": {"channel": "registered_mail", "registered_mail_number": "XA200300401CN"}})
    assert detail["case"]["state"] == "closed"
    sending, to_client = notice(detail, "complaint_result")["sendings"]
    assert (sending["recipient"], to_client["recipient"]) == ("submitter", "client")
    tour.call("office", "cases_sendings_receipt_create", id=case_id, sending_pk=sending["id"],
              body={"received_on": today()})

    tour.call("office", "cases_notices_file_retrieve", id=case_id, notice_pk=result["id"])
    evidence = [f for f in detail["findings"] if f["has_evidence"]][0]
    tour.call("office", "cases_findings_evidence_retrieve", id=case_id,
              finding_pk=evidence["id"])
    detail = tour.step("head", case_id, "report_internal_problem", {
        "description": "排放量取数缺少复核", "source": "case_handling"})
    assert "nonconformity" in [c["kind"] for c in detail["linked_cases"]]


def erasure_tour(tour):
    """X8: on the submitter's lawful request the office erases the identity on the demo
    appeal; the erasure is on the case's trail and the identity stays blank even for
    those who could see it."""
    case_id = tour.find_case("office", kind="appeal", state="received")
    submitter = tour.call("office", "cases_retrieve", id=case_id)["case"]["submitter"]
    erased = tour.call("office", "cases_parties_erase_create", id=case_id,
                       party_pk=submitter, body={"reason": "申诉人书面要求删除个人信息"})
    assert erased["redacted"] and erased["email"] == ""
    assert "party_erased" in [e["action"] for e in tour.call(
        "head", "cases_retrieve", id=case_id)["events"]]
    assert tour.call("head", "cases_parties_reveal_create", id=case_id,
                     party_pk=submitter)["name"] == ""


def anonymous_complaint_tour(tour):
    """R8.06, X4: the demo anonymous complaint (found valid) is assigned, investigated,
    proposed, reviewed, approved and closed without reply, no notice at all; a new
    anonymous report that does not hold closes without reply at its evaluation."""
    case_id = tour.find_case("office", kind="complaint", q="匿名反映")
    tour.step("head", case_id, "assign", {"handler": tour.staff_id("project")})
    tour.step("project", case_id, "record_finding", {"side": "respondent",
                                                     "text": "核查员否认收受礼品"})
    tour.step("project", case_id, "propose", {"outcome": "查无实据", "substantiated": False})
    tour.step("head", case_id, "review")
    tour.step("qm", case_id, "approve")
    detail = tour.step("office", case_id, "close_without_reply")
    assert detail["case"]["state"] == "closed" and detail["notices"] == []

    vague = tour.register(subject="匿名来电", anonymous=True, channel="web")
    tour.sign("head", vague["id"])
    detail = tour.step("head", vague["id"], "evaluate_anonymous",
                       {"valid": False, "reasoning": "无具体线索，无法核实"})
    assert detail["case"]["state"] == "closed"


def intake_tour(tour):
    """R8.03, X2 with R8.15 and R9.01: registered cases the office withdraws (the
    submitter withdrew) and merges (a duplicate); one the head rejects; and one about an
    engagement whose report the head signed (recused) while the deputy declared a conflict
    the quality manager prohibits: nobody may decide it, so the office refers it to the
    committee."""
    withdrawn = tour.register(subject="来电投诉", submitter_name="赵六",
                              submitter_phone="13900000000")
    tour.sign("office", withdrawn["id"])
    assert tour.step("office", withdrawn["id"], "withdraw",
                     {"reason": "投诉人来电撤回"})["case"]["state"] == "withdrawn"

    original = tour.find_case("office", kind="complaint", state="received", q="排放量数据")
    duplicate = tour.register(subject="排放量数据有误（重复来电）", submitter_name="张三",
                              submitter_phone="13800000000")
    tour.sign("office", duplicate["id"])
    detail = tour.step("office", duplicate["id"], "merge",
                       {"into": original, "reason": "同一投诉人就同一事项重复来电"})
    assert detail["case"]["merged_into"] == original

    outside = tour.register(subject="咨询业务投诉", submitter_name="钱七",
                            submitter_phone="13700000000")
    tour.sign("head", outside["id"])
    assert tour.step("head", outside["id"], "reject", {
        "reason": "不属于本机构核查工作范围"})["case"]["state"] == "rejected"

    [cement_job] = tour.call("office", "engagements_list",
                             query={"report_number": "JS25A0012"})["results"]
    conflicted = tour.register(subject="对JS25A0012核查报告的投诉", scope="a",
                               submitter_name="孙八", submitter_phone="13600000000",
                               engagement=cement_job["id"])
    tour.sign("office", conflicted["id"])
    tour.sign("head", conflicted["id"])
    declared = tour.sign("deputy", conflicted["id"], potential_conflict="配偶在被核查单位任职")
    tour.call("qm", "declarations_ruling_create", id=declared["id"],
              body={"ruling": "prohibit"})
    detail = tour.step("office", conflicted["id"], "refer_no_eligible")
    assert detail["case"]["state"] == "committee"


def appeal_tour_to_the_committee(tour):
    """R8.08–R8.10, X5, X6: the demo appeal received by letter (its scan opens for the
    office) is accepted, organized, drafted, reviewed, approved and sent by registered
    mail, its receipt recorded; the appellant asks for the committee in the window; two
    members sign and each casts their own vote: the quorum decides (X10). The demo appeal
    already drafted goes through review, approval and sending by email, and the head
    refers the ruling to the committee (R8.10), where it shows in the members' queue."""
    project = tour.staff_id("project")
    case_id = tour.find_case("office", kind="appeal", state="received")
    tour.call("office", "cases_submission_document_retrieve", id=case_id)
    tour.step("head", case_id, "accept", {"action_to_take": "组织复核"})
    tour.step("head", case_id, "organize", {"handler": project})
    tour.step("project", case_id, "draft_ruling", {"ruling": "维持原核查结论"})
    tour.step("head", case_id, "review")
    tour.step("qm", case_id, "approve")
    detail = tour.step("office", case_id, "send_ruling", {
        "channel": "registered_mail", "registered_mail_number": "XA300400500CN",
        "client": {"channel": "registered_mail", "registered_mail_number": "XA300400501CN"}})
    sending, to_client = notice(detail, "appeal_ruling")["sendings"]
    assert (sending["recipient"], to_client["recipient"]) == ("submitter", "client")
    tour.call("office", "cases_sendings_receipt_create", id=case_id, sending_pk=sending["id"],
              body={"received_on": today()})
    tour.step("office", case_id, "request_committee", {
        "requested_at": timezone.now().isoformat(), "reason": "申诉人对复核结论仍有异议"})
    tour.sign("member1", case_id)
    tour.sign("member2", case_id)
    detail = tour.step("member1", case_id, "committee_vote",
                       {"vote": "uphold", "reasoning": "原核查结论依据充分"})
    assert detail["case"]["state"] == "committee"  # one vote of three: no quorum yet
    detail = tour.step("member2", case_id, "committee_vote",
                       {"vote": "uphold", "reasoning": "核查记录完整"})
    assert detail["case"]["state"] == "closed"

    drafted = tour.find_case("office", kind="appeal", state="ruling_drafted")
    tour.step("head", drafted, "review", {"note": "同意"})
    tour.step("qm", drafted, "approve")
    tour.step("office", drafted, "send_ruling",
              {"channel": "email", "email_message_id": "<ruling-2@cec.example.cn>",
               "client": {"channel": "email",
                          "email_message_id": "<ruling-2-client@cec.example.cn>"}})
    tour.step("head", drafted, "refer_committee", {"reason": "涉及核查结论的重大公共利益"})
    queue = tour.call("member3", "committee_queue_list")["results"]
    assert [c["id"] for c in queue] == [drafted]


def dispute_tour(tour):
    """R8.12, X7: the demo dispute with the department head goes to the quality
    manager, who resolves it. A new dispute from the client authority is marked
    impartiality-related by the head, answered, referred to the head, resolved, and
    approved by the general manager. A client's 'complaint' is corrected into the dispute
    it is (a new number), answered, and agreed."""
    escalated = tour.find_case("office", kind="dispute", state="with_department_head")
    tour.step("head", escalated, "refer_quality_manager", {"reason": "部门负责人协调未果"})
    assert tour.step("qm", escalated, "resolve",
                     {"outcome": "按合同附件重新核定工作量"})["case"]["state"] == "closed"

    [authority] = tour.call("office", "organizations_list",
                            query={"credit_code": "11100000000013127D"})["results"]
    dispute = tour.register(kind="dispute", subject="核查组独立性争议", scope="b",
                            channel="letter", submitter_name="王五",
                            submitter_organization=authority["id"])["id"]
    for persona in ("office", "head", "gm"):
        tour.sign(persona, dispute)
    tour.step("head", dispute, "accept", {"action_to_take": "协商答复"})
    tour.step("head", dispute, "mark_impartiality_related", {"reason": "涉及核查组独立性"})
    tour.step("office", dispute, "answer", {"answer": "核查组成员与受核查方无利益关系"})
    tour.step("office", dispute, "refer_department_head", {"reason": "委托方不接受答复"})
    assert tour.step("head", dispute, "resolve", {
        "outcome": "更换核查组复核"})["case"]["state"] == "pending_gm_approval"
    assert tour.step("gm", dispute, "gm_approve")["case"]["state"] == "closed"

    complaint = tour.register(subject="核查费用投诉", submitter_name="王五",
                              submitter_organization=authority["id"])["id"]
    for persona in ("office", "head"):
        tour.sign(persona, complaint)
    detail = tour.step("office", complaint, "correct_kind",
                       {"kind": "dispute", "reason": "委托方的异议属于争议"})
    assert detail["case"]["number"].startswith("ZY-")
    tour.step("head", complaint, "accept", {"action_to_take": "协商答复"})
    tour.step("office", complaint, "answer", {"answer": "费用依据合同计算"})
    assert tour.step("office", complaint, "record_agreement", {
        "agreement": "双方同意按合同结算"})["case"]["state"] == "closed"


def nonconformity_tour(tour):
    """R7.01, R7.02, R7.05, R7.06, R7.08: on the demo nonconformity (plan signed off) QA
    assigns a task to the office, which records its progress, submits the implementation
    report (PDF); QA verifies it effective, the head confirms. A serious nonconformity
    recorded by QA is analysed by the project office, returned and signed off by the
    quality manager, assigned; its review is written, checked and approved; past the
    plan's date QA records the report overdue and a new cycle starts."""
    office, project = tour.staff_id("office"), tour.staff_id("project")
    case_id = tour.find_case("qa", kind="nonconformity")
    tour.step("qa", case_id, "assign_task",
              {"owner": office, "description": "在流程中增加时限提醒", "working_days": 10})
    [task] = tour.call("office", "tasks_list")["results"]
    tour.call("office", "tasks_progress_create", id=task["id"],
              body={"note": "提醒功能已上线", "done": True})
    tour.step("office", case_id, "submit_report", {"report": "已增加时限提醒",
                                                   "report_file": PDF}, multipart=True)
    tour.step("qa", case_id, "verify", {"effective": True, "reason": "抽查三份报告均按时出具"})
    assert tour.step("head", case_id, "confirm")["case"]["state"] == "closed"

    created = tour.call("qa", "nonconformities_create", body={
        "source": "verification_work", "subject": "现场核查记录缺失",
        "description": "两个项目的现场核查记录未归档。", "severity": "serious"})
    serious = created["case"]["id"]
    for persona in ("project", "qm", "qa", "head", "gm"):
        tour.sign(persona, serious)
    plan = {"method": "five_whys", "analysis": "为什么……", "root_cause": "归档职责不清",
            "correction": "补齐记录", "corrective_action": "修订档案管理制度",
            "report_due_on": today(1)}
    tour.step("project", serious, "analyse", plan)
    tour.step("qm", serious, "return_plan", {"reason": "纠正措施不具体"})
    tour.step("project", serious, "analyse", {**plan, "corrective_action": "修订制度并培训"})
    tour.step("qm", serious, "sign_off_plan")
    tour.step("qa", serious, "assign_task",
              {"owner": project, "description": "补齐现场记录", "working_days": 1})
    tour.step("head", serious, "write_serious_review", {"text": "可能影响核查结论，已评审"})
    tour.step("qm", serious, "check_serious_review")
    tour.step("gm", serious, "approve_serious_review")
    past_due = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(9),
                                   tzinfo=CHINA)
    with time_machine.travel(past_due):
        # The plan's date may have been the last day of a year: the commitment is annual.
        tour.call("qa", "declarations_create", body={"kind": "annual", "year": past_due.year})
        detail = tour.step("qa", serious, "record_overdue")
    assert [c["conclusion"] for c in detail["cycles"]] == ["overdue", ""]


def inspections_and_preventive_actions_tour(tour):
    """R7.04, R7.03, R7.09: the head records a deviation, which opens an internal
    inspection; QA lists and completes it. The head proposes a preventive measure rated
    by risk, the quality manager approves it, the head carries it out."""
    deviation = tour.call("head", "inspections_create", body={"description": "合同评审记录缺失"})
    assert deviation["id"] in [i["id"] for i in tour.call("qa", "inspections_list")["results"]]
    tour.call("qa", "inspections_complete_create", id=deviation["id"],
              body={"findings": "已补齐合同评审记录"})

    proposed = tour.call("head", "preventive_actions_create", body={
        "origin": "evaluation", "potential_problem": "新核查员不熟悉程序", "risk": "medium",
        "plan": "岗前培训与考核"})
    tour.call("qm", "preventive_actions_approve_create", id=proposed["id"])
    tour.call("head", "preventive_actions_complete_create", id=proposed["id"],
              body={"outcome": "已培训5人"})
    assert tour.call("head", "preventive_actions_list",
                     query={"state": "done"})["results"][0]["id"] == proposed["id"]


def records_tour(tour):
    """R7.07, R10.01–R10.05: QA registers a procedure with its file; the project office's
    change request is approved by the quality manager and applied by QA (A/1, with the
    new file). The closed demo complaint's archive: its dossier downloads, the office
    extends retention, QA borrows it with the head's approval and the office takes it
    back; a disclosure by law is told to the client first, then done."""
    [procedure] = [d for d in tour.call("qa", "documents_list")["results"]
                   if d["sequence"] == 8]
    assert tour.call("qa", "documents_retrieve", id=procedure["id"])["revisions"]
    document = tour.call("qa", "documents_create", body={
        "sequence": 9, "title": "内部审核程序", "kind": "procedure", "file": PDF},
        multipart=True)
    tour.call("qa", "documents_revisions_file_retrieve", id=document["id"],
              revision_pk=document["revisions"][0]["id"])
    change = tour.call("project", "documents_change_requests_create", id=document["id"],
                       body={"description": "增加现场记录归档条款"})
    assert [c["id"] for c in tour.call("qm", "change_requests_list",
                                       query={"state": "requested"})["results"]] == [change["id"]]
    tour.call("qm", "change_requests_decide_create", id=change["id"], body={"approve": True})
    revision = tour.call("qa", "change_requests_apply_create", id=change["id"],
                         body={"file": PDF}, multipart=True)
    assert revision["number"] == "CEC-0009D-A/1"

    closed = tour.find_case("office", kind="complaint", state="closed")
    tour.call("office", "cases_dossier_retrieve", id=closed)
    [archive] = tour.call("office", "archives_list")["results"]
    retain = dt.date.fromisoformat(archive["retain_until"])
    tour.call("office", "archives_extend_create", id=archive["id"], body={
        "until": retain.replace(year=retain.year + 5).isoformat(),
        "reason": "委托方书面要求保存15年"})
    loan = tour.call("qa", "archives_loans_create", id=archive["id"], body={
        "purpose": "内审抽查", "return_due_on": today(14)})
    tour.call("head", "loans_decide_create", id=loan["id"], body={"approve": True})
    tour.call("office", "loans_return_create", id=loan["id"])
    assert tour.call("head", "loans_list")["results"][0]["state"] == "returned"

    disclosure = tour.call("office", "cases_disclosures_create", id=closed, body={
        "material": "核查记录", "recipient": "公安机关", "basis": "law",
        "legal_basis": "《刑事诉讼法》第54条"})
    tour.call("office", "disclosures_client_notified_create", id=disclosure["id"],
              body={"proof": "EMS 1234567890"})
    tour.call("office", "disclosures_done_create", id=disclosure["id"])
    assert tour.call("office", "disclosures_list")["results"][0]["disclosed_at"]


ENGAGEMENT_REGISTER = (
    "report_number,client_name,client_credit_code,entity_name,entity_credit_code,province,"
    "year,batch,conclusion,timely,team_lead,verifiers,technical_reviewers,report_signers\n"
    "JS25A0040,江苏省生态环境厅,11100000000013127D,苏南钢铁有限公司,91320000134789012J,"
    "江苏,2025,第二批,qualified,yes,verifier,verifier,reviewer,head\n")


def people_and_reference_data_tour(tour):
    """Sign-in, the profile, organizations, the engagement register (R8.15, D1),
    declarations and rulings (R9.01), the calendar (W1, W3), the yearly conflict analysis
    and reports (R9.03, D1), the dashboard, exports, the committee's queue, the schema;
    signing out last (it revokes the head's token)."""
    token = tour.call(None, "auth_token_create",
                      body={"username": "head", "password": "caseflow-demo"})["token"]
    assert token == tour.tokens["head"]
    tour.call("office", "me_partial_update", body={"language": "en"})
    assert tour.call("office", "me_retrieve")["language"] == "en"
    # The one-time link that binds a Telegram chat (issue 14), where the bot runs.
    with override_settings(TELEGRAM_BOT_TOKEN="123:tour", TELEGRAM_BOT_USERNAME="caseflow_bot"):
        link = tour.call("project", "me_telegram_link_create")
    assert link["url"].startswith("https://t.me/caseflow_bot?start=")

    steel = tour.call("office", "organizations_create", body={
        "name": "苏南钢铁公司", "credit_code": "91320000134789012J", "kind": "verified_entity"})
    tour.call("office", "organizations_partial_update", id=steel["id"],
              body={"name": "苏南钢铁有限公司"})
    assert tour.call("head", "organizations_retrieve", id=steel["id"])["name"] == "苏南钢铁有限公司"
    assert tour.call("office", "engagements_import_create",
                     body={"file": ENGAGEMENT_REGISTER.encode()},
                     multipart=True) == {"created": 1, "updated": 0}
    [imported] = tour.call("head", "engagements_list",
                           query={"report_number": "JS25A0040"})["results"]
    assert tour.call("head", "engagements_retrieve",
                     id=imported["id"])["verified_entity"] == steel["id"]

    case_id = tour.find_case("office", kind="complaint", q="现场工作不规范")
    declared = tour.sign("verifier", case_id, potential_conflict="曾在苏南钢铁实习",
                         relationships=[{"organization": steel["id"], "description": "实习",
                                         "ended_on": "2019-06-30"}])
    assert declared["id"] in [d["id"] for d in tour.call(
        "qm", "declarations_list", query={"case": case_id})["results"]]
    tour.call("qm", "declarations_ruling_create", id=declared["id"], body={"ruling": "restrict"})

    year = timezone.localdate().year
    override = tour.call("qa", "calendar_overrides_create", body={
        "date": f"{year + 1}-03-03", "kind": "holiday", "note": "临时停工"})
    assert override in tour.call("qa", "calendar_overrides_list")["results"]
    tour.call("qa", "calendar_overrides_destroy", id=override["id"])
    assert tour.call("qa", "calendar_years_complete_create", year=year + 1)["schedule_complete"]

    tour.call("head", "conflict_analyses_create", body={"year": year, "findings": "未发现冲突"})
    assert tour.call("head", "conflict_analyses_list")["results"][0]["year"] == year
    assert tour.call("head", "dashboard_retrieve", query={"year": year})["year"] == year
    tour.call("head", "reports_statistics_retrieve", year=year)
    tour.call("head", "reports_self_check_retrieve", year=year)
    tour.call("head", "reports_disclosure_table_retrieve", year=year - 1)
    tour.call("office", "exports_cases_retrieve", fmt="csv", query={"kind": "complaint"})
    tour.call("office", "exports_cases_retrieve", fmt="xlsx")
    assert tour.call("member1", "committee_queue_list")["results"] == []
    tour.call("head", "schema_retrieve")
    tour.call("head", "auth_logout_create")


TOURS = [
    complaint_tour,
    erasure_tour,
    anonymous_complaint_tour,
    intake_tour,
    appeal_tour_to_the_committee,
    dispute_tour,
    nonconformity_tour,
    inspections_and_preventive_actions_tour,
    records_tour,
    people_and_reference_data_tour,
]


@pytest.mark.parametrize("walk", TOURS, ids=lambda walk: walk.__name__)
def test_tour(tour, walk):
    walk(tour)


def test_the_tours_answer_every_documented_operation_with_2xx(tour):
    """Every operation of the schema answers 2xx in some tour; an operation added without
    a tour step fails here, by name. Self-contained: it walks every tour itself, each in a
    savepoint rolled back afterwards, so each starts from the demo data."""
    for walk in TOURS:
        with transaction.atomic():
            walk(tour)
            transaction.set_rollback(True)
    documented = {operation["operationId"] for methods in schema.raw_schema["paths"].values()
                  for operation in methods.values()
                  if isinstance(operation, dict) and "operationId" in operation}
    missing = sorted(documented - tour.called)
    assert not missing, f"no tour step answered 2xx for: {missing}"
