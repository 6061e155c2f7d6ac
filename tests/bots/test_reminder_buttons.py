"""Issue 14: a reminder on Telegram carries Acknowledge, Snooze to the next working
morning and Open the case. A press counts only from the recipient, on a reminder still
current; otherwise it changes nothing and says why. Fed as real callback_query updates."""

import pytest
import time_machine

from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import case_accept, case_assign, case_reject
from caseflow.models import CaseEvent, Notification, ReminderAcknowledgement, ReminderSnooze
from caseflow.reminder_buttons import ACKNOWLEDGE, button_data
from tests.bots.conversation import linked_chat
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, reminded, sweep_at

pytestmark = pytest.mark.django_db

HANDLER_CHAT, HEAD_CHAT = 750_001, 750_002


@pytest.fixture
def case(people, engagement, bot_api):
    """Received Monday 1 June 2026 and assigned to Liu Yang: acceptance (R8.03) is due
    at the end of Wednesday 10 June; "due soon" is reminded on Monday 8 June."""
    with clock_at(people, at(6, 1, 10)):
        case = complaint(people, engagement=engagement)
        commit(case, people.head, people.handler)
        case = case_assign(case=case, handler=people.handler, acting_user=people.head)
    return case


@pytest.fixture
def handler_chat(people, bot_api):
    return linked_chat(bot_api, people.handler, HANDLER_CHAT)


def deliver_reminders(bot_api, moment, chat_id):
    """Deliver what is pending at `moment` (the relay and a worker); the last message
    to `chat_id`, as the server keeps it (with its keyboard)."""
    with time_machine.travel(moment):
        for row in Notification.objects.filter(status="pending", template__in=(
                "reminder", "escalation")):
            notification_deliver(row.pk, now=moment)
    return bot_api.delivered(chat=chat_id)[-1].result


def keyboard(message) -> list[dict]:
    return [button for row in message["reply_markup"]["inline_keyboard"] for button in row]


def press(chat, message, label_index, moment, *, from_chat=None):
    with time_machine.travel(moment):
        return chat.press(message, keyboard(message)[label_index]["callback_data"],
                          from_chat=from_chat)


def answer(calls) -> tuple[str, str]:
    [call] = [c for c in calls if c.method == "answerCallbackQuery"]
    return call.params["text"], call.params.get("show_alert")


def test_the_reminder_arrives_with_its_three_buttons(case, handler_chat, bot_api, settings):
    settings.CASEFLOW_SITE_URL = "https://caseflow.example.cn"
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)

    labels = [(b["text"], "url" in b) for b in keyboard(message)]
    assert labels == [("确认收到", False), ("推迟到下一个工作日上午", False),
                      ("打开案件页面", True)]
    assert keyboard(message)[2]["url"] == f"https://caseflow.example.cn/staff/cases/{case.pk}/"
    reminder = Notification.objects.get(template="reminder", case=case)
    assert keyboard(message)[0]["callback_data"] == button_data(ACKNOWLEDGE, reminder.pk)


def test_acknowledge_records_it_on_the_trail_and_takes_the_buttons_away(
        case, handler_chat, bot_api, people):
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)

    calls = press(handler_chat, message, 0, at(6, 8, 9, 30))

    assert answer(calls) == (
        "已确认收到：此事项不再每日提醒您。在该步骤完成之前，逐级上报仍会继续。", "true")
    [edit] = [c for c in calls if c.method == "editMessageReplyMarkup"]
    assert edit.params["chat_id"] == str(HANDLER_CHAT)
    assert edit.params["message_id"] == str(message["message_id"])
    assert [b["text"] for row in edit.params["reply_markup"]["inline_keyboard"]
            for b in row] == ["打开案件页面"]  # only the link stays
    ack = ReminderAcknowledgement.objects.get()
    assert (ack.staff, ack.subject_kind, ack.object_id) == (people.handler, "case", case.pk)
    event = CaseEvent.objects.get(case=case, action="reminder_acknowledged")
    assert event.actor == people.handler
    # The daily repeat stops for him: the due-day morning reminds nobody at level 0.
    sweep_at(at(6, 10))
    assert reminded(at(6, 10)) == []


def test_a_second_press_on_an_acknowledged_reminder_says_so(case, handler_chat, bot_api):
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)
    press(handler_chat, message, 0, at(6, 8, 9, 30))

    for button in (0, 1):  # Acknowledge again, or Snooze: both too late
        calls = press(handler_chat, message, button, at(6, 8, 9, 40))
        assert answer(calls) == ("您已确认过此提醒（2026-06-08 09:30），未做任何更改。", "true")
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert ReminderAcknowledgement.objects.count() == 1
    assert not ReminderSnooze.objects.exists()


def test_a_press_from_anyone_but_the_recipient_changes_nothing(case, handler_chat, bot_api,
                                                               people):
    """The head's chat sends the handler's button data (a forwarded or copied message)."""
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)
    head_chat = linked_chat(bot_api, people.head, HEAD_CHAT)

    calls = press(head_chat, message, 0, at(6, 8, 9, 30))

    assert answer(calls) == ("此提醒是发给其他人的，未做任何更改。", "true")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not ReminderAcknowledgement.objects.exists()
    assert not CaseEvent.objects.filter(action="reminder_acknowledged").exists()


@pytest.mark.parametrize("data", [
    "r:a:1:AAAAAAAAAAAAAAAA",  # made up
    "ack:1",  # not our shape
    "",
])
def test_forged_button_data_is_refused(handler_chat, data):
    calls = handler_chat.press({"message_id": 9, "date": 0, "chat": handler_chat.chat,
                                "text": "x"}, data)
    assert answer(calls) == ("此按钮无效，未做任何更改。", "true")


