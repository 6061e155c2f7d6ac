"""A Telegram-like channel for tests: implements the channel protocol
(caseflow.channels.base.Channel), keeps what it was given, and fails as told.

Named in settings.CASEFLOW_CHANNELS by its dotted path, as a real channel would be; its
state is on the class because delivery makes a new instance per run.
"""

from __future__ import annotations

from typing import ClassVar

from django.utils import timezone

from caseflow.channels.base import (
    DeliveryError,
    Message,
    PermanentFailure,
    RateLimited,
    Sent,
)
from caseflow.models import Staff

PATH = "tests.notifications.fake_channel.FakeMessenger"


class FakeMessenger:
    name: ClassVar[str] = "telegram"
    sent: ClassVar[list[tuple[str, Message]]] = []
    marked_broken: ClassVar[list[int]] = []
    # address -> what happens on the next send to it: "blocked" (permanent, broken link),
    # "refused" (permanent), "down" (transient), ("rate", seconds) (429), "bug" (an
    # unexpected exception), or nothing: sent.
    behaviour: ClassVar[dict[str, object]] = {}

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.marked_broken, cls.behaviour = [], [], {}

    def address_for(self, staff: Staff) -> str | None:
        if staff.notify_by_telegram and staff.telegram_chat_id and not staff.telegram_broken_at:
            return str(staff.telegram_chat_id)
        return None

    def send(self, address: str, message: Message) -> Sent:
        what = self.behaviour.get(address)
        if what == "blocked":
            raise PermanentFailure("Forbidden: bot was blocked by the user", broken_link=True)
        if what == "refused":
            raise PermanentFailure("Bad Request: message is too long")
        if what == "down":
            raise DeliveryError("Timed out")
        if what == "bug":
            raise KeyError("chat_id")  # a fault in the channel's own code
        if isinstance(what, tuple) and what[0] == "rate":
            raise RateLimited("Too Many Requests", retry_after=what[1])
        self.sent.append((address, message))
        return Sent(external_id=str(len(self.sent)), detail="ok")

    def mark_broken(self, staff: Staff) -> None:
        self.marked_broken.append(staff.pk)
        # What the real channel records (Staff.telegram_broken_at): email takes over.
        Staff.objects.filter(pk=staff.pk).update(telegram_broken_at=timezone.now())
        staff.telegram_broken_at = timezone.now()


class FlakyMail:
    """An email-like channel whose addresses in `down` fail once, transiently."""

    name: ClassVar[str] = "email"
    sent: ClassVar[list[str]] = []
    down: ClassVar[set[str]] = set()

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.down = [], set()

    def address_for(self, staff: Staff) -> str | None:
        return staff.email or None

    def send(self, address: str, message: Message) -> Sent:
        if address in self.down:
            self.down.discard(address)
            raise DeliveryError("421 4.3.2 service not available, closing channel")
        self.sent.append(address)
        return Sent(external_id=f"<{len(self.sent)}@test>")

    def mark_broken(self, staff: Staff) -> None:
        pass


FLAKY_PATH = "tests.notifications.fake_channel.FlakyMail"
