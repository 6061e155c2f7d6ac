"""Issue 14: /mine, /due and /case. What a person may see is the selectors' (X9, R8.14,
R8.15); the submitter's identity never appears (R8.13); a malformed number gets a
readable answer."""

import datetime as dt

import pytest

from caseflow.actions.intake import case_assign
from caseflow.workdays import CHINA
from tests.bots.conversation import linked_chat
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, mid-morning: "within two working days" runs to the end of 3 June.
MONDAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)


def received(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=CHINA)


@pytest.fixture
def handled(people, engagement):
    """Liu Yang handles three complaints whose acceptance (7 working days, R8.03) is due
    on 14 May (overdue), 2 June (due soon) and 10 June (later); a fourth is someone
    else's business and Hu Wei led the verification they are all about (R8.15)."""
    with clock_at(people, MONDAY):
        cases = {}
        for name, day in [("overdue", "2026-05-06"), ("soon", "2026-05-22"),
                          ("later", "2026-06-01")]:
            case = complaint(people, engagement=engagement, received_at=received(day))
            commit(case, people.head, people.handler)
            cases[name] = case_assign(case=case, handler=people.handler,
                                      acting_user=people.head)
        cases["other"] = complaint(people, received_at=received("2026-05-29"))
        yield cases


def test_mine_lists_my_open_cases_overdue_first(bot_api, people, handled):
    with clock_at(people, MONDAY):
        chat = linked_chat(bot_api, people.handler, 730_001)
        [reply] = chat.replies(chat.send("/mine"))
    number = {k: c.number for k, c in handled.items()}
    assert reply.splitlines() == [
        "您的未结案件：3 件",
        "",
        "逾期",
        f"• {number['overdue']} · 投诉 · 已收到，待作出受理决定 · 2026-05-14 23:59 · 受理决定",
        "",
        "两个工作日内到期",
        f"• {number['soon']} · 投诉 · 已收到，待作出受理决定 · 2026-06-02 23:59 · 受理决定",
        "",
        "稍后到期",
        f"• {number['later']} · 投诉 · 已收到，待作出受理决定 · 2026-06-10 23:59 · 受理决定",
    ]
    assert number["other"] not in reply


def test_due_lists_what_is_overdue_or_due_within_two_working_days(bot_api, people, handled):
    with clock_at(people, MONDAY):
        chat = linked_chat(bot_api, people.handler, 730_002, language_code="en")
        chat.send("/lang en")
        [reply] = chat.replies(chat.send("/due"))
    assert reply.splitlines()[0] == "Overdue or due within two working days: 2"
    assert handled["overdue"].number in reply and handled["soon"].number in reply
    assert handled["later"].number not in reply


def test_nothing_due_says_so(bot_api, people):
    chat = linked_chat(bot_api, people.newcomer, 730_003)
    assert chat.replies(chat.send("/due")) == ["您没有已逾期或两个工作日内到期的事项。"]
    assert chat.replies(chat.send("/mine")) == ["您没有未结案件。"]


def test_x9_a_recused_person_sees_none_of_the_cases(bot_api, people, handled):
    """Hu Wei led the verification the complaints are about (R8.15): for him they do not
    exist, in the lists or by number."""
    with clock_at(people, MONDAY):
        chat = linked_chat(bot_api, people.hu_wei, 730_004)
        assert chat.replies(chat.send("/mine")) == ["您没有未结案件。"]
        number = handled["overdue"].number
        assert chat.replies(chat.send(f"/case {number}")) == [
            f"没有您可以查看的案件 {number}。"]


def test_r8_13_case_shows_the_facts_and_never_the_submitters_identity(bot_api, people,
                                                                    handled, settings):
    settings.CASEFLOW_SITE_URL = "https://caseflow.example.cn"
    case = handled["overdue"]
    with clock_at(people, MONDAY):
        chat = linked_chat(bot_api, people.handler, 730_005)
        calls = chat.send(f"/case {case.number.lower()}")  # typed in lower case
    [reply] = chat.replies(calls)
    assert reply.splitlines() == [
        f"案件：{case.number} · 投诉",
        "环节：已收到，待作出受理决定",
        "时限：2026-05-14 23:59（规定时限） · 受理决定",
        "逾期",
        "承办人：刘洋 Liu Yang",
        "提出人：保密（请打开案件页面）",
        "核查项目：JS25A0012",
        "",
        f"https://caseflow.example.cn/staff/cases/{case.pk}/",
    ]
    for identity in ("张三", "zhangsan@example.cn", "13800000000", "排放量计算有误"):
        assert identity not in reply
    [call] = [c for c in calls if c.method == "sendMessage"]
    assert call.params["link_preview_options"] == {"is_disabled": True}


def test_an_anonymous_submitter_is_said_to_be_anonymous(bot_api, people):
    case = complaint(people, anonymous=True)
    chat = linked_chat(bot_api, people.head, 730_006)
    [reply] = chat.replies(chat.send(f"/case {case.number}"))
    assert "提出人：匿名" in reply.splitlines()
    assert "承办人：尚未指派" in reply.splitlines()


@pytest.mark.parametrize("text, answer", [
    ("/case", "请发送 /case 加案件编号，例如 /case TS-2026-0001。"),
    ("/case TS-2026-0001 TS-2026-0002", "请发送 /case 加案件编号，例如 /case TS-2026-0001。"),
    ("/case 12345", "12345 不是案件编号；编号形如 TS-2026-0001。"),
    ("/case TS-26-1", "TS-26-1 不是案件编号；编号形如 TS-2026-0001。"),
    ("/case '--", "'-- 不是案件编号；编号形如 TS-2026-0001。"),
    ("/case TS-2026-9999", "没有您可以查看的案件 TS-2026-9999。"),
])
def test_a_malformed_or_unknown_number_gets_a_readable_answer(bot_api, people, text, answer):
    chat = linked_chat(bot_api, people.head, 730_007)
    assert chat.replies(chat.send(text)) == [answer]
