"""The impartiality guard (R8.14, R8.15, R9.01, R9.02, X2, X3) and who may act (roles).

`check_transition` is the one gate every action passes: state, role, then the guard.
A refusal raises a domain error that names the rule and the reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.errors import Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    Case,
    CaseKind,
    Declaration,
    Engagement,
    InterestRelationship,
    Party,
    Staff,
)
from caseflow.models.expressions import KeyAmong
from caseflow.policies.transitions import DECIDE, REVIEW, TABLES, Transition

# R9.01: a relationship that ended this long ago no longer blocks.
COOLING_OFF_YEARS = 3
# R8.14: the parties that are one person (one per case about them) are a list of ids up to
# this many; beyond, the cases about them are an EXISTS on the respondent's row.
PARTIES_READ = 2000


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def case_organization_ids(case: Case) -> set[int]:
    """Organizations whose interests the case touches: parties' and the engagement's."""
    ids = set()
    for party in (case.submitter, case.respondent):
        if party and party.organization_id:
            ids.add(party.organization_id)
    if case.engagement_id:
        ids |= {case.engagement.client_id, case.engagement.verified_entity_id}
    return ids


def bars_performers(case: Case) -> bool:
    """R8.15 guards handling a complaint, appeal or dispute. A nonconformity a case opened
    about the body's own work is handled under section 7, where those whose work failed
    analyse causes and correct it (manual 8.3(6), R8.16)."""
    return case.engagement_id is not None and case.kind != CaseKind.NONCONFORMITY


def case_recusal(case: Case, staff: Staff, *, today: dt.date) -> Recused | None:
    """Why `staff` is recused from `case` as a whole (X9: the case is hidden from them),
    or None. `recused_cases` is the same test as a query; keep the two in step."""
    if bars_performers(case) and staff.pk in case.engagement.performers():
        return Recused(
            _("%(staff)s performed the verification this case is about (%(report)s).")
            % {"staff": staff, "report": case.engagement.report_number}, rule="R8.15")
    if case.appealed_case_id and staff.pk in decision_maker_ids(case.appealed_case):
        return Recused(_("%(staff)s took part in the decision this appeal is against.")
                       % {"staff": staff}, rule="X11")
    if case.respondent_id and case.respondent.staff_id == staff.pk:
        return Recused(_("The case is about %(staff)s.") % {"staff": staff}, rule="R8.14")
    orgs = case_organization_ids(case)
    if orgs and InterestRelationship.objects.filter(
            binding_relationships(staff, today), organization_id__in=orgs).exists():
        return Recused(
            _("%(staff)s declared an interest relationship with an organization in this "
              "case that ended less than %(years)s years ago.")
            % {"staff": staff, "years": COOLING_OFF_YEARS}, rule="R9.01")
    if Declaration.objects.filter(staff=staff, kind=Declaration.Kind.CASE, case=case,
                                  ruling=Declaration.Ruling.PROHIBIT).exists():
        return Recused(_("The quality manager prohibited %(staff)s from this case.")
                       % {"staff": staff}, rule="R9.01")
    return None


def binding_relationships(staff: Staff, today: dt.date) -> Q:
    """R9.01: relationships that still bar: ongoing, or ended less than three years ago
    (one that ended three years ago or more, 三年以上, no longer does)."""
    cutoff = years_before(today, COOLING_OFF_YEARS)
    return Q(declaration__staff=staff) & (Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff))


# What `recusal_grounds` reads: each kind of id by its own index, in one round trip, each
# row tagged with its kind. Plain SQL (PostgreSQL and SQLite alike): built through the ORM,
# these eight reads cost several milliseconds of Python on every request that lists cases.
RECUSAL_GROUNDS = """
SELECT 'party', id FROM caseflow_party WHERE staff_id = %(staff)s
UNION ALL SELECT 'engagement', id FROM caseflow_engagement WHERE team_lead_id = %(staff)s
UNION ALL SELECT 'engagement', engagement_id FROM caseflow_engagement_verifiers
    WHERE staff_id = %(staff)s
UNION ALL SELECT 'engagement', engagement_id FROM caseflow_engagement_technical_reviewers
    WHERE staff_id = %(staff)s
UNION ALL SELECT 'engagement', engagement_id FROM caseflow_engagement_report_signers
    WHERE staff_id = %(staff)s
UNION ALL SELECT 'organization', r.organization_id FROM caseflow_interestrelationship r
    JOIN caseflow_declaration d ON d.id = r.declaration_id
    WHERE d.staff_id = %(staff)s AND (r.ended_on IS NULL OR r.ended_on > %(cutoff)s)
UNION ALL SELECT 'case', case_id FROM caseflow_declaration
    WHERE staff_id = %(staff)s AND kind = %(case_kind)s AND ruling = %(prohibit)s
