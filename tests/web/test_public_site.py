"""The public site: the front door for people without an account (complainants,
appellants, clients). Everything goes through the same domain actions as staff intake."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caseflow.actions.intake import case_accept
from caseflow.models import Case, CaseAttachment, Notification
from caseflow.models.cases import tracking_code_hash
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def named_complaint(**extra):
    return {"subject": "核查报告数据有误", "description": "排放量计算有误，见附件。",
            "scope": "a", "name": "张三", "email": "zhangsan@example.cn",
            "privacy_acknowledged": "on", **extra}


def file_complaint(client, **extra):
    return client.post("/complaint/", named_complaint(**extra))


def code_on(page) -> str:
    return re.search(r'<code class="code">([^<]+)</code>', page.content.decode()).group(1)


def without_tokens(response) -> str:
    """The page without its per-request values (CSRF tokens, what was typed)."""
    return re.sub(r'value="[^"]*"', "", response.content.decode())


def test_the_home_page_is_the_front_door(client):
    """`/` shows what the body handles, links to each form, the tracking page, the
    published procedure and policies, and a discreet staff sign-in."""
    page = client.get("/").content.decode()
    for link in ("/complaint/", "/appeal/", "/dispute/", "/track/", "/procedure/",
                 "/impartiality/", "/privacy/", "/staff/signin/"):
        assert f'href="{link}"' in page, link
    assert 'lang="zh-Hans"' in page and "投诉" in page


def test_every_public_page_links_the_forms_the_policies_and_the_language_switch(client):
    """The header and footer every page shares (their paths resolved once per process)."""
    page = client.get("/privacy/").content.decode()
    for link in ("/", "/complaint/", "/appeal/", "/dispute/", "/track/", "/procedure/",
                 "/impartiality/", "/privacy/", "/staff/signin/"):
        assert f'href="{link}"' in page, link
    assert 'action="/i18n/setlang/"' in page


def test_r8_02_the_procedure_is_published_in_chinese_and_english(client):
    """R8.02 (with R8.03, R8.08, R8.11, R8.13): the published 《申诉、投诉及争议工作流程》
    states the channels, the 7-working-day acceptance decision and notice, the written
    appeal within 30 working days, confidentiality and non-discrimination."""
    zh = client.get("/procedure/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for words in ("申诉、投诉及争议工作流程", "7个工作日", "30个工作日", "书面", "保密",
                  "歧视", "公正性管理委员会", "网上", "电子邮件"):
        assert words in zh, words
    en = client.get("/procedure/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for words in ("Within 7 working days", "within 30 working days", "in writing",
                  "confidential", "discriminatory", "impartiality committee", "email"):
        assert words in en, words


def test_r9_04_the_impartiality_policy_is_published_in_chinese_and_english(client):
    """R9.04 (with R9.01, R9.02, R9.03): the policy states the commitments signed yearly
    and per case, the three years, the quality manager's rulings, independence of
    decisions and the yearly analysis."""
    zh = client.get("/impartiality/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for words in ("公正性方针", "公正性和保密承诺", "三年", "质量经理", "公正性自查报告"):
        assert words in zh, words
    en = client.get("/impartiality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for words in ("Impartiality policy", "three years", "quality manager",
                  "took no part in the activity decided on", "once a year"):
        assert words in en, words


def test_r8_03_a_named_complaint_filed_online_gets_a_number_a_due_date_and_a_code(client):
    """R8.03 on the public site: filed on Mon 2026-11-02 with an attachment, the receipt
    shows the case number, the acceptance decision due 2026-11-11 (7 working days) and a
    tracking code of at least 128 bits, stored only as its hash; a receipt email is
    queued with the code; the receipt is shown only once."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        response = file_complaint(client, attachments=[pdf(), pdf("照片.pdf")])
        assert response.status_code == 302 and response["Location"] == "/submitted/"
        with CaptureQueriesContext(connection) as read:
            receipt = client.get("/submitted/")
    # The receipt shows the facts as filed, kept with the session, not read back.
    assert not [q for q in read.captured_queries if "caseflow_" in q["sql"]]
    case = Case.objects.get()
    assert (case.kind, case.channel, case.number) == ("complaint", "web", "TS-2026-0001")
    page = receipt.content.decode()
    assert "TS-2026-0001" in page and "2026-11-11" in page
    assert "sent it to your email" in page or "已将其发送到您的电子邮箱" in page
    code = code_on(receipt)
    assert len(re.sub(r"[^0-9A-F]", "", code)) * 4 >= 128
    assert case.tracking_code_hash == tracking_code_hash(code)
    assert code not in str(list(Case.objects.values()))
    assert CaseAttachment.objects.filter(case=case).count() == 2
    [receipt_mail] = Notification.objects.filter(template="submission_receipt")
    assert receipt_mail.recipient_party == case.submitter and receipt_mail.body == code
    assert client.get("/submitted/")["Location"] == "/track/"  # shown once


