"""The delivery benchmark's arithmetic (bench/delivery.py): what a per-second limit counts
in a receive log, how lost and duplicated messages are told apart, and that its seed and
sweep queue exactly one reminder per case, to that case's handler."""

from collections import Counter

import pytest

from bench import delivery
from caseflow.models import Notification


def test_the_busiest_second_counts_arrivals_in_any_window_of_one_second():
    assert delivery.busiest_window([]) == 0
    assert delivery.busiest_window([5.0]) == 1
    # A second apart exactly: never two in one window [t, t + 1).
    assert delivery.busiest_window([0.0, 1.0, 2.0, 3.0]) == 1
    # 0.2 and 1.1 share a window with 0.3 whatever the alignment to whole seconds.
    assert delivery.busiest_window([0.3, 1.1, 0.2, 5.0]) == 3
    assert delivery.busiest_window([0.0, 0.5, 1.4, 1.6], width=1.0) == 2


def test_the_closest_gap_is_between_neighbours_in_time():
    assert delivery.closest_gap([3.0]) is None
    assert delivery.closest_gap([3.0, 1.0, 1.25, 9.0]) == 0.25


def test_a_telegram_message_names_its_notification_in_its_buttons():
    params = {"chat_id": "7", "reply_markup": {"inline_keyboard": [
        [{"text": "打开", "url": "http://127.0.0.1:8000/staff/cases/3/"}],
        [{"text": "确认", "callback_data": "r:a:1234:abcdefghijklmnop"}]]}}
    assert delivery.telegram_notification(params) == 1234
    assert delivery.telegram_notification({"chat_id": "7"}) is None


def test_lost_duplicated_and_per_chat_figures_from_a_log():
    """Four reminders expected: 1 arrives twice, 4 never, 9 was not one of them; chat a
    gets two messages 0.4 s apart (above 1 a second), chat b one."""
    arrivals = [(100.5, "a", 1), (100.9, "a", 2), (101.5, "b", 3), (102.6, "b", 1),
                (103.0, "c", 9)]
    figures = delivery.arrivals_report(arrivals, {1, 2, 3, 4}, started=100.0)
    assert figures["received"] == 3
    assert figures["lost"] == 1
    assert figures["duplicates"] == 1
    assert figures["unexpected"] == 1
    assert figures["busiest_second_one_chat"] == 2
    assert figures["chats_above_limit"] == 1
    assert figures["closest_gap_one_chat"] == pytest.approx(0.4)
    assert figures["seconds"] == 3.0  # from the start to the last arrival
    assert figures["per_second"] == 1.0


@pytest.mark.django_db
def test_the_seed_and_the_sweep_queue_one_reminder_per_case_to_its_handler():
    seeded = delivery.seed(staff_count=3, reminders=7)
    assert seeded["cases"] == 7
    assert not Notification.objects.filter(status="pending").exists()  # intake: history

    first = delivery.sweep()
    assert len(first["ids"]) == first["reminders"] == 7 and first["escalations"] == 0
    assert first["thresholds"] == {"due_soon": 7}
    rows = Notification.objects.filter(pk__in=first["ids"]).select_related(
        "case__handler", "recipient_staff")
    assert all(n.recipient_staff == n.case.handler for n in rows)
    assert sorted(Counter(n.recipient_staff.telegram_chat_id for n in rows).values()) == [
        2, 2, 3]

    second = delivery.sweep()  # the due-day morning: one more each
    assert len(second["ids"]) == 7 and second["thresholds"] == {"due_today": 7}

