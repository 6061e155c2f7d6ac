"""Issue 14: the bot's run modes. Webhook: Telegram posts updates to a Django view that
checks the secret and hands them to the application's queue. Polling: `manage.py runbot`.
`runbot --set-webhook URL` registers the webhook; without a token the bot is off."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bots.webhook import SECRET_HEADER, runners_stop, webhook_path
from caseflow.actions.telegram_links import telegram_link_token_issue
from tests.bots.conversation import Chat

SECRET = "webhook-secret-for-tests_0123"
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the bot")


@pytest.fixture
def webhook(bot_api, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    yield f"/telegram/webhook/{webhook_path(SECRET)}"
    runners_stop()


@pytest.mark.django_db(transaction=True)
def test_webhook_update_is_handed_to_the_application_and_answered(webhook, bot_api, people,
                                                                 client):
    token = telegram_link_token_issue(staff=people.handler).token
    update = Chat(bot_api, 720_001).message_update(f"/start {token}")

    response = client.post(webhook, json.dumps(update), content_type="application/json",
                           headers={SECRET_HEADER: SECRET})

    assert response.status_code == 200
    [reply] = wait_for(lambda: bot_api.delivered(chat=720_001))
    assert reply.params["text"].startswith("已关联")
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 720_001

    # The application stays up in this process: the next update needs no new getMe.
    calls = len(bot_api.calls_to("getMe"))
    update = Chat(bot_api, 720_001).message_update("/help")
    assert client.post(webhook, json.dumps(update), content_type="application/json",
                       headers={SECRET_HEADER: SECRET}).status_code == 200
    wait_for(lambda: len(bot_api.delivered(chat=720_001)) == 2)
    assert len(bot_api.calls_to("getMe")) == calls


@pytest.mark.django_db
def test_webhook_refuses_anything_but_telegram_with_the_secret(webhook, bot_api, client,
                                                               settings):
    update = json.dumps(Chat(bot_api, 720_002).message_update("/help"))
    post = client.post

    assert post(webhook, update, content_type="application/json").status_code == 403
    assert post(webhook, update, content_type="application/json",
                headers={SECRET_HEADER: "wrong"}).status_code == 403
    assert post("/telegram/webhook/" + "0" * 32, update, content_type="application/json",
                headers={SECRET_HEADER: SECRET}).status_code == 404
    assert client.get(webhook, headers={SECRET_HEADER: SECRET}).status_code == 405
    for body in ["not json", "[1, 2]", '{"update_id": "x"}', '{"message": {}}']:
        assert post(webhook, body, content_type="application/json",
                    headers={SECRET_HEADER: SECRET}).status_code == 400
    assert bot_api.calls_to("sendMessage") == []

    settings.TELEGRAM_WEBHOOK_SECRET = ""  # polling mode: there is no webhook route
    assert post(webhook, update, content_type="application/json",
                headers={SECRET_HEADER: SECRET}).status_code == 404


@pytest.mark.django_db
def test_webhook_answers_503_while_telegram_is_unreachable(webhook, client, settings,
                                                          bot_api):
    settings.TELEGRAM_API_BASE_URL = "http://127.0.0.1:1/bot"  # nobody listens
    update = json.dumps(Chat(bot_api, 720_003).message_update("/help"))
    response = client.post(webhook, update, content_type="application/json",
                           headers={SECRET_HEADER: SECRET})
    assert response.status_code == 503  # Telegram delivers it again later


def test_runbot_without_a_token_says_the_bot_is_off(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    out = io.StringIO()
    call_command("runbot", stdout=out)  # returns: exit status 0
    assert "The Telegram bot is off" in out.getvalue()


def test_runbot_sets_the_webhook_with_its_secret_and_the_command_menu(bot_api, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    out = io.StringIO()
    call_command("runbot", "--set-webhook", "https://caseflow.example.org/", stdout=out)

    [call] = bot_api.calls_to("setWebhook")
    assert call.params["url"] == ("https://caseflow.example.org/telegram/webhook/"
                                  + webhook_path(SECRET))
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    menus = {c.params.get("language_code", ""): c.params["commands"]
             for c in bot_api.calls_to("setMyCommands")}
    assert menus["en"][0] == {"command": "mine", "description": "my open cases, overdue first"}
    assert menus[""][0] == {"command": "mine", "description": "我的未结案件（逾期的在前）"}
    assert "Webhook set" in out.getvalue()

    call_command("runbot", "--delete-webhook", stdout=io.StringIO())
    assert len(bot_api.calls_to("deleteWebhook")) == 1


def test_runbot_refuses_a_webhook_without_secret_or_https(bot_api, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("runbot", "--set-webhook", "https://caseflow.example.org")
    settings.TELEGRAM_WEBHOOK_SECRET, settings.DEBUG = SECRET, False
    with pytest.raises(CommandError, match="HTTPS"):
        call_command("runbot", "--set-webhook", "http://caseflow.example.org")
    assert bot_api.calls_to("setWebhook") == []


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the bot process reads the test database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_runbot_polls_and_answers_as_its_own_process(bot_api, people):
    """The README's polling command, against the fake server: a person links their chat."""
    token = telegram_link_token_issue(staff=people.handler).token
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "TELEGRAM_BOT_TOKEN": bot_api.token, "TELEGRAM_API_BASE_URL": bot_api.base_url,
           "PYTHONPATH": str(ROOT)}
    bot = subprocess.Popen([sys.executable, "manage.py", "runbot"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: bot_api.calls_to("getUpdates"), timeout=30)
        bot_api.push_update(Chat(bot_api, 720_010).message_update(f"/start {token}"))
        [reply] = wait_for(lambda: bot_api.delivered(chat=720_010), timeout=30)
        assert reply.params["text"].startswith("已关联")
    finally:
        bot.send_signal(signal.SIGTERM)
        output = bot.communicate(timeout=30)[0]
    assert bot.returncode == 0, output
    assert bot_api.calls_to("deleteWebhook")  # polling drops a webhook first
    people.handler.refresh_from_db()
    assert people.handler.telegram_chat_id == 720_010
