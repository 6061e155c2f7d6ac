"""Preventive actions (R7.03, R7.09)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import Nonconformity, PreventiveAction, Role, Staff


def approver_role(action: PreventiveAction) -> str:
    """R7.03: the GM approves what touches impartiality or resources; else the QM."""
    if action.touches_impartiality_or_resources:
        return Role.GENERAL_MANAGER
    return Role.QUALITY_MANAGER


@transaction.atomic
def preventive_action_propose(
    *, origin: str, potential_problem: str, risk: str, plan: str, acting_user: Staff,
    touches_impartiality_or_resources: bool = False, nonconformity: Nonconformity | None = None,
) -> PreventiveAction:
    """R7.09: the department head rates a potential nonconformity by risk and proposes
    measures; R7.03: where they touch impartiality or resources the QM drafts them."""
    drafter = Role.QUALITY_MANAGER if touches_impartiality_or_resources else Role.DEPARTMENT_HEAD
    if not acting_user.has_role(drafter):
        raise RoleRequired(
            _("The quality manager drafts preventive plans touching impartiality or resources;"
              " the department head proposes the others."), rule="R7.03")
    if origin not in PreventiveAction.Origin.values:
        raise InvalidInput(_("Unknown origin."), rule="R7.09", field="origin")
    if risk not in PreventiveAction.Risk.values:
        raise InvalidInput(_("Rate the risk: low, medium or high."), rule="R7.09", field="risk")
    if not potential_problem.strip() or not plan.strip():
        raise InvalidInput(_("Describe the potential problem and the measures."), field="plan")
    action = PreventiveAction.objects.create(
        origin=origin, nonconformity=nonconformity, potential_problem=potential_problem,
        risk=risk, plan=plan, drafted_by=acting_user,
        touches_impartiality_or_resources=touches_impartiality_or_resources)
    notification_queue(nonconformity.case if nonconformity else None, "approval_needed",
                       role=approver_role(action), about=f"preventive:{action.pk}")
    return action


@transaction.atomic
def preventive_action_approve(*, action: PreventiveAction, acting_user: Staff) -> PreventiveAction:
    action = PreventiveAction.objects.select_for_update().get(pk=action.pk)
    if not acting_user.has_role(approver_role(action)):
        raise RoleRequired(_("This preventive plan is approved by %(role)s.")
                           % {"role": Role(approver_role(action)).label}, rule="R7.03")
    if acting_user.pk == action.drafted_by_id:
        raise Recused(_("The drafter does not approve their own plan."), rule="X3")
    if action.state != PreventiveAction.State.PROPOSED:
        raise TransitionNotAllowed(_("Already decided."), rule="R7.03")
    action.state, action.approved_by = PreventiveAction.State.APPROVED, acting_user
    action.approved_at = timezone.now()
    action.save()
    notification_queue(None, "preventive_approved", role=Role.DEPARTMENT_HEAD,
                       about=f"preventive:{action.pk}")
    return action


@transaction.atomic
def preventive_action_complete(*, action: PreventiveAction, outcome: str,
                               acting_user: Staff) -> PreventiveAction:
    """R7.03: carried out under the department head, once approved."""
    action = PreventiveAction.objects.select_for_update().get(pk=action.pk)
    if not acting_user.has_role(Role.DEPARTMENT_HEAD):
        raise RoleRequired(_("Preventive actions are carried out under the department head."),
                           rule="R7.03")
    if action.state != PreventiveAction.State.APPROVED:
        raise TransitionNotAllowed(_("Only an approved plan is carried out."), rule="R7.03")
    if not outcome.strip():
        raise InvalidInput(_("Record what was done."), field="outcome")
    action.state, action.outcome, action.completed_by = (
        PreventiveAction.State.DONE, outcome, acting_user)
    action.save()
    return action
