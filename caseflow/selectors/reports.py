"""Yearly figures: the information disclosure table (D1), the data of the impartiality
self-check report (R9.03) and the complaint statistics for the management review (X1).

X1: a year's figures count the cases received in that year, the year read in Asia/Shanghai.
"On time" means the rule deadline (the acceptance decision within 7 working days, R8.03).
Each function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from caseflow.disclosure_table import (
    CONFORMING,
    BodyInformation,
    DisclosureRow,
    DisclosureTable,
    check_final,
)
from caseflow.models import (
    FINAL_STATE_NAMES,
    OPEN_CASE,
    AnalysisCycle,
    Case,
    CaseEvent,
    CaseKind,
    ConflictAnalysis,
    Declaration,
    Engagement,
    Nonconformity,
    OnTimeMonth,
    Scope,
    Staff,
    WorkingDaysTally,
)
from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.self_check_report import ConflictAnalysisSummary, SelfCheckData
from caseflow.workdays import CHINA

HANDLED_KINDS = (CaseKind.COMPLAINT.value, CaseKind.APPEAL.value, CaseKind.DISPUTE.value)

# A complaint counts as substantiated once the quality manager approved the result that
# says so (R8.07); a proposal still under review or returned for rework does not.
SETTLED_COMPLAINT_STATES = (S.APPROVED, S.CLOSED)
SUBSTANTIATED_COMPLAINT = Q(kind=CaseKind.COMPLAINT, substantiated=True,
                            state__in=SETTLED_COMPLAINT_STATES)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) in Asia/Shanghai."""
    return dt.datetime(year, 1, 1, tzinfo=CHINA), dt.datetime(year + 1, 1, 1, tzinfo=CHINA)


def received_in(year: int) -> Q:
    start, end = year_bounds(year)
    return Q(received_at__gte=start, received_at__lt=end)


