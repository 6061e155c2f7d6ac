"""The real Telegram channel in the delivery loop, against the fake Bot API over HTTP:
the default channel order sends a linked person's message to their chat, and a blocked
bot hands the same message to email and marks the link broken."""

import pytest
from django.utils import timezone

from bots.rate_budget import budget_for_bot
from caseflow.actions.delivery import notification_deliver
from caseflow.actions.intake import case_assign
from caseflow.actions.staff import staff_telegram_link
from caseflow.delivery_policy import DELIVERY_RETRIES
from caseflow.models import Notification
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db

CHAT = 515151


@pytest.fixture
def assigned(people, engagement):
    staff_telegram_link(staff=people.handler, chat_id=CHAT)
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.handler)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    return Notification.objects.get(case=case, template="case_assigned")


def test_a_linked_person_gets_the_message_in_their_chat(assigned, bot_api, smtp_server):
    assert notification_deliver(assigned.pk, now=timezone.now()) == "sent"

    [call] = [c for c in bot_api.calls if c.method == "sendMessage"]
    assert call.params["chat_id"] == str(CHAT)
    assert assigned.case.number in call.params["text"]
    assert smtp_server.received == []
    attempt = assigned.delivery_attempts.get()
    assert (attempt.channel, attempt.result) == ("telegram", "sent")
    assert attempt.external_id  # the message id the server gave


def test_a_blocked_bot_falls_back_to_email_and_marks_the_link_broken(assigned, bot_api,
                                                                     smtp_server, people):
    bot_api.fail_next("blocked")

    assert notification_deliver(assigned.pk, now=timezone.now()) == "sent"

    assert len(smtp_server.received) == 1
    assert list(assigned.delivery_attempts.values_list("channel", "result")) == [
        ("telegram", "failed"), ("email", "sent")]
    people.handler.refresh_from_db()
    assert people.handler.telegram_broken_at is not None


def test_waiting_for_a_chats_turn_uses_none_of_the_tries(assigned, bot_api, smtp_server,
                                                         settings):
    """Telegram takes about one message a second to a chat: a delivery that finds the
    chat's turn far off hands the row back to wait for it. Nothing was sent or tried, so
    however often that happens, the row is not failed for it nor sent by email."""
    budget_for_bot(settings.TELEGRAM_BOT_TOKEN).pause(60, chat=str(CHAT))
    now = timezone.now()
    for _ in range(DELIVERY_RETRIES.max_attempts + 1):
        assert notification_deliver(assigned.pk, now=now) == "pending"
        assigned.refresh_from_db()
        assert assigned.attempts == 0
        now = assigned.next_attempt_at  # due again once the turn has come

    assert assigned.delivery_attempts.count() == 0
    assert "next slot" in assigned.last_error and str(CHAT) not in assigned.last_error
    assert bot_api.calls_to("sendMessage") == [] and smtp_server.received == []
