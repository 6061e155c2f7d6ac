"""Messages to submitters: by email only, in their language, their tracking code in the
receipt; the code leaves the database once the message is settled."""

import pytest
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import PartyDetails
from caseflow.actions.submissions import case_submit, tracking_code_resend
from caseflow.models import CaseKind, Notification, Scope
from caseflow.selectors.public import case_for_tracking_code

pytestmark = pytest.mark.django_db


def submitted(language="zh-hans", email="zhangsan@example.cn", phone=""):
    return case_submit(kind=CaseKind.COMPLAINT, subject="核查报告数据有误",
                       description="排放量计算有误。", scope=Scope.REPORT,
                       submitter=PartyDetails(name="张三", email=email, phone=phone,
                                              language=language))


def test_the_receipt_carries_the_code_and_the_code_is_scrubbed_once_sent(
        db, smtp_server, settings):
    """The receipt goes to the submitter's address in English (their choice) with the
    case number, the tracking code and the status page's address; read back, the row's
    body is empty: the code is nowhere in the database in readable form."""
    settings.CASEFLOW_SITE_URL = "https://caseflow.example.cn"
    result = submitted(language="en")
    row = Notification.objects.get(case=result.case, template="submission_receipt")
    assert row.body == result.tracking_code

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["zhangsan@example.cn"]
    assert mail.message["Subject"] == f"{result.case.number}: we received your submission"
    text = mail.text()
    assert result.tracking_code in text and "https://caseflow.example.cn/track/" in text
    assert "张三" not in text and "排放量" not in text
    row.refresh_from_db()
    assert row.status == "sent" and row.body == ""
    assert case_for_tracking_code(result.tracking_code) == result.case  # the code works


def test_a_reissued_code_is_sent_in_chinese_and_scrubbed(db, smtp_server):
    result = submitted()
    assert tracking_code_resend(number=result.case.number, email="zhangsan@example.cn")
    row = Notification.objects.get(case=result.case, template="tracking_code_reissued")
    code = row.body

    notification_deliver(row.pk, now=timezone.now())

    [mail] = smtp_server.received
    assert "新查询码" in mail.message["Subject"] and code in mail.text()
    row.refresh_from_db()
    assert row.body == ""


def test_a_party_without_email_fails_at_once_and_the_code_is_scrubbed(db, smtp_server):
    """A submitter who gave a phone number only: nothing to send to (email only); the row
    fails with the reason and keeps no code."""
    result = submitted(email="", phone="13800000000")
    row = Notification.objects.get(case=result.case, template="submission_receipt")

    assert notification_deliver(row.pk, now=timezone.now()) == "failed"

    row.refresh_from_db()
    assert row.body == "" and "no email address" in row.last_error
    assert smtp_server.received == []
