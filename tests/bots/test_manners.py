"""Issue 14: /lang and /help, and bad input (an unknown command, text that is no command)
answered readably; anything that breaks is logged by the one error handler, which tells
the person briefly and keeps the bot going."""

import logging

import pytest

from bots.handlers import linking
from tests.bots.conversation import linked_chat

pytestmark = pytest.mark.django_db


def test_help_lists_the_commands_in_the_persons_language(bot_api, people):
    chat = linked_chat(bot_api, people.handler, 710_001)
    [reply] = chat.replies(chat.send("/help"))
    assert reply.splitlines()[:8] == [
        "我能做的事：",
        "/mine — 我的未结案件（逾期的在前）",
        "/due — 两个工作日内到期的事项",
        "/case — 查看一个案件：/case <编号>",
        "/digest — 立即查看今日汇总",
        "/lang — 语言：/lang zh 或 /lang en",
        "/unlink — 取消此聊天与您账号的关联",
        "/help — 本列表",
    ]


def test_lang_switches_the_language_of_the_replies_and_the_profile(bot_api, people):
    chat = linked_chat(bot_api, people.handler, 710_002)

    assert chat.replies(chat.send("/lang en")) == [
        "I will write to you in English from now on."]
    people.handler.refresh_from_db()
    assert people.handler.language == "en"
    assert chat.replies(chat.send("/help"))[0].startswith("What I can do:")

    assert chat.replies(chat.send("/lang zh")) == ["此后我将用中文与您交流。"]
    people.handler.refresh_from_db()
    assert people.handler.language == "zh-hans"


@pytest.mark.parametrize("text", ["/lang", "/lang fr", "/lang zh en"])
def test_lang_without_a_known_language_says_how(bot_api, people, text):
    chat = linked_chat(bot_api, people.handler, 710_003)
    assert chat.replies(chat.send(text)) == ["发送 /lang zh 使用中文，/lang en 使用英文。"]
    people.handler.refresh_from_db()
    assert people.handler.language == "zh-hans"


def test_unknown_command_and_plain_text_get_a_short_pointer_to_help(bot_api, people):
    chat = linked_chat(bot_api, people.handler, 710_004)
    assert chat.replies(chat.send("/frobnicate")) == [
        "我不认识这个命令。发送 /help 查看命令列表。"]
    assert chat.replies(chat.send("你好")) == ["我只回复命令。发送 /help 查看命令列表。"]


def test_a_failure_is_logged_answered_briefly_and_the_bot_goes_on(bot_api, people,
                                                                 monkeypatch, caplog):
    chat = linked_chat(bot_api, people.handler, 710_005, language_code="en")

    def broken(chat_id):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(linking, "staff_for_chat", broken)
    with caplog.at_level(logging.ERROR, logger="bots.application"):
        calls = chat.send("/help")
    assert chat.replies(calls) == [
        "Sorry, something went wrong on our side. Please try again in a moment."]
    [record] = [r for r in caplog.records if r.name == "bots.application"]
    assert "chat 710005" in record.getMessage()
    assert record.exc_info[1].args == ("database unreachable",)

    monkeypatch.undo()  # the next update is handled as usual
    assert chat.replies(chat.send("/help"))[0].startswith("我能做的事")


def test_a_reply_telegram_refuses_is_logged_and_the_person_told(bot_api, people, caplog):
    chat = linked_chat(bot_api, people.handler, 710_006)
    bot_api.fail_next("server_error", chat=710_006)  # the reply to /help fails once
    with caplog.at_level(logging.ERROR, logger="bots.application"):
        calls = chat.send("/help")
    assert [c.status for c in calls if c.method == "sendMessage"] == [500, 200]
    assert chat.replies(calls)[-1] == "抱歉，系统出了问题。请稍后再试。"  # the linked language
    assert any(r.name == "bots.application" for r in caplog.records)


def test_polling_faults_are_logged_without_an_update(caplog):
    """Errors of the polling loop itself (no update): a second poller or a webhook set
    says what to do; a network blip is a warning; the bot carries on."""
    from asgiref.sync import async_to_sync
    from telegram.error import Conflict, NetworkError

    from bots.application import build_application, on_error
    from bots.chats import StaffContext

    application = build_application(token="123:x", base_url="http://127.0.0.1:1/bot")
    for error in (Conflict("terminated by other getUpdates request"), NetworkError("reset")):
        context = StaffContext.from_error(update=None, error=error, application=application)
        with caplog.at_level(logging.WARNING, logger="bots.application"):
            async_to_sync(on_error)(None, context)  # returns: nothing stops
    conflict, network = [r for r in caplog.records if r.name == "bots.application"]
    assert conflict.levelno == logging.ERROR and "exactly one" in conflict.getMessage()
    assert network.levelno == logging.WARNING
