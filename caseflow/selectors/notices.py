"""Notices a party concerned has not been sent, read from the case's own trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caseflow.models import CaseEvent, Notice


@dataclass(frozen=True)
class UndeliveredNotice:
    """A notice flagged as not delivered to one party concerned (no email address, or
    the email failed for good), with the rule deadline it endangers."""

    notice: int
    notice_kind: str
    recipient: str
    reason: str
    flagged_at: dt.datetime
    rule: str
    step: str
    due_at: dt.datetime | None
    deadline_kind: str
    provisional: bool


def undelivered_notices(events: list[CaseEvent], notices: list[Notice]) -> list[UndeliveredNotice]:
    """The latest flag per notice and recipient, until a sending to that recipient is
    recorded (by hand or by email). Reads what the case file already holds (its events,
    its notices with their sendings): no query of its own."""
    sent = {(n.pk, s.recipient_party_id, s.recipient_organization_id)
            for n in notices for s in n.sendings.all()}
    flagged: dict[tuple, UndeliveredNotice] = {}
    for event in events:
        if event.action != "notice_undeliverable":
            continue
        p = event.payload
        key = (p["notice"], p.get("party"), p.get("organization"))
        if key in sent:
            flagged.pop(key, None)
            continue
        flagged[key] = UndeliveredNotice(
            notice=p["notice"], notice_kind=p["notice_kind"], recipient=p["recipient"],
            reason=p["reason"], flagged_at=event.at, rule=p["rule"], step=p["step"],
            due_at=dt.datetime.fromisoformat(p["due_at"]) if p["due_at"] else None,
            deadline_kind=p["deadline_kind"], provisional=p["provisional"])
    return list(flagged.values())
