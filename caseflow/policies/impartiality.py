"""The impartiality guard (R8.14, R8.15, R9.01, R9.02, X2, X3) and who may act (roles).

`check_transition` is the one gate every action passes: state, role, then the guard.
A refusal raises a domain error that names the rule and the reason.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.errors import Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    Case,
    CaseKind,
    Declaration,
    Engagement,
    Finding,
    InterestRelationship,
    Notice,
    Party,
    Staff,
)
from caseflow.policies.transitions import DECIDE, REVIEW, TABLES, Transition

# R9.01: a relationship that ended this long ago no longer blocks.
COOLING_OFF_YEARS = 3
# R8.14: the parties that are one person (one per case about them) are read first up to
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


def recused_cases(staff: Staff, *, today: dt.date | None = None) -> Q:
    """X9 as a query: the cases `staff` is recused from, to leave out of everything they
    see (file, lists, search, exports, queues).

    Shaped for a large table: small id lists are read first; what lies in another table
    (the respondent's party, the appealed decision's makers, the organizations) is an
    EXISTS on that row, looked up by key, never a LEFT JOIN over all parties nor a
    subquery that reads every case the person ever decided."""
    today = today or timezone.localdate()
    # R8.14: a case about them. The parties that are them (one per case about them) are
    # read first when few: a test of the case's own column. An EXISTS inside this OR is
    # costed by PostgreSQL as a probe per row, which makes every plan that reads rows in
    # the list's order look hundreds of times dearer than it is.
    about_them = Party.objects.filter(staff=staff)
    parties = list(about_them.values_list("pk", flat=True)[:PARTIES_READ + 1])
    if len(parties) > PARTIES_READ:
        recused = Q(Exists(about_them.filter(pk=OuterRef("respondent_id"))))
    else:
        recused = Q(respondent__in=parties)
    # R8.15: each of the four ways of performing an engagement through its own index
    # (one UNION), not an OR over joins of every engagement with its people.
    performed = list(
        Engagement.objects.filter(team_lead=staff).order_by().values_list("pk", flat=True)
        .union(*(through.objects.filter(staff=staff).values_list("engagement_id", flat=True)
                 for through in (Engagement.verifiers.through,
                                 Engagement.technical_reviewers.through,
                                 Engagement.report_signers.through))))
    if performed:
        recused |= Q(engagement__in=performed) & ~Q(kind=CaseKind.NONCONFORMITY)
    orgs = list(InterestRelationship.objects.filter(binding_relationships(staff, today))
                .values_list("organization_id", flat=True).distinct())
    if orgs:
        parties = Party.objects.filter(organization__in=orgs)
        recused |= (Exists(parties.filter(pk=OuterRef("submitter_id")))
                    | Exists(parties.filter(pk=OuterRef("respondent_id")))
                    | Exists(Engagement.objects.filter(
                        Q(client__in=orgs) | Q(verified_entity__in=orgs),
                        pk=OuterRef("engagement_id"))))
    prohibited = list(Declaration.objects.filter(
        staff=staff, kind=Declaration.Kind.CASE, ruling=Declaration.Ruling.PROHIBIT,
    ).values_list("case_id", flat=True))
    if prohibited:
        recused |= Q(pk__in=prohibited)
    # X11: an appeal against a decision they drafted, reviewed, approved or investigated.
    # Few appeals name a decision of the body: those are read first, each checked
    # against the decision's makers by key.
    decided = Case.objects.filter(pk=OuterRef("appealed_case_id")).filter(
        Q(drafted_by=staff) | Q(reviewed_by=staff)
        | Exists(Notice.objects.filter(case=OuterRef("pk"), approved_by=staff))
        | Exists(Finding.objects.filter(case=OuterRef("pk"), recorded_by=staff)))
    against_them = list(Case.objects.filter(kind=CaseKind.APPEAL, appealed_case__isnull=False)
                        .filter(Exists(decided)).values_list("pk", flat=True))
    if against_them:
        recused |= Q(pk__in=against_them)
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
