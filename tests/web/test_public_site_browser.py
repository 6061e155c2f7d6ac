"""The public site in a real browser: Debian's Chromium driven by Playwright (never a
downloaded browser), on a phone-sized screen, in Chinese. With SCREENSHOT_DIR set, the
pages are also saved as screenshots (README: `make screenshots`)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from caseflow.actions.intake import case_accept
from caseflow.models import Case
from tests.web.browser import CHROMIUM, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason="Debian's chromium is not installed (.ci/run installs it)"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def evidence(tmp_path):
    path = tmp_path / "监测数据.pdf"
    path.write_bytes(PDF)
    return path


def test_r8_03_a_named_complaint_filed_on_a_phone_is_followed_to_its_notice(
        phone, evidence, people):
    """Someone who knows nothing of the system opens the home page on a phone, files a
    complaint in Chinese with an attachment, gets a tracking code and the date the
    decision is due; the head accepts it; the status page shows the acceptance and its
    notice downloads as a PDF."""
    phone.goto("/")
    shot(phone, "home")
    phone.get_by_role("link", name="提出投诉").first.click()
    phone.get_by_label("您的姓名").fill("张三")
    phone.get_by_label("电子邮件").fill("zhangsan@example.cn")
    phone.get_by_label("事由").fill("核查报告数据有误")
    phone.check("input[name=scope][value=a]")
    phone.get_by_label("事情经过").fill("排放量计算有误，见附件。")
    phone.set_input_files("input[name=attachments]", str(evidence))
    phone.get_by_label("我已阅读", exact=False).check()
    shot(phone, "complaint-form")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/submitted/")
    case = Case.objects.get()
    assert case.number in phone.text_content("main")
    due = timezone.localtime(case.acceptance_due_at).date().isoformat()
    assert due in phone.text_content("main")
    code = phone.text_content("code.code").strip()
    shot(phone, "receipt")

    from tests.personas import commit

    commit(case, people.head)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    phone.goto("/track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查看我的案件").click()
    phone.wait_for_url("**/track/status/")
    assert "已受理" in phone.text_content(".stage")
    shot(phone, "status")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="受理通知书", exact=False).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_x4_an_anonymous_complaint_shows_neutral_stages_in_the_browser(phone):
    phone.goto("/complaint/")
    phone.get_by_label("匿名提交").check()
    phone.get_by_label("事由").fill("匿名反映")
    phone.check("input[name=scope][value=c]")
    phone.get_by_label("事情经过").fill("核查员收受礼品")
    phone.get_by_label("我已阅读", exact=False).check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/submitted/")
    phone.get_by_role("link", name="查看案件办理进度").click()
    assert phone.text_content(".stage").strip() == "已收到"
    assert Case.objects.get().anonymous


def test_r8_08_the_appeal_form_warns_before_a_late_submission(phone):
    """R8.08: a decision received long ago: the form warns that the 30 working days have
    passed, before submitting (and still lets the appeal be filed)."""
    phone.goto("/appeal/")
    warning = phone.locator("#late-warning")
    assert warning.is_hidden()
    long_ago = (timezone.localdate() - dt.timedelta(days=120)).isoformat()
    phone.get_by_label("您收到该决定的日期").fill(long_ago)
    phone.get_by_label("您收到该决定的日期").dispatch_event("change")
    warning.wait_for(state="visible")
    assert "30个工作日" in warning.text_content()
    recent = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    phone.get_by_label("您收到该决定的日期").fill(recent)
    phone.get_by_label("您收到该决定的日期").dispatch_event("change")
    warning.wait_for(state="hidden")


def test_a_submit_with_a_missing_field_keeps_what_was_typed_and_attached(phone, evidence):
    phone.goto("/complaint/")
    phone.get_by_label("您的姓名").fill("张三")
    phone.check("input[name=scope][value=a]")
    phone.get_by_label("事情经过").fill("第一次填写的说明")
    phone.set_input_files("input[name=attachments]", str(evidence))
    phone.get_by_label("我已阅读", exact=False).check()
    phone.get_by_role("button", name="提交").click()  # no subject
    assert phone.get_by_label("事情经过").input_value() == "第一次填写的说明"
    assert "监测数据.pdf" in phone.text_content(".kept")
    phone.get_by_label("事由").fill("补上事由")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/submitted/")
    assert [a.name for a in Case.objects.get().attachments.all()] == ["监测数据.pdf"]