def percentage(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- D1: the information disclosure table -------------------------------------------------

QUALITY_FIELDS = Engagement.QUALITY_FIELDS  # sub-columns 1–6; 7 其他内容 is quality_other


def body_information() -> BodyInformation:
    """一 and the measures of 二: the body as configured (CASEFLOW_BODY_* settings)."""
    def setting(name: str) -> str:
        return str(getattr(settings, f"CASEFLOW_BODY_{name}", "") or "").strip()

    return BodyInformation(
        short_name=setting("SHORT_NAME"), name=setting("NAME"),
        credit_code=setting("CREDIT_CODE"),
        legal_representative=setting("LEGAL_REPRESENTATIVE"),
        registered_capital=setting("REGISTERED_CAPITAL"), address=setting("ADDRESS"),
        contact=setting("CONTACT"), contact_details=setting("CONTACT_DETAILS"),
        quality_measures=setting("QUALITY_MEASURES"),
        impartiality_measures=setting("IMPARTIALITY_MEASURES"),
    )


def disclosure_table_data(year: int, *, final: bool = False) -> DisclosureTable:
    """D1: the body, its bad records (substantiated complaints and serious
    nonconformities received in `year`), the verification work of `year` by province and
    batch and the conclusions issued.

    `final=True` refuses (`DisclosureIncomplete`, rule D1) while any engagement's
    timeliness or the body's basic information is not filled in; otherwise the table is
    a draft that shows what is missing as 未填写."""
    engagements = list(
        Engagement.objects.filter(year=year)
        .order_by("province", "batch", "report_number")
        .values("report_number", "province", "batch", "verified_entity_id",
                "verified_entity__name", "verified_entity__credit_code", "conclusion",
                "timely", *QUALITY_FIELDS, "quality_other")
    )
    # Nonconformities found in a group's verification work (linked to its engagements).
    nonconformities = {
        (g["engagement__province"], g["engagement__batch"]): g["n"]
        for g in Case.objects.filter(kind=CaseKind.NONCONFORMITY, engagement__year=year)
        .values("engagement__province", "engagement__batch")
        .annotate(n=Count("pk"))
        .order_by()
    }

    groups: dict[tuple[str, str], list[dict]] = {}
    for e in engagements:
        groups.setdefault((e["province"], e["batch"]), []).append(e)

    rows = []
    for number, ((province, batch), members) in enumerate(groups.items(), start=1):
        entities = {e["verified_entity_id"]: e for e in members}
        one = next(iter(entities.values())) if len(entities) == 1 else None
        not_qualified = sum(e["conclusion"] == Engagement.Conclusion.NOT_QUALIFIED
                            for e in members)
        other = []
        if not_qualified:
            other.append(f"{not_qualified} 份结论不合格")
        found = nonconformities.get((province, batch), 0)
        if found:
            other.append(f"{found} 项不符合")
        other += quality_notes(members, "quality_other", named=one is None)
        rows.append(DisclosureRow(
            number=number, province=province, batch=batch, entities=len(entities),
            timely=group_timeliness(e["timely"] for e in members),
            quality=tuple("；".join(quality_notes(members, field, named=one is None))
                          or CONFORMING for field in QUALITY_FIELDS),
            other="；".join(other),
            entity_name=one["verified_entity__name"] if one else "",
            credit_code=(one["verified_entity__credit_code"] or "") if one else "",
        ))

    qualified = sum(e["conclusion"] == Engagement.Conclusion.QUALIFIED for e in engagements)
    not_qualified = sum(e["conclusion"] == Engagement.Conclusion.NOT_QUALIFIED
                        for e in engagements)
    issued = qualified + not_qualified
    table = DisclosureTable(
        year=year, body=body_information(), rows=tuple(rows), conclusions_issued=issued,
        qualified=qualified, not_qualified=not_qualified,
        qualified_rate=percentage(qualified, issued), bad_records=bad_records(year),
        timeliness_missing=tuple(sorted(e["report_number"] for e in engagements
                                        if e["timely"] is None)),
        final=final,
    )
    if final:
        check_final(table)
    return table


def group_timeliness(values: Iterable[bool | None]) -> bool | None:
    """Not timely if any engagement was late; unknown if any is not filled in; else
    timely. Unknown is never published as timely (D1)."""
    values = list(values)
    if False in values:
        return False
    if None in values:
        return None
    return True


def quality_notes(members: list[dict], field: str, *, named: bool) -> list[str]:
    """What the group's engagements say did not conform, each once; in a group of several
    entities each note names its entity. Blank or 符合 says nothing."""
    notes = []
    for e in members:
        text = e[field].strip()
        if not text or text == CONFORMING:
            continue
        note = f"{e['verified_entity__name']}：{text}" if named else text
        if note not in notes:
            notes.append(note)
    return notes


# R8.13: a bad record shows what kind of case it was and how it ended, never its subject
# (which a submitter may have typed) nor anything else from its text.
BAD_RECORD_KINDS = {CaseKind.COMPLAINT: ("投诉", "属实"),
                    CaseKind.NONCONFORMITY: ("不符合", "严重")}


def bad_records(year: int) -> tuple[str, ...]:
    """不良记录: "number kind（outcome）", substantiated complaints first."""
    complaints = (Case.objects.filter(received_in(year), SUBSTANTIATED_COMPLAINT)
                  .order_by("number").values_list("number", flat=True))
    serious = (Case.objects.filter(received_in(year), kind=CaseKind.NONCONFORMITY,
                                   nonconformity__severity=Nonconformity.Severity.SERIOUS)
               .order_by("number").values_list("number", flat=True))

    def lines(numbers, kind) -> tuple[str, ...]:
        name, outcome = BAD_RECORD_KINDS[kind]
        return tuple(f"{n} {name}（{outcome}）" for n in numbers)

    return lines(complaints, CaseKind.COMPLAINT) + lines(serious, CaseKind.NONCONFORMITY)


# --- R9.03: the impartiality self-check report ---------------------------------------------


def self_check_report_data(year: int) -> SelfCheckData:
    """R9.03: what the year's records say about impartiality."""
    start, end = year_bounds(year)

    by_province = tuple(
        (g["province"], g["n"])
        for g in Engagement.objects.filter(year=year).values("province")
        .annotate(n=Count("pk")).order_by("-n", "province")
    )

    staff = list(
        Staff.objects.filter(is_active=True)
        .annotate(annual=Count("declarations", filter=Q(
            declarations__kind=Declaration.Kind.ANNUAL, declarations__year=year)))
        .order_by("display_name")
        .values_list("display_name", "annual")
    )

    declared = (Declaration.objects.filter(kind=Declaration.Kind.CASE, signed_at__gte=start,
                                           signed_at__lt=end)
                .exclude(potential_conflict=""))
    rulings = declared.aggregate(
        total=Count("pk"),
        prohibited=Count("pk", filter=Q(ruling=Declaration.Ruling.PROHIBIT)),
        restricted=Count("pk", filter=Q(ruling=Declaration.Ruling.RESTRICT)),
        allowed=Count("pk", filter=Q(ruling=Declaration.Ruling.ALLOW)),
        pending=Count("pk", filter=Q(ruling="")),
    )

    about_staff = Case.objects.filter(
        received_in(year), kind=CaseKind.COMPLAINT, respondent__staff__isnull=False,
    ).aggregate(total=Count("pk"), substantiated=Count("pk", filter=SUBSTANTIATED_COMPLAINT))

    analysis = ConflictAnalysis.objects.filter(year=year).select_related("run_by").first()
    summary = None
    if analysis is not None:
        summary = ConflictAnalysisSummary(
            run_by=analysis.run_by.display_name,
            run_on=timezone.localtime(analysis.run_at, CHINA).date(),
            findings=analysis.findings,
        )

    return SelfCheckData(
        year=year,
        generated_on=timezone.localtime(timezone.now(), CHINA).date(),
        engagements=sum(n for _, n in by_province),
        engagements_by_province=by_province,
        active_staff=len(staff),
        staff_committed=sum(1 for _, annual in staff if annual),
        staff_not_committed=tuple(name for name, annual in staff if not annual),
        conflicts_declared=rulings["total"],
        conflicts_prohibited=rulings["prohibited"],
        conflicts_restricted=rulings["restricted"],
        conflicts_allowed=rulings["allowed"],
        conflicts_pending=rulings["pending"],
        recusals=CaseEvent.objects.filter(action="recused", at__gte=start, at__lt=end).count(),
        complaints_about_staff=about_staff["total"],
        complaints_about_staff_substantiated=about_staff["substantiated"],
        conflict_analysis=summary,
    )


# --- X1: complaint statistics for the management review -----------------------------------

ON_TIME, LATE, PENDING = "on_time", "late", "pending"


def acceptance_timeliness(
    *, accepted_at: dt.datetime | None, acceptance_due_at: dt.datetime | None,
    state: str, closed_at: dt.datetime | None, now: dt.datetime,
) -> str | None:
    """R8.03 against the stored rule deadline: decided by it (on time) or not (late).

    Undecided: late once the deadline has passed, else pending. A case withdrawn or merged
    before any decision needed none: late only if that happened after the deadline.
    `acceptance_counts` is the same test as a query; keep the two in step.
    """
    if acceptance_due_at is None:
        return None
    if accepted_at is not None:
        return ON_TIME if accepted_at <= acceptance_due_at else LATE
    if state in FINAL_STATES:
        return LATE if closed_at is not None and closed_at > acceptance_due_at else None
    return LATE if acceptance_due_at < now else PENDING


def acceptance_counts(now: dt.datetime) -> dict[str, Count]:
    """`acceptance_timeliness` as three counts for an aggregate, so a year of cases is
    counted by the database, not row by row in Python."""
    due = Q(acceptance_due_at__isnull=False)
    undecided_open = due & Q(accepted_at__isnull=True) & OPEN_CASE
    return {
        ON_TIME: Count("pk", filter=due & Q(accepted_at__lte=F("acceptance_due_at"))),
        LATE: Count("pk", filter=due & (
            Q(accepted_at__gt=F("acceptance_due_at"))
            | Q(accepted_at__isnull=True, state__in=FINAL_STATE_NAMES,
                closed_at__gt=F("acceptance_due_at"))
            | undecided_open & Q(acceptance_due_at__lt=now))),
        PENDING: Count("pk", filter=undecided_open & Q(acceptance_due_at__gte=now)),
    }


def report_timeliness(*, report_due_on: dt.date, reported_at: dt.datetime | None,
                      today: dt.date) -> str:
    """R7.06 against the date the plan set for the implementation report (a rule
    deadline, X1): reported by that day (on time) or not (late); unreported, late once
    the day has passed, else pending. `report_counts` is the same test as a query."""
    if reported_at is not None:
        return ON_TIME if timezone.localdate(reported_at) <= report_due_on else LATE
    return LATE if report_due_on < today else PENDING


def report_counts(today: dt.date) -> dict[str, Count]:
    """`report_timeliness` as counts for an aggregate over analysis cycles."""
    reported_on = TruncDate("reported_at")
    return {
        ON_TIME: Count("pk", filter=Q(reported_at__isnull=False,
                                      report_due_on__gte=reported_on)),
        LATE: Count("pk", filter=Q(reported_at__isnull=False, report_due_on__lt=reported_on)
                    | Q(reported_at__isnull=True, report_due_on__lt=today)),
    }


@dataclass(frozen=True)
class SubstantiatedByRespondent:
    staff: int  # a staff member of the body
    organization: int  # an organization (a verified entity, the body itself)
    other: int  # nobody named, or a person outside any organization


@dataclass(frozen=True)
class ComplaintStatistics:
    year: int
    total: int
    by_kind: dict[str, int]  # complaint / appeal / dispute, zeros included
    by_scope: dict[str, int]  # R8.01 a–d, zeros included
    by_state: dict[str, int]  # states present, e.g. {"closed": 3, "received": 1}
    acceptance_on_time: int
    acceptance_late: int
    acceptance_pending: int
    median_working_days_to_acceptance: float | None  # receipt → acceptance decision
    median_working_days_to_closure: float | None  # receipt → closed (state "closed")
    substantiated_by_respondent: SubstantiatedByRespondent


def complaint_statistics(year: int, *, now: dt.datetime | None = None) -> ComplaintStatistics:
    """X1: complaints, appeals and disputes received in `year`, counted by the database
    (a fixed number of queries, a few rows each, whatever the number of cases)."""
    now = now or timezone.now()
    cases = Case.objects.filter(received_in(year), kind__in=HANDLED_KINDS).order_by()

    by_kind = dict.fromkeys(HANDLED_KINDS, 0)
    by_scope = dict.fromkeys(Scope.values, 0)
    by_state: dict[str, int] = {}
    for row in cases.values("kind", "scope", "state").annotate(n=Count("pk")):
        by_kind[row["kind"]] += row["n"]
        by_scope[row["scope"]] += row["n"]
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
    timeliness = sum(acceptance_by_month(year, now=now).values(), Counter())

    about = {"staff": Q(respondent__staff__isnull=False),
             "organization": Q(respondent__staff__isnull=True,
                               respondent__organization__isnull=False)}
    substantiated = cases.filter(SUBSTANTIATED_COMPLAINT).aggregate(
        total=Count("pk"), **{k: Count("pk", filter=q) for k, q in about.items()})
    medians = median_working_days(year)
    return ComplaintStatistics(
        year=year,
        total=sum(by_kind.values()),
        by_kind=by_kind,
        by_scope=by_scope,
        by_state=dict(sorted(by_state.items())),
        acceptance_on_time=timeliness[ON_TIME],
        acceptance_late=timeliness[LATE],
        acceptance_pending=timeliness[PENDING],
        median_working_days_to_acceptance=medians.to_acceptance,
        median_working_days_to_closure=medians.to_closure,
        substantiated_by_respondent=SubstantiatedByRespondent(
            staff=substantiated["staff"], organization=substantiated["organization"],
            other=substantiated["total"] - substantiated["staff"]
            - substantiated["organization"]),
    )


@dataclass(frozen=True)
class Medians:
    to_acceptance: float | None  # receipt → acceptance decision
    to_closure: float | None  # receipt → closed (state "closed")


def median_working_days(year: int) -> Medians:
    """X1: median working days from receipt to the acceptance decision and to closure,
    of the complaints, appeals and disputes received in `year`: from the tally the
    actions keep (`WorkingDaysTally`, a few dozen rows a year)."""
    counts: dict[str, dict[int, int]] = {span: {} for span in WorkingDaysTally.Span.values}
    for span, days, n in (WorkingDaysTally.objects.filter(year=year, cases__gt=0)
                          .values_list("span", "working_days", "cases")):
        counts[span][days] = n
    return Medians(
        to_acceptance=weighted_median(counts[WorkingDaysTally.Span.TO_ACCEPTANCE]),
        to_closure=weighted_median(counts[WorkingDaysTally.Span.TO_CLOSURE]),
    )


def decided_by_month(year: int, deadline: str) -> dict[int, Counter]:
    """The verdicts the actions counted in `OnTimeMonth` (decided: they no longer change)."""
    months = {m: Counter() for m in range(1, 13)}
    for month, on_time, late in (OnTimeMonth.objects.filter(year=year, deadline=deadline)
                                 .values_list("month", "on_time", "late")):
        months[month].update({ON_TIME: on_time, LATE: late})
    return months


def acceptance_by_month(year: int, *, now: dt.datetime) -> dict[int, Counter]:
    """X1, R8.03: the acceptance decisions of the complaints, appeals and disputes received
    in `year`, by month of receipt: on time, late, pending at `now`.

    Those decided are read from the summary; the rest (not yet decided: most of them
    open) are counted now, through their partial index (`case_acceptance_live`)."""
    months = decided_by_month(year, OnTimeMonth.Deadline.ACCEPTANCE)
    live = Case.objects.filter(received_in(year), kind__in=HANDLED_KINDS,
                               acceptance_counted="", acceptance_due_at__isnull=False)
    for row in (live.order_by().values(month=ExtractMonth("received_at"))
                .annotate(**acceptance_counts(now))):
        months[row["month"]].update({v: row[v] for v in (ON_TIME, LATE, PENDING)})
    return months


def corrective_reports_by_month(year: int, *, now: dt.datetime) -> dict[int, Counter]:
    """X1, R7.06: the implementation reports of the nonconformities received in `year`, by
    month of receipt: on time, late. Decided ones from the summary, the rest (plans being
    carried out) counted now through their partial index (`cycle_report_live`), by the
    receipt time each cycle keeps."""
    months = decided_by_month(year, OnTimeMonth.Deadline.CORRECTIVE_REPORT)
    start, end = year_bounds(year)
    live = AnalysisCycle.objects.filter(
        report_counted="", report_due_on__isnull=False,
        case_received_at__gte=start, case_received_at__lt=end)
    for row in (live.order_by().values(month=ExtractMonth("case_received_at"))
                .annotate(**report_counts(timezone.localdate(now)))):
        months[row["month"]].update({v: row[v] for v in (ON_TIME, LATE)})
    return months


def weighted_median(counts: dict[int, int]) -> float | None:
    """The median of a list given as value -> how many times it occurs."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # one position, or the two to average
    values, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while middle and middle[0] < seen:
            values.append(value)
            middle.pop(0)
    return float(sum(values)) / 2
