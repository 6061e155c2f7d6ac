"""Delivering outbox rows: who gets a notification, by which channel, and what happened.

A delivery claims its row with one conditional update, sends with no transaction open (a
slow mail server must not hold row locks), records each try as a `DeliveryAttempt` (on
record before the next send, the last one with the settling), and settles the row in a
short transaction: sent, failed, or pending with the time of its next try (the relay
hands it over again then). Tasks take ids, so a task delivered twice re-reads the row
and finds nothing to do.

Recipients (X9): a role goes to its holders, or to its deputies and delegates where a
holder is recused from the case; a recused person is never told about the case. Each
person gets the first channel that reaches them, in their own order of messengers, then in
`settings.CASEFLOW_CHANNELS`'s; a channel that refuses for good (a blocked bot, a WeCom id
that left) is marked broken and the next one is tried, email last, and email even when
unchosen rather than nobody being told.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from caseflow.actions.acknowledgement_links import link_buttons
from caseflow.channels.base import (
    Channel,
    DeliveryError,
    Message,
    NoTurnYet,
    PermanentFailure,
    RateLimited,
    Sent,
)
from caseflow.channels.email import EmailChannel, sender_domain
from caseflow.delivery_policy import (
    DELIVERY_RETRIES,
    RELAY_BATCH,
    in_flight_lease,
    relay_stale_after,
)
from caseflow.messages import PARTY_TEMPLATES, notification_message
from caseflow.models import DeliveryAttempt, Notification, Staff
from caseflow.policies.impartiality import case_recusal
from caseflow.reminder_buttons import reminder_buttons
from caseflow.selectors.roles import role_recipients

logger = logging.getLogger(__name__)
Status, Result = Notification.Status, DeliveryAttempt.Result


def configured_channels() -> list[Channel]:
    """The channels in preference order (settings.CASEFLOW_CHANNELS, dotted paths: the
    domain imports no adapter; the settings wire them in)."""
    return [import_string(path)() for path in settings.CASEFLOW_CHANNELS]


@dataclass(frozen=True)
class Recipient:
    """One person a notification goes to: a staff member, or a party's or an
    organization's email address (by email only)."""

    staff: Staff | None = None
    address: str = ""
    language: str = ""

    @property
    def key(self) -> int | None:
        return self.staff.pk if self.staff else None


class Reach(enum.Enum):
    SENT = "sent"
    LATER = "later"  # a transient failure: try this person again
    GIVEN_UP = "given_up"  # every channel refused for good, or none reaches them


@dataclass
class Outcome:
    reach: Reach
    channel: str = ""
    error: str = ""
    retry_after: float | None = None
    sent: Sent | None = None
    waiting: bool = False  # for the recipient's turn (NoTurnYet): nothing was tried


@dataclass
class Run:
    """One delivery of one row: its message per language, whether this is its last try
    under the retry policy, and the attempts not yet written (`record_attempt`)."""

    notification: Notification
    now: dt.datetime
    last_try: bool
    channels: list[Channel]
    messages: dict[str, Message] = field(default_factory=dict)
    unwritten: list[DeliveryAttempt] = field(default_factory=list)


# --- Claiming ------------------------------------------------------------------------

def notification_claim(notification_id: int, *, now: dt.datetime) -> Notification | None:
    """Take the row for this delivery: one conditional update (pending, due, tries left)
    counts the try and moves its next one past the time it takes to send, so of two tasks
    for the same row one takes it and the other does nothing meanwhile; then the row is
    read. None when there is nothing to do: sent, failed, backing off, or held by another."""
    taken = (Notification.objects
             .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                     pk=notification_id, status=Status.PENDING,
                     attempts__lt=DELIVERY_RETRIES.max_attempts)
             .update(attempts=F("attempts") + 1, next_attempt_at=now + in_flight_lease()))
    if not taken:
        notification_exhausted(notification_id, now=now)
        return None
    return (Notification.objects
            .select_related("case", "recipient_staff", "recipient_party",
                            "recipient_organization")
            .get(pk=notification_id))


@transaction.atomic
def notification_exhausted(notification_id: int, *, now: dt.datetime) -> None:
    """A row due but tried as often as the policy allows, every try cut short (a worker
    that died mid-send each time): failed here rather than handed over forever."""
    notification = (Notification.objects.select_for_update()
                    .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                            pk=notification_id, status=Status.PENDING,
                            attempts__gte=DELIVERY_RETRIES.max_attempts)
                    .first())
    if notification is None:
        return
    notification.status, notification.failed_at = Status.FAILED, now
    notification.last_error = notification.last_error or "interrupted on every try"
    notification.body = ""
    notification.save(update_fields=["status", "failed_at", "last_error", "body"])
    notice_failed(notification)


