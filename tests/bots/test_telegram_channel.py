"""The Telegram channel against the fake Bot API server, over real HTTP: what arrives, how
each refusal is understood, and the shared rate budget (30/s overall, 1/s per chat)."""

import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from bots.rate_budget import RedisRateBudget, budget_for_bot, redis_client
from bots.transport import TelegramChannel
from caseflow.actions.staff import staff_telegram_link, staff_telegram_unlink
from caseflow.channels.base import (
    Button,
    DeliveryError,
    Message,
    PermanentFailure,
    RateLimited,
)

REMINDER = Message(
    subject="CF-2026-0007 <reminder>",
    text="Acceptance decision due 2026-05-12 (rule deadline) & overdue tomorrow.",
    link="https://caseflow.example.cn/cases/7",
    buttons=(Button("Open the case", url="https://caseflow.example.cn/cases/7"),
             Button("Acknowledge", callback="ack:41")),
)


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL): the budget shared between processes")
    return settings.REDIS_URL


def test_message_arrives_with_its_text_and_buttons_without_link_preview(bot_api):
    channel = TelegramChannel()
    sent = channel.send("7001", REMINDER)

    [call] = bot_api.delivered(chat=7001)
    assert sent.external_id == str(call.result["message_id"])
    assert call.params["parse_mode"] == "HTML"
    # Escaped: nothing in a message is read as markup. The link is on its button.
    assert call.params["text"] == (
        "<b>CF-2026-0007 &lt;reminder&gt;</b>\n\n"
        "Acceptance decision due 2026-05-12 (rule deadline) &amp; overdue tomorrow.")
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.params["reply_markup"] == {"inline_keyboard": [
        [{"text": "Open the case", "url": "https://caseflow.example.cn/cases/7"}],
        [{"text": "Acknowledge", "callback_data": "ack:41"}],
    ]}

    # Without a button for it, the link goes in the text.
    second = channel.send("7002", Message(subject="Digest", text="2 due soon",
                                          link="https://caseflow.example.cn/me"))
    [call] = bot_api.delivered(chat=7002)
    assert call.params["text"] == "<b>Digest</b>\n\n2 due soon\n\nhttps://caseflow.example.cn/me"
    assert "reply_markup" not in call.params
    assert int(second.external_id) > int(sent.external_id)


def test_address_is_the_linked_chat_while_telegram_is_on_for_the_person(bot_api, people,
                                                                        settings):
    channel = TelegramChannel()
    assert channel.address_for(people.handler) is None  # no chat linked

    handler = staff_telegram_link(staff=people.handler, chat_id=555001)
    assert channel.address_for(handler) == "555001"

    settings.TELEGRAM_BOT_TOKEN = ""  # the bot is off: email only
    assert channel.address_for(handler) is None
    settings.TELEGRAM_BOT_TOKEN = bot_api.token

    handler.notify_by_telegram = False  # switched off in the profile
    assert channel.address_for(handler) is None
    assert channel.address_for(staff_telegram_unlink(staff=handler)) is None


def test_flood_control_429_is_rate_limited_for_its_retry_after_and_pauses_the_chat(bot_api):
    channel = TelegramChannel()
    bot_api.fail_next("flood", chat=7100, retry_after=3)

    with pytest.raises(RateLimited) as raised:
        channel.send("7100", REMINDER)
    assert raised.value.retry_after == 3.0

    # The chat is paused for the 3 s Telegram asked (our own spacing alone is ~1 s) ...
    budget = budget_for_bot(bot_api.token)
    assert 2.5 < budget.take("7100") <= 3.0
    # ... so the next send gives up at once instead of asking again, and other chats go on.
    calls = len(bot_api.calls)
    with pytest.raises(RateLimited) as raised:
        channel.send("7100", REMINDER)
    assert 2.0 < raised.value.retry_after <= 3.0
    assert len(bot_api.calls) == calls
    channel.send("7101", REMINDER)
    assert len(bot_api.delivered(chat=7101)) == 1


@pytest.mark.parametrize("refusal", ["blocked", "deactivated", "chat_not_found"])
def test_blocked_bot_or_lost_chat_is_permanent_and_breaks_the_link(bot_api, people, refusal):
    channel = TelegramChannel()
    handler = staff_telegram_link(staff=people.handler, chat_id=555002)
    bot_api.fail_next(refusal, chat=555002)

    with pytest.raises(PermanentFailure) as raised:
        channel.send(channel.address_for(handler), REMINDER)
    assert raised.value.broken_link

    channel.mark_broken(handler)
    assert channel.address_for(handler) is None  # email takes over
    handler.refresh_from_db()
    broken_at = handler.telegram_broken_at
    assert broken_at is not None
    channel.mark_broken(handler)  # a second refusal keeps the first moment
    handler.refresh_from_db()
    assert handler.telegram_broken_at == broken_at
    assert channel.address_for(handler) is None

    # Linking the chat again (the bot's /start) mends it.
    handler = staff_telegram_link(staff=handler, chat_id=555002)
    assert handler.telegram_broken_at is None
    assert channel.address_for(handler) == "555002"


