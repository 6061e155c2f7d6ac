"""Acknowledging through the link (issue 16): WeCom and DingTalk hand no presses back, so a
reminder's card carries the person's own signed link, `/staff/ack/<token>/`. After sign-in
it shows the reminder and records the acknowledgement on the case's trail; it refuses a
second use, another person and an expired link, readably.

The overdue case: received Monday 2 November 2026, acceptance due Wednesday 11 November,
Liu Yang handles it; the sweep of the first overdue morning (12 November) reminds him and
escalates to Zhang Min, the department head.
"""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.test import Client

from caseflow.actions.acknowledgement_links import acknowledgement_token
from caseflow.actions.delivery import notification_deliver, notifications_hand_over
from caseflow.actions.intake import case_assign
from caseflow.actions.profile import staff_profile_update
from caseflow.models import (
    AcknowledgementLinkUse,
    CaseEvent,
    Notification,
    ReminderAcknowledgement,
)
from tests.fakes import wecom
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, sweep_at

pytestmark = pytest.mark.django_db

HANDLER_WECOM, HEAD_DINGTALK = "liuyang", "0156001"
MORNING = at(11, 12)  # the first overdue morning: the sweep runs, the cards go out


@pytest.fixture
def overdue(people, wecom_api, dingtalk_api):
    """Liu Yang reads WeCom, Zhang Min DingTalk; the case is overdue and swept."""
    wecom_api.add_user(HANDLER_WECOM)
    dingtalk_api.add_user(HEAD_DINGTALK)
    staff_profile_update(staff=people.handler, wecom_user_id=HANDLER_WECOM)
    staff_profile_update(staff=people.head, dingtalk_user_id=HEAD_DINGTALK)
    with clock_at(people, at(11, 2, 10)):
        case = complaint(people)
        commit(case, people.head, people.handler, people.office)
        case_assign(case=case, handler=people.handler, acting_user=people.head)
    sweep_at(MORNING)
    return case


def deliver_everything(moment: dt.datetime) -> None:
    """What the relay and the workers do at `moment`."""
    with time_machine.travel(moment, tick=False):
        for notification_id in notifications_hand_over(now=moment):
            notification_deliver(notification_id, now=moment)


def reminder_to(case, template: str) -> Notification:
    return Notification.objects.get(case=case, template=template, created_at=MORNING)


def wecom_card_link(wecom_api, case) -> str:
    """The link of the WeCom card about `case`'s reminder: the card opens it."""
    [card] = [c.body["textcard"] for c in wecom_api.delivered(HANDLER_WECOM)
              if c.body["msgtype"] == "textcard" and case.number in c.body["textcard"]["title"]
              and "/staff/ack/" in c.body["textcard"]["url"]]
    return card["url"]


def dingtalk_ack_link(dingtalk_api, case) -> str:
    [card] = [c.body["msg"]["action_card"] for c in dingtalk_api.delivered(HEAD_DINGTALK)
              if c.body["msg"]["msgtype"] == "action_card"
              and case.number in c.body["msg"]["action_card"]["title"]
              and "/staff/ack/" in str(c.body["msg"])]
    [link] = [b["action_url"] for b in card["btn_json_list"] if "/staff/ack/" in b["action_url"]]
    assert any(b["action_url"].endswith(f"/staff/cases/{case.pk}/")
               for b in card["btn_json_list"])  # and the case's page beside it
    return link


def path_of(url: str) -> str:
    return urlsplit(url).path


def signed_in(staff) -> Client:
    browser = Client()
    browser.force_login(staff.user)
    return browser


def acknowledged_on_trail(case) -> list[tuple[str, int]]:
    return sorted((e.actor.user.username, e.payload["level"])
                  for e in CaseEvent.objects.filter(case=case, action="reminder_acknowledged"))


def test_issue_16_done_an_overdue_case_reaches_wecom_and_dingtalk_and_both_acknowledge(
        people, overdue, wecom_api, dingtalk_api, smtp_server):
    """Done when: the reminder of an overdue case reaches Liu Yang on WeCom and the
    escalation Zhang Min on DingTalk, through the sweep and the delivery loop; each
    acknowledges through the link in their card; the case's trail shows both."""
    case = overdue
    deliver_everything(MORNING)

    handler_link = wecom_card_link(wecom_api, case)
    head_link = dingtalk_ack_link(dingtalk_api, case)
    assert handler_link != head_link
    assert reminder_to(case, "reminder").delivery_attempts.get().channel == "wecom"
    assert reminder_to(case, "escalation").delivery_attempts.get().channel == "dingtalk"

    later = MORNING + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        for person, link in ((people.handler, handler_link), (people.head, head_link)):
            browser = signed_in(person)
            page = browser.get(path_of(link))
            assert page.status_code == 200 and case.number in page.content.decode()
            done = browser.post(path_of(link))
            assert done.status_code == 302 and done["Location"] == f"/staff/cases/{case.pk}/"

    assert acknowledged_on_trail(case) == [("liuyang", 0), ("zhangmin", 1)]
    assert ReminderAcknowledgement.objects.filter(
        staff__in=[people.handler, people.head]).count() == 2


