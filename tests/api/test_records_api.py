"""Archives, confidentiality, the caller's profile, the calendar, oversight, exports,
yearly reports, the engagement import and the API documentation, over HTTP alone
(R10.01–R10.05, R9.03, D1, W1, W3)."""

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from caseflow.models import Role, RoleAssignment
from caseflow.workdays import CHINA
from tests.api.steps import events, ok, pdf, refused, sign, step
from tests.personas import appealed_engagement

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUTHORITY, CEMENT, STEEL = "11100000000013127D", "91110000600037341L", "91320000134789012J"
REGISTER = (
    "report_number,client_name,client_credit_code,entity_name,entity_credit_code,"
    "province,year,batch,conclusion,timely,team_lead,verifiers,technical_reviewers,"
    "report_signers\n"
    f"JS25A0012,某省生态环境厅,{AUTHORITY},华东水泥有限公司,{CEMENT},江苏,2025,第一批,"
    "qualified,yes,huwei,huwei;liuyang,zhoujie,zhangmin\n"
    f"JS25A0013,某省生态环境厅,{AUTHORITY},苏南钢铁有限公司,{STEEL},江苏,2025,第一批,"
    "not_qualified,no,liuyang,\"liuyang, huwei\",zhoujie,\n")


@pytest.fixture
def people(people):
    """Qian Yu, besides the office, works in quality assurance here."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    return people


def register(client, *, kind="complaint", engagement=None, received_at=None, **extra):
    payload = {
        "kind": kind, "subject": "核查报告数据有误", "description": "排放量计算有误。",
        "scope": "a", "channel": "email",
        "received_at": (received_at or timezone.now()).isoformat(),
        "submitter_name": "张三", "submitter_email": "zhangsan@example.cn", **extra}
    if engagement is not None:
        payload["engagement"] = engagement
    if kind == "appeal":
        payload.setdefault("engagement", appealed_engagement().pk)
        payload |= {"appealed_decision": "核查结论",
                    "decision_received_on": timezone.localdate().isoformat()}
    return ok(client.post("/api/cases/", payload, format="json"), 201)["case"]


def rejected_case(people, api, **kw):
    """A complaint the head rejects (R8.03): closed, so archived at once (R10.01)."""
    case = register(api(people.office), **kw)
    head = api(people.head)
    sign(head, case["id"])
    detail = step(head, case["id"], "reject", {"reason": "不属于本机构核查工作范围"})
    assert detail["case"]["state"] == "rejected"
    return detail


def test_r10_01_a_rejected_case_is_archived_with_the_office_for_ten_years(people, api):
    """R10.01, R10.04, R10.05: the rejected case appears in GET /api/archives/, kept by
    the client & information office until at least 10 years after closing, numbered by
    the case (no engagement); others without the case see no archive."""
    detail = rejected_case(people, api)
    case = detail["case"]
    [archive] = ok(api(people.office).get("/api/archives/"))["results"]
    assert (archive["case"], archive["case_number"]) == (case["id"], case["number"])
    assert archive["archive_number"] == case["number"] == case["archive_number"]
    assert archive["custodian_role"] == "client_office"
    closed = timezone.localdate(dt.datetime.fromisoformat(case["closed_at"]))
    assert archive["retain_until"] == closed.replace(year=closed.year + 10).isoformat()
    assert "archived" in events(detail)
    assert ok(api(people.hu_wei).get("/api/archives/"))["results"] == []
    by_number = ok(api(people.head).get(f"/api/archives/?archive_number={case['number']}"))
    assert by_number["count"] == 1


def test_r10_05_archive_number_follows_the_engagements_report_number(people, api,
                                                                     engagement):
    """R10.05: a case about an engagement is archived under its report number YYZNNAAA."""
    detail = rejected_case(people, api, engagement=engagement.pk)
    assert detail["case"]["archive_number"] == f"JS25A0012/{detail['case']['number']}"


def test_r10_05_the_dossier_zip_names_files_sequence_dash_name(people, api):
    """R10.05: the archived dossier downloads as a zip named by the archive number, with
    `序号-文件名称` entries and the event manifest last; an unarchived case has none."""
    case = rejected_case(people, api)["case"]
    office = api(people.office)
    sign(office, case["id"])
    dossier = ok(office.get(f"/api/cases/{case['id']}/dossier/"))
    assert dossier["Content-Type"] == "application/zip"
    assert f'filename="{case["number"]}.zip"' in dossier["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    assert names == ["01-申诉、投诉和争议不予受理通知书.pdf", "02-案件记录.csv"]
    manifest = zipfile.ZipFile(io.BytesIO(dossier.content)).read(names[-1]).decode("utf-8-sig")
    assert "rejected" in manifest and "不属于本机构核查工作范围" in manifest
    open_case = register(office)
    assert office.get(f"/api/cases/{open_case['id']}/dossier/").status_code == 404


def test_r10_02_archive_loan_needs_the_heads_approval_and_is_returned(people, api):
    """R10.02: a loan states its purpose and a future return date; only the department
    head approves it (never their own); the office takes it back."""
    case = rejected_case(people, api)["case"]
    office, office_2, head = api(people.office), api(people.office_2), api(people.head)
    [archive] = ok(office.get("/api/archives/"))["results"]
    url = f"/api/archives/{archive['id']}/loans/"
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    in_two_weeks = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    body = refused(office_2.post(url, {"purpose": "内审抽查", "return_due_on": yesterday},
                                 format="json"), 400, "R10.02")
    assert "return_due_on" in body["errors"]
    assert api(people.hu_wei).post(url, {"purpose": "查阅", "return_due_on": in_two_weeks},
                                   format="json").status_code == 404
    loan = ok(office_2.post(url, {"purpose": "内审抽查", "return_due_on": in_two_weeks},
                            format="json"), 201)
    assert loan["state"] == "requested" and loan["borrower"] == people.office_2.pk

    refused(office.post(f"/api/loans/{loan['id']}/return/"), 409, "R10.02")  # not lent
    refused(office.post(f"/api/loans/{loan['id']}/decide/", {"approve": True},
                        format="json"), 403, "R10.02")
    decided = ok(head.post(f"/api/loans/{loan['id']}/decide/", {"approve": True},
                           format="json"))
    assert decided["state"] == "approved" and decided["decided_by"] == people.head.pk
    refused(head.post(f"/api/loans/{loan['id']}/decide/", {"approve": False},
                      format="json"), 409, "R10.02")
    refused(head.post(f"/api/loans/{loan['id']}/return/"), 403, "R10.02")
    returned = ok(office.post(f"/api/loans/{loan['id']}/return/"))
    assert returned["state"] == "returned" and returned["returned_at"]
    assert [x["state"] for x in ok(head.get("/api/loans/"))["results"]] == ["returned"]

    own = ok(head.post(url, {"purpose": "复查", "return_due_on": in_two_weeks},
                       format="json"), 201)
    refused(head.post(f"/api/loans/{own['id']}/decide/", {"approve": True}, format="json"),
            403, "R10.02")
    trail = events(ok(office.get(f"/api/cases/{case['id']}/")))
    assert {"archive_lent", "archive_returned"} <= set(trail)


def test_x12_a_borrower_downloads_the_dossier_during_the_loan_and_the_handler_does_not(
        people, api):
    """X12, R10.02 over HTTP: the handler of the closed case gets 403 (X12) for its
    dossier; Zhou Jie, a verifier with nothing to do with the case, sees neither the
    archive nor the case until the head approves his loan; then the archive record and
    the dossier (recorded), still not the case file; once returned, nothing again."""
    office, head, handler = api(people.office), api(people.head), api(people.handler)
    borrower = api(people.reviewer)
    case = register(office)
    for client in (head, handler):
        sign(client, case["id"])
    step(head, case["id"], "assign", {"handler": people.handler.pk})
    step(head, case["id"], "reject", {"reason": "不属于本机构核查工作范围"})
    dossier_url = f"/api/cases/{case['id']}/dossier/"
    refused(handler.get(dossier_url), 403, "X12")
    assert ok(borrower.get("/api/archives/"))["results"] == []
    assert borrower.get(dossier_url).status_code == 404

    from caseflow.actions.archives import archive_loan_request
    from caseflow.models import ArchiveRecord, CaseEvent

    loan = archive_loan_request(
        archive=ArchiveRecord.objects.get(case_id=case["id"]), borrower=people.reviewer,
        purpose="内审抽查", return_due_on=timezone.localdate() + dt.timedelta(days=7))
    assert borrower.get(dossier_url).status_code == 404  # requested, not approved
    ok(head.post(f"/api/loans/{loan.pk}/decide/", {"approve": True}, format="json"))
    [archive] = ok(borrower.get("/api/archives/"))["results"]
    assert archive["case"] == case["id"]
    assert [x["id"] for x in ok(borrower.get("/api/loans/"))["results"]] == [loan.pk]
    assert borrower.get(f"/api/cases/{case['id']}/").status_code == 404
    dossier = ok(borrower.get(dossier_url))
    assert dossier["Content-Type"] == "application/zip"
    opened = CaseEvent.objects.get(case_id=case["id"], action="file_opened")
    assert (opened.actor, opened.payload) == (people.reviewer, {"file": "dossier",
                                                                "loan": loan.pk})
    refused(handler.get(dossier_url), 403, "X12")  # another's loan opens nothing to him
    ok(office.post(f"/api/loans/{loan.pk}/return/"))
    assert borrower.get(dossier_url).status_code == 404
    assert ok(borrower.get("/api/archives/"))["results"] == []


def test_r10_04_retention_is_extended_never_shortened(people, api):
    """R10.04: the office extends retention at a client's request, recorded on the case;
    a shorter date is a 400, and the head may not do it (403)."""
    case = rejected_case(people, api)["case"]
    office = api(people.office)
    [archive] = ok(office.get("/api/archives/"))["results"]
    url = f"/api/archives/{archive['id']}/extend/"
    retain = dt.date.fromisoformat(archive["retain_until"])
    later = retain.replace(year=retain.year + 5).isoformat()
    body = refused(office.post(url, {"until": (retain - dt.timedelta(days=1)).isoformat(),
                                     "reason": "x"}, format="json"), 400, "R10.04")
    assert "until" in body["errors"]
    refused(api(people.head).post(url, {"until": later, "reason": "委托方要求"},
                                  format="json"), 403, "R10.04")
    extended = ok(office.post(url, {"until": later, "reason": "委托方书面要求保存15年"},
                              format="json"))
    assert extended["retain_until"] == later
    assert "retention_extended" in events(ok(office.get(f"/api/cases/{case['id']}/")))


def test_r10_03_disclosure_required_by_law_tells_the_client_first(people, api):
    """R10.03: a disclosure by law cites the law; marking it done before the client was
    told is a 409; told (with proof), then done. Consent needs the written consent."""
    case = rejected_case(people, api)["case"]
    office = api(people.office)
    url = f"/api/cases/{case['id']}/disclosures/"
    body = refused(office.post(url, {"material": "核查记录", "recipient": "省生态环境厅",
                                     "basis": "consent"}, format="json"), 400, "R10.03")
    assert "consent_file" in body["errors"]
    body = refused(office.post(url, {"material": "核查记录", "recipient": "公安机关",
                                     "basis": "law"}, format="json"), 400, "R10.03")
    assert "legal_basis" in body["errors"]
    refused(api(people.head).post(url, {
        "material": "核查记录", "recipient": "公安机关", "basis": "law",
        "legal_basis": "《刑事诉讼法》第54条"}, format="json"), 403, "R10.03")
    disclosure = ok(office.post(url, {
        "material": "核查记录", "recipient": "公安机关", "basis": "law",
        "legal_basis": "《刑事诉讼法》第54条"}, format="json"), 201)
    assert disclosure["client_notified_at"] is None and disclosure["disclosed_at"] is None

    done_url = f"/api/disclosures/{disclosure['id']}/done/"
    refused(office.post(done_url), 409, "R10.03")
    refused(office.post(f"/api/disclosures/{disclosure['id']}/client-notified/",
                        {"proof": " "}, format="json"), 400)
    notified = ok(office.post(f"/api/disclosures/{disclosure['id']}/client-notified/",
                              {"proof": "EMS 1234567890"}, format="json"))
    assert notified["client_notified_at"] and notified["client_notice_proof"] == (
        "EMS 1234567890")
    done = ok(office.post(done_url))
    assert (dt.datetime.fromisoformat(done["disclosed_at"])
            >= dt.datetime.fromisoformat(done["client_notified_at"]))
    assert done["disclosed_by"] == people.office.pk
    refused(office.post(done_url), 409, "R10.03")

    consented = ok(office.post(url, {"material": "监测数据", "recipient": "第三方",
                                     "basis": "consent", "consent_file": pdf("同意书.pdf")},
                               format="multipart"), 201)
    assert ok(office.post(f"/api/disclosures/{consented['id']}/done/"))["disclosed_at"]
    assert len(ok(office.get("/api/disclosures/"))["results"]) == 2
    assert ok(api(people.hu_wei).get("/api/disclosures/"))["results"] == []
    trail = events(ok(office.get(f"/api/cases/{case['id']}/")))
    assert trail.index("disclosure_client_notified") < trail.index("disclosed")


def test_me_shows_the_profile_and_patch_changes_language_and_email(people, api):
    """GET/PATCH /api/me/: the caller's profile; language and email change, the name does
    not; Telegram needs a linked chat first (400 on the field). Signed in with a token,
    so each request reads the account afresh."""
    from django.core.cache import cache

    cache.clear()  # the login throttle
    people.office.user.set_password("s3cret-pass")
    people.office.user.save()
    office = api(None)
    token = ok(office.post("/api/auth/token/", {"username": "zhaolei",
                                                "password": "s3cret-pass"}, format="json"))
    office.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    me = ok(office.get("/api/me/"))
    assert me["username"] == "zhaolei" and me["language"] == "zh-hans"
    assert me["roles"] == [{"role": "client_office", "capacity": "holder"}]
    changed = ok(office.patch("/api/me/", {"language": "en", "email": "zl@cec.example.cn",
                                           "display_name": "Someone else"}, format="json"))
    assert (changed["language"], changed["email"]) == ("en", "zl@cec.example.cn")
    assert changed["display_name"] == "赵磊 Zhao Lei"
    assert "language" in refused(office.patch("/api/me/", {"language": "fr"},
                                               format="json"), 400)["errors"]
    body = refused(office.patch("/api/me/", {"notify_by_telegram": True}, format="json"), 400)
    assert "notify_by_telegram" in body["errors"]
    assert ok(office.get("/api/me/"))["language"] == "en"
    assert api(None).get("/api/me/").status_code == 401


def test_w1_calendar_override_moves_open_deadlines_and_removing_it_restores(people, api):
    """W1: a holiday entered by quality assurance on a working day moves an open case's
    deadline by a day, recorded as an event; deleting it restores the deadline. Staff
    outside QA and the head may not edit the calendar (403, W3)."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        office, qa = api(people.office), api(people.office_2)
        case = register(office)
        assert case["due_at"] == "2026-11-11T23:59:59+08:00"
        holiday = {"date": "2026-11-05", "kind": "holiday", "note": "临时停工"}
        refused(api(people.handler).post("/api/calendar/overrides/", holiday, format="json"),
                403, "W3")
        override = ok(qa.post("/api/calendar/overrides/", holiday, format="json"), 201)
        assert override["kind"] == "holiday"
        moved = ok(office.get(f"/api/cases/{case['id']}/"))
        assert moved["case"]["due_at"] == "2026-11-12T23:59:59+08:00"
        assert "deadline_recomputed" in events(moved)
        assert [o["date"] for o in ok(qa.get("/api/calendar/overrides/"))["results"]] == [
            "2026-11-05"]
        refused(api(people.handler).delete(f"/api/calendar/overrides/{override['id']}/"),
                403, "W3")
        ok(qa.delete(f"/api/calendar/overrides/{override['id']}/"), 204)
        restored = ok(office.get(f"/api/cases/{case['id']}/"))
        assert restored["case"]["due_at"] == "2026-11-11T23:59:59+08:00"
        assert ok(qa.get("/api/calendar/overrides/"))["results"] == []


