"""Reads of cases for staff: lists, the case file, and what the viewer may do next."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from caseflow.actions.parties import PartyIdentity, party_identity_redacted
from caseflow.errors import InvalidInput
from caseflow.models import (
    NUMBER_PREFIX,
    AnalysisCycle,
    Case,
    CaseEvent,
    Declaration,
    Finding,
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


# A case number as issued (caseflow.actions.intake.case_number_issue): TS-2026-0001.
PREFIXES = "|".join(NUMBER_PREFIX.values())
CASE_NUMBER_SHAPE = re.compile(rf"({PREFIXES})-\d{{4}}-\d{{4,6}}")


def case_by_number_for_staff(staff: Staff, number: str) -> Case | None:
    """The case with this number (or a number it had before its kind was corrected), if
    `staff` may see it: None for one that does not exist and one hidden from them alike.
    InvalidInput for text that is no case number."""
    number = number.strip().upper()
    if not CASE_NUMBER_SHAPE.fullmatch(number):
        raise InvalidInput(_("%(text)s is not a case number; numbers look like "
                             "TS-2026-0001.") % {"text": number[:40] or "—"}, field="number")
    found = (cases_for_staff(staff).filter(Q(number=number) | Q(aliases__number=number))
             .values_list("pk", flat=True).first())
    return case_for_staff(staff, found) if found is not None else None


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
