"""The ladders beyond cases (issue 12): a corrective-action task (owner → quality
assurance → quality manager), the implementation report (responsible post → department
head → quality manager) and an archive loan (borrower → client & information office →
department head). Each stops once its step is done."""

import datetime as dt

import pytest

from caseflow.actions.archives import archive_loan_decide, archive_loan_request, archive_loan_return
from caseflow.actions.calendar_overrides import calendar_override_set
from caseflow.actions.intake import case_reject
from caseflow.actions.nonconformities import (
    capa_task_assign,
    capa_task_progress_record,
    nonconformity_analyse,
    nonconformity_open,
    nonconformity_sign_off_plan,
    nonconformity_submit_report,
)
from caseflow.actions.reminders import LADDERS, SUBJECTS
from caseflow.models import AnalysisCycle, Notification, Role, RoleAssignment
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, every_morning, reminded, sweep_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):
    """Qian Yu, besides the office, works in quality assurance here (as in tests/capa)."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    return people


def implementing(people):
    """A routine-inspection nonconformity opened Monday 2 November 2026: its report due
    Tuesday 10 November, Liu Yang's task due in 3 working days (Thursday 5 November)."""
    with clock_at(people, at(11, 2, 10)):
        case = nonconformity_open(source="routine_inspection", subject="记录不全",
                                  description="核查记录未归档。", acting_user=people.head)
        commit(case, people.head, people.quality_manager, people.office_2, people.handler)
        case = nonconformity_analyse(
            case=case, acting_user=people.office_2, method="five_whys", analysis="五问",
            root_cause="职责不清", correction="补齐记录", corrective_action="修订制度",
            report_due_on=dt.date(2026, 11, 10))
        case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
        task = capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                                description="修订档案管理制度", working_days=3)
    return case, task


def test_r7_05_a_task_is_reminded_to_its_owner_then_quality_assurance_then_the_qm(people):
    """R7.05: the owner is warned on 3 November, reminded on the due day, and overdue from
    6 November with quality assurance (which assigned it), the quality manager from the
    second overdue morning; once the owner records it done, nothing more."""
    case, task = implementing(people)
    about = {"about": f"capa_task:{task.pk}"}
    for moment in every_morning(dt.date(2026, 11, 3), dt.date(2026, 11, 12)):
        if moment == at(11, 10):
            with clock_at(people, at(11, 9, 10)):
                capa_task_progress_record(task=task, acting_user=people.handler,
                                          note="制度已修订", done=True)
        sweep_at(moment)
    assert reminded(at(11, 3), **about) == [("reminder", "liuyang", "due_soon", 0, 0)]
    assert reminded(at(11, 4), **about) == []
    assert reminded(at(11, 5), **about) == [("reminder", "liuyang", "due_today", 0, 0)]
    assert reminded(at(11, 6), **about) == [
        ("escalation", "quality_assurance", "overdue", 1, 1),
        ("reminder", "liuyang", "overdue", 1, 0)]
    assert reminded(at(11, 9), **about) == [
        ("escalation", "quality_assurance", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "liuyang", "overdue", 2, 0)]
    assert Notification.objects.filter(**about, created_at__gt=at(11, 9, 10)).count() == 0
    assert Notification.objects.filter(**about).first().case == case
    task.refresh_from_db()
    assert task.next_reminder_at is None


def test_r7_06_the_implementation_report_is_reminded_on_its_cycle_only(people):
    """R7.06, X1: the report's date is a rule deadline, reminded on the analysis cycle
    (never twice through the case as well): the responsible post (quality assurance, for
    a routine inspection) from 6 November, overdue from 11 November with the department
    head, then the quality manager; submitting the report ends it."""
    case, _ = implementing(people)
    cycle = AnalysisCycle.objects.get(nonconformity__case=case)
    about = {"about": f"capa_report:{cycle.pk}"}
    for moment in every_morning(dt.date(2026, 11, 3), dt.date(2026, 11, 16)):
        if moment == at(11, 13):
            with clock_at(people, at(11, 12, 10)):
                nonconformity_submit_report(case=case, acting_user=people.office_2,
                                            report="制度已修订并培训")
        sweep_at(moment)
    assert reminded(at(11, 6), **about) == [("reminder", "quality_assurance", "due_soon", 0, 0)]
    assert reminded(at(11, 10), **about) == [
        ("reminder", "quality_assurance", "due_today", 0, 0)]
    assert reminded(at(11, 11), **about) == [
        ("escalation", "department_head", "overdue", 1, 1),
        ("reminder", "quality_assurance", "overdue", 1, 0)]
    assert reminded(at(11, 12), **about) == [
        ("escalation", "department_head", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "quality_assurance", "overdue", 2, 0)]
    assert Notification.objects.filter(**about, created_at__gt=at(11, 12, 10)).count() == 0
    [context] = {n.context["deadline_kind"] for n in Notification.objects.filter(**about)}
    assert context == "rule"
    assert not Notification.objects.filter(case=case, about="", template__in=(
        "reminder", "escalation"), created_at__lt=at(11, 12, 10)).exists()


