"""The impartiality guard (R8.14, R8.15, R9.01, R9.02, X2, X3) and who may act (roles).

`check_transition` is the one gate every action passes: state, role, then the guard.
A refusal raises a domain error that names the rule and the reason.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from caseflow.errors import Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import Case, Declaration, InterestRelationship, Staff
from caseflow.policies.transitions import DECIDE, REVIEW, TABLES, Transition

# R9.01: a relationship that ended this long ago no longer blocks.
COOLING_OFF_YEARS = 3


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


def impartiality_refusal(case: Case, staff: Staff, step: str, *, now=None) -> Recused | None:
    """Why `staff` may not take a `step` on `case`, or None when the guard lets them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    declarations = list(Declaration.objects.filter(staff=staff))
    annual = [d for d in declarations if d.kind == Declaration.Kind.ANNUAL and d.year == today.year]
    per_case = [d for d in declarations if d.kind == Declaration.Kind.CASE and d.case_id == case.pk]
    if not annual:
        return Recused(f"{staff} has no impartiality commitment for {today.year} on file.",
                       rule="R9.01")
    if not per_case:
        return Recused(f"{staff} has not signed the commitment for case {case.number}.",
                       rule="R9.01")

    if case.engagement_id and staff.pk in case.engagement.performers():
        return Recused(
            f"{staff} performed the verification this case is about "
            f"({case.engagement.report_number}).", rule="R8.15")
    if case.respondent_id and case.respondent.staff_id == staff.pk:
        return Recused(f"The case is about {staff}.", rule="R8.14")

    cutoff = years_before(today, COOLING_OFF_YEARS)
    orgs = case_organization_ids(case)
    if orgs:
        blocking = InterestRelationship.objects.filter(
            declaration__staff=staff, organization_id__in=orgs
        ).exclude(ended_on__lt=cutoff).first()
        if blocking:
            return Recused(
                f"{staff} declared an interest relationship with an organization in this case "
                f"that ended less than {COOLING_OFF_YEARS} years ago.", rule="R9.01")

    for declaration in per_case:
        if not declaration.potential_conflict:
            continue
        if not declaration.ruling:
            return Recused(f"{staff}'s declared conflict awaits the quality manager's ruling.",
                           rule="R9.01")
        if declaration.ruling == Declaration.Ruling.PROHIBIT:
            return Recused(f"The quality manager prohibited {staff} from this case.",
                           rule="R9.01")
        if declaration.ruling == Declaration.Ruling.RESTRICT and step in (DECIDE, REVIEW):
            return Recused(f"{staff} may work on this case but not review or decide it.",
                           rule="R9.02")

    # X3: within one case the drafter (who investigated or wrote) does not review, and
    # the approver is neither.
    if step in (REVIEW, DECIDE) and staff.pk in drafter_ids(case):
        return Recused(f"{staff} investigated or drafted this and may not review or decide "
                       "it.", rule="X3")
    if step == DECIDE and staff.pk == case.reviewed_by_id:
        return Recused(f"{staff} reviewed this and may not also approve it.", rule="X3")
    return None


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
        raise TransitionNotAllowed(f"A {case.get_kind_display()} has no step '{name}'.")
    return table[name]


def role_refusal(case: Case, transition: Transition, staff: Staff) -> RoleRequired | None:
    roles = transition.roles_for(case.state)
    if any(staff.has_role(role) for role in roles):
        return None
    if transition.handler_may and case.handler_id == staff.pk:
        return None
    if transition.responsible_may and staff.has_role(case.nonconformity.responsible_role):
        return None
    return RoleRequired(f"{staff} may not take the step '{transition.name}' on this case.",
                        rule=transition.rule)


def state_refusal(case: Case, transition: Transition) -> TransitionNotAllowed | None:
    if case.state not in transition.sources:
        return TransitionNotAllowed(
            f"Case {case.number} is '{case.state}': '{transition.name}' is not allowed now.",
            rule=transition.rule)
    if transition.named_only and case.anonymous:
        return TransitionNotAllowed(
            "An anonymous complaint gets no notice: it is evaluated instead.", rule="X4")
    if transition.anonymous_only and not case.anonymous:
        return TransitionNotAllowed("Only an anonymous complaint closes without reply.",
                                    rule="R8.06")
    return None


def check_transition(case: Case, name: str, staff: Staff) -> Transition:
    """The gate of every action: state, role, impartiality. Returns the transition."""
    transition = transition_for(case, name)
    for refusal in (state_refusal(case, transition), role_refusal(case, transition, staff)):
        if refusal:
            raise refusal
    check_impartial(case, staff, transition.step)
    return transition


def available_transitions(case: Case, staff: Staff) -> list[str]:
    """What `staff` may do next on `case`: the same checks as the actions, without raising."""
    names, refusal_by_step = [], {}
    for name, transition in TABLES[case.kind].items():
        if state_refusal(case, transition) or role_refusal(case, transition, staff):
            continue
        if transition.step not in refusal_by_step:  # the guard depends on the step only
            refusal_by_step[transition.step] = impartiality_refusal(case, staff,
                                                                    transition.step)
        if refusal_by_step[transition.step]:
            continue
        names.append(name)
    return names


def eligible_staff(case: Case, role: str, step: str) -> list[Staff]:
    """X2: holders, deputies and delegates of `role` the guard lets take `step`."""
    candidates = Staff.objects.filter(is_active=True, role_assignments__role=role).distinct()
    return [s for s in candidates if impartiality_refusal(case, s, step) is None]