def test_w3_marking_a_year_complete_recomputes_provisional_deadlines(people, api):
    """W3: in 2027 (no official schedule in the data package) a deadline uses weekdays
    and is marked provisional; QA enters a holiday and marks the year complete: the
    deadline is recomputed and no longer provisional, each change an event."""
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=CHINA)):
        office, qa = api(people.office), api(people.office_2)
        case = register(office)
        assert case["deadline_provisional"] is True
        assert case["due_at"] == "2027-03-10T23:59:59+08:00"
        ok(qa.post("/api/calendar/overrides/",
                   {"date": "2027-03-03", "kind": "holiday", "note": "示例"}, format="json"),
           201)
        refused(api(people.handler).post("/api/calendar/years/2027/complete/"), 403, "W3")
        year = ok(qa.post("/api/calendar/years/2027/complete/"))
        assert year["year"] == 2027 and year["schedule_complete"] is True
        assert year["completed_at"]
        detail = ok(office.get(f"/api/cases/{case['id']}/"))
        assert detail["case"]["deadline_provisional"] is False
        assert detail["case"]["due_at"] == "2027-03-11T23:59:59+08:00"
        assert events(detail).count("deadline_recomputed") == 2
        refused(qa.post("/api/calendar/years/1900/complete/"), 400, "W3")


