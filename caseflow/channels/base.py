"""The interface every channel implements, and the errors it may raise.

A channel knows one transport: whether a person can be reached by it (`address_for`) and
how to hand one message over (`send`). Choosing among channels, recording attempts,
retrying and falling back are the delivery code's (`caseflow.actions.delivery`), the same
for every channel, so another messenger (WeCom, DingTalk) is one more class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from caseflow.models import Staff


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Button:
    """An action offered with the message (a Telegram inline button; a link elsewhere)."""

    label: str
    url: str = ""
    callback: str = ""  # opaque data the bot gets back when pressed


@dataclass(frozen=True)
class Message:
    """What is said, already in the recipient's language. Never a submitter's identity or
    a complaint's text (R8.13): case number, kind, stage, deadline and a link."""

    subject: str
    text: str
    link: str = ""
    attachments: tuple[Attachment, ...] = ()
    buttons: tuple[Button, ...] = ()
    # Headers an email carries (a Message-ID chosen in advance, so a retry is recognisable).
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Sent:
    """The transport accepted the message; `external_id` is its id there (Message-ID,
    Telegram message id) and `detail` what the server said."""

    external_id: str = ""
    detail: str = ""


class DeliveryError(Exception):
    """A failure worth retrying later (network down, server busy)."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(DeliveryError):
    """The transport asked us to wait `retry_after` seconds (Telegram's 429)."""


class NoTurnYet(RateLimited):
    """Nothing was sent: the channel's own budget has no turn for this recipient for
    `retry_after` seconds (Telegram takes about one message a second to a chat). Not a
    try: waiting for a turn uses none of a notification's tries."""


class PermanentFailure(Exception):
    """Retrying cannot help (bot blocked, chat not found, address refused). With
    `broken_link` the person's link to this channel is marked broken; delivery then
    falls back to the next channel."""

    def __init__(self, message: str, *, broken_link: bool = False):
        super().__init__(message)
        self.broken_link = broken_link


class Channel(Protocol):
    name: ClassVar[str]
    # A channel whose callback buttons come back to us (Telegram's) sets `interactive =
    # True`; the others get a message's links only (`caseflow.reminder_buttons`).
    # A channel that shows links but hands no button presses back (WeCom, DingTalk) sets
    # `acknowledges_by_link = True`: a reminder to a person then carries their own
    # acknowledgement link (caseflow.actions.acknowledgement_links).

    def address_for(self, staff: Staff) -> str | None:
        """Where this person is reached on this channel, or None (not linked, broken,
        switched off in their profile, channel not configured)."""

    def send(self, address: str, message: Message) -> Sent:
        """Hand one message over. Raises DeliveryError, RateLimited or PermanentFailure."""

    def mark_broken(self, staff: Staff) -> None:
        """Record that this person's link to the channel is broken (PermanentFailure)."""
