"""Opening a nonconformity from a case (R8.16). Its own workflow comes with the CAPA issue."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from caseflow.actions.case_state import case_begin, case_move, event_record
from caseflow.actions.intake import case_number_issue
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput
from caseflow.models import Case, CaseKind, Channel, Role, Staff
from caseflow.policies.transitions import S
from caseflow.workdays import china_date

# R7.01: where a nonconformity comes from decides who owns it.
SOURCE_FROM_CASE_HANDLING = "case_handling"
SOURCE_VERIFICATION_WORK = "verification_work"
SOURCES = {SOURCE_FROM_CASE_HANDLING, SOURCE_VERIFICATION_WORK, "routine_inspection",
           "internal_inspection", "quality_meeting"}


@transaction.atomic
def case_report_internal_problem(*, case: Case, acting_user: Staff, description: str,
                                 source: str = SOURCE_VERIFICATION_WORK) -> Case:
    """R8.16: a case found a problem inside the body: open a linked nonconformity so the
    responsible people analyse causes under the corrective-action procedure."""
    case, _ = case_begin(case, "report_internal_problem", acting_user)
    if not description.strip():
        raise InvalidInput("Describe the problem found.", rule="R8.16", field="description")
    if source not in SOURCES:
        raise InvalidInput("Unknown nonconformity source.", rule="R7.01", field="source")
    now = timezone.now()
    nonconformity = Case(
        number=case_number_issue(CaseKind.NONCONFORMITY, china_date(now).year),
        kind=CaseKind.NONCONFORMITY, state=S.OPEN, state_since=now,
        subject=f"{case.number}: {case.subject}"[:200], description=description,
        scope=case.scope, channel=Channel.IN_PERSON, received_at=now,
        engagement=case.engagement, origin_case=case, nonconformity_source=source,
    )
    case_move(nonconformity, to_state=S.OPEN, action="opened_from_case", actor=acting_user,
              payload={"origin_case": case.pk, "source": source})
    event_record(case, action="internal_problem_reported", actor=acting_user,
                 from_state=case.state, payload={"nonconformity": nonconformity.pk})
    notification_queue(nonconformity, "nonconformity_opened", role=Role.QUALITY_ASSURANCE)
    return nonconformity