def test_r9_03_the_yearly_conflict_analysis_is_recorded_by_the_head(people, api):
    """R9.03: the department head records the year's conflict-of-interest analysis once;
    the office may not (403), a second one for the year and a future year are 400s."""
    head = api(people.head)
    year = timezone.localdate().year
    refused(api(people.office).post("/api/conflict-analyses/", {
        "year": year, "findings": "无"}, format="json"), 403, "R9.03")
    analysis = ok(head.post("/api/conflict-analyses/", {
        "year": year, "findings": "核查员胡伟与某水泥厂存在亲属关系，已回避。"},
        format="json"), 201)
    assert analysis["run_by"] == people.head.pk and analysis["run_at"]
    body = refused(head.post("/api/conflict-analyses/", {"year": year, "findings": "再次"},
                             format="json"), 400, "R9.03")
    assert "year" in body["errors"]
    assert "year" in refused(head.post("/api/conflict-analyses/", {
        "year": year + 1, "findings": "x"}, format="json"), 400)["errors"]
    assert [a["year"] for a in ok(head.get("/api/conflict-analyses/"))["results"]] == [year]


def test_r9_03_dashboard_and_reports_are_for_management(people, api, engagement):
    """R9.03, D1: the head's dashboard counts open cases by kind and state; the yearly
    self-check report (PDF), statistics and disclosure table download; a verifier gets
    403 on each."""
    office, head, verifier = api(people.office), api(people.head), api(people.hu_wei)
    year = timezone.localdate().year
    register(office)
    register(office, kind="appeal")
    rejected_case(people, api)
    summary = ok(head.get("/api/dashboard/"))
    assert summary["year"] == year
    assert summary["open_by_kind_and_state"] == {"complaint": {"received": 1},
                                                 "appeal": {"received": 1}}
    assert {"due_within_two_working_days", "overdue", "load_by_handler", "on_time_by_month",
            "acceptance_on_time_by_month", "corrective_reports_on_time_by_month",
            "median_working_days_to_acceptance", "median_working_days_to_closure",
            "notifications_by_status"} <= set(summary)
    assert len(summary["on_time_by_month"]) == 12
    assert ok(head.get("/api/dashboard/?year=2025"))["year"] == 2025

    statistics = ok(head.get(f"/api/reports/{year}/statistics/"))
    assert statistics["total"] == 3
    assert statistics["by_kind"] == {"complaint": 2, "appeal": 1, "dispute": 0}
    assert statistics["by_state"] == {"received": 2, "rejected": 1}

    report = ok(head.get(f"/api/reports/{year}/self-check.pdf"))
    assert report["Content-Type"] == "application/pdf" and report.content.startswith(b"%PDF")
    table = ok(head.get("/api/reports/2025/disclosure-table.xlsx"))
    assert table["Content-Type"] == XLSX
    cells = [c for row in load_workbook(io.BytesIO(table.content)).active.iter_rows(
        values_only=True) for c in row if c]
    assert "华东水泥有限公司" in cells and "共出具 1 份《核查结论》。" in cells

    for url in ("/api/dashboard/", f"/api/reports/{year}/statistics/",
                f"/api/reports/{year}/self-check.pdf", "/api/reports/2025/disclosure-table.xlsx"):
        assert verifier.get(url).status_code == 403, url
    assert api(people.members[0]).get("/api/dashboard/").status_code == 403