UNION ALL SELECT 'case', appeal.id FROM caseflow_case appeal
    JOIN caseflow_case decided ON decided.id = appeal.appealed_case_id
    WHERE appeal.appealed_case_id IS NOT NULL AND appeal.kind = %(appeal)s AND (
        decided.drafted_by_id = %(staff)s OR decided.reviewed_by_id = %(staff)s
        OR EXISTS (SELECT 1 FROM caseflow_notice n
                   WHERE n.case_id = decided.id AND n.approved_by_id = %(staff)s)
        OR EXISTS (SELECT 1 FROM caseflow_finding f
                   WHERE f.case_id = decided.id AND f.recorded_by_id = %(staff)s))
"""


def recusal_grounds(staff: Staff, today: dt.date) -> dict[str, set[int]]:
    """The ids `staff`'s recusals rest on: "party", the parties that are them (R8.14);
    "engagement", the engagements they performed in any of four ways (R8.15);
    "organization", those they declared a relationship with that still binds
    (R9.01, as `binding_relationships`); "case", the cases the quality manager prohibited
    them from (R9.01) and the appeals against a decision they drafted, reviewed, approved
    or investigated (X11, as `decision_maker_ids`: few appeals name a decision of the
    body, each checked against its makers by key)."""
    grounds = {"party": set(), "engagement": set(), "organization": set(), "case": set()}
    with connection.cursor() as cursor:
        cursor.execute(RECUSAL_GROUNDS, {
            "staff": staff.pk, "cutoff": years_before(today, COOLING_OFF_YEARS),
            "case_kind": Declaration.Kind.CASE, "prohibit": Declaration.Ruling.PROHIBIT,
            "appeal": CaseKind.APPEAL})
        for kind, pk in cursor.fetchall():
            grounds[kind].add(pk)
    return grounds


def recused_cases(staff: Staff, *, today: dt.date | None = None) -> Q:
    """X9 as a query: the cases `staff` is recused from, to leave out of everything they
    see (file, lists, search, exports, queues).

    Shaped for a large table: the ids it rests on are read first (`recusal_grounds`), so
    most tests are of the case's own columns; what lies in another table (the
    organizations' parties and engagements) is an EXISTS on that row, looked up by key,
    never a LEFT JOIN over all parties nor a subquery that reads every case the person
    ever decided."""
    grounds = recusal_grounds(staff, today or timezone.localdate())
    # R8.14: a case about them. An EXISTS on the respondent's party inside this OR would
    # be costed by PostgreSQL as a probe per row, making every plan that reads rows in the
    # list's order look hundreds of times dearer than it is: their parties (one per case
    # about them) are a list unless there are very many.
    if len(grounds["party"]) > PARTIES_READ:
        recused = Q(Exists(Party.objects.filter(pk=OuterRef("respondent_id"), staff=staff)))
    else:
        recused = Q(KeyAmong("respondent_id", grounds["party"]))
    if grounds["engagement"]:
        recused |= (Q(KeyAmong("engagement_id", grounds["engagement"]))
                    & ~Q(kind=CaseKind.NONCONFORMITY))
    if orgs := grounds["organization"]:
        parties = Party.objects.filter(organization__in=orgs)
        recused |= (Exists(parties.filter(pk=OuterRef("submitter_id")))
                    | Exists(parties.filter(pk=OuterRef("respondent_id")))
                    | Exists(Engagement.objects.filter(
                        Q(client__in=orgs) | Q(verified_entity__in=orgs),
                        pk=OuterRef("engagement_id"))))
    if grounds["case"]:
        recused |= Q(KeyAmong("id", grounds["case"]))
    return recused


def decision_maker_ids(case: Case) -> set[int]:
    """X11: who drafted (investigated, wrote), reviewed or approved the decision of `case`."""
    ids = drafter_ids(case)
    if case.reviewed_by_id:
        ids.add(case.reviewed_by_id)
    ids |= set(case.notices.values_list("approved_by_id", flat=True))
    return ids


def step_refusal(case: Case, staff: Staff, step: str, *,
                 pending_rulings: bool) -> Recused | None:
    """What bars `staff` from this kind of step on a case they are not recused from:
    R9.02 restrictions, X3 separation, and (while acting) a conflict awaiting its ruling."""
    per_case = Declaration.objects.filter(staff=staff, kind=Declaration.Kind.CASE,
                                          case=case).exclude(potential_conflict="")
    for declaration in per_case:
        if not declaration.ruling:
            if pending_rulings:
                return Recused(_("%(staff)s's declared conflict awaits the quality manager's "
                                 "ruling.") % {"staff": staff}, rule="R9.01")
            continue
        if declaration.ruling == Declaration.Ruling.RESTRICT and step in (DECIDE, REVIEW):
            return Recused(_("%(staff)s may work on this case but not review or decide it.")
                           % {"staff": staff}, rule="R9.02")

    # X3: within one case the drafter (who investigated or wrote) does not review, and
    # the approver is neither.
    if step in (REVIEW, DECIDE) and staff.pk in drafter_ids(case):
        return Recused(_("%(staff)s investigated or drafted this and may not review or decide "
                         "it.") % {"staff": staff}, rule="X3")
    if step == DECIDE and staff.pk == case.reviewed_by_id:
        return Recused(_("%(staff)s reviewed this and may not also approve it.")
                       % {"staff": staff}, rule="X3")
    return None


def impartiality_refusal(case: Case, staff: Staff, step: str, *, now=None) -> Recused | None:
    """Why `staff` may not take a `step` on `case`, or None when the guard lets them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not Declaration.objects.filter(staff=staff, kind=Declaration.Kind.ANNUAL,
                                      year=today.year).exists():
        return Recused(_("%(staff)s has no impartiality commitment for %(year)s on file.")
                       % {"staff": staff, "year": today.year}, rule="R9.01")
    if not Declaration.objects.filter(staff=staff, kind=Declaration.Kind.CASE,
                                      case=case).exists():
        return Recused(_("%(staff)s has not signed the commitment for case %(number)s.")
                       % {"staff": staff, "number": case.number}, rule="R9.01")
    return (case_recusal(case, staff, today=today)
            or step_refusal(case, staff, step, pending_rulings=True))


