"""Issue 14: a staff member links their Telegram chat with a one-time link (/start
<token>), a chat nobody linked gets a short refusal and nothing else, /unlink undoes it."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from caseflow.actions.telegram_links import telegram_link_token_issue
from caseflow.models import TelegramLinkToken
from caseflow.models.telegram import link_token_hash
from tests.bots.conversation import Chat

pytestmark = pytest.mark.django_db


def test_start_with_the_token_links_the_chat_and_says_so(bot_api, people):
    issued = telegram_link_token_issue(staff=people.handler)
    assert issued.url == f"https://t.me/caseflow_bot?start={issued.token}"
    # Only the hash is kept.
    stored = TelegramLinkToken.objects.get(staff=people.handler)
    assert stored.token_hash == link_token_hash(issued.token) != issued.token
    assert stored.expires_at == stored.created_at + dt.timedelta(hours=1)

    chat = Chat(bot_api, 700_001)
    replies = chat.replies(chat.send(f"/start {issued.token}"))

    assert replies == ["已关联：此聊天现属于 刘洋 Liu Yang。今后您的提醒将发送到这里。"
                       "发送 /help 查看我能做什么，发送 /unlink 取消关联。"]
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 700_001
    assert people.handler.notify_by_telegram
    stored.refresh_from_db()
    assert stored.used_at is not None and stored.used_chat_id == 700_001


def test_a_token_works_once(bot_api, people):
    issued = telegram_link_token_issue(staff=people.handler)
    Chat(bot_api, 700_002).send(f"/start {issued.token}")

    other = Chat(bot_api, 700_003, language_code="en")
    replies = other.replies(other.send(f"/start {issued.token}"))

    assert replies == ["This link was used already. Each link works once: get a new one on "
                       "your profile page."]
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 700_002


def test_a_token_expires_after_an_hour(bot_api, people):
    issued = telegram_link_token_issue(staff=people.handler)
    chat = Chat(bot_api, 700_004, language_code="en")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        replies = chat.replies(chat.send(f"/start {issued.token}"))
    assert replies[0].startswith("This link has expired")
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id is None


def test_a_new_link_retires_the_older_ones(bot_api, people):
    first = telegram_link_token_issue(staff=people.handler)
    second = telegram_link_token_issue(staff=people.handler)
    chat = Chat(bot_api, 700_005, language_code="en")

    assert chat.replies(chat.send(f"/start {first.token}"))[0].startswith(
        "This link has expired")
    chat.send(f"/start {second.token}")
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 700_005


@pytest.mark.parametrize("token", ["nonsense-but-well-formed-token-xyz", "short", "a b c",
                                   "x" * 65, "'; DROP TABLE caseflow_staff; --"])
def test_unknown_or_malformed_token_is_refused_readably(bot_api, people, token):
    chat = Chat(bot_api, 700_006, language_code="en")
    replies = chat.replies(chat.send(f"/start {token}"))
    assert replies == ["This link is not valid. Open the Telegram link on your profile page "
                       "again."]


def test_a_chat_linked_to_someone_else_is_not_taken_over(bot_api, people):
    Chat(bot_api, 700_007).send(f"/start {telegram_link_token_issue(staff=people.office).token}")
    chat = Chat(bot_api, 700_007)
    replies = chat.replies(chat.send(
        f"/start {telegram_link_token_issue(staff=people.handler).token}"))
    assert replies == ["该会话已关联到另一名工作人员。"]
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id is None
    # Refused as a whole: the token is still good for the chat it is meant for.
    assert not TelegramLinkToken.objects.filter(staff=people.handler,
                                                used_at__isnull=False).exists()


@pytest.mark.parametrize("text", ["/mine", "/case TS-2026-0001", "/help", "hello", "/start",
                                  "/nonsense"])
def test_an_unlinked_chat_gets_a_short_refusal_and_nothing_else(bot_api, people, text):
    chat = Chat(bot_api, 700_008, language_code="en")
    calls = chat.send(text)
    assert [c.method for c in calls] == ["sendMessage"]
    assert chat.replies(calls) == ["This chat is not linked to a Caseflow account. Open the "
                                   "Telegram link on your profile page to link it."]


def test_an_unlinked_button_press_is_answered_and_changes_nothing(bot_api, people):
    chat = Chat(bot_api, 700_009)
    calls = chat.press({"message_id": 5, "date": 0, "chat": chat.chat, "text": "x"},
                       "r:a:1:forged")
    assert [(c.method, c.params.get("show_alert")) for c in calls] == [
        ("answerCallbackQuery", "true")]
    assert calls[0].params["text"].startswith("此聊天尚未关联")


def test_the_bot_works_in_private_chats_only(bot_api, people):
    token = telegram_link_token_issue(staff=people.handler).token
    group = Chat(bot_api, -100_200, chat_type="group", language_code="en")
    assert group.replies(group.send(f"/start {token}")) == [
        "I only work in a private chat with you."]
    assert group.send("just chatting in the group") == []  # no answer to chatter
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id is None


def test_unlink_undoes_the_link(bot_api, people):
    chat = Chat(bot_api, 700_010)
    chat.send(f"/start {telegram_link_token_issue(staff=people.handler).token}")

    replies = chat.replies(chat.send("/unlink"))

    assert replies[0].startswith("已取消关联")
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id is None and not people.handler.notify_by_telegram
    # From now on the chat is a stranger's.
    assert chat.replies(chat.send("/mine"))[0].startswith("此聊天尚未关联")


def test_start_without_a_token_in_a_linked_chat_greets(bot_api, people):
    chat = Chat(bot_api, 700_011)
    chat.send(f"/start {telegram_link_token_issue(staff=people.handler).token}")
    assert chat.replies(chat.send("/start")) == [
        "此聊天已关联到 刘洋 Liu Yang。发送 /help 查看我能做什么。"]


def test_api_issues_a_fresh_deep_link_on_post_only(bot_api, people):
    client = APIClient()
    client.force_authenticate(people.handler.user)

    assert "telegram_link" not in client.get("/api/me/").json()  # no token on a read
    assert not TelegramLinkToken.objects.exists()
    first = client.post("/api/me/telegram-link/", format="json")
    second = client.post("/api/me/telegram-link/", format="json")

    assert first.status_code == second.status_code == 201
    url = second.json()["url"]
    assert url.startswith("https://t.me/caseflow_bot?start=")
    assert first.json()["url"] != url
    chat = Chat(bot_api, 700_012)
    chat.send("/start " + url.split("start=")[1])
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 700_012


def test_api_link_is_refused_while_the_bot_is_off(people, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    client = APIClient()
    client.force_authenticate(people.handler.user)
    response = client.post("/api/me/telegram-link/", format="json")
    assert response.status_code == 409
    assert not TelegramLinkToken.objects.exists()


def test_profile_page_offers_a_link_and_makes_one_on_post_only(bot_api, people, client):
    client.force_login(people.handler.user)

    page = client.get("/staff/profile/").content.decode()
    assert "关联 Telegram 聊天" in page  # the button
    assert not TelegramLinkToken.objects.exists()  # a page view makes no token

    response = client.post("/staff/profile/telegram-link/")
    assert response.status_code == 200
    page = response.content.decode()
    [url] = re.findall(r'href="(https://t\.me/caseflow_bot\?start=[A-Za-z0-9_-]+)"', page)
    assert "有效期至" in page

    chat = Chat(bot_api, 700_013)
    assert chat.replies(chat.send("/start " + url.split("start=")[1]))[0].startswith("已关联")
    assert "关联另一个聊天" in client.get("/staff/profile/").content.decode()


def test_profile_page_without_the_bot_offers_nothing(people, client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    client.force_login(people.handler.user)
    assert "关联 Telegram 聊天" not in client.get("/staff/profile/").content.decode()
    assert client.post("/staff/profile/telegram-link/").status_code == 409
    assert not TelegramLinkToken.objects.exists()