def test_other_refusals_and_outages_keep_the_link(bot_api, settings):
    channel = TelegramChannel()

    bot_api.fail_next("bad_request", chat=7200)  # our message, not their chat
    with pytest.raises(PermanentFailure) as raised:
        channel.send("7200", REMINDER)
    assert not raised.value.broken_link

    bot_api.fail_next("server_error", chat=7201)
    with pytest.raises(DeliveryError) as raised:
        channel.send("7201", REMINDER)
    assert not isinstance(raised.value, RateLimited)

    settings.TELEGRAM_BOT_TOKEN = "42:revoked"  # the server says 401: ours to fix, retried
    with pytest.raises(DeliveryError):
        channel.send("7202", REMINDER)

    settings.TELEGRAM_API_BASE_URL = "http://127.0.0.1:1/bot"  # nobody listens: retried
    with pytest.raises(DeliveryError):
        channel.send("7203", REMINDER)


def test_rate_budget_out_of_reach_is_a_transient_failure(bot_api, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with pytest.raises(DeliveryError):
        TelegramChannel().send("7300", REMINDER)
    assert bot_api.delivered() == []


def send_all(jobs: list[tuple[str, Message]], workers: int) -> None:
    """Worker threads share the jobs as Celery workers would; a RateLimited job comes back
    after its retry_after (the delivery code's reschedule)."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    remaining = [len(jobs)]
    lock = threading.Lock()
    errors = []

    def work():
        channel = TelegramChannel()
        while True:
            with lock:
                if remaining[0] == 0:
                    return
            try:
                chat, message = todo.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                channel.send(chat, message)
            except RateLimited as exc:
                threading.Timer(exc.retry_after, todo.put, [(chat, message)]).start()
                continue
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            with lock:
                remaining[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors


def assert_a_second_apart(bot_api, chats):
    for chat in chats:
        times = sorted(c.at for c in bot_api.delivered(chat=chat))
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 1.0, f"chat {chat} received two within {min(gaps):.3f} s"


def test_per_chat_budget_one_a_second_each_yet_the_batch_goes_faster(bot_api):
    """100 messages to 10 chats through the real budget (Redis when REDIS_URL is set, this
    process's memory otherwise): all arrive, none to a chat within a second of another."""
    chats = [str(8000 + n) for n in range(10)]
    jobs = [(chat, Message(subject="Reminder", text=f"message {n} to {chat}"))
            for n in range(10) for chat in chats]

    started = time.monotonic()
    send_all(jobs, workers=5)
    elapsed = time.monotonic() - started

    delivered = bot_api.delivered()
    assert sorted(c.params["text"] for c in delivered) == sorted(
        f"<b>Reminder</b>\n\n{m.text}" for _, m in jobs)
    assert_a_second_apart(bot_api, chats)
    print(f"100 messages to 10 chats in {elapsed:.1f} s ({100 / elapsed:.1f}/s)")
    assert 100 / elapsed > 1.0


def test_overall_budget_caps_the_bot_across_chats(bot_api, settings):
    settings.TELEGRAM_RATE_GLOBAL = 5  # a small cap, to see it within a few seconds
    jobs = [(str(8100 + n), Message(subject="Digest", text=str(n))) for n in range(16)]

    send_all(jobs, workers=4)

    times = sorted(c.at for c in bot_api.delivered())
    assert len(times) == 16
    # 15 intervals of 1/5 s each; a little slack for arrivals that bunch up on the way.
    assert times[-1] - times[0] >= 15 / 5 * 0.9


def test_redis_budget_is_atomic_across_clients(redis_url):
    """Eight clients (connections) race for one chat for 2.2 s: three slots, no more."""
    namespace = f"test:telegram:{secrets.token_hex(4)}"
    granted = []

    def race():
        budget = RedisRateBudget(redis.Redis.from_url(redis_url), namespace=namespace,
                                 per_chat_interval=1.05, overall_interval=1 / 30)
        end = time.monotonic() + 2.2
        while time.monotonic() < end:
            if budget.take("9000") == 0:
                granted.append(time.monotonic())
            time.sleep(0.005)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 3
    assert 0 < redis_client(redis_url).ttl(f"{namespace}:chat:9000") <= 3  # it expires


SENDER = """
import sys, time, django
django.setup()
from bots.transport import TelegramChannel
from caseflow.channels.base import Message, RateLimited
channel, sent = TelegramChannel(), 0
while sent < 4:
    try:
        channel.send("9100", Message(subject="From " + sys.argv[1], text=str(sent)))
        sent += 1
    except RateLimited as exc:
        time.sleep(exc.retry_after)
"""


def test_two_worker_processes_share_one_budget_through_redis(redis_url, bot_api):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "REDIS_URL": redis_url,
           "TELEGRAM_BOT_TOKEN": bot_api.token, "TELEGRAM_API_BASE_URL": bot_api.base_url,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    workers = [subprocess.Popen([sys.executable, "-c", SENDER, name], env=env)
               for name in ("worker-a", "worker-b")]
    for worker in workers:
        assert worker.wait(timeout=60) == 0

    delivered = bot_api.delivered(chat=9100)
    assert len(delivered) == 8
    assert {c.params["text"].split("\n")[0] for c in delivered} == {
        "<b>From worker-a</b>", "<b>From worker-b</b>"}
    assert_a_second_apart(bot_api, ["9100"])
