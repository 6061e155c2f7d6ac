"""R8.13: a message carries the case number, kind, stage, deadline and a link, never the
submitter's identity or the complaint's text. Every template, in both languages, for a
case whose submitter, respondent and words are known, is scanned for them; so are the
WeCom and DingTalk cards as their servers received them."""

import json
import re
from pathlib import Path

import pytest
from django.utils import timezone

from caseflow.actions import notice_delivery
from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import PartyDetails, case_register
from caseflow.actions.notifications import notification_queue
from caseflow.actions.profile import staff_profile_update
from caseflow.messages import PARTY_TEMPLATES, STAFF_TEMPLATES, notification_message, templates
from caseflow.models import CaseKind, Channel, Notification, Scope
from tests.fakes import dingtalk, wecom

pytestmark = pytest.mark.django_db

SUBMITTER = PartyDetails(name="欧阳娜娜", email="ouyang.nana@example.cn", phone="13912345678",
                         address="南京市鼓楼区中山路1号")
RESPONDENT = PartyDetails(name="司马光明", email="sima.guangming@example.cn")
SUBJECT, DESCRIPTION = "核查报告数据有误", "排放量计算有误，燃煤低位发热量取值偏高。"
# What must never appear in a message to staff or to a party.
SECRETS = ["欧阳娜娜", "ouyang", "13912345678", "中山路", "司马光明", "sima.guangming",
           SUBJECT, "燃煤低位发热量", "华东水泥"]
