"""Reminders by WeCom (企业微信) and DingTalk (钉钉): the real channels in the delivery loop,
against fake servers on 127.0.0.1 speaking the platforms' documented shapes over HTTP.

A person linked on one of them gets the reminder there, as a card carrying the case's
number, kind, stage, deadline (rule or target, provisional) and its link; linked on both,
by their own first choice. A token is fetched once and shared; an expired one is fetched
again once, never more. A frequency limit backs off; an id that reaches nobody marks the
link broken and email takes the message; each try is recorded.
"""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import case_assign
from caseflow.actions.notifications import notification_queue
from caseflow.actions.profile import staff_profile_update
from caseflow.models import Notification
from tests.fakes import dingtalk, wecom
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db

WECOM_ID, DINGTALK_ID = "LiuYang", "0156123"


@pytest.fixture
def case(people, engagement):
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.handler)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    return case


def reminder(case, staff, *, threshold="overdue", days=2) -> Notification:
    """The sweep's reminder to `staff` about the case's acceptance deadline."""
    return notification_queue(case, "reminder", staff=staff, context={
        "subject_kind": "case", "object_id": case.pk, "label": case.number,
        "step": "acceptance", "due_at": case.due_at.isoformat(), "deadline_kind": "rule",
        "provisional": False, "threshold": threshold, "overdue_working_days": days,
        "level": 0})


def attempts(notification) -> list[tuple[str, str]]:
    return list(notification.delivery_attempts.order_by("id").values_list("channel", "result"))


@pytest.fixture
def on_wecom(people, wecom_api):
    wecom_api.add_user(WECOM_ID)
    staff_profile_update(staff=people.handler, wecom_user_id=WECOM_ID)
    return people.handler


@pytest.fixture
def on_dingtalk(people, dingtalk_api):
    dingtalk_api.add_user(DINGTALK_ID)
    staff_profile_update(staff=people.handler, dingtalk_user_id=DINGTALK_ID)
    return people.handler


# --- reaching a person ---------------------------------------------------------------

def test_a_person_linked_on_wecom_only_gets_a_text_card(case, on_wecom, wecom_api,
                                                        smtp_server):
    row = reminder(case, on_wecom)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    [sent] = wecom_api.delivered(WECOM_ID)
    body = sent.body
    assert (body["touser"], body["agentid"], body["msgtype"]) == (
        WECOM_ID, wecom_api.agent_id, "textcard")
    card = body["textcard"]
    assert case.number in card["title"] and "逾期" in card["title"]
    for fact in (case.number, "投诉", "规定时限"):  # number, kind, rule deadline
        assert fact in card["description"]
    # The card opens the person's acknowledgement link (its page leads to the case).
    assert "/staff/ack/" in card["url"] and card["btntxt"] == "确认收到"
    assert body["enable_duplicate_check"] == 1  # a repeat after a crash is dropped
    assert smtp_server.received == []
    [attempt] = row.delivery_attempts.all()
    assert (attempt.channel, attempt.result) == ("wecom", "sent")
    assert attempt.external_id == sent.answer["msgid"]


def test_a_person_linked_on_dingtalk_only_gets_a_work_notification(case, on_dingtalk,
                                                                   dingtalk_api,
                                                                   smtp_server):
    row = reminder(case, on_dingtalk)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    [sent] = dingtalk_api.delivered(DINGTALK_ID)
    body = sent.body
    assert (body["agent_id"], body["userid_list"]) == (dingtalk_api.agent_id, DINGTALK_ID)
    msg = body["msg"]
    card = msg[msg["msgtype"]]
    assert case.number in card["title"]
    text = card.get("markdown") or card.get("text")
    assert case.number in text and "投诉" in text and "规定时限" in text
    assert f"/staff/cases/{case.pk}/" in str(msg)
    # The task's result was read once: the userid was reached.
    assert len(dingtalk_api.calls_to(dingtalk.RESULT)) == 1
    assert smtp_server.received == []
    [attempt] = row.delivery_attempts.all()
    assert (attempt.channel, attempt.result) == ("dingtalk", "sent")
    assert attempt.external_id == str(sent.answer["task_id"])


