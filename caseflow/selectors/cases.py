"""Reads of cases for staff: lists, the case file, and what the viewer may do next."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _

from caseflow.actions.parties import PartyIdentity, party_identity_redacted
from caseflow.errors import InvalidInput
from caseflow.models import (
    NUMBER_PREFIX,
    AnalysisCycle,
    CapaTask,
    Case,
    CaseEvent,
    CaseNumberAlias,
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


class HasTextGram(Func):
    """PostgreSQL: whether a case's number, subject or description contains a term of one
    or two characters, through the GIN index over `caseflow_text_grams` (migration 0018:
    the text's characters and pairs of characters, upper-cased as `icontains` compares)."""

    output_field = BooleanField()

    def __init__(self, term: str):
        super().__init__(F("number"), F("subject"), F("description"), Value(term))

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(e) for e in self.get_source_expressions()]
        number, subject, description, term = (sql for sql, _ in compiled)
        params = [p for _, params in compiled for p in params]
        return (f"caseflow_text_grams({number}, {subject}, {description}) "
                f"@> ARRAY[upper({term}::text)]", params)


class IdAmong(Func):
    """PostgreSQL: `id = ANY(%s)` with the ids as one array parameter (thousands of ids
    are one value, not thousands of placeholders)."""

    output_field = BooleanField()

    def __init__(self, ids: list[int]):
        super().__init__(F("pk"))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"{sql} = ANY(%s)", [*params, self.ids]


# Terms this short have no trigram: PostgreSQL finds them through the character grams.
GRAM_TERM_LENGTH = 2
# A short term in more cases than this (or in more than this share of them) is common: the
# list's own order meets its cases at once, so each row is tested as it comes (a
# substring test). Rarer, its cases are read from the grams' index first.
GRAM_IDS_READ = 10000
GRAM_COMMON_SHARE = 0.2
# A search matching more former numbers than this finds the cases of the first ones only.
ALIASES_SEARCHED = 1000

GRAM_SHARE = """
SELECT coalesce((
    SELECT f FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs)
        AS u(e, f)
    WHERE schemaname = current_schema() AND tablename = 'caseflow_case_text_grams'
        AND e = upper(%s::text)), 0),
    (SELECT reltuples FROM pg_class WHERE oid = 'caseflow_case'::regclass)
"""


def gram_is_common(term: str) -> bool:
    """Whether `term` is in many cases, by PostgreSQL's statistics of the grams' index
    (its most common characters and pairs; a term too rare to be among them is not)."""
    with connection.cursor() as cursor:
        cursor.execute(GRAM_SHARE, [term])
        share, cases = cursor.fetchone()
    share, cases = float(share or 0), max(float(cases or 0), 0)
    return share > GRAM_COMMON_SHARE or share * cases > GRAM_IDS_READ


def cases_matching(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases whose number, subject or description contains `text` (any script:
    Chinese has no spaces to split words on), or that once had a number containing it.

    Only the case's own columns are in the OR, so PostgreSQL combines its indexes: the
    trigram indexes (migration 0007) for three characters or more. A term of one or two
    characters (common in Chinese) has no trigram: unless it is common, its cases are
    read first from the character grams' index (migration 0018). Former numbers (aliases,
    rare) are read first too. SQLite tests every row."""
    text = text.strip()
    if not text:
        return cases
    matches = (Q(number__icontains=text) | Q(subject__icontains=text)
               | Q(description__icontains=text))
    if (connection.vendor == "postgresql" and len(text) <= GRAM_TERM_LENGTH
            and not gram_is_common(text)):
        ids = list(Case.objects.filter(HasTextGram(text)).order_by()
                   .values_list("pk", flat=True)[:GRAM_IDS_READ + 1])
        if len(ids) <= GRAM_IDS_READ:  # (else the statistics are behind: test each row)
            matches = Q(IdAmong(ids))
    former = list(CaseNumberAlias.objects.filter(number__icontains=text)
                  .values_list("case_id", flat=True)[:ALIASES_SEARCHED])
    if former:
        matches |= Q(pk__in=former)
    return cases.filter(matches)


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