def test_a_form_with_a_missing_field_keeps_what_was_typed_and_attached(client):
    """Bad input gives the form back with field errors, nothing lost: the description
    typed and the file attached are still there; the second submit files both."""
    response = file_complaint(client, subject="", attachments=[pdf("现场照片.pdf")])
    assert response.status_code == 400
    page = response.content.decode()
    assert "排放量计算有误，见附件。" in page and "现场照片.pdf" in page
    assert not Case.objects.exists()
    kept = re.search(r'name="kept_attachments" value="([^"]*)"', page).group(1)
    assert kept
    assert file_complaint(client, kept_attachments=kept).status_code == 302
    assert [a.name for a in CaseAttachment.objects.all()] == ["现场照片.pdf"]


def test_each_field_row_marks_its_error_and_links_its_help(client):
    """The form given back marks the field in error beside its message; the help text and
    the errors are the elements each input names in aria-describedby, so a screen reader
    reads them with the field."""
    page = file_complaint(client, subject="", email="not-an-address").content.decode()
    rows = re.findall(r'<div class="fieldrow([^"]*)"[^>]*>(.*?)</div>\s*(?=<div class="fieldrow|'
                      r'<p class="kept"|<p class="help">[^<]*<a)', page, re.S)
    invalid = {re.search(r'name="(\w+)"', row).group(1) for marks, row in rows
               if "invalid" in marks}
    assert invalid == {"subject", "email"}
    for marks, row in rows:
        assert ("invalid" in marks) == ('class="error"' in row)
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert {"id_email_error", "id_subject_error", "id_report_number_helptext"} <= set(described)
    assert all(re.search(f'<p class="(help|error)"[^>]* id="{d}"', page) for d in described)


@pytest.mark.parametrize("path, form", [("/complaint/", "ComplaintForm"),
                                        ("/appeal/", "AppealForm"),
                                        ("/dispute/", "DisputeForm")])
def test_an_empty_form_is_the_same_page_in_each_language_from_its_rendered_rows(
        client, path, form):
    """The empty form's rows are rendered once per language: what every visitor is sent is
    what rendering the empty form gives, in the visitor's language; a form given back is
    rendered with what was typed, never from those rows."""
    from django.utils import translation

    from caseflow.web import forms

    form_class = getattr(forms, form)
    form_class.empty_rows.clear()
    for language in ("zh-hans", "en", "zh-hans", "en"):
        client.cookies["django_language"] = language
        page = client.get(path).content.decode()
        with translation.override(language):
            assert form_class().rendered_rows() in page
    assert {key[1] for key in form_class.empty_rows if key[0] is form_class} == {"zh-hans", "en"}
    assert "Your name" in form_class.empty_rows[(form_class, "en", "id_%s", None)]
    given_back = client.post(path, {"subject": "已填写的主题"}).content.decode()
    assert 'value="已填写的主题"' in given_back and 'class="error"' in given_back


def test_the_staff_sign_in_form_shows_its_fields_and_refusal(client):
    page = client.get("/staff/signin/").content.decode()
    assert 'name="username"' in page and 'type="password"' in page
    refused = client.post("/staff/signin/", {"username": "nobody", "password": "x"})
    assert refused.status_code == 200 and 'class="errors"' in refused.content.decode()


def test_an_attachment_that_is_no_document_is_refused_by_its_content(client):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = file_complaint(client, attachments=[fake])
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not Case.objects.exists()