def test_a_reminder_whose_deadline_moved_on_is_out_of_date(case, handler_chat, bot_api,
                                                            people):
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)
    with time_machine.travel(at(6, 8, 9, 10)):
        case_accept(case=case, acting_user=people.head, action_to_take="调查")
    case.refresh_from_db()

    calls = press(handler_chat, message, 0, at(6, 8, 9, 30))

    due = case.due_at.astimezone(at(6, 8).tzinfo).strftime("%Y-%m-%d %H:%M")
    assert answer(calls) == (f"该提醒已过时：期限已变更为 {due}。", "true")
    assert not ReminderAcknowledgement.objects.exists()


def test_a_reminder_of_a_closed_case_is_out_of_date(case, handler_chat, bot_api, people):
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)
    with time_machine.travel(at(6, 8, 9, 10)):
        case_reject(case=case, acting_user=people.head, reason="不属于受理范围")

    for button in (0, 1):
        calls = press(handler_chat, message, button, at(6, 8, 9, 30))
        assert answer(calls) == ("该案件已结束，未做任何更改。", "true")
    assert not ReminderAcknowledgement.objects.exists()
    assert not ReminderSnooze.objects.exists()


def test_snooze_reminds_again_on_the_next_working_morning_only(case, handler_chat, bot_api,
                                                                people):
    """Monday's "due soon" is snoozed: Tuesday, a morning the schedule passes over, brings
    it back once; Wednesday's own "due today" comes as usual."""
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)

    calls = press(handler_chat, message, 1, at(6, 8, 9, 30))

    assert answer(calls) == ("已推迟：我将于 2026-06-09 09:00 再次提醒您。", "true")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    snooze = ReminderSnooze.objects.get()
    assert (snooze.staff, snooze.until) == (people.handler, at(6, 9))
    assert CaseEvent.objects.get(case=case, action="reminder_snoozed").payload["until"] == (
        "2026-06-09T09:00:00+08:00")

    assert sweep_at(at(6, 8, 15)).snoozed_repeats == 0  # not before its morning
    assert sweep_at(at(6, 9)).snoozed_repeats == 1
    assert sweep_at(at(6, 9, 9, 5)).snoozed_repeats == 0  # once
    again = Notification.objects.get(dedupe_key__startswith="snooze:")
    assert (again.template, again.recipient_staff, again.context["threshold"]) == (
        "reminder", people.handler, "due_soon")
    repeat = deliver_reminders(bot_api, at(6, 9, 9, 6), HANDLER_CHAT)
    assert case.number in repeat["text"]
    assert len(keyboard(repeat)) == 3  # it can be acknowledged or snoozed again

    run = sweep_at(at(6, 10))
    assert reminded(at(6, 10)) == [("reminder", "liuyang", "due_today", 0, 0)]
    assert run.snoozed_repeats == 0


def test_a_snooze_ending_on_a_reminder_morning_adds_nothing(case, handler_chat, bot_api):
    """Snoozed on Wednesday, the due day: Thursday is an overdue morning anyway, so the
    person gets that one reminder, not two."""
    sweep_at(at(6, 10))
    message = deliver_reminders(bot_api, at(6, 10, 9, 1), HANDLER_CHAT)
    press(handler_chat, message, 1, at(6, 10, 11))

    run = sweep_at(at(6, 11))

    assert run.snoozed_repeats == 0
    assert [r for r in reminded(at(6, 11)) if r[1] == "liuyang"] == [
        ("reminder", "liuyang", "overdue", 1, 0)]


def test_a_late_sweep_keeps_a_snooze_but_not_the_escalation(case, handler_chat, bot_api):
    """Overdue on Thursday 11 June; on Friday the sweep runs late (10:00) and Liu Yang
    snoozed Thursday's reminder at 09:30: nothing for him until Monday's morning, while
    the department head is told as the ladder says."""
    sweep_at(at(6, 11))
    message = deliver_reminders(bot_api, at(6, 11, 9, 1), HANDLER_CHAT)
    press(handler_chat, message, 1, at(6, 12, 9, 30))

    sweep_at(at(6, 12, 10))

    friday = reminded(at(6, 12, 10))
    assert not [r for r in friday if r[1] == "liuyang"]
    assert ("escalation", "department_head", "overdue", 2, 1) in friday
    assert ReminderSnooze.objects.get().until == at(6, 15)
    monday = sweep_at(at(6, 15))
    assert ("reminder", "liuyang", "overdue", 3, 0) in reminded(at(6, 15))
    assert monday.snoozed_repeats == 0


def test_an_unlinked_persons_old_message_cannot_be_pressed(case, handler_chat, bot_api):
    sweep_at(at(6, 8))
    message = deliver_reminders(bot_api, at(6, 8, 9, 1), HANDLER_CHAT)
    handler_chat.send("/unlink")

    calls = press(handler_chat, message, 0, at(6, 8, 9, 30))

    assert answer(calls)[0].startswith("此聊天尚未关联")
    assert not ReminderAcknowledgement.objects.exists()


def test_digest_now_lists_what_the_morning_digest_lists(case, handler_chat, bot_api, people):
    with time_machine.travel(at(6, 9, 15)):
        [reply] = handler_chat.replies(handler_chat.send("/digest"))
    assert reply.splitlines()[0] == "今日案件提醒：1 件即将到期，0 件已逾期"
    assert f"- {case.number} · 投诉 · 受理决定 · 2026-06-10 23:59（规定时限）" in reply
    stranger = linked_chat(bot_api, people.newcomer, 750_009)
    with time_machine.travel(at(6, 9, 15)):
        assert stranger.replies(stranger.send("/digest")) == [
            "您没有已逾期或两个工作日内到期的事项：今天没有汇总。"]
