"""Reads of cases for staff: lists, the case file, and what the viewer may do next."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from caseflow.actions.parties import PartyIdentity, party_identity_redacted
from caseflow.models import AnalysisCycle, Case, CaseEvent, Finding, Notice, Role, Staff
from caseflow.policies.impartiality import available_transitions, recused_cases
from caseflow.policies.transitions import S
from caseflow.selectors.notices import UndeliveredNotice, undelivered_notices

# Roles that oversee every case; others see the cases they work on.
OVERSIGHT_ROLES = (Role.DEPARTMENT_HEAD, Role.CLIENT_OFFICE, Role.QUALITY_MANAGER,
                   Role.GENERAL_MANAGER, Role.QUALITY_ASSURANCE)


def cases_for_staff(staff: Staff) -> QuerySet[Case]:
    """Cases `staff` may see, soonest deadline first. The order depends only on each
    case's own deadline and number, never on who submitted it (R8.11)."""
    cases = Case.objects.select_related("handler", "engagement")
    if not staff.has_any_role(OVERSIGHT_ROLES):
        # Their own work: what they handle, the nonconformities of their post (R7.01)
        # and those they carry out a task of (R7.05). Signing a per-case commitment
        # (R9.01) opens nothing: it comes before being assigned, and the file opens with
        # the assignment.
        roles = [a.role for a in staff.role_assignments.all()]
        visible = (Q(handler=staff) | Q(nonconformity__responsible_role__in=roles)
                   | Q(nonconformity__cycles__tasks__owner=staff))
        if staff.has_role(Role.COMMITTEE_MEMBER):
            visible |= Q(state=S.COMMITTEE) | Q(events__action="committee_decided")
        cases = cases.filter(visible).distinct()
    # X9: whoever is recused from a case sees nothing of it, whatever their role (a case
    # about them, R8.14; work they performed, R8.15; a decision they made, X11; ...).
    cases = cases.exclude(recused_cases(staff))
    return cases.order_by(F("due_at").asc(nulls_last=True), "number")


@dataclass
class CaseDetail:
    case: Case
    events: list[CaseEvent]
    notices: list[Notice]
    linked_cases: list[Case]
    submitter: PartyIdentity | None
    transitions: list[str]
    findings: list[Finding] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    cycles: list[AnalysisCycle] = field(default_factory=list)
    # Notices a party concerned has not been sent (no address, email failed), R8.09.
    undelivered_notices: list[UndeliveredNotice] = field(default_factory=list)


def case_for_staff(staff: Staff, pk) -> Case:
    """One case `staff` may see, with what its file shows; Case.DoesNotExist otherwise."""
    return cases_for_staff(staff).select_related(
        "submitter", "respondent", "archive", "nonconformity", "engagement__client",
        "engagement__verified_entity", "engagement__team_lead",
    ).get(pk=pk)


def case_detail(case: Case, *, viewer: Staff) -> CaseDetail:
    """The case file as staff see it, submitter redacted (reveals go through
    `party_identity_reveal`, which records them, R8.13); linked cases only where the
    viewer may see them."""
    linked = list(cases_for_staff(viewer).filter(
        Q(pk=case.merged_into_id) | Q(merged_into=case) | Q(pk=case.origin_case_id)
        | Q(origin_case=case)
    ).exclude(pk=case.pk).order_by("number"))
    nonconformity = getattr(case, "nonconformity", None)
    events = list(case.events.select_related("actor"))
    notices = list(case.notices.prefetch_related("sendings"))
    return CaseDetail(
        case=case,
        events=events,
        notices=notices,
        linked_cases=linked,
        submitter=party_identity_redacted(case.submitter) if case.submitter else None,
        transitions=available_transitions(case, viewer),
        findings=list(case.findings.select_related("recorded_by")),
        aliases=list(case.aliases.values_list("number", flat=True)),
        cycles=list(nonconformity.cycles.all()) if nonconformity else [],
        undelivered_notices=undelivered_notices(events, notices),
    )
