"""Issue 14: 100 reminders to 10 linked staff go out through the delivery task and the
Telegram channel to the fake Bot API: every message arrives, no chat gets two within a
second, the batch goes faster than one a second overall, and a 429 delays its message,
which then arrives. (The channel's own tests cover the shared budget across threads and
processes, tests/bots/test_telegram_channel.py.)"""

import queue
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from caseflow.actions.delivery import notifications_hand_over
from caseflow.actions.notifications import notification_queue
from caseflow.actions.staff import staff_create, staff_telegram_link
from caseflow.models import Notification, Role
from tests.personas import complaint
from workers.tasks import notification_deliver_task

STAFF, DAYS = 10, 10
FIRST_CHAT = 740_000


def linked_staff_with_reminders(people) -> list:
    """Ten linked staff, each with a case of their own; ten reminders each, queued as
    sweeps queue them: one per person and deadline at a time, so people alternate."""
    staff = []
    for n in range(STAFF):
        person = staff_create(username=f"verifier{n}", display_name=f"核查员{n}",
                              roles={Role.VERIFIER: "holder"})
        staff.append(staff_telegram_link(staff=person, chat_id=FIRST_CHAT + n))
    cases = [complaint(people) for _ in staff]
    for day in range(DAYS):
        for person, case in zip(staff, cases, strict=True):
            notification_queue(
                case, "reminder", staff=person, dedupe_key=f"batch:{person.pk}:{day}",
                context={"subject_kind": "case", "object_id": case.pk, "label": case.number,
                         "step": "acceptance", "due_at": case.due_at.isoformat(),
                         "deadline_kind": "rule", "provisional": False,
                         "threshold": "overdue", "overdue_working_days": day + 1,
                         "level": 0})
    return staff


def pending() -> int:
    return Notification.objects.filter(template="reminder", status="pending").count()


def deliver_all(*, workers: int, timeout: float = 120) -> None:
    """The relay hands over what is due every 0.1 s (beat runs it every 5 s; the same
    code); `workers` threads run the delivery task, as Celery workers would. One worker
    runs in this thread (SQLite has one writer)."""
    deadline = time.monotonic() + timeout
    if workers == 1:
        while pending() and time.monotonic() < deadline:
            for notification_id in notifications_hand_over(now=timezone.now()):
                notification_deliver_task(notification_id)
            time.sleep(0.05)
        return
    todo: queue.Queue = queue.Queue()
    done = threading.Event()

    def work():
        try:
            while not done.is_set():
                try:
                    notification_id = todo.get(timeout=0.1)
                except queue.Empty:
                    continue
                notification_deliver_task(notification_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        while pending() and time.monotonic() < deadline:
            for notification_id in notifications_hand_over(now=timezone.now()):
                todo.put(notification_id)
            time.sleep(0.1)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)


def check_the_batch(bot_api, staff, elapsed: float, flooded_chat: int) -> None:
    rows = Notification.objects.filter(template="reminder")
    # All by Telegram: nobody fell back to email.
    assert set(rows.values_list("status", "channel")) == {("sent", "telegram")}
    delivered = bot_api.delivered()
    assert len(delivered) == STAFF * DAYS
    for person in staff:
        chat = person.telegram_chat_id
        arrivals = sorted(c.at for c in bot_api.delivered(chat=chat))
        assert len(arrivals) == DAYS
        gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
        assert min(gaps) >= 1.0, f"chat {chat}: two messages {min(gaps):.3f} s apart"
        # Each carries its buttons: Acknowledge, Snooze, and the case page.
        buttons = [b for c in bot_api.delivered(chat=chat)
                   for b in c.params["reply_markup"]["inline_keyboard"]]
        assert len(buttons) == 3 * DAYS
    print(f"{STAFF * DAYS} reminders to {STAFF} chats in {elapsed:.1f} s "
          f"({STAFF * DAYS / elapsed:.1f}/s)")
    assert STAFF * DAYS / elapsed > 1.0

    # The 429: that message waited the 2 s Telegram asked, then arrived.
    [refused] = [c for c in bot_api.calls_to("sendMessage") if c.status == 429]
    assert refused.chat == str(flooded_chat)
    first_delivered = min(c.at for c in bot_api.delivered(chat=flooded_chat))
    assert first_delivered - refused.at >= 2.0
    flooded = rows.get(delivery_attempts__error__startswith="Flood control exceeded")
    assert list(flooded.delivery_attempts.values_list("result", flat=True)) == [
        "retry", "sent"]


@pytest.mark.django_db
def test_100_reminders_to_10_chats_one_worker(bot_api, people):
    staff = linked_staff_with_reminders(people)
    bot_api.fail_next("flood", chat=FIRST_CHAT, retry_after=2)

    started = time.monotonic()
    deliver_all(workers=1)
    elapsed = time.monotonic() - started

    check_the_batch(bot_api, staff, elapsed, FIRST_CHAT)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="several workers writing at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_100_reminders_to_10_chats_four_workers(bot_api, people):
    staff = linked_staff_with_reminders(people)
    bot_api.fail_next("flood", chat=FIRST_CHAT + 3, retry_after=2)

    started = time.monotonic()
    deliver_all(workers=4)
    elapsed = time.monotonic() - started

    check_the_batch(bot_api, staff, elapsed, FIRST_CHAT + 3)