def test_the_honeypot_files_nothing(client):
    """A robot that fills in the hidden field gets the form back; no case is made."""
    response = file_complaint(client, website="http://spam.example")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_submissions_are_rate_limited_per_address(client, settings):
    """Per-IP limit on submitting: past it, a readable 429 page; nothing is filed."""
    settings.CASEFLOW_SUBMIT_RATE = "2/h"
    assert file_complaint(client).status_code == 302
    assert file_complaint(client).status_code == 302
    response = file_complaint(client)
    assert response.status_code == 429 and "<h1>" in response.content.decode()
    assert Case.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert file_complaint(other).status_code == 302


def test_tracking_lookups_do_not_tell_a_wrong_code_from_an_unknown_one(client, settings):
    """A code of another shape and a well-formed code nobody holds get the same answer;
    lookups are rate limited per address."""
    settings.CASEFLOW_TRACK_RATE = "3/h"
    file_complaint(client)
    client.get("/submitted/")
    wrong = client.post("/track/", {"code": "not-a-code"})
    unknown = client.post("/track/", {"code": "ABCDE-12345-ABCDE-12345-ABCDE-12345-ABCDE-1234"})
    assert wrong.status_code == unknown.status_code == 400
    assert without_tokens(wrong) == without_tokens(unknown)
    assert client.post("/track/", {"code": "x"}).status_code == 400
    assert client.post("/track/", {"code": "x"}).status_code == 429


def test_r8_03_the_status_page_shows_the_acceptance_and_its_notice(client, people):
    """A named complainant follows the case with the code: received, then (the head
    accepts) accepted, with the acceptance notice as a PDF to download."""
    file_complaint(client)
    code = code_on(client.get("/submitted/"))
    visitor = Client()
    assert visitor.post("/track/", {"code": code})["Location"] == "/track/status/"
    assert "受理" in visitor.get("/track/status/").content.decode()
    case = Case.objects.get()
    commit(case, people.head)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    page = visitor.get("/track/status/").content.decode()
    notice = case.notices.get(kind="acceptance")
    assert f"/track/notices/{notice.pk}/" in page
    download = visitor.get(f"/track/notices/{notice.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "zhaolei" not in page and people.head.display_name not in page


def test_x4_an_anonymous_complaint_shows_only_neutral_stages(client, people):
    """X4: received, under evaluation, closed; it did not hold: just "closed", nothing
    else; no notice."""
    from caseflow.actions.complaints import complaint_evaluate

    client.post("/complaint/", {"anonymous": "on", "subject": "匿名反映", "scope": "c",
                                "description": "核查员收受礼品", "privacy_acknowledged": "on"})
    receipt = client.get("/submitted/")
    code = code_on(receipt)
    assert "已将其发送到您的电子邮箱" not in receipt.content.decode()  # no address, no email
    case = Case.objects.get()
    assert case.anonymous and case.submitter.name == ""
    client.post("/track/", {"code": code})
    assert "已收到" in client.get("/track/status/").content.decode()
    commit(case, people.head)
    complaint_evaluate(case=case, acting_user=people.head, valid=False, reasoning="线索不实")
    page = client.get("/track/status/").content.decode()
    assert "已结案" in page and "线索不实" not in page and "不予受理" not in page
    assert not Notification.objects.filter(recipient_party=case.submitter).exists()


def test_r8_08_a_late_appeal_is_warned_about_and_still_accepted(client, people, engagement):
    """R8.08: the form's window check says late past 30 working days; the appeal is filed
    all the same, marked late; X11: it names the engagement by its report number."""
    with clock_at(people, dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA)):
        window = client.get("/appeal/window/", {"received_on": "2026-10-09"}).json()
        assert window == {"late": True, "window_ends_on": "2026-11-19", "provisional": False}
        assert client.get("/appeal/window/", {"received_on": "2026-10-12"}).json()["late"] is False
        assert client.get("/appeal/window/", {"received_on": "9999-12-31"}).status_code == 400
        response = client.post("/appeal/", {
            "name": "李四", "email": "lisi@example.cn", "decision_number": "js25a0012",
            "decision_received_on": "2026-10-09", "subject": "对核查结论的申诉", "scope": "a",
            "description": "不同意核查结论；因出差延误。", "privacy_acknowledged": "on"})
    assert response.status_code == 302
    case = Case.objects.get(kind="appeal")
    assert case.filed_late and case.engagement == engagement and case.channel == "web"