def ineligibility(case: Case, staff: Staff, step: str) -> Recused | None:
    """X2: why `staff` cannot take `step` however long one waits: recusal or restriction.
    A commitment not yet signed, or a declared conflict not yet ruled on, does not make
    anyone ineligible: they can sign it, the quality manager can rule."""
    return (case_recusal(case, staff, today=timezone.localdate())
            or step_refusal(case, staff, step, pending_rulings=False))


def drafter_ids(case: Case) -> set[int]:
    ids = set(case.findings.values_list("recorded_by_id", flat=True))
    if case.drafted_by_id:
        ids.add(case.drafted_by_id)
    return ids


def check_impartial(case: Case, staff: Staff, step: str) -> None:
    refusal = impartiality_refusal(case, staff, step)
    if refusal:
        raise refusal


def transition_for(case: Case, name: str) -> Transition:
    table = TABLES[case.kind]
    if name not in table:
        raise TransitionNotAllowed(_("A %(kind)s has no step '%(step)s'.")
                                   % {"kind": case.get_kind_display(), "step": name})
    return table[name]


def role_refusal(case: Case, transition: Transition, staff: Staff) -> RoleRequired | None:
    roles = transition.roles_for(case.state)
    if staff.has_any_role(roles):
        return None
    if transition.handler_may and case.handler_id == staff.pk:
        return None
    if transition.responsible_may and staff.has_role(case.nonconformity.responsible_role):
        return None
    return RoleRequired(_("%(staff)s may not take the step '%(step)s' on this case.")
                        % {"staff": staff, "step": transition.name}, rule=transition.rule)


def state_refusal(case: Case, transition: Transition) -> TransitionNotAllowed | None:
    if case.state not in transition.sources:
        return TransitionNotAllowed(
            _("Case %(number)s is '%(state)s': '%(step)s' is not allowed now.")
            % {"number": case.number, "state": case.state, "step": transition.name},
            rule=transition.rule)
    if transition.named_only and case.anonymous:
        return TransitionNotAllowed(
            _("An anonymous complaint gets no notice: it is evaluated instead."), rule="X4")
    if transition.anonymous_only and not case.anonymous:
        return TransitionNotAllowed(_("Only an anonymous complaint closes without reply."),
                                    rule="R8.06")
    return None


def repeat_refusal(case: Case, transition: Transition, staff: Staff) -> TransitionNotAllowed | None:
    """X10: a member votes once on a case (the vote is theirs, final once cast)."""
    if transition.name == "committee_vote" and case.committee_votes.filter(
            member=staff).exists():
        return TransitionNotAllowed(_("You have already voted on this case."), rule="X10")
    return None


def check_transition(case: Case, name: str, staff: Staff) -> Transition:
    """The gate of every action: state, role, impartiality. Returns the transition."""
    transition = transition_for(case, name)
    for refusal in (state_refusal(case, transition), role_refusal(case, transition, staff),
                    repeat_refusal(case, transition, staff)):
        if refusal:
            raise refusal
    check_impartial(case, staff, transition.step)
    return transition


def available_transitions(case: Case, staff: Staff) -> list[str]:
    """What `staff` may do next on `case`: the same checks as the actions, without raising."""
    names, refusal_by_step = [], {}
    for name, transition in TABLES[case.kind].items():
        if (state_refusal(case, transition) or role_refusal(case, transition, staff)
                or repeat_refusal(case, transition, staff)):
            continue
        if transition.step not in refusal_by_step:  # the guard depends on the step only
            refusal_by_step[transition.step] = impartiality_refusal(case, staff,
                                                                    transition.step)
        if refusal_by_step[transition.step]:
            continue
        names.append(name)
    return names


def eligible_staff(case: Case, role: str, step: str) -> list[Staff]:
    """X2: holders, deputies and delegates of `role` not barred from `step` for good."""
    candidates = Staff.objects.filter(is_active=True, role_assignments__role=role).distinct()
    return [s for s in candidates if ineligibility(case, s, step) is None]
