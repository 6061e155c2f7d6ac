"""Queue notifications (outbox rows) in the transaction of the change that causes them."""

from caseflow.models import Case, Notification, Party, Staff


def notification_queue(
    case: Case | None, template: str, *, staff: Staff | None = None, role: str = "",
    party: Party | None = None, about: str = "", body: str = "",
) -> Notification | None:
    """One outbox row; delivery (email, Telegram) is the workers' job.

    A submitter who is anonymous, erased or gave no contact gets nothing (X4): there is
    nobody to write to, and the row would only leak that a reply was meant.
    """
    if party is not None and (party.anonymous or party.redacted_at or not party.has_contact):
        return None
    return Notification.objects.create(
        case=case, template=template, recipient_staff=staff, recipient_role=role,
        recipient_party=party, about=about, body=body,
    )


def notify_owner(case: Case, template: str, *, fallback_roles: tuple[str, ...]) -> None:
    """The handler if there is one; otherwise the roles that assign one."""
    if case.handler_id:
        notification_queue(case, template, staff=case.handler)
    else:
        for role in fallback_roles:
            notification_queue(case, template, role=role)