def test_x11_an_appeal_naming_no_record_is_given_back(client, people):
    response = client.post("/appeal/", {
        "name": "李四", "decision_number": "XX99Z9999", "decision_received_on": "2026-10-09",
        "subject": "申诉", "scope": "a", "description": "不服", "privacy_acknowledged": "on"})
    assert response.status_code == 400 and "XX99Z9999" in response.content.decode()
    assert not Case.objects.exists()


def test_r8_12_a_dispute_comes_from_a_client_named_by_its_credit_code(
        client, people, client_authority):
    """R8.12: a credit code that is no client's is refused on that field; a client's is
    filed as a dispute from that organization."""
    form = {"organization": "某省生态环境厅", "credit_code": "91110000600037341L",
            "name": "王五", "email": "wangwu@example.gov.cn", "subject": "核查费用争议",
            "scope": "d", "description": "对核查工作量有异议。", "privacy_acknowledged": "on"}
    refused = client.post("/dispute/", form)
    assert refused.status_code == 400 and "项目委托方" in refused.content.decode()
    assert client.post("/dispute/", form | {"credit_code": client_authority.credit_code}
                       ).status_code == 302
    case = Case.objects.get()
    assert case.kind == "dispute" and case.submitter.organization == client_authority


def test_the_submitter_adds_information_from_the_status_page(client, people):
    """Added information is kept with the case, recorded, and the office is told; empty
    additions are refused."""
    file_complaint(client)
    client.get("/submitted/")
    assert client.post("/track/status/", {"note": ""}).status_code == 400
    response = client.post("/track/status/", {"note": "补充监测数据", "attachments": [pdf()]})
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.events.filter(action="submitter_added_information").count() == 1
    assert CaseAttachment.objects.get(case=case).note == "补充监测数据"
    assert Notification.objects.filter(case=case, template="submitter_added_information",
                                       recipient_role="client_office").exists()


def test_a_lost_code_is_replaced_by_email_and_the_old_one_stops_working(client):
    """A named submitter gets a new code at the email on file (an outbox row); the old
    code no longer opens the case; a wrong email gets the same answer and nothing."""
    file_complaint(client)
    old = code_on(client.get("/submitted/"))
    number = Case.objects.get().number
    same = client.post("/track/lost/", {"number": number, "email": "someone@example.cn"})
    assert Notification.objects.filter(template="tracking_code_reissued").count() == 0
    sent = client.post("/track/lost/", {"number": number.lower(), "email": "ZhangSan@example.cn"})
    assert without_tokens(same) == without_tokens(sent)
    [mail] = Notification.objects.filter(template="tracking_code_reissued")
    assert Client().post("/track/", {"code": old}).status_code == 400
    assert Client().post("/track/", {"code": mail.body})["Location"] == "/track/status/"


def test_the_site_switches_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Make a complaint" in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_public_pages_carry_no_inline_script(client):
    """The pages work under a Content-Security-Policy of `self` only: no inline script or
    style attribute; assets come from the app."""
    for url in ("/", "/procedure/", "/impartiality/", "/privacy/", "/complaint/",
                "/appeal/", "/dispute/", "/track/", "/track/lost/"):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", page), url
        assert " style=" not in page and "onclick" not in page, url
        assert "http://" not in page and "https://" not in page, url


def test_x8_after_an_erasure_the_status_page_offers_no_notice(client, people):
    """X8 with X12: once the submitter's identity is erased on a lawful request, the
    notices naming them open only to the office: the status page lists none and the
    download is a 404."""
    from caseflow.actions.parties import party_erase

    file_complaint(client)
    client.get("/submitted/")
    case = Case.objects.get()
    commit(case, people.head)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    notice = case.notices.get(kind="acceptance")
    assert client.get(f"/track/notices/{notice.pk}/").status_code == 200
    party_erase(party=case.submitter, acting_user=people.office, reason="依法删除请求")
    assert f"/track/notices/{notice.pk}/" not in client.get("/track/status/").content.decode()
    assert client.get(f"/track/notices/{notice.pk}/").status_code == 404