# --- Delivering ----------------------------------------------------------------------

def notification_deliver(notification_id: int, *, now: dt.datetime) -> str:
    """Deliver one outbox row (the task `caseflow.notification_deliver`). Returns its
    status afterwards, or "skipped" when there was nothing to do."""
    notification = notification_claim(notification_id, now=now)
    if notification is None:
        return "skipped"
    run = Run(notification, now, last_try=notification.attempts >= DELIVERY_RETRIES.max_attempts,
              channels=[])
    try:
        run.channels = configured_channels()
        recipients, refusal = notification_recipients(notification, now=now)
        if refusal:
            record_attempt(run, None, "", Result.SKIPPED, refusal)
            outcomes = [Outcome(Reach.GIVEN_UP, error=refusal)]
        else:
            outcomes = deliver_to_everyone(run, recipients)
    except Exception as error:  # a fault of ours (rendering, a channel's bug): retried
        logger.exception("delivering notification %s failed", notification_id)
        message = f"{type(error).__name__}: {error}"
        record_attempt(run, None, "", Result.FAILED if run.last_try else Result.RETRY, message)
        outcomes = [Outcome(Reach.LATER, error=message)]
        if (any(a.result == Result.SENT for a in run.unwritten)
                or notification.delivery_attempts.filter(result=Result.SENT).exists()):
            outcomes.append(Outcome(Reach.SENT))  # some were reached before the fault
    return notification_settle(run, outcomes).status


def deliver_to_everyone(run: Run, recipients: list[Recipient]) -> list[Outcome]:
    """Each recipient not yet reached (a retry does not write again to those a previous
    try reached, nor to those it gave up on): the attempts say who."""
    last_result: dict[int | None, str] = {}
    if run.notification.attempts > 1:  # a first try has none: each try is counted first
        for person, result in (run.notification.delivery_attempts.order_by("at", "id")
                               .values_list("recipient_staff_id", "result")):
            last_result[person] = result
    outcomes = []
    for recipient in recipients:
        previous = last_result.get(recipient.key)
        if previous == Result.SENT:
            outcomes.append(Outcome(Reach.SENT))
        elif previous in (Result.FAILED, Result.SKIPPED):
            outcomes.append(Outcome(Reach.GIVEN_UP))
        elif recipient.staff is None:
            outcomes.append(deliver_by_email(run, recipient))
        else:
            outcomes.append(deliver_to_staff(run, recipient.staff))
    return outcomes


def deliver_to_staff(run: Run, staff: Staff) -> Outcome:
    """The first channel that reaches the person, in their own order; on a refusal for
    good the next one; the email on file as the last resort."""
    tried: set[str] = set()
    refused = None
    for channel in in_preferred_order(staff, run.channels):
        address = channel.address_for(staff)
        if not address:
            continue
        tried.add(channel.name)
        outcome = try_channel(run, channel, address, staff, staff.language)
        if outcome.reach is not Reach.GIVEN_UP:
            return outcome
        refused = outcome
    for channel in run.channels:
        last_resort = getattr(channel, "fallback_address_for", None)
        address = last_resort(staff) if last_resort and channel.name not in tried else None
        if address:
            tried.add(channel.name)
            outcome = try_channel(run, channel, address, staff, staff.language)
            if outcome.reach is not Reach.GIVEN_UP:
                return outcome
            refused = outcome
    if refused is not None:
        return refused
    error = "no channel reaches this person (no email, no linked chat)"
    record_attempt(run, staff, "", Result.SKIPPED, error)
    return Outcome(Reach.GIVEN_UP, error=error)


def in_preferred_order(staff: Staff, channels: list[Channel]) -> list[Channel]:
    """The messengers the person put first (their profile), in their order; then the
    others in the body's order (settings.CASEFLOW_CHANNELS), which ends with email."""
    rank = {name: position for position, name in enumerate(staff.preferred_channels)}
    return sorted(channels, key=lambda c: (0, rank[c.name]) if c.name in rank else (1, 0))


def deliver_by_email(run: Run, recipient: Recipient) -> Outcome:
    """A party or an organization: by email only, in their language."""
    channel = next((c for c in run.channels if c.name == EmailChannel.name), EmailChannel())
    return try_channel(run, channel, recipient.address, None, recipient.language)


