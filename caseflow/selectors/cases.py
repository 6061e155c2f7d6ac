"""Reads of cases for staff: lists, the case file, and what the viewer may do next."""

from __future__ import annotations

import copy
import datetime as dt
import re
import time
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import AND, WhereNode
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
from caseflow.models.expressions import KeyAmong
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
    roles = staff.roles  # read once
    if roles.isdisjoint(OVERSIGHT_ROLES):
        # Their own work: what they handle, the nonconformities of their post (R7.01)
        # and those they carry out a task of (R7.05). Signing a per-case commitment
        # (R9.01) opens nothing: it comes before being assigned, and the file opens with
        # the assignment.
        # No join that multiplies rows (so no DISTINCT over the whole list): each arm is
        # the case's own column, or its ids read first when few (PostgreSQL then knows
        # how few cases the person sees), else an EXISTS on the case's row.
        visible = Q(handler=staff)
        for related, case_field in (
                (Nonconformity.objects.filter(responsible_role__in=roles), "case"),
                (CapaTask.objects.filter(owner=staff), "cycle__nonconformity__case")):
            ids = list(related.values_list(f"{case_field}_id", flat=True)[:VISIBLE_IDS_READ + 1])
            if len(ids) > VISIBLE_IDS_READ:
                visible |= Exists(related.filter(**{case_field: OuterRef("pk")}))
            elif ids:
                visible |= Q(KeyAmong("id", ids))
        if Role.COMMITTEE_MEMBER in roles:
            visible |= Q(state=S.COMMITTEE) | Exists(CaseEvent.objects.filter(
                case=OuterRef("pk"), action="committee_decided"))
        cases = cases.filter(visible)
    # X9: whoever is recused from a case sees nothing of it, whatever their role (a case
    # about them, R8.14; work they performed, R8.15; a decision they made, X11; ...).
    cases = cases.exclude(recused_cases(staff))
    return cases.order_by(F("due_at").asc(nulls_last=True), "number")


def sources_compiled(expression: Func, compiler) -> tuple[list[str], list]:
    """The SQL of each of `expression`'s sources, and all their parameters in order."""
    compiled = [compiler.compile(e) for e in expression.get_source_expressions()]
    return [sql for sql, _ in compiled], [p for _, params in compiled for p in params]


class HasTextGram(Func):
    """PostgreSQL: whether a case's number, subject or description holds every one of
    `grams` (characters or pairs of characters), through the GIN index over
    `caseflow_text_grams` (migration 0020: the text's characters and pairs of characters,
    upper-cased as `icontains` compares)."""

    output_field = BooleanField()

    def __init__(self, *grams: str):
        super().__init__(F("number"), F("subject"), F("description"), *map(Value, grams))

    def as_sql(self, compiler, connection, **extra):
        sql, params = sources_compiled(self, compiler)
        columns, grams = sql[:3], sql[3:]
        wanted = ", ".join(f"upper({gram}::text)" for gram in grams)
        return f"caseflow_text_grams({', '.join(columns)}) @> ARRAY[{wanted}]", params


# Terms this short have no trigram: PostgreSQL finds them through the character grams.
GRAM_TERM_LENGTH = 2
# How a short term is found depends on how many cases hold it (the grams' statistics):
# the list's order meets a term in a share s of the cases every 1/s rows, while the grams'
# index reads all s·N of them. A page (the first rows in the list's order) walks the list
# testing each row when the term is in this share of the cases or more (a page of 50
# within 5,000 rows); a count, which wants any matches up to its bound, walks only from
# the larger share (1,000 matches within about 7,000 rows), else reads the index.
GRAM_PAGE_WALK_SHARE = 0.01
GRAM_COUNT_WALK_SHARE = 0.15
# A count that reads the index does so a block of cases at a time (`count_up_to`) from this
# share: below it the term's entries are few (10,000 at a million cases), and reading them
# at once costs less than a probe of every block.
GRAM_BLOCK_COUNT_SHARE = 0.01
# The ids of a block of cases in the grams' index by block (migration 0032 writes the same
# number into its SQL function).
GRAM_BLOCK_IDS = 100_000
# A search matching more former numbers than this finds the cases of the first ones only.
ALIASES_SEARCHED = 1000

GRAM_SHARES = """
SELECT u.e, u.f FROM pg_stats,
    unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(e, f)
WHERE schemaname = current_schema() AND tablename = 'caseflow_case_text_grams'
"""
# The statistics change when PostgreSQL analyses the table (autovacuum, minutes apart at
# the least), and they only choose how a term is read, never what is found: each process
# reads them once in this many seconds, not on every search (2 ms a search).
GRAM_STATISTICS_SECONDS = 300
gram_statistics: dict = {"read_at": None, "shares": {}}


