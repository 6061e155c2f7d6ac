"""Reads of cases for staff: lists, the case file, and what the viewer may do next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from caseflow.actions.parties import PartyIdentity, party_identity_redacted
from caseflow.models import (
    AnalysisCycle,
    CapaTask,
    Case,
    CaseEvent,
    Declaration,
    Finding,
    Nonconformity,
    Notice,
    Role,
    Staff,
)
from caseflow.policies.impartiality import available_transitions, recused_cases
from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.notices import UndeliveredNotice, undelivered_notices
from caseflow.workdays import add_working_days

# Roles that oversee every case; others see the cases they work on.
OVERSIGHT_ROLES = (Role.DEPARTMENT_HEAD, Role.CLIENT_OFFICE, Role.QUALITY_MANAGER,
                   Role.GENERAL_MANAGER, Role.QUALITY_ASSURANCE)


# A visibility arm with more cases than this is an EXISTS rather than a list of ids.
VISIBLE_IDS_READ = 2000


def cases_for_staff(staff: Staff) -> QuerySet[Case]:
    """Cases `staff` may see, soonest deadline first. The order depends only on each
    case's own deadline and number, never on who submitted it (R8.11)."""
    cases = Case.objects.select_related("handler", "engagement")
    if not staff.has_any_role(OVERSIGHT_ROLES):
        # Their own work: what they handle, the nonconformities of their post (R7.01)
        # and those they carry out a task of (R7.05). Signing a per-case commitment
        # (R9.01) opens nothing: it comes before being assigned, and the file opens with
        # the assignment.
        # No join that multiplies rows (so no DISTINCT over the whole list): each arm is
        # the case's own column, or its ids read first when few (PostgreSQL then knows
        # how few cases the person sees), else an EXISTS on the case's row.
        roles = [a.role for a in staff.role_assignments.all()]
        visible = Q(handler=staff)
        for related, case_field in (
                (Nonconformity.objects.filter(responsible_role__in=roles), "case"),
                (CapaTask.objects.filter(owner=staff), "cycle__nonconformity__case")):
            ids = list(related.values_list(f"{case_field}_id", flat=True)[:VISIBLE_IDS_READ + 1])
            if len(ids) > VISIBLE_IDS_READ:
                visible |= Exists(related.filter(**{case_field: OuterRef("pk")}))
            elif ids:
                visible |= Q(pk__in=ids)
        if staff.has_role(Role.COMMITTEE_MEMBER):
            visible |= Q(state=S.COMMITTEE) | Exists(CaseEvent.objects.filter(
                case=OuterRef("pk"), action="committee_decided"))
        cases = cases.filter(visible)
    # X9: whoever is recused from a case sees nothing of it, whatever their role (a case
    # about them, R8.14; work they performed, R8.15; a decision they made, X11; ...).
    cases = cases.exclude(recused_cases(staff))
    return cases.order_by(F("due_at").asc(nulls_last=True), "number")


# "Due soon" as the dashboard counts it: within this many working days.
DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Worklist:
    """A person's open cases: overdue first, then due soon, then the rest; each list
    soonest deadline first."""

    overdue: list[Case]
    due_soon: list[Case]
    later: list[Case]


def worklist_for_staff(staff: Staff, *, now: dt.datetime, limit: int = 200) -> Worklist:
    """The open cases `staff` sees (X9: none they are recused from), by deadline; `limit`
    bounds each list."""
    open_cases = cases_for_staff(staff).exclude(state__in=FINAL_STATES)
    soon = add_working_days(now, DUE_SOON_WORKING_DAYS, calendar_overrides()).due_at
    return Worklist(
        overdue=list(open_cases.filter(due_at__lt=now)[:limit]),
        due_soon=list(open_cases.filter(due_at__gte=now, due_at__lte=soon)[:limit]),
        later=list(open_cases.filter(Q(due_at__gt=soon) | Q(due_at__isnull=True))[:limit]),
    )


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


@dataclass(frozen=True)
class Commitment:
    """R9.01: where `staff` stands with the per-case commitment of one case: signed or
    not, and the conflicts they declared with the quality manager's rulings (blank:
    awaiting it)."""

    signed: bool
    conflicts: list[Declaration]

    @property
    def awaiting_ruling(self) -> bool:
        return any(not d.ruling for d in self.conflicts)


def case_commitment(staff: Staff, case: Case) -> Commitment:
    declarations = list(Declaration.objects.filter(staff=staff, kind=Declaration.Kind.CASE,
                                                   case=case).order_by("signed_at", "id"))
    return Commitment(signed=bool(declarations),
                      conflicts=[d for d in declarations if d.potential_conflict])
