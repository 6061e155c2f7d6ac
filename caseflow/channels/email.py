"""Email through Django's email backend (SMTP in production, a file or memory elsewhere)."""

from __future__ import annotations

import smtplib
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid

from caseflow.channels.base import DeliveryError, Message, PermanentFailure, Sent
from caseflow.models import Staff


def is_permanent(code: int) -> bool:
    """SMTP's 5xx replies are final; 4xx ask to try again later (RFC 5321 4.2.1)."""
    return 500 <= code < 600


class EmailChannel:
    name: ClassVar[str] = "email"

    def address_for(self, staff: Staff) -> str | None:
        """Their email when they chose to be notified by it."""
        return staff.email if staff.notify_by_email and staff.email else None

    def fallback_address_for(self, staff: Staff) -> str | None:
        """Their email whatever they chose: used when no channel they chose reached them
        (Telegram not linked or broken), so that nobody is left uninformed."""
        return staff.email or None

    def send(self, address: str, message: Message) -> Sent:
        headers = dict(message.headers)
        # Chosen before sending and kept: a retry after a crash carries the same id, so a
        # duplicate is recognisable (and the DeliveryAttempt names what the server took).
        message_id = headers.pop("Message-ID", "") or make_msgid(domain=sender_domain())
        body = f"{message.text}\n\n{message.link}\n" if message.link else f"{message.text}\n"
        mail = EmailMessage(subject=message.subject, body=body,
                            from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                            headers={"Message-ID": message_id, **headers})
        for attachment in message.attachments:
            mail.attach(attachment.name, attachment.content, attachment.mimetype)
        replies: list[tuple[int, bytes]] = []
        backend = get_connection(fail_silently=False)
        try:
            backend.open()
            keep_data_reply(backend, replies)
            backend.send_messages([mail])
        except smtplib.SMTPRecipientsRefused as refused:
            answers = list(refused.recipients.values())
            detail = "; ".join(f"{code} {text.decode(errors='replace')}"
                               for code, text in answers)
            if all(is_permanent(code) for code, _text in answers):
                raise PermanentFailure(f"refused: {detail}") from refused
            raise DeliveryError(f"deferred: {detail}") from refused
        except smtplib.SMTPDataError as refused:
            detail = f"{refused.smtp_code} {refused.smtp_error.decode(errors='replace')}"
            if is_permanent(refused.smtp_code):
                raise PermanentFailure(f"message refused: {detail}") from refused
            raise DeliveryError(f"message deferred: {detail}") from refused
        except (smtplib.SMTPException, OSError) as error:
            # Connection refused or dropped, timeouts, a sender or login the server did
            # not take: the server or our settings, not this message; try again later.
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        finally:
            backend.close()
        detail = " ".join(f"{code} {text.decode(errors='replace')}" for code, text in replies)
        return Sent(external_id=message_id, detail=detail)

    def mark_broken(self, staff: Staff) -> None:
        """Nothing to mark: a refused address stays on the person's profile for them to
        correct; the refusal is on the notification's record."""


def sender_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def keep_data_reply(backend, replies: list) -> None:
    """Keep the SMTP server's answer to the message (e.g. `250 2.0.0 Ok: queued as …`),
    which smtplib's sendmail drops. Other backends (file, memory) have no server."""
    smtp = getattr(backend, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        return
    data = smtp.data

    def data_keeping_reply(msg):
        reply = data(msg)
        replies.append(reply)
        return reply

    smtp.data = data_keeping_reply