def gram_share(term: str) -> float:
    """The share of cases whose text holds `term`, by PostgreSQL's statistics of the grams'
    index (its most common characters and pairs; a term too rare to be among them: 0)."""
    now = time.monotonic()
    read_at = gram_statistics["read_at"]
    if read_at is None or now - read_at >= GRAM_STATISTICS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(GRAM_SHARES)
            gram_statistics["shares"] = {gram: float(share) for gram, share in cursor.fetchall()}
        gram_statistics["read_at"] = now
    return gram_statistics["shares"].get(term.upper(), 0.0)


def uncased(term: str) -> bool:
    """Whether upper-casing changes neither `term` nor anything that could match it (Chinese,
    digits, punctuation): then a plain substring test is the case-insensitive one, and it
    spares upper-casing each row's text, most of the test's cost."""
    return all((unicodedata.category(ch) == "Lo" or unicodedata.category(ch)[0] not in "LM")
               and ch.upper() == ch == ch.lower() for ch in term)


def any_column(columns: list[tuple[str, list]], test) -> tuple[str, list]:
    """SQL true when `test` holds for any of the compiled `columns`: `test(column)` gives
    its SQL and the parameters it adds after the column's own."""
    tests, params = [], []
    for column, column_params in columns:
        sql, test_params = test(column)
        tests.append(sql)
        params += [*column_params, *test_params]
    return "(" + " OR ".join(tests) + ")", params


class ShortTermMatch(HasTextGram):
    """PostgreSQL: whether a case's number, subject or description contains a term of one
    or two characters, written for the query it is in, by one of two equal tests: the
    grams' index (every case holding the term, in no order) or a substring test of each
    row as the query meets it (cheap, but row by row). A query for the first rows in an
    order (a page) tests rows when `page_walks`; any other (the bounded count, an export)
    when `count_walks`; otherwise each reads the index. A list's count that reads the
    index reads it a block of cases at a time when `count_by_block` (`count_up_to`)."""

    def __init__(self, term: str, *, page_walks: bool, count_walks: bool,
                 count_by_block: bool = False):
        super().__init__(term)
        self.term, self.page_walks, self.count_walks = term, page_walks, count_walks
        self.count_by_block = count_by_block and not count_walks

    def as_sql(self, compiler, connection, **extra):
        query = compiler.query
        first_rows = bool(query.order_by) and query.high_mark is not None
        if not (self.page_walks if first_rows else self.count_walks):
            return super().as_sql(compiler, connection, **extra)
        *columns, (term, term_params) = [compiler.compile(e)
                                         for e in self.get_source_expressions()]
        if uncased(self.term):
            return any_column(columns, lambda c: (f"strpos({c}::text, {term}::text) > 0",
                                                  term_params))
        return any_column(columns, lambda c: (
            f"strpos(upper({c}::text), upper({term}::text)) > 0", term_params))


class ShortTermInBlock(Func):
    """PostgreSQL: whether a case whose id is in `block` (ids `block * GRAM_BLOCK_IDS` to
    the next block's first) holds a term of one or two characters in its number, subject
    or description, through the GIN index over `caseflow_text_grams_by_block` (migration
    0032: the same grams, each prefixed by the case's block). Only that block's entries
    are read: the bounded count asks the newest blocks first and stops at its bound
    (`count_up_to`)."""

    output_field = BooleanField()

    def __init__(self, term: str, block: Expression):
        super().__init__(F("id"), F("number"), F("subject"), F("description"), block,
                         Value(term))

    def as_sql(self, compiler, connection, **extra):
        (*columns, block, term), params = sources_compiled(self, compiler)
        return (f"caseflow_text_grams_by_block({', '.join(columns)}) "
                f"@> ARRAY[{block}::text || ':' || upper({term}::text)]", params)


class TextContains(Func):
    """PostgreSQL: whether a case's number, subject or description contains a term of
    three characters or more, in the form the trigram indexes over those columns
    (migration 0031) serve: LIKE for a term without letter case (Chinese, digits: the
    plain comparison is the case-insensitive one), ILIKE otherwise. The same test is
    cheap when PostgreSQL walks rows instead (a common term, the list's order): no
    upper-casing of every description it meets, which cost most of such a walk."""

    output_field = BooleanField()

    def __init__(self, term: str):
        super().__init__(F("number"), F("subject"), F("description"))
        self.term = term

    def as_sql(self, compiler, connection, **extra):
        columns = [compiler.compile(e) for e in self.get_source_expressions()]
        operator = "LIKE" if uncased(self.term) else "ILIKE"
        pattern = f"%{connection.ops.prep_for_like_query(self.term)}%"
        return any_column(columns, lambda c: (f"{c}::text {operator} %s", [pattern]))