def try_channel(run: Run, channel: Channel, address: str, staff: Staff | None,
                language: str) -> Outcome:
    notification = run.notification
    try:
        message = message_for(run, staff, language, channel)
        attempts_write(run)  # who was reached is on record before anyone else is written to
        sent = channel.send(address, message)
    except NoTurnYet as error:  # nothing went: no attempt, and none of the row's tries
        return Outcome(Reach.LATER, channel.name, redacted(str(error), address),
                       retry_after=error.retry_after, waiting=True)
    except DeliveryError as error:  # RateLimited too: wait as long as it asked
        text = redacted(str(error), address)
        record_attempt(run, staff, channel.name,
                       Result.FAILED if run.last_try else Result.RETRY, text)
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        return Outcome(Reach.LATER, channel.name, text, retry_after=retry_after)
    except PermanentFailure as error:
        text = redacted(str(error), address)
        record_attempt(run, staff, channel.name, Result.FAILED, text)
        if error.broken_link and staff is not None:
            channel.mark_broken(staff)
        return Outcome(Reach.GIVEN_UP, channel.name, text)
    record_attempt(run, staff, channel.name, Result.SENT, "", external_id=sent.external_id)
    if notification.notice_id:
        from caseflow.actions.notice_delivery import notice_email_sent

        attempts_write(run)
        notice_email_sent(notification, sent, address)
    return Outcome(Reach.SENT, channel.name, sent=sent)


def message_for(run: Run, staff: Staff | None, language: str, channel: Channel) -> Message:
    """The message in the person's language, with an email Message-ID fixed per row and
    person: a retry that repeats a message the server took is recognisable as such. A
    staff member's has its buttons: on a channel that acknowledges by link (WeCom,
    DingTalk) their own acknowledgement link and the case's page; elsewhere Acknowledge
    and Snooze where the channel hands presses back (`interactive`, Telegram), the case's
    page everywhere."""
    notification = run.notification
    if notification.notice_id:
        from caseflow.actions.notice_delivery import notice_email_message

        message = notice_email_message(notification)  # raises PermanentFailure on a bad hash
    else:
        language = language or settings.LANGUAGE_CODE
        if language not in run.messages:
            run.messages[language] = notification_message(notification, language=language)
        message = run.messages[language]
        if staff is not None:
            with translation.override(language):
                if getattr(channel, "acknowledges_by_link", False):
                    buttons = link_buttons(notification, staff)
                else:
                    buttons = reminder_buttons(
                        notification, interactive=getattr(channel, "interactive", False))
                message = replace(message, buttons=buttons)
    who = staff.pk if staff else "party"
    message_id = f"<caseflow.notification.{notification.pk}.{who}@{sender_domain()}>"
    return replace(message, headers={"Message-ID": message_id, **message.headers})


def redacted(error: str, address: str) -> str:
    """Errors are shown on the dashboard: never with the recipient's address in them."""
    return error.replace(address, "<recipient>") if address else error


def record_attempt(run: Run, staff: Staff | None, channel: str, result: str, error: str,
                   *, external_id: str = "") -> None:
    """Kept until the run sends again or settles, which write it first (`attempts_write`)
    or in their transaction: who was reached survives a crash later in the run, a retry
    writes only to the others, and the last attempt costs no commit of its own."""
    run.unwritten.append(DeliveryAttempt(
        notification=run.notification, at=run.now, channel=channel, recipient_staff=staff,
        result=result, error=error[:2000], external_id=external_id[:200]))


def attempts_write(run: Run) -> None:
    if run.unwritten:
        DeliveryAttempt.objects.bulk_create(run.unwritten)
        run.unwritten.clear()


# --- Recipients ----------------------------------------------------------------------

def notification_recipients(notification: Notification, *,
                            now: dt.datetime) -> tuple[list[Recipient], str]:
    """Who the row goes to, or why nobody (as the attempt's error, without names)."""
    party, organization = notification.recipient_party, notification.recipient_organization
    if party is not None:
        if party.anonymous or party.redacted_at or not party.email:
            return [], "no email address on file for the party"
        return [Recipient(address=party.email, language=party.language)], ""
    if organization is not None:
        if not organization.email:
            return [], "no email address on file for the organization"
        return [Recipient(address=organization.email,
                          language=settings.LANGUAGE_CODE)], ""
    case, today = notification.case, timezone.localdate(now)
    if notification.recipient_staff is not None:
        staff = notification.recipient_staff
        if not staff.is_active:
            return [], "the recipient is no longer active"
        if case is not None and case_recusal(case, staff, today=today):
            return [], "the recipient is recused from this case (X9)"
        return [Recipient(staff=staff, language=staff.language)], ""
    people = role_recipients(notification.recipient_role, case=case, today=today)
    if not people:
        return [], f"nobody eligible holds the role {notification.recipient_role}"
    return [Recipient(staff=s, language=s.language) for s in people], ""