def test_a_person_on_both_is_reached_by_their_first_choice(case, people, wecom_api,
                                                           dingtalk_api, smtp_server):
    wecom_api.add_user(WECOM_ID)
    dingtalk_api.add_user(DINGTALK_ID)
    staff_profile_update(staff=people.handler, wecom_user_id=WECOM_ID,
                         dingtalk_user_id=DINGTALK_ID, channel_order=["dingtalk", "wecom"])

    assert notification_deliver(reminder(case, people.handler).pk, now=timezone.now()) == "sent"
    assert len(dingtalk_api.delivered(DINGTALK_ID)) == 1 and wecom_api.delivered() == []

    staff_profile_update(staff=people.handler, channel_order=["wecom"])
    row = reminder(case, people.handler, threshold="due_today", days=0)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert len(wecom_api.delivered(WECOM_ID)) == 1 and len(dingtalk_api.delivered()) == 1
    assert smtp_server.received == []


def test_without_a_choice_the_bodys_order_puts_wecom_first(case, people, wecom_api,
                                                           dingtalk_api):
    wecom_api.add_user(WECOM_ID)
    dingtalk_api.add_user(DINGTALK_ID)
    staff_profile_update(staff=people.handler, wecom_user_id=WECOM_ID,
                         dingtalk_user_id=DINGTALK_ID)

    assert notification_deliver(reminder(case, people.handler).pk, now=timezone.now()) == "sent"

    assert len(wecom_api.delivered(WECOM_ID)) == 1 and dingtalk_api.delivered() == []


def test_an_unconfigured_platform_is_skipped_for_email(case, on_wecom, settings, smtp_server):
    settings.WECOM_SECRET = ""
    row = reminder(case, on_wecom)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert attempts(row) == [("email", "sent")]
    assert len(smtp_server.received) == 1


# --- tokens ----------------------------------------------------------------------------

def test_the_token_is_fetched_once_and_shared(case, on_wecom, wecom_api):
    for threshold in ("due_soon", "due_today"):
        notification_deliver(reminder(case, on_wecom, threshold=threshold).pk,
                             now=timezone.now())

    assert len(wecom_api.calls_to(wecom.GETTOKEN)) == 1
    assert len(wecom_api.delivered(WECOM_ID)) == 2


@pytest.mark.parametrize("platform", ["wecom", "dingtalk"])
def test_an_expired_token_is_fetched_again_once(case, people, platform, request):
    """The platform expires its tokens between two reminders: the second is refused once,
    a new token fetched, and the message goes through."""
    fake = request.getfixturevalue(f"{platform}_api")
    request.getfixturevalue(f"on_{platform}")
    module = wecom if platform == "wecom" else dingtalk
    assert notification_deliver(reminder(case, people.handler).pk,
                                now=timezone.now()) == "sent"
    fake.expire_tokens()

    row = reminder(case, people.handler, threshold="due_today", days=0)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert len(fake.calls_to(module.GETTOKEN)) == 2
    sends = [c.answer.get("errcode") for c in fake.calls_to(module.SEND)]
    assert sends == [0, 42001 if platform == "wecom" else 88, 0]
    assert attempts(row) == [(platform, "sent")]


@pytest.mark.parametrize("platform", ["wecom", "dingtalk"])
def test_a_token_refused_twice_is_not_fetched_a_third_time(case, people, platform, request):
    fake = request.getfixturevalue(f"{platform}_api")
    request.getfixturevalue(f"on_{platform}")
    module = wecom if platform == "wecom" else dingtalk
    fake.fail_next("token_expired", times=2, path=module.SEND)
    row = reminder(case, people.handler)

    assert notification_deliver(row.pk, now=timezone.now()) == "pending"

    assert len(fake.calls_to(module.GETTOKEN)) == 2  # the first, and one fresh
    assert len(fake.calls_to(module.SEND)) == 2
    assert attempts(row) == [(platform, "retry")]
    assert "42001" in row.delivery_attempts.get().error


# --- frequency limits --------------------------------------------------------------------

@pytest.mark.parametrize(("platform", "kind", "wait"), [
    ("wecom", "freq_limit", 60), ("wecom", "concurrency_limit", 5),
    ("dingtalk", "freq_limit", 2), ("dingtalk", "global_limit", 5),
    ("dingtalk", "ip_limit", 300)])
