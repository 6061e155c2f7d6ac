"""Nonconformities and corrective actions (R7.01, R7.02, R7.04–R7.06, R7.08, R8.16).

A nonconformity is a case (BFH-) with its `Nonconformity` facts and numbered analysis
cycles: analyse → plan signed off → tasks → implementation report → verified. A cycle
verified not effective (or overdue) is kept and the next one starts (R7.06).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_move, case_note
from caseflow.actions.events import event_record
from caseflow.actions.intake import case_number_issue
from caseflow.actions.notifications import notification_queue, notify_owner
from caseflow.actions.yearly_figures import cycle_figures_record
from caseflow.deadlines import default_target_days
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    AnalysisCycle,
    CapaTask,
    CapaTaskProgress,
    Case,
    CaseKind,
    Channel,
    InternalInspection,
    Nonconformity,
    NonconformitySource,
    Role,
    Scope,
    SeriousReview,
    Staff,
    responsible_post,
)
from caseflow.policies.impartiality import check_impartial
from caseflow.policies.transitions import DRAFT, S
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import add_working_days, china_date, end_of_day


def inspection_open(*, nonconformity: Nonconformity | None = None, deviation: str = "",
                    acting_user: Staff | None = None, overrides=None) -> InternalInspection:
    """R7.04: every nonconformity and every recorded deviation opens an internal
    inspection with its own target date."""
    working_days = default_target_days("inspection")
    overrides = calendar_overrides() if overrides is None else overrides
    target = add_working_days(timezone.now(), working_days, overrides)
    inspection = InternalInspection.objects.create(
        nonconformity=nonconformity, deviation=deviation, target_at=target.due_at,
        target_working_days=working_days, target_provisional=target.provisional,
        opened_by=acting_user)
    notification_queue(nonconformity.case if nonconformity else None, "inspection_opened",
                       role=Role.QUALITY_ASSURANCE, about=f"inspection:{inspection.pk}")
    return inspection


@transaction.atomic
def deviation_record(*, description: str, acting_user: Staff) -> InternalInspection:
    """R7.04: a deviation from the quality policy or procedures, recorded by quality
    assurance or the department head, opens an internal inspection."""
    if not acting_user.has_any_role((Role.QUALITY_ASSURANCE, Role.DEPARTMENT_HEAD)):
        raise RoleRequired(gettext("Quality assurance or the department head records deviations."),
                           rule="R7.04")
    if not description.strip():
        raise InvalidInput(gettext("Describe the deviation."), rule="R7.04", field="description")
    return inspection_open(deviation=description, acting_user=acting_user)


@transaction.atomic
def inspection_complete(*, inspection: InternalInspection, findings: str,
                        acting_user: Staff) -> InternalInspection:
    if not acting_user.has_role(Role.QUALITY_ASSURANCE):
        raise RoleRequired(gettext("Quality assurance carries out internal inspections."),
                           rule="R7.04")
    inspection = InternalInspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.completed_at:
        raise TransitionNotAllowed(gettext("This inspection is complete."), rule="R7.04")
    if not findings.strip():
        raise InvalidInput(gettext("Record the findings."), field="findings")
    inspection.findings, inspection.completed_by = findings, acting_user
    inspection.completed_at = timezone.now()
    inspection.save()
    return inspection


REPORTERS = (Role.QUALITY_ASSURANCE, Role.DEPARTMENT_HEAD, Role.QUALITY_MANAGER)


@transaction.atomic
def nonconformity_open(
    *, source: str, description: str, subject: str, acting_user: Staff | None,
    severity: str = Nonconformity.Severity.NORMAL, origin_case: Case | None = None,
    trigger: str = "", overrides=None,
) -> Case:
    """R7.01: a nonconformity records its source, and the post responsible follows
    from it. It opens its internal inspection (R7.04). Recorded by quality assurance,
    the department head or the quality manager; `acting_user` None is the system."""
    if acting_user is not None and not acting_user.has_any_role(REPORTERS):
        raise RoleRequired(gettext("Quality assurance, the department head or the quality "
                                   "manager record nonconformities."), rule="R7.01")
    if source not in NonconformitySource.values:
        raise InvalidInput(gettext("Unknown nonconformity source."), rule="R7.01", field="source")
    if severity not in Nonconformity.Severity.values:
        raise InvalidInput(gettext("Unknown severity."), field="severity")
    if not description.strip() or not subject.strip():
        raise InvalidInput(gettext("Describe the nonconformity."), field="description")
    now = timezone.now()
    case = Case(
        number=case_number_issue(CaseKind.NONCONFORMITY, china_date(now).year),
        kind=CaseKind.NONCONFORMITY, state=S.OPEN, state_since=now, subject=subject[:200],
        description=description, scope=origin_case.scope if origin_case else Scope.OTHER,
        channel=Channel.IN_PERSON, received_at=now,
        engagement=origin_case.engagement if origin_case else None, origin_case=origin_case,
    )
    case.save()
    nonconformity = Nonconformity.objects.create(
        case=case, source=source, severity=severity, responsible_role=responsible_post(source),
        trigger=trigger)
    AnalysisCycle.objects.create(nonconformity=nonconformity, number=1)
    case_move(case, to_state=S.OPEN, action="nonconformity_opened", actor=acting_user,
              actor_label="" if acting_user else "system",
              payload={"source": source, "severity": severity,
                       "origin_case": origin_case.pk if origin_case else None},
              overrides=overrides)
    notification_queue(case, "nonconformity_opened", role=nonconformity.responsible_role)
    notification_queue(case, "nonconformity_opened", role=Role.QUALITY_ASSURANCE)
    inspection_open(nonconformity=nonconformity, acting_user=acting_user, overrides=overrides)
    return case


@transaction.atomic
def case_report_internal_problem(*, case: Case, acting_user: Staff, description: str,
                                 source: str = NonconformitySource.VERIFICATION_WORK,
                                 severity: str = Nonconformity.Severity.NORMAL) -> Case:
    """R8.16: a case found a problem inside the body: open a linked nonconformity so the
    responsible people analyse causes under the corrective-action procedure."""
    case, _ = case_begin(case, "report_internal_problem", acting_user)
    if not description.strip():
        raise InvalidInput(gettext("Describe the problem found."), rule="R8.16",
                           field="description")
    nonconformity = nonconformity_open(
        source=source, description=description, subject=f"{case.number}: {case.subject}",
        acting_user=acting_user, severity=severity, origin_case=case)
    event_record(case, action="internal_problem_reported", actor=acting_user,
                 from_state=case.state, payload={"nonconformity": nonconformity.pk})
    return nonconformity


@transaction.atomic
def missed_acceptances_open_nonconformities(*, now: dt.datetime,
                                            overrides=None) -> list[Case]:
    """R7.01: a missed 7-working-day acceptance is a fault in case handling: the system
    opens its nonconformity by itself, once per case. The case records that it did, so
    later sweeps read only the misses not yet acted on (the partial index
    `case_awaiting_acceptance`), not every case ever left waiting. Rows another sweep
    holds are left to it."""
    late = Case.objects.filter(
        kind__in=[CaseKind.COMPLAINT, CaseKind.APPEAL, CaseKind.DISPUTE],
        acceptance_due_at__lt=now, accepted_at__isnull=True, state=S.RECEIVED,
        acceptance_missed=False,
    ).order_by("pk").select_for_update(skip_locked=True)
    opened = []
    for case in late:
        opened.append(nonconformity_open(
            source=NonconformitySource.CASE_HANDLING, subject=f"{case.number} 受理超期",
            description=f"{case.number} 未在7个工作日内作出受理决定并发出受理通知书。",
            acting_user=None, origin_case=case, trigger="missed_acceptance",
            overrides=overrides))
        case.acceptance_missed = True
        case.save(update_fields=["acceptance_missed"])
    return opened


def current_cycle(case: Case) -> AnalysisCycle:
    return case.nonconformity.current_cycle


@transaction.atomic
def nonconformity_analyse(
    *, case: Case, acting_user: Staff, method: str, analysis: str, root_cause: str,
    correction: str, corrective_action: str, report_due_on: dt.date,
) -> Case:
    """R7.02: the responsible post finds the root cause and proposes the correction, the
    corrective action and the plan with the date its implementation report is due."""
    case, _ = case_begin(case, "analyse", acting_user)
    if method not in AnalysisCycle.Method.values:
        raise InvalidInput(gettext("Choose 5 whys, fishbone or free text."), field="method")
    for field, value in (("root_cause", root_cause), ("correction", correction),
                         ("corrective_action", corrective_action)):
        if not value.strip():
            raise InvalidInput(gettext("Root cause, correction and corrective action are needed."),
                               rule="R7.02", field=field)
    if report_due_on <= timezone.localdate():
        raise InvalidInput(gettext("The report date lies in the future."), field="report_due_on")
    cycle = current_cycle(case)
    cycle.method, cycle.analysis, cycle.root_cause = method, analysis, root_cause
    cycle.correction, cycle.corrective_action = correction, corrective_action
    cycle.report_due_on, cycle.analysed_by = report_due_on, acting_user
    cycle.save()
    case.drafted_by, case.reviewed_by = acting_user, None
    case_move(case, to_state=S.ANALYSED, action="analysed", actor=acting_user,
              payload={"cycle": cycle.number})
    notification_queue(case, "plan_signoff_needed", role=Role.QUALITY_MANAGER)
    return case


@transaction.atomic
def nonconformity_sign_off_plan(*, case: Case, acting_user: Staff) -> Case:
    """R7.02: the quality manager supervises the plan's formulation by signing it off."""
    case, _ = case_begin(case, "sign_off_plan", acting_user)
    cycle = current_cycle(case)
    cycle.plan_signed_off_by = acting_user
    cycle.save(update_fields=["plan_signed_off_by"])
    case_move(case, to_state=S.PLAN_APPROVED, action="plan_signed_off", actor=acting_user,
              payload={"cycle": cycle.number})
    notification_queue(case, "tasks_to_assign", role=Role.QUALITY_ASSURANCE)
    return case


