"""The fake Bot API server answers python-telegram-bot's real `Bot` as Telegram would, for
the methods the delivery code and the interactive bot use."""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, InvalidToken, RetryAfter

from tests.fakes.smtp import free_port


def test_bot_methods_round_trip(bot_api):
    async def session():
        async with Bot(bot_api.token, base_url=bot_api.base_url) as bot:  # getMe
            assert bot.id == int(bot_api.token.split(":")[0])
            keys = InlineKeyboardMarkup([[InlineKeyboardButton("Ack", callback_data="ack:1")]])
            sent = await bot.send_message(chat_id=321, text="due today", reply_markup=keys)
            edited = await bot.edit_message_text(chat_id=321, message_id=sent.message_id,
                                                 text="acknowledged")
            bare = await bot.edit_message_reply_markup(chat_id=321,
                                                       message_id=sent.message_id)
            answered = await bot.answer_callback_query("cbq-1", text="Noted")
            nothing = await bot.get_updates()
            bot_api.push_update({"update_id": 7, "message": {
                "message_id": 1, "date": 0, "chat": {"id": 321, "type": "private"},
                "text": "/start"}})
            [update] = await bot.get_updates(offset=7)
            return sent, edited, bare, answered, nothing, update

    sent, edited, bare, answered, nothing, update = asyncio.run(session())
    assert sent.chat_id == 321 and sent.text == "due today"
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "ack:1"
    assert edited.message_id == sent.message_id and edited.text == "acknowledged"
    assert edited.reply_markup is not None and bare.reply_markup is None
    assert answered is True and nothing == ()
    assert update.message.text == "/start"
    assert [c.method for c in bot_api.calls] == [
        "getMe", "sendMessage", "editMessageText", "editMessageReplyMarkup",
        "answerCallbackQuery", "getUpdates", "getUpdates"]
    assert bot_api.calls_to("answerCallbackQuery")[0].params == {
        "callback_query_id": "cbq-1", "text": "Noted"}


def test_planned_failures_and_a_wrong_token(bot_api):
    bot_api.fail_next("flood", method=None, retry_after=5)
    bot_api.fail_next("blocked", chat=99)

    async def session():
        bot = Bot(bot_api.token, base_url=bot_api.base_url)
        with pytest.raises(RetryAfter):
            await bot.answer_callback_query("cbq-2")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(chat_id=99, text="x")
        await bot.send_message(chat_id=99, text="y")  # only the next one failed
        with pytest.raises(InvalidToken):
            await Bot("1:wrong", base_url=bot_api.base_url).get_me()

    asyncio.run(session())
    assert [c.status for c in bot_api.calls] == [429, 403, 200, 401]
    assert len(bot_api.delivered(chat=99)) == 1


def test_standalone_server_prints_what_it_receives():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.bot_api", "--port", str(port), "--token", "5:demo"],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    try:
        banner = [server.stdout.readline() for _ in range(3)]
        assert "TELEGRAM_BOT_TOKEN=5:demo" in banner[1]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/bot5:demo/sendMessage",
            data=json.dumps({"chat_id": 12, "text": "你好"}).encode(),
            headers={"Content-Type": "application/json"})
        reply = json.load(urllib.request.urlopen(request, timeout=5))
        assert reply["ok"] and reply["result"]["chat"]["id"] == 12
        line = server.stdout.readline()
        assert " 200 sendMessage " in line and "你好" in line
    finally:
        server.terminate()
        server.wait(timeout=5)