def test_exports_are_filtered_like_the_list_as_csv_and_xlsx(people, api):
    """Registers as CSV and XLSX with ?kind=complaint: only complaints, the list's
    columns, the caller's visibility (a verifier exports nothing)."""
    office = api(people.office)
    complaints = {register(office)["number"], register(office)["number"]}
    appeal = register(office, kind="appeal")["number"]

    response = ok(office.get("/api/exports/cases.csv?kind=complaint"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["number", "kind", "state", "subject"]
    assert {r[0] for r in rows[1:]} == complaints and {r[1] for r in rows[1:]} == {"complaint"}
    everything = ok(office.get("/api/exports/cases.csv"))
    assert appeal in everything.content.decode("utf-8-sig")

    response = ok(office.get("/api/exports/cases.xlsx?kind=complaint"))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("number", "kind", "state")
    assert {v[0] for v in values[1:]} == complaints

    hidden = ok(api(people.hu_wei).get("/api/exports/cases.csv"))
    assert len(list(csv.reader(io.StringIO(hidden.content.decode("utf-8-sig"))))) == 1
    bad = office.get("/api/exports/cases.csv?kind=gossip")
    assert bad.status_code == 400


def test_d1_engagement_import_over_http_feeds_the_disclosure_table(people, api):
    """D1 with R8.15: the office imports the engagement register (multipart CSV): all rows
    or none; importing again updates; the 2025 disclosure table counts the conclusions
    and the qualified rate from it. A verifier may not import (403)."""
    office, head = api(people.office), api(people.head)

    def upload(content, name="register.csv"):
        if isinstance(content, str):
            content = content.encode("utf-8")
        return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}

    assert api(people.hu_wei).post("/api/engagements/import/", upload(REGISTER),
                                   format="multipart").status_code == 403
    broken = REGISTER.replace("huwei;liuyang", "nobody")
    body = refused(office.post("/api/engagements/import/", upload(broken),
                               format="multipart"), 400)
    assert "nobody" in body["detail"]
    assert ok(office.get("/api/engagements/"))["count"] == 0
    assert ok(office.post("/api/engagements/import/", upload(REGISTER),
                          format="multipart")) == {"created": 2, "updated": 0}
    assert ok(office.post("/api/engagements/import/", upload(REGISTER),
                          format="multipart")) == {"created": 0, "updated": 2}
    # the format is read from the content: a register mailed as .txt imports, an image
    # named .csv does not
    assert ok(office.post("/api/engagements/import/", upload(REGISTER, "台账.txt"),
                          format="multipart")) == {"created": 0, "updated": 2}
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    body = refused(office.post("/api/engagements/import/", upload(png, "register.csv"),
                               format="multipart"), 400)
    assert body["errors"]["file"] == ["请上传 .csv 或 .xlsx 文件。"]

    [cement] = ok(office.get("/api/engagements/?report_number=JS25A0012"))["results"]
    assert cement["team_lead"] == people.hu_wei.pk
    assert set(cement["verifiers"]) == {people.hu_wei.pk, people.handler.pk}
    assert cement["technical_reviewers"] == [people.reviewer.pk]

    table = ok(head.get("/api/reports/2025/disclosure-table.xlsx"))
    cells = [c for row in load_workbook(io.BytesIO(table.content)).active.iter_rows(
        values_only=True) for c in row if c]
    assert "江苏 第一批（2 家）" in cells
    assert "共出具 2 份《核查结论》。" in cells
    assert "其中：1 份合格，1 份不合格，合格率 50%。" in cells


@override_settings(CASEFLOW_BODY_CREDIT_CODE="91110000600037341L",
                   CASEFLOW_BODY_LEGAL_REPRESENTATIVE="张某",
                   CASEFLOW_BODY_REGISTERED_CAPITAL="3000 万",
                   CASEFLOW_BODY_ADDRESS="北京市某区某路 1 号", CASEFLOW_BODY_CONTACT="李某",
                   CASEFLOW_BODY_CONTACT_DETAILS="010-12345678")
def test_d1_final_disclosure_table_is_refused_over_http_while_timeliness_is_unknown(
        people, api):
    """D1: the disclosure table downloads as a draft (草稿) while an engagement's
    timeliness is unknown; asked for as final it is refused with 409 and the JSON refusal naming
    D1 and the engagement; once the register fills it in, the final table downloads.
    The engagement's quality columns are in the API."""
    office, head = api(people.office), api(people.head)

    def upload(content):
        return {"file": SimpleUploadedFile("register.csv", content.encode("utf-8"),
                                           content_type="text/csv")}

    unknown = REGISTER.replace("qualified,yes,huwei", "qualified,,huwei")
    ok(office.post("/api/engagements/import/", upload(unknown), format="multipart"))

    draft = ok(head.get("/api/reports/2025/disclosure-table.xlsx"))
    assert draft["Content-Disposition"].endswith('filename="disclosure-2025-draft.xlsx"')
    cells = [c for row in load_workbook(io.BytesIO(draft.content)).active.iter_rows(
        values_only=True) for c in row if c]
    assert "(2025 年度核查)（草稿）" in cells

    body = refused(head.get("/api/reports/2025/disclosure-table.xlsx?final=true"), 409)
    assert (body["code"], body["rule"]) == ("disclosure_incomplete", "D1")
    assert "JS25A0012" in body["detail"] and "JS25A0013" not in body["detail"]

    with_quality = REGISTER.replace("report_signers\n", "report_signers,核算边界\n").replace(
        "zhangmin\n", "zhangmin,\n").replace("zhoujie,\n", "zhoujie,,遗漏排放源\n")
    ok(office.post("/api/engagements/import/", upload(with_quality), format="multipart"))
    final = ok(head.get("/api/reports/2025/disclosure-table.xlsx?final=true"))
    assert final["Content-Disposition"].endswith('filename="disclosure-2025.xlsx"')
    [steel] = ok(office.get("/api/engagements/?report_number=JS25A0013"))["results"]
    assert steel["quality_accounting_boundary"] == "遗漏排放源"
    assert steel["quality_other"] == ""


def test_the_schema_and_swagger_ui_are_served(people, api):
    """The OpenAPI 3 schema is generated from the code and Swagger UI loads it, both for
    staff only (the permission table checks who)."""
    client = api(people.head)
    schema = ok(client.get("/api/schema/"))
    text = schema.content.decode()
    assert text.startswith("openapi: 3") and "/api/cases/{id}/transitions/accept/" in text
    docs = ok(client.get("/api/docs/"))
    assert docs["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in docs.content
    # the start-up script is a file (Content-Security-Policy): it names the schema
    assert b"/api/schema/" in ok(client.get("/api/docs/?script=")).content
    # its scripts are served from here, not from a CDN that may be unreachable in China
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
    assert b"cdn.jsdelivr.net" not in docs.content