@pytest.fixture
def handler_link(overdue, wecom_api):
    deliver_everything(MORNING)
    return path_of(wecom_card_link(wecom_api, overdue))


def test_the_link_asks_for_sign_in_first_then_shows_the_reminder(people, overdue,
                                                                  handler_link):
    browser = Client()
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        page = browser.get(handler_link)
        assert page.status_code == 302 and page["Location"].startswith("/staff/signin/")
        assert not ReminderAcknowledgement.objects.exists()  # opening it records nothing

        browser.force_login(people.handler.user)
        page = browser.get(handler_link)
    text = page.content.decode()
    assert page.status_code == 200 and "确认" in text and overdue.number in text
    assert overdue.description not in text  # R8.13: the reminder's facts only
    assert not ReminderAcknowledgement.objects.exists()


def test_a_second_use_is_refused(people, overdue, handler_link):
    browser = signed_in(people.handler)
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        assert browser.post(handler_link).status_code == 302
        again = browser.post(handler_link)
        opened = browser.get(handler_link)
    assert again.status_code == 409 and "已使用" in again.content.decode()
    assert opened.status_code == 409
    assert AcknowledgementLinkUse.objects.count() == 1
    assert len(acknowledged_on_trail(overdue)) == 1


def test_another_person_is_refused(people, overdue, handler_link):
    """Zhang Min got his own link; Liu Yang's does not work for him (nor for anyone)."""
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        for other in (people.head, people.office):
            refused = signed_in(other).post(handler_link)
            assert refused.status_code == 403 and "其他人" in refused.content.decode()
    assert not ReminderAcknowledgement.objects.exists()
    assert not AcknowledgementLinkUse.objects.exists()


def test_an_expired_link_is_refused(people, overdue, handler_link, settings):
    expiry = MORNING + dt.timedelta(hours=settings.CASEFLOW_ACKNOWLEDGE_LINK_HOURS)
    browser = signed_in(people.handler)
    with time_machine.travel(expiry - dt.timedelta(minutes=1), tick=False):
        assert browser.get(handler_link).status_code == 200  # still good just before
    with time_machine.travel(expiry, tick=False):
        refused = browser.post(handler_link)
    assert refused.status_code == 410 and "已过期" in refused.content.decode()
    assert not ReminderAcknowledgement.objects.exists()


def test_an_altered_or_foreign_token_is_refused(people, overdue, handler_link):
    reminder = reminder_to(overdue, "reminder")
    token = handler_link.rstrip("/").rsplit("/", 1)[1]
    forged = {
        # The payload changed (a later expiry): the signature no longer matches.
        "altered": token.replace(token.split(":")[0], signing.Signer().sign_object(
            {"n": reminder.pk, "s": people.handler.pk, "e": 4102444800}).split(":")[0]),
        # Signed with our key but for another purpose (no salt, or another salt).
        "unsalted": signing.dumps({"n": reminder.pk, "s": people.handler.pk,
                                   "e": 4102444800}),
        "truncated": token[:-3],
    }
    browser = signed_in(people.handler)
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        for how, bad in forged.items():
            refused = browser.post(f"/staff/ack/{bad}/")
            assert refused.status_code == 400, how
    assert not ReminderAcknowledgement.objects.exists()


def test_the_link_is_the_same_on_every_try(people, overdue):
    """Retries carry the same link, so WeCom's and DingTalk's duplicate checks see the
    same message; one person's differs from another's."""
    reminder = reminder_to(overdue, "reminder")
    with time_machine.travel(MORNING, tick=False):
        first = acknowledgement_token(reminder, people.handler)
    with time_machine.travel(MORNING + dt.timedelta(minutes=30), tick=False):  # a retry
        assert acknowledgement_token(Notification.objects.get(pk=reminder.pk),
                                     people.handler) == first
    assert acknowledgement_token(reminder, people.head) != first


def test_a_card_to_someone_not_on_a_link_channel_has_no_acknowledgement_link(
        people, overdue, smtp_server):
    """Email shows no buttons: its message is as before, with the case's link."""
    staff_profile_update(staff=people.handler, wecom_user_id="")
    deliver_everything(MORNING)
    [mail] = [r for r in smtp_server.received if people.handler.email in r.rcpt_tos
              and overdue.number in r.message["Subject"] and "逾期" in r.message["Subject"]]
    assert "/staff/ack/" not in mail.text()
    assert f"/staff/cases/{overdue.pk}/" in mail.text()


def test_the_wecom_card_button_says_acknowledge_in_chinese(overdue, wecom_api):
    deliver_everything(MORNING)
    [card] = [c.body["textcard"] for c in wecom_api.calls_to(wecom.SEND)
              if "/staff/ack/" in c.body.get("textcard", {}).get("url", "")]
    assert card["btntxt"] == "确认收到"