@transaction.atomic
def nonconformity_return_plan(*, case: Case, acting_user: Staff, reason: str) -> Case:
    case, _ = case_begin(case, "return_plan", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Say what the plan lacks."), field="reason")
    case_move(case, to_state=S.OPEN, action="plan_returned", actor=acting_user, reason=reason)
    notification_queue(case, "plan_returned", role=case.nonconformity.responsible_role)
    return case


@transaction.atomic
def capa_task_assign(*, case: Case, acting_user: Staff, owner: Staff, description: str,
                     working_days: int) -> CapaTask:
    """R7.05: quality assurance assigns rectification tasks with owners and due dates,
    counted in working days from now; the count is kept so that the date follows the
    calendar while its year's schedule is unknown (W3)."""
    case, _ = case_begin(case, "assign_task", acting_user)
    check_impartial(case, owner, DRAFT)
    if not description.strip() or not 1 <= working_days <= 250:
        raise InvalidInput(gettext("A task needs a description and 1–250 working days."),
                           field="description")
    now, overrides = timezone.now(), calendar_overrides()
    due = add_working_days(now, working_days, overrides)
    task = CapaTask.objects.create(cycle=current_cycle(case), description=description,
                                   owner=owner, assigned_at=now, due_working_days=working_days,
                                   due_at=due.due_at, due_provisional=due.provisional,
                                   assigned_by=acting_user,
                                   next_reminder_at=ReminderSchedule(overrides).next_moment(
                                       due.due_at, now))
    payload = {"task": task.pk, "owner": owner.pk}
    if case.state == S.PLAN_APPROVED:
        case_move(case, to_state=S.IMPLEMENTING, action="task_assigned", actor=acting_user,
                  payload=payload)
    else:
        case_note(case, action="task_assigned", actor=acting_user, payload=payload)
    notification_queue(case, "task_assigned", staff=owner)
    return task


@transaction.atomic
def capa_task_progress_record(*, task: CapaTask, acting_user: Staff, note: str,
                              done: bool = False) -> CapaTaskProgress:
    """R7.05: the departments carry the tasks out; owners record their progress."""
    task = CapaTask.objects.select_for_update().select_related("cycle__nonconformity__case").get(
        pk=task.pk)
    case = task.cycle.nonconformity.case
    if task.owner_id != acting_user.pk:
        raise RoleRequired(gettext("Only the task's owner records its progress."), rule="R7.05")
    if case.state != S.IMPLEMENTING or task.done_at:
        raise TransitionNotAllowed(gettext("This task is not open."), rule="R7.05")
    if not note.strip():
        raise InvalidInput(gettext("Write the progress."), field="note")
    progress = CapaTaskProgress.objects.create(task=task, note=note, recorded_by=acting_user)
    if done:  # done: its reminders stop
        task.done_at, task.next_reminder_at = timezone.now(), None
        task.save(update_fields=["done_at", "next_reminder_at"])
    event_record(case, action="task_progress", actor=acting_user, from_state=case.state,
                 payload={"task": task.pk, "done": done})
    return progress


@transaction.atomic
def nonconformity_submit_report(*, case: Case, acting_user: Staff, report: str,
                                report_file=None) -> Case:
    """R7.06: the implementer submits the implementation report."""
    case, _ = case_begin(case, "submit_report", acting_user)
    if not report.strip():
        raise InvalidInput(gettext("Write the implementation report."), rule="R7.06",
                           field="report")
    cycle = current_cycle(case)
    cycle.report, cycle.reported_at = report, timezone.now()
    if report_file:
        cycle.report_file = report_file
    cycle.save()
    cycle_figures_record(cycle, case=case)  # X1: the report's verdict, counted now
    late = cycle.reported_at > end_of_day(cycle.report_due_on)
    case_move(case, to_state=S.REPORTED, action="report_submitted", actor=acting_user,
              payload={"cycle": cycle.number, "late": late})
    notification_queue(case, "verification_needed", role=Role.QUALITY_ASSURANCE)
    return case


def next_cycle(case: Case, *, conclusion: str, reason: str, actor: Staff, action: str) -> Case:
    """R7.06: overdue or not effective: analyse again in a new, numbered cycle."""
    cycle = current_cycle(case)
    cycle.conclusion, cycle.conclusion_reason, cycle.verified_by = conclusion, reason, actor
    cycle.save()
    cycle_figures_record(cycle, case=case)  # X1: closed unreported after its date: late
    AnalysisCycle.objects.create(nonconformity=case.nonconformity, number=cycle.number + 1)
    case.drafted_by = case.reviewed_by = None
    case_move(case, to_state=S.OPEN, action=action, actor=actor, reason=reason,
              payload={"cycle": cycle.number, "next_cycle": cycle.number + 1})
    notification_queue(case, "reanalysis_needed", role=case.nonconformity.responsible_role)
    notification_queue(case, "reanalysis_needed", role=Role.DEPARTMENT_HEAD)
    return case


@transaction.atomic
def nonconformity_verify(*, case: Case, acting_user: Staff, effective: bool,
                         reason: str) -> Case:
    """R7.06: quality assurance records an explicit conclusion with its specific reason;
    effective goes to the department head to confirm, not effective starts a new cycle."""
    case, _ = case_begin(case, "verify", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Give the specific reason for the conclusion."), rule="R7.06",
                           field="reason")
    if not effective:
        return next_cycle(case, conclusion=AnalysisCycle.Conclusion.NOT_EFFECTIVE,
                          reason=reason, actor=acting_user, action="verified_not_effective")
    cycle = current_cycle(case)
    cycle.conclusion, cycle.conclusion_reason = AnalysisCycle.Conclusion.EFFECTIVE, reason
    cycle.verified_by = acting_user
    cycle.save()
    case.reviewed_by = acting_user
    case_move(case, to_state=S.VERIFIED, action="verified_effective", actor=acting_user,
              reason=reason, payload={"cycle": cycle.number})
    notification_queue(case, "confirmation_needed", role=Role.DEPARTMENT_HEAD)
    return case


@transaction.atomic
def nonconformity_record_overdue(*, case: Case, acting_user: Staff) -> Case:
    """R7.06: no report by the plan's date: causes are analysed again."""
    case, _ = case_begin(case, "record_overdue", acting_user)
    if case.due_at is None or case.due_at > timezone.now():
        raise TransitionNotAllowed(gettext("The implementation report is not yet due."),
                                   rule="R7.06")
    return next_cycle(case, conclusion=AnalysisCycle.Conclusion.OVERDUE,
                      reason="实施报告逾期未提交", actor=acting_user, action="report_overdue")


@transaction.atomic
def nonconformity_confirm(*, case: Case, acting_user: Staff) -> Case:
    """R7.06: the department head confirms the effectiveness; the case closes. A serious
    nonconformity closes only after its written review is approved (R7.08)."""
    case, _ = case_begin(case, "confirm", acting_user)
    nonconformity = case.nonconformity
    if nonconformity.severity == Nonconformity.Severity.SERIOUS:
        review = SeriousReview.objects.filter(nonconformity=nonconformity).first()
        if review is None or review.approved_by_id is None:
            raise TransitionNotAllowed(gettext("A serious nonconformity closes only after its "
                                               "review is approved by the general manager."),
                                       rule="R7.08")
    cycle = current_cycle(case)
    cycle.confirmed_by = acting_user
    cycle.save(update_fields=["confirmed_by"])
    return case_move(case, to_state=S.CLOSED, action="effectiveness_confirmed",
                     actor=acting_user, payload={"cycle": cycle.number})


@transaction.atomic
def serious_review_write(*, case: Case, acting_user: Staff, text: str) -> SeriousReview:
    """R7.08: reviewed promptly under the department head, in writing."""
    case, _ = case_begin(case, "write_serious_review", acting_user)
    if case.nonconformity.severity != Nonconformity.Severity.SERIOUS:
        raise TransitionNotAllowed(gettext("Only a serious nonconformity needs this review."),
                                   rule="R7.08")
    if not text.strip():
        raise InvalidInput(gettext("Write the review."), field="text")
    review, _ = SeriousReview.objects.update_or_create(
        nonconformity=case.nonconformity,
        defaults={"text": text, "written_by": acting_user, "checked_by": None,
                  "approved_by": None})
    case_note(case, action="serious_review_written", actor=acting_user,
              payload={"review": review.pk})
    notification_queue(case, "review_check_needed", role=Role.QUALITY_MANAGER)
    return review


@transaction.atomic
def serious_review_check(*, case: Case, acting_user: Staff) -> SeriousReview:
    case, _ = case_begin(case, "check_serious_review", acting_user)
    review = SeriousReview.objects.select_for_update().filter(
        nonconformity=case.nonconformity).first()
    if review is None or review.checked_by_id:
        raise TransitionNotAllowed(gettext("No written review awaits checking."), rule="R7.08")
    if review.written_by_id == acting_user.pk:
        raise Recused(gettext("The writer does not check their own review."), rule="X3")
    review.checked_by = acting_user
    review.save(update_fields=["checked_by"])
    case_note(case, action="serious_review_checked", actor=acting_user,
              payload={"review": review.pk})
    notification_queue(case, "approval_needed", role=Role.GENERAL_MANAGER)
    return review


@transaction.atomic
def serious_review_approve(*, case: Case, acting_user: Staff) -> SeriousReview:
    case, _ = case_begin(case, "approve_serious_review", acting_user)
    review = SeriousReview.objects.select_for_update().filter(
        nonconformity=case.nonconformity).first()
    if review is None or review.checked_by_id is None:
        raise TransitionNotAllowed(gettext("The quality manager checks the review first."),
                                   rule="R7.08")
    # Written, checked and approved by three different people: whoever holds two of the
    # roles does only one of the three steps.
    if acting_user.pk in (review.written_by_id, review.checked_by_id):
        raise Recused(gettext("Whoever wrote or checked the review does not approve it."),
                      rule="R7.08")
    review.approved_by = acting_user
    review.save(update_fields=["approved_by"])
    case_note(case, action="serious_review_approved", actor=acting_user,
              payload={"review": review.pk})
    notify_owner(case, "review_approved", fallback_roles=(Role.DEPARTMENT_HEAD,))
    return review

