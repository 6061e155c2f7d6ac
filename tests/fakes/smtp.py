"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepts, parsed.

Django's SMTP backend talks to it over TCP, so a test sees exactly what a mail server
would: the envelope, the headers and the attachments as they arrived.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def attachments(self) -> list[tuple[str, bytes]]:
        return [(part.get_filename(), part.get_payload(decode=True))
                for part in self.message.iter_attachments()]

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


@dataclass
class SmtpHandler:
    """Accepts every message; with `refuse` set, answers each RCPT with that reply
    (e.g. "550 5.1.1 mailbox unavailable") so tests can see a refusal."""

    received: list[Received] = field(default_factory=list)
    refuse: str = ""
    delay: float = 0.0  # seconds each message takes to be accepted (a slow server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content,
                                           policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Ok: queued"


class SmtpServer:
    def __init__(self):
        self.handler = SmtpHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def django_settings(self) -> dict:
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": self.port, "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False, "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": ""}


__all__ = ["Received", "SmtpServer", "free_port"]
