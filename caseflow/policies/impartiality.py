"""The impartiality guard (R8.14, R8.15, R9.01, R9.02, X2, X3) and who may act (roles).

`check_transition` is the one gate every action passes: state, role, then the guard.
A refusal raises a domain error that names the rule and the reason.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

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
        return Recused(_("%(staff)s has no impartiality commitment for %(year)s on file.")
                       % {"staff": staff, "year": today.year}, rule="R9.01")
    if not per_case:
        return Recused(_("%(staff)s has not signed the commitment for case %(number)s.")
                       % {"staff": staff, "number": case.number}, rule="R9.01")

    if case.engagement_id and staff.pk in case.engagement.performers():
        return Recused(
            _("%(staff)s performed the verification this case is about (%(report)s).")
            % {"staff": staff, "report": case.engagement.report_number}, rule="R8.15")
    if case.respondent_id and case.respondent.staff_id == staff.pk:
        return Recused(_("The case is about %(staff)s.") % {"staff": staff}, rule="R8.14")

    cutoff = years_before(today, COOLING_OFF_YEARS)
    orgs = case_organization_ids(case)
    if orgs:
        blocking = InterestRelationship.objects.filter(
            declaration__staff=staff, organization_id__in=orgs
        ).exclude(ended_on__lt=cutoff).first()
        if blocking:
            return Recused(
                _("%(staff)s declared an interest relationship with an organization in this "
                  "case that ended less than %(years)s years ago.")
                % {"staff": staff, "years": COOLING_OFF_YEARS}, rule="R9.01")

    for declaration in per_case:
        if not declaration.potential_conflict:
            continue
        if not declaration.ruling:
            return Recused(_("%(staff)s's declared conflict awaits the quality manager's ruling.")
                           % {"staff": staff}, rule="R9.01")
        if declaration.ruling == Declaration.Ruling.PROHIBIT:
            return Recused(_("The quality manager prohibited %(staff)s from this case.")
                           % {"staff": staff}, rule="R9.01")
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
