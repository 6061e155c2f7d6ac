"""Append one row to a case's audit trail (R10.04). Payloads hold ids, never identity (X8)."""

from caseflow.models import Case, CaseEvent, Staff


def event_record(
    case: Case, *, action: str, actor: Staff | None = None, actor_label: str = "",
    from_state: str = "", to_state: str = "", payload: dict | None = None, reason: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, actor=actor, actor_label=actor_label,
        from_state=from_state, to_state=to_state or from_state, payload=payload or {},
        reason=reason,
    )
