"""Issue 14, done when: with the production run modes and the fake Bot API standing in
for Telegram, a staff member links their account, receives a reminder, presses
Acknowledge, and the case's trail shows the acknowledgement.

Webhook mode (the web app's /telegram/webhook/…) runs everywhere; polling mode runs
`manage.py runbot` as its own process, which reads the test database: PostgreSQL only.
The reminder comes from `run_due` (the sweep) and goes out through the relay and the
delivery task, as beat and the workers run them."""

import json
import os
import signal
import subprocess
import sys

import pytest
import time_machine
from django.db import connection

from bots.webhook import SECRET_HEADER, runners_stop, webhook_path
from caseflow.actions.delivery import notifications_hand_over
from caseflow.actions.intake import case_assign
from caseflow.actions.telegram_links import telegram_link_token_issue
from caseflow.models import CaseEvent, ReminderAcknowledgement
from tests.bots.conversation import Chat, update_ids
from tests.bots.test_run_modes import ROOT, SECRET, wait_for
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, sweep_at
from workers.tasks import notification_deliver_task

CHAT = 760_001


class Webhook:
    """Telegram posting updates to the web app."""

    def __init__(self, client, bot_api, settings):
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        self.client, self.path = client, f"/telegram/webhook/{webhook_path(SECRET)}"

    def send(self, update: dict) -> None:
        response = self.client.post(self.path, json.dumps(update),
                                    content_type="application/json",
                                    headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    def stop(self) -> None:
        runners_stop()


class Polling:
    """`manage.py runbot` as its own process, getting updates from the fake server."""

    def __init__(self, client, bot_api, settings):
        db = connection.settings_dict
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                               f"{db['PORT'] or 5432}/{db['NAME']}",
               "TELEGRAM_BOT_TOKEN": bot_api.token,
               "TELEGRAM_API_BASE_URL": bot_api.base_url, "PYTHONPATH": str(ROOT)}
        self.bot_api = bot_api
        self.process = subprocess.Popen([sys.executable, "manage.py", "runbot"], cwd=ROOT,
                                        env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_for(lambda: bot_api.calls_to("getUpdates"), timeout=30)

    def send(self, update: dict) -> None:
        self.bot_api.push_update(update)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


MODES = [
    pytest.param(Webhook, id="webhook"),
    pytest.param(Polling, id="polling", marks=pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the bot process reads the test database: PostgreSQL")),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", MODES)
def test_link_receive_a_reminder_acknowledge_and_the_trail_shows_it(
        mode, bot_api, people, engagement, client, settings):
    with clock_at(people, at(6, 1, 10)):  # Monday 1 June 2026
        case = complaint(people, engagement=engagement)
        commit(case, people.head, people.handler)
        case = case_assign(case=case, handler=people.handler, acting_user=people.head)
    bot = mode(client, bot_api, settings)
    chat = Chat(bot_api, CHAT)
    try:
        # 1. Liu Yang opens the link from his profile: the bot says he is linked.
        token = telegram_link_token_issue(staff=people.handler).token
        bot.send(chat.message_update(f"/start {token}"))
        [linked] = wait_for(lambda: bot_api.delivered(chat=CHAT))
        assert linked.params["text"].startswith("已关联")

        # 2. Monday 8 June, 09:00: the sweep reminds him (acceptance due Wednesday);
        # the relay hands it to the delivery task, which sends it to his chat.
        sweep_at(at(6, 8))
        with time_machine.travel(at(6, 8, 9, 1)):
            for notification_id in notifications_hand_over(now=at(6, 8, 9, 1)):
                notification_deliver_task(notification_id)
        # (With it came the assignment's message and the morning's digest: the reminder
        # is the one with three buttons.)
        [reminder] = [c for c in bot_api.delivered(chat=CHAT) if len(
            c.result.get("reply_markup", {}).get("inline_keyboard", [])) == 3]
        assert case.number in reminder.params["text"]
        acknowledge = reminder.result["reply_markup"]["inline_keyboard"][0][0]
        assert acknowledge["text"] == "确认收到"

        # 3. He presses Acknowledge.
        bot.send({"update_id": next(update_ids), "callback_query": {
            "id": "press-1", "from": chat.user, "chat_instance": "instance",
            "data": acknowledge["callback_data"], "message": reminder.result}})
        [answered] = wait_for(lambda: bot_api.calls_to("answerCallbackQuery"))
        assert answered.params["text"].startswith("已确认收到")
        wait_for(lambda: bot_api.calls_to("editMessageReplyMarkup"))
    finally:
        bot.stop()

    # 4. The case's trail shows it, on the record and on the case page.
    ack = ReminderAcknowledgement.objects.get()
    assert (ack.staff, ack.object_id) == (people.handler, case.pk)
    event = CaseEvent.objects.get(case=case, action="reminder_acknowledged")
    assert event.actor == people.handler
    client.force_login(people.handler.user)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "已确认收到提醒" in page