def test_r10_02_a_loan_due_back_on_a_sunday_goes_up_to_the_office_then_the_head(people):
    """R10.02: a dossier due back on Sunday 8 November: the borrower is warned on Thursday,
    reminded on Friday (the last working morning before), overdue from Monday with the
    client & information office, the department head from Tuesday; once returned,
    nothing more."""
    with clock_at(people, at(11, 2, 10)):
        closed = complaint(people)
        commit(closed, people.head)
        case_reject(case=closed, acting_user=people.head, reason="不属于受理范围")
        loan = archive_loan_request(archive=closed.archive, borrower=people.handler,
                                    purpose="复核", return_due_on=dt.date(2026, 11, 8))
        loan = archive_loan_decide(loan=loan, approve=True, acting_user=people.head)
    about = {"about": f"loan:{loan.pk}"}
    for moment in every_morning(dt.date(2026, 11, 3), dt.date(2026, 11, 12)):
        if moment == at(11, 11):
            with clock_at(people, at(11, 10, 10)):
                archive_loan_return(loan=loan, acting_user=people.office)
        sweep_at(moment)
    assert [reminded(at(11, d), **about) for d in (5, 6)] == [
        [("reminder", "liuyang", "due_soon", 0, 0)],
        [("reminder", "liuyang", "due_today", 0, 0)]]
    assert reminded(at(11, 9), **about) == [
        ("escalation", "client_office", "overdue", 1, 1),
        ("reminder", "liuyang", "overdue", 1, 0)]
    assert reminded(at(11, 10), **about) == [
        ("escalation", "client_office", "overdue", 2, 1),
        ("escalation", "department_head", "overdue", 2, 2),
        ("reminder", "liuyang", "overdue", 2, 0)]
    assert Notification.objects.filter(**about, created_at__gt=at(11, 10, 10)).count() == 0
    assert Notification.objects.filter(**about).first().context["label"] == (
        closed.archive.archive_number)


def test_w3_a_day_entered_as_a_holiday_moves_the_reminder_morning(people):
    """W3: a dossier due back Friday 20 November 2026 is to be warned on Wednesday 18;
    the department head enters Wednesday 18 as a holiday (a local one, say): the date
    stays, its warning moves to Tuesday 17, and nothing is sent on the 18th."""
    with clock_at(people, at(11, 2, 10)):
        closed = complaint(people)
        commit(closed, people.head)
        case_reject(case=closed, acting_user=people.head, reason="不属于受理范围")
        loan = archive_loan_request(archive=closed.archive, borrower=people.handler,
                                    purpose="复核", return_due_on=dt.date(2026, 11, 20))
        loan = archive_loan_decide(loan=loan, approve=True, acting_user=people.head)
    assert loan.next_reminder_at == at(11, 18)
    with clock_at(people, at(11, 16, 10)):
        calendar_override_set(date=dt.date(2026, 11, 18), kind="holiday", note="停电",
                              acting_user=people.head)
    loan.refresh_from_db()
    assert loan.next_reminder_at == at(11, 17)
    for moment in every_morning(dt.date(2026, 11, 17), dt.date(2026, 11, 18)):
        sweep_at(moment)
    about = {"about": f"loan:{loan.pk}"}
    assert reminded(at(11, 17), **about) == [("reminder", "liuyang", "due_soon", 0, 0)]
    assert reminded(at(11, 18), **about) == []


def test_every_kind_swept_has_its_ladder():
    """One table documents every ladder; each rung is a role."""
    assert set(LADDERS) == set(SUBJECTS) == {
        "case", "capa_task", "capa_report", "loan", "conflict_analysis"}
    assert all(rung.role in Role.values for ladder in LADDERS.values()
               for rung in ladder.rungs)