def test_a_frequency_limit_backs_off_and_then_delivers(case, people, platform, kind, wait,
                                                       request, smtp_server):
    fake = request.getfixturevalue(f"{platform}_api")
    request.getfixturevalue(f"on_{platform}")
    fake.fail_next(kind)
    row = reminder(case, people.handler)
    now = timezone.now()

    assert notification_deliver(row.pk, now=now) == "pending"
    row.refresh_from_db()
    assert row.next_attempt_at == now + dt.timedelta(seconds=wait)
    assert smtp_server.received == []  # waiting, not falling back

    assert notification_deliver(row.pk, now=row.next_attempt_at) == "sent"
    assert attempts(row) == [(platform, "retry"), (platform, "sent")]
    assert len(fake.delivered()) == 1


def test_wecom_busy_is_tried_again_later(case, on_wecom, wecom_api):
    wecom_api.fail_next("busy")
    row = reminder(case, on_wecom)

    assert notification_deliver(row.pk, now=timezone.now()) == "pending"
    assert attempts(row) == [("wecom", "retry")]


def test_a_server_error_page_is_tried_again_later(case, on_dingtalk, dingtalk_api):
    dingtalk_api.fail_next("server_error")
    row = reminder(case, on_dingtalk)

    assert notification_deliver(row.pk, now=timezone.now()) == "pending"
    assert "HTTP 500" in row.delivery_attempts.get().error


# --- ids that reach nobody -------------------------------------------------------------------

@pytest.mark.parametrize(("platform", "how"), [
    ("wecom", "left"), ("wecom", "user_not_found"),
    ("dingtalk", "left"), ("dingtalk", "user_not_found")])
def test_a_user_not_found_falls_back_to_email_and_marks_the_link_broken(
        case, people, platform, how, request, smtp_server):
    """"left": the member is gone from the organisation (WeCom answers 81013; DingTalk
    takes the message and names the userid invalid in the task's result); or the
    platform's own user-not-found code (WeCom 60111, DingTalk 33012)."""
    fake = request.getfixturevalue(f"{platform}_api")
    staff = request.getfixturevalue(f"on_{platform}")
    address = WECOM_ID if platform == "wecom" else DINGTALK_ID
    if how == "left":
        fake.remove_user(address)
    else:
        fake.fail_next(how)
    row = reminder(case, staff)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert attempts(row) == [(platform, "failed"), ("email", "sent")]
    [mail] = smtp_server.received
    assert case.number in mail.message["Subject"]
    assert mail.rcpt_tos == [staff.email]
    staff.refresh_from_db()
    assert getattr(staff, f"{platform}_broken_at") is not None
    assert address not in row.delivery_attempts.first().error  # redacted on the dashboard

    # The next reminder goes straight to email: the broken link is not tried again.
    calls_before = len(fake.calls)
    later = reminder(case, staff, threshold="overdue", days=3)
    assert notification_deliver(later.pk, now=timezone.now()) == "sent"
    assert attempts(later) == [("email", "sent")]
    assert len(fake.calls) == calls_before


def test_a_broken_link_is_tried_again_when_the_person_says_so(case, on_wecom, wecom_api):
    wecom_api.remove_user(WECOM_ID)
    notification_deliver(reminder(case, on_wecom).pk, now=timezone.now())
    wecom_api.add_user(WECOM_ID)  # the administrator added them back to the app

    staff_profile_update(staff=on_wecom, retry=["wecom"])

    row = reminder(case, on_wecom, days=3)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert attempts(row) == [("wecom", "sent")]


@pytest.mark.parametrize(("platform", "kind", "path"), [
    ("wecom", "bad_secret", wecom.GETTOKEN), ("dingtalk", "monthly_quota", None),
    ("dingtalk", "no_permission", None)])
def test_a_configuration_fault_hands_the_message_to_email_without_breaking_the_link(
        case, people, platform, kind, path, request, smtp_server):
    """Our settings or the organisation's quota, not the person's id: email takes the
    message now (retrying would not help until an operator acts); the link stays."""
    fake = request.getfixturevalue(f"{platform}_api")
    staff = request.getfixturevalue(f"on_{platform}")
    fake.fail_next(kind, path=path)
    row = reminder(case, staff)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert attempts(row) == [(platform, "failed"), ("email", "sent")]
    staff.refresh_from_db()
    assert getattr(staff, f"{platform}_broken_at") is None