LANGUAGES = ["zh-hans", "en"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def context_for(template, case):
    due = case.due_at.isoformat()
    if template in ("reminder", "escalation"):
        return {"subject_kind": "case", "object_id": case.pk, "label": case.number,
                "step": "acceptance", "due_at": due, "deadline_kind": "rule",
                "provisional": False, "threshold": "overdue", "overdue_working_days": 2,
                "level": 1}
    if template == "digest":
        return {"items": [{"label": case.number, "kind": case.kind, "stage": case.state,
                           "due_at": due, "deadline_kind": "rule", "provisional": False,
                           "overdue": True, "case_id": case.pk}]}
    if template == "notice_undeliverable":
        return {"label": case.number, "notice_title": "申诉、投诉和争议受理通知书",
                "recipient": "submitter", "reason": "no_address", "rule": "R8.03",
                "step": "acceptance", "due_at": due, "deadline_kind": "rule",
                "provisional": False}
    return {}


@pytest.fixture
def known_case(people, engagement):
    """A complaint about the cement works' verification whose submitter, respondent and
    words the scan looks for."""
    return case_register(kind=CaseKind.COMPLAINT, subject=SUBJECT, description=DESCRIPTION,
                         scope=Scope.REPORT, channel=Channel.EMAIL, received_at=timezone.now(),
                         submitter=SUBMITTER, respondent=RESPONDENT, acting_user=people.office,
                         engagement=engagement)


def test_r8_13_no_template_carries_an_identity_or_the_complaints_words(known_case):
    """Every template in both languages: the case number is there, none of the secrets;
    the Chinese and the English differ (each template is translated)."""
    case = known_case
    for template in templates():
        rendered = {}
        for language in LANGUAGES:
            row = Notification(case=case, template=template, body="ABCDE-12345",
                               context=context_for(template, case))
            message = notification_message(row, language=language)
            whole = "\n".join([message.subject, message.text, message.link])
            for secret in SECRETS:
                assert secret not in whole, (template, language, secret)
            assert case.number in whole, (template, language)
            rendered[language] = message
        assert rendered["zh-hans"].subject != rendered["en"].subject, template
        assert CJK.search(rendered["zh-hans"].subject + rendered["zh-hans"].text), template


def queued_templates() -> set[str]:
    """The templates the domain queues, read from its source."""
    found = set()
    for path in Path("caseflow").rglob("*.py"):
        source = path.read_text()
        found |= set(re.findall(r"(?:notification_queue|notify_owner)\(\s*[^,()]+,\s*\"(\w+)\"",
                                source))
    return found


def test_every_template_the_domain_queues_has_its_own_wording():
    """A template added to the domain without a message here would go out as a bare
    'update': this fails first."""
    queued = queued_templates()
    assert len(queued) >= 30
    assert queued - set(STAFF_TEMPLATES) - set(PARTY_TEMPLATES) == set()
    # Queued under a constant: the notice's own email, and the office's word when it fails.
    assert notice_delivery.TEMPLATE == "notice_email"  # its message is the notice itself
    assert notice_delivery.UNDELIVERABLE_TEMPLATE in templates()


def test_an_undelivered_notice_tells_the_office_the_rule_deadline_at_risk(known_case):
    """R8.03 at risk: the office is told which notice, to which kind of party (never who),
    why, and the rule deadline it endangers."""
    case = known_case
    row = Notification(case=case, template="notice_undeliverable",
                       context=context_for("notice_undeliverable", case))
    message = notification_message(row, language="en")
    assert "R8.03" in message.text and "no email address on file" in message.text
    assert "the submitter" in message.text and "Deadline:" in message.text


def test_x1_w3_a_reminder_says_target_or_rule_local_time_and_provisional(known_case):
    """X1: an internal target is called one; W3: a deadline in a year whose holidays are
    not announced says it is provisional; times are Asia/Shanghai."""
    case = known_case
    row = Notification(case=case, template="reminder", context={
        "subject_kind": "case", "object_id": case.pk, "label": case.number,
        "step": "investigation", "due_at": "2027-01-05T15:59:59+00:00",
        "deadline_kind": "target", "provisional": True, "threshold": "due_today",
        "overdue_working_days": 0, "level": 0})
    message = notification_message(row, language="en")
    assert message.subject == f"{case.number}: investigation due today"
    assert "2027-01-05 23:59 (Internal target; provisional" in message.text
    zh = notification_message(row, language="zh-hans")
    assert "内部目标时限" in zh.text and "暂定" in zh.text and "今日到期" in zh.subject


def test_an_escalation_names_the_rung_and_how_late(known_case):
    case = known_case
    row = Notification(case=case, template="escalation", context=context_for("escalation",
                                                                             case))
    message = notification_message(row, language="en")
    assert message.subject == f"{case.number}: acceptance decision overdue by 2 working days " \
                              "(escalated)"
    assert "as department head" in message.text and "Rule deadline" in message.text
    assert message.link.endswith(f"/staff/cases/{case.pk}/")


def test_a_notification_about_no_case_names_what_it_is_about(people):
    row = Notification(case=None, template="preventive_approved", about="preventive:7")
    message = notification_message(row, language="en")
    assert message.subject == "preventive action no. 7: Preventive action approved"
    assert message.link == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_r8_13_wecom_and_dingtalk_cards_as_sent_carry_no_identity(
        known_case, people, language, wecom_api, dingtalk_api):
    """Every staff template delivered to a person on WeCom and one on DingTalk, through
    the delivery loop to the fake servers: the JSON each platform received (title, card
    text, buttons, links) has the case number and none of the secrets."""
    case = known_case
    wecom_api.add_user("LiuYang")
    dingtalk_api.add_user("0156001")
    staff_profile_update(staff=people.handler, wecom_user_id="LiuYang", language=language)
    staff_profile_update(staff=people.head, dingtalk_user_id="0156001", language=language)
    staff_templates = [t for t in templates() if t not in PARTY_TEMPLATES]
    for template in staff_templates:
        for person in (people.handler, people.head):
            row = notification_queue(case, template, staff=person,
                                     context=context_for(template, case))
            assert notification_deliver(row.pk, now=timezone.now()) == "sent", template

    cards = [c.body for c in wecom_api.calls_to(wecom.SEND)] + [
        c.body for c in dingtalk_api.calls_to(dingtalk.SEND)]
    assert len(cards) == 2 * len(staff_templates)
    for body in cards:
        sent = json.dumps(body, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in sent, (secret, sent)
        assert case.number in sent
    # Reminders carry their acknowledgement link; every card about the case its link.
    assert sum("/staff/ack/" in json.dumps(b) for b in cards) == 4
    assert all(f"/staff/cases/{case.pk}/" in json.dumps(b) or "/staff/ack/" in json.dumps(b)
               for b in cards)
