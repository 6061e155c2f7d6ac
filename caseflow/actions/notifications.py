"""Queue notifications (outbox rows) in the transaction of the change that causes them."""

from django.db import IntegrityError, transaction

from caseflow.models import Case, Notice, Notification, Organization, Party, Staff


def notification_queue(
    case: Case | None, template: str, *, staff: Staff | None = None, role: str = "",
    party: Party | None = None, organization: Organization | None = None,
    notice: Notice | None = None, about: str = "", body: str = "",
    context: dict | None = None, dedupe_key: str | None = None,
) -> Notification | None:
    """One outbox row; delivery (email, Telegram) is the workers' job.

    A submitter who is anonymous, erased or gave no contact gets nothing (X4): there is
    nobody to write to, and the row would only leak that a reply was meant.

    With `dedupe_key`, a row already queued under that key is kept and None returned:
    a second sweep, or a sweep redelivered after a crash, never reminds twice.
    """
    if party is not None and (party.anonymous or party.redacted_at or not party.has_contact):
        return None
    row = outbox_row(case, template, staff=staff, role=role, party=party,
                     organization=organization, notice=notice, about=about, body=body,
                     context=context, dedupe_key=dedupe_key)
    if dedupe_key is None:
        row.save()
        return row
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a racing sweep's row wins, ours is dropped
            row.save()
            return row
    except IntegrityError:
        return None


def outbox_row(
    case: Case | None, template: str, *, staff: Staff | None = None, role: str = "",
    party: Party | None = None, organization: Organization | None = None,
    notice: Notice | None = None, about: str = "", body: str = "",
    context: dict | None = None, dedupe_key: str | None = None,
) -> Notification:
    """The outbox row `notification_queue` writes, not yet saved."""
    return Notification(case=case, template=template, recipient_staff=staff,
                        recipient_role=role, recipient_party=party,
                        recipient_organization=organization, notice=notice, about=about,
                        body=body, context=context or {}, dedupe_key=dedupe_key)


def notifications_queue_once(rows: list[dict]) -> list[Notification]:
    """Several outbox rows to staff or roles, each given as `notification_queue`'s
    arguments with its own `dedupe_key`, in two statements: one reads which keys are
    queued already (those rows are left out), one writes the rest. A reminder with its
    escalations is one row per rung of the ladder: one at a time they cost four
    statements each. Should a racing sweep queue one of them in between, each row is
    queued on its own instead (the key decides, as in `notification_queue`)."""
    keys = [row["dedupe_key"] for row in rows]
    queued = set(Notification.objects.filter(dedupe_key__in=keys)
                 .values_list("dedupe_key", flat=True))
    fresh = [row for row in rows if row["dedupe_key"] not in queued]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create([outbox_row(**row) for row in fresh])
    except IntegrityError:
        return [n for n in (notification_queue(**row) for row in fresh) if n is not None]


def notification_queue_roles(case: Case, template: str, roles: tuple[str, ...]) -> None:
    """One outbox row for each of `roles` (whoever holds the role is told), written in one
    statement."""
    Notification.objects.bulk_create([
        Notification(case=case, template=template, recipient_role=role)
        for role in roles])


def notify_owner(case: Case, template: str, *, fallback_roles: tuple[str, ...]) -> None:
    """The handler if there is one; otherwise the roles that assign one."""
    if case.handler_id:
        notification_queue(case, template, staff=case.handler)
    else:
        notification_queue_roles(case, template, fallback_roles)