def cases_matching(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases whose number, subject or description contains `text` (any script:
    Chinese has no spaces to split words on), or that once had a number containing it.

    Only the case's own columns are in the OR, so PostgreSQL combines its indexes: the
    trigram indexes for three characters or more (`TextContains`), where the planner
    weighs walking the list against the index by the terms' statistics itself, unless
    the term's rarest pair of characters is rare: then the grams' index too. A term of
    one or two characters (common in Chinese) has no trigram: `ShortTermMatch` reads the
    character grams' index (migration 0020) or tests rows as the list meets them, by how
    common the term is. Former numbers (aliases, rare) are read first, for a term a
    case number could hold. SQLite tests every row. A list counts a short term's cases
    block by block (`count_up_to`)."""
    text = text.strip()
    if not text:
        return cases
    if connection.vendor != "postgresql":
        matches = (Q(number__icontains=text) | Q(subject__icontains=text)
                   | Q(description__icontains=text))
    elif len(text) <= GRAM_TERM_LENGTH:
        share = gram_share(text)
        matches = Q(ShortTermMatch(text, page_walks=share >= GRAM_PAGE_WALK_SHARE,
                                   count_walks=share >= GRAM_COUNT_WALK_SHARE,
                                   count_by_block=share >= GRAM_BLOCK_COUNT_SHARE))
    else:
        matches = Q(TextContains(text))
        # The planner guesses a LIKE's share from a sample of whole texts: one that happened
        # to hold a rare company's name made it 0.7% of the cases, and the first page of
        # that name walked 155k rows of the list for its 50 (270 ms at 1M; it is in 341).
        # A term is in no more cases than its rarest pair of characters: when the grams'
        # statistics put that under the share a page walks for, the grams' index (whose
        # estimate comes from those statistics) finds its cases first.
        pairs = [text[i:i + 2] for i in range(len(text) - 1)]
        if min(map(gram_share, pairs)) < GRAM_PAGE_WALK_SHARE:
            matches &= Q(HasTextGram(*pairs))
    # A case number is Latin letters, digits and dashes: a term with a character of a
    # script without letter case (Chinese) is in no former number.
    if not any(unicodedata.category(ch) == "Lo" for ch in text):
        former = list(CaseNumberAlias.objects.filter(number__icontains=text)
                      .values_list("case_id", flat=True)[:ALIASES_SEARCHED])
        if former:
            matches |= Q(KeyAmong("id", former))
    return cases.filter(matches)


# A short term's count block by block: the blocks from the newest down, each one's matching
# rows (`arm`: the count's own query, its term asked of that block alone) until the bound.
# OFFSET 0 keeps the arm a subquery run for each block in turn, newest first.
COUNT_BY_BLOCK = """
SELECT count(*) FROM (
    SELECT 1 FROM generate_series((SELECT max(id) FROM caseflow_case) / %s, 0, -1)
        AS counted_block(block)
    CROSS JOIN LATERAL ({arm} OFFSET 0) AS arm
    LIMIT %s
) AS counted
"""


def count_up_to(rows: QuerySet, bound: int) -> int:
    """How many rows `rows` holds, counted no further than `bound` (a list's count).

    A case search for a common short term that the count reads through the grams' index
    would gather every case holding it before counting the first: a character in 5% of a
    million cases is 50,000 index entries, and the heap pages they point to sorted, for a
    count that stops at a thousand. PostgreSQL counts it instead in blocks of case ids,
    newest first, each block reading only its own entries (`ShortTermInBlock`), and stops
    at the bound (`ShortTermMatch.count_by_block`). Every other count is the rows' own,
    under the same LIMIT."""
    rows = rows.order_by().values("pk")
    arm = rows.all()  # its where nodes are its own (their lookups are shared)
    found = short_term_conjunct(arm.query.where) if connection.vendor == "postgresql" else None
    if found is None:
        return rows[:bound].count()
    node, index = found
    lookup = copy.copy(node.children[index])
    block = RawSQL("counted_block.block", [], output_field=BigIntegerField())
    lookup.lhs = ShortTermInBlock(lookup.lhs.term, block).resolve_expression(arm.query)
    node.children[index] = lookup
    sql, params = arm.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(COUNT_BY_BLOCK.format(arm=sql), [GRAM_BLOCK_IDS, *params, bound])
        return cursor.fetchone()[0]


def short_term_conjunct(where: WhereNode) -> tuple[WhereNode, int] | None:
    """Where, among the conditions that all must hold (not under an OR or a NOT), a short
    term's test the count reads block by block is: its node and its index there."""
    if where.connector != AND or where.negated:
        return None
    for index, child in enumerate(where.children):
        if isinstance(child, WhereNode):
            found = short_term_conjunct(child)
            if found is not None:
                return found
        elif (isinstance(getattr(child, "lhs", None), ShortTermMatch)
              and child.rhs is True and child.lhs.count_by_block):
            return where, index
    return None


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
