"""The appeal workflow (R8.08–R8.11, X5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_lock, case_move
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, TransitionNotAllowed
from caseflow.models import Case, CaseKind, Role, Staff
from caseflow.policies.impartiality import check_impartial
from caseflow.policies.transitions import DRAFT, S


@transaction.atomic
def appeal_organize(*, case: Case, acting_user: Staff, handler: Staff) -> Case:
    """R8.09: the department head organizes the handling by naming who drafts the ruling.
    Organizing is not drafting (X3): the organizer may still review."""
    case, _ = case_begin(case, "organize", acting_user)
    check_impartial(case, handler, DRAFT)
    case.handler = handler
    case_move(case, to_state=S.IN_HANDLING, action="organized", actor=acting_user,
              payload={"handler": handler.pk})
    notification_queue(case, "case_assigned", staff=handler)
    return case


@transaction.atomic
def appeal_draft_ruling(*, case: Case, acting_user: Staff, ruling: str) -> Case:
    case, _ = case_begin(case, "draft_ruling", acting_user)
    if not ruling.strip():
        raise InvalidInput(gettext("Write the ruling."), field="ruling")
    case.outcome, case.drafted_by = ruling, acting_user
    case_move(case, to_state=S.RULING_DRAFTED, action="ruling_drafted", actor=acting_user)
    notification_queue(case, "review_needed", role=Role.DEPARTMENT_HEAD)
    return case


@transaction.atomic
def appeal_request_committee(*, case: Case, acting_user: Staff, requested_at: dt.datetime,
                             reason: str) -> Case:
    """R8.10, X5: the appellant still disagrees and asks for the impartiality committee,
    within the window after the ruling was notified."""
    case, _ = case_begin(case, "request_committee", acting_user)
    if requested_at < case.state_since or requested_at > timezone.now() + dt.timedelta(
            minutes=5):
        raise InvalidInput(gettext("The request must come after the ruling was sent and "
                                   "not in the future."), rule="X5", field="requested_at")
    if case.committee_window_ends_at and requested_at > case.committee_window_ends_at:
        raise TransitionNotAllowed(gettext("The window to ask for the committee has ended."),
                                   rule="X5")
    case_move(case, to_state=S.COMMITTEE, action="committee_requested", actor=acting_user,
              reason=reason)
    notification_queue(case, "committee_review", role=Role.COMMITTEE_MEMBER)
    return case


@transaction.atomic
def appeal_close_after_window(*, case: Case, now: dt.datetime | None = None,
                              overrides=None) -> Case | None:
    """X5: nobody asked for the committee in time: the binding ruling closes the appeal."""
    now = now or timezone.now()
    case = case_lock(case)
    if case.kind != CaseKind.APPEAL or case.state != S.RULED:
        return None
    if case.committee_window_ends_at is None or case.committee_window_ends_at > now:
        return None
    return case_move(case, to_state=S.CLOSED, action="closed_after_committee_window",
                     actor=None, actor_label="system", overrides=overrides)