# --- Settling ------------------------------------------------------------------------

@transaction.atomic
def notification_settle(run: Run, outcomes: list[Outcome]) -> Notification:
    """Sent when everyone it could reach was reached; pending with a backoff while some
    wait for another try; failed when nobody was reached. A party's tracking code leaves
    the row once it is settled either way. The row is the one this run claimed: no
    other delivery writes it meanwhile."""
    notification = run.notification
    attempts_write(run)
    later = [o for o in outcomes if o.reach is Reach.LATER]
    errors = [o.error for o in outcomes if o.error]
    notification.last_error = errors[-1] if errors else ""
    waiting_only = bool(later) and all(o.waiting for o in later)
    if later and (not run.last_try or waiting_only):
        if waiting_only:
            notification.attempts -= 1  # a turn not yet come is no try: given back
        waits = [o.retry_after for o in later if o.retry_after is not None]
        notification.next_attempt_at = run.now + DELIVERY_RETRIES.wait(
            notification.attempts, retry_after=max(waits) if waits else None)
        notification.enqueued_at = None  # the relay hands it over again when due
        notification.save(update_fields=["attempts", "last_error", "next_attempt_at",
                                         "enqueued_at"])
        return notification
    reached = [o for o in outcomes if o.reach is Reach.SENT]
    if reached:
        notification.status = Status.SENT
        notification.sent_at = notification.sent_at or run.now
        names = sorted({o.channel for o in reached if o.channel})
        notification.channel = ",".join(names)[:16] or notification.channel
    else:
        notification.status, notification.failed_at = Status.FAILED, run.now
    notification.next_attempt_at = None
    if notification.template in PARTY_TEMPLATES:
        notification.body = ""  # the tracking code is not kept once its message is settled
    notification.save(update_fields=["status", "sent_at", "failed_at", "channel",
                                     "last_error", "next_attempt_at", "body"])
    if notification.status == Status.FAILED:
        logger.warning("notification %s (%s) failed: %s", notification.pk,
                       notification.template, notification.last_error)
        notice_failed(notification)
    return notification


def notice_failed(notification: Notification) -> None:
    """A notice that could not be sent is flagged on its case and to the office."""
    if notification.notice_id:
        from caseflow.actions.notice_delivery import notice_email_failed

        notice_email_failed(notification, notification.last_error)


# --- Relay ---------------------------------------------------------------------------

def notifications_hand_over(*, now: dt.datetime, limit: int = RELAY_BATCH) -> list[int]:
    """The pending rows due now that no delivery task holds (never handed over, or
    handed over long enough ago that the task must have been lost): marked as handed
    over now; the relay task enqueues one delivery per id after this commits, in turns."""
    with transaction.atomic():
        due = notifications_due(now=now).select_for_update(skip_locked=True)
        rows = list(due.values_list("pk", "recipient_staff_id", "recipient_role",
                                    "recipient_party_id", "recipient_organization_id")[:limit])
        Notification.objects.filter(pk__in=[pk for pk, *_ in rows]).update(enqueued_at=now)
    return in_turns(rows)


def in_turns(rows: list[tuple]) -> list[int]:
    """The ids (`rows`: id, then who it goes to) with every recipient's first row, then
    every one's second, and so on. A sweep queues a person's rows together, and a
    messenger takes about one message a second to one person (Telegram): in a row, each
    task would wait for that person's turn holding a worker while others could be
    written to."""
    turns: Counter = Counter()
    order = []
    for pk, *recipient in rows:
        order.append((turns[tuple(recipient)], pk))
        turns[tuple(recipient)] += 1
    return [pk for _, pk in sorted(order)]


def notifications_due(*, now: dt.datetime) -> QuerySet[Notification]:
    """Pending, due, and not held by a recent hand-over: read through the partial index
    on pending rows (a small slice of a table that only grows)."""
    return (Notification.objects
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                    status=Status.PENDING)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - relay_stale_after()))
            .order_by("id"))
