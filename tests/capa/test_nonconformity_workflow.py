"""Nonconformities and corrective actions (R7.01, R7.02, R7.04–R7.06, R7.08)."""

import datetime as dt
import importlib
import io
import zipfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import case_accept, case_assign
from caseflow.actions.nonconformities import (
    capa_task_assign,
    capa_task_progress_record,
    case_report_internal_problem,
    deviation_record,
    inspection_complete,
    nonconformity_analyse,
    nonconformity_confirm,
    nonconformity_open,
    nonconformity_record_overdue,
    nonconformity_sign_off_plan,
    nonconformity_submit_report,
    nonconformity_verify,
    serious_review_approve,
    serious_review_check,
    serious_review_write,
)
from caseflow.actions.notices import SendingProof
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    AnalysisCycle,
    ArchiveRecord,
    CapaTask,
    Case,
    DeadlineKind,
    InternalInspection,
    Nonconformity,
    Notification,
    Role,
)
from caseflow.selectors.archives import dossier_zip
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db


def in_a_month():
    return timezone.localdate() + dt.timedelta(days=30)


def opened(people, source="routine_inspection", severity="normal"):
    case = nonconformity_open(source=source, subject="内审发现记录不全", severity=severity,
                              description="核查记录未按要求归档。", acting_user=people.head)
    commit(case, people.head, people.deputy_head, people.quality_manager, people.office,
           people.handler, people.general_manager, *qa_staff(people))
    return case


def qa_staff(people):
    return [people.office_2]


@pytest.fixture
def people(people):
    """Qian Yu, besides the office, works in quality assurance here."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    return people


def analyse(case, who, due=None):
    return nonconformity_analyse(
        case=case, acting_user=who, method="five_whys", analysis="为什么1…为什么5",
        root_cause="归档职责不清", correction="补齐记录", corrective_action="修订档案管理制度",
        report_due_on=due or in_a_month())


def test_r7_01_responsible_post_follows_the_source(people):
    """R7.01: case handling → client & information office; verification work → project
    implementation office; the rest → quality assurance."""
    for source, role in [("case_handling", Role.CLIENT_OFFICE),
                         ("verification_work", Role.PROJECT_OFFICE),
                         ("routine_inspection", Role.QUALITY_ASSURANCE),
                         ("internal_inspection", Role.QUALITY_ASSURANCE)]:
        case = nonconformity_open(source=source, subject="s", description="d",
                                  acting_user=people.head)
        assert case.nonconformity.responsible_role == role
        assert case.number.startswith("BFH-")
    with pytest.raises(InvalidInput) as refused:
        nonconformity_open(source="gossip", subject="s", description="d", acting_user=None)
    assert refused.value.rule == "R7.01"


def test_r7_01_missed_acceptance_opens_a_case_handling_nonconformity_once(people):
    """R7.01: a complaint not decided within 7 WD is a fault in its handling: run_due opens
    a nonconformity owned by the client & information office, once."""
    received = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    with clock_at(people, received):
        late = complaint(people, received_at=received)
        on_time = complaint(people, received_at=received)
        commit(on_time, people.head)
        case_accept(case=on_time, acting_user=people.head, action_to_take="调查")
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, 0, tzinfo=CHINA)):
        call_command("run_due")
        call_command("run_due")
    [nc] = late.opened_cases.all()
    assert nc.nonconformity.source == "case_handling"
    assert nc.nonconformity.responsible_role == Role.CLIENT_OFFICE
    assert not on_time.opened_cases.exists()
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.acceptance_missed and not on_time.acceptance_missed


def test_r7_01_a_miss_acted_on_is_not_read_again_though_its_nonconformity_is_gone(people):
    """R7.01: the case records that its missed acceptance opened the nonconformity; the
    sweep goes by that record (its index holds only misses not yet acted on), so a
    second sweep opens nothing even when the first nonconformity no longer points back
    (the check does not depend on reading every case ever left waiting)."""
    received = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    with clock_at(people, received):
        late = complaint(people, received_at=received)
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, 0, tzinfo=CHINA)):
        call_command("run_due")
        Case.objects.filter(origin_case=late).update(origin_case=None)
        call_command("run_due")
    assert Nonconformity.objects.filter(trigger="missed_acceptance").count() == 1


def test_r7_01_existing_misses_are_recorded_by_the_migration(people):
    """R7.01: on a database from before the record, the migration marks every case whose
    missed acceptance already opened its nonconformity, so no sweep opens a second."""
    from django.apps import apps

    fill = importlib.import_module(
        "caseflow.migrations.0026_missed_acceptance_recorded").acceptance_misses_acted_on
    received = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    with clock_at(people, received):
        late = complaint(people, received_at=received)
        waiting = complaint(people, received_at=received)
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, 0, tzinfo=CHINA)):
        call_command("run_due")
        Case.objects.update(acceptance_missed=False)  # as before the field existed
        fill(apps, None)
        assert set(Case.objects.filter(acceptance_missed=True)) == {late, waiting}
        call_command("run_due")
    assert Nonconformity.objects.filter(trigger="missed_acceptance").count() == 2


def test_r7_02_responsible_post_analyses_and_quality_manager_signs_off(people):
    """R7.02: only the responsible post analyses; the plan needs root cause, correction
    and corrective action; the quality manager signs it off."""
    case = opened(people, source="case_handling")  # client & information office's
    with pytest.raises(RoleRequired):
        analyse(case, people.handler)
    with pytest.raises(InvalidInput) as refused:
        nonconformity_analyse(case=case, acting_user=people.office, method="free",
                              analysis="", root_cause="", correction="x",
                              corrective_action="y", report_due_on=in_a_month())
    assert refused.value.rule == "R7.02"
    case = analyse(case, people.office)
    with pytest.raises(RoleRequired):
        nonconformity_sign_off_plan(case=case, acting_user=people.head)
    case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    assert case.state == "plan_approved"
    assert case.nonconformity.current_cycle.plan_signed_off_by == people.quality_manager


def test_r7_04_every_nonconformity_and_deviation_opens_an_internal_inspection(people):
    """R7.04: opening a nonconformity opens its inspection with a target date; so does a
    recorded deviation; quality assurance completes it with findings."""
    case = opened(people)
    [inspection] = InternalInspection.objects.filter(nonconformity=case.nonconformity)
    assert inspection.target_at > timezone.now()
    with pytest.raises(RoleRequired):
        deviation_record(description="未按程序评审合同", acting_user=people.handler)
    deviation = deviation_record(description="未按程序评审合同", acting_user=people.head)
    assert deviation.nonconformity is None and deviation.target_at
    with pytest.raises(RoleRequired):
        inspection_complete(inspection=deviation, findings="已核查", acting_user=people.head)
    done = inspection_complete(inspection=deviation, findings="已核查",
                               acting_user=people.office_2)
    assert done.completed_at


def implementing(people, due=None):
    case = opened(people)
    case = analyse(case, people.office_2, due)  # routine inspection: QA's own
    case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    task = capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                            description="修订档案管理制度", working_days=10)
    return case, task


def test_r7_05_quality_assurance_assigns_and_owners_record_progress(people):
    """R7.05: QA assigns tasks with owners and due dates (the head, who supervises, does
    not); only the owner records progress; the implementation report is then a rule
    deadline (X1)."""
    case = opened(people)
    case = analyse(case, people.office_2)
    case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    with pytest.raises(RoleRequired) as refused:
        capa_task_assign(case=case, acting_user=people.head, owner=people.handler,
                         description="x", working_days=5)
    assert refused.value.rule == "R7.05"
    assert not CapaTask.objects.filter(cycle__nonconformity__case=case).exists()
    case, task = implementing(people)
    case.refresh_from_db()
    assert case.state == "implementing" and task.due_at > timezone.now()
    assert (case.due_step, case.deadline_kind) == ("implementation_report", DeadlineKind.RULE)
    with pytest.raises(RoleRequired):
        capa_task_progress_record(task=task, acting_user=people.office, note="进展")
    capa_task_progress_record(task=task, acting_user=people.handler, note="已起草", done=True)
    assert Notification.objects.filter(case=case, recipient_staff=people.handler).exists()


def test_r7_06_verification_states_a_specific_reason_and_not_by_the_analyst(people):
    """R7.06: a conclusion without its specific reason is refused; X3: the QA member who
    analysed this cycle does not verify it."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.deputy_head, role=Role.QUALITY_ASSURANCE)
    case, _ = implementing(people)
    case = nonconformity_submit_report(case=case, acting_user=people.office_2, report="已修订")
    with pytest.raises(InvalidInput) as refused:
        nonconformity_verify(case=case, acting_user=people.deputy_head, effective=True,
                             reason=" ")
    assert refused.value.rule == "R7.06"
    with pytest.raises(Recused):
        nonconformity_verify(case=case, acting_user=people.office_2, effective=True,
                             reason="有效")


def test_r7_06_verification_loop_until_effective(people):
    """R7.06: not effective → cycle 2 analysed again → effective → head confirms → closed,
    with both cycles kept."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.deputy_head, role=Role.QUALITY_ASSURANCE)
    case, _ = implementing(people)
    case = nonconformity_submit_report(case=case, acting_user=people.office_2, report="已修订")
    case = nonconformity_verify(case=case, acting_user=people.deputy_head, effective=False,
                                reason="抽查3份档案仍缺签字页")
    assert case.state == "open"
    cycles = list(case.nonconformity.cycles.order_by("number"))
    assert [c.number for c in cycles] == [1, 2]
    assert cycles[0].conclusion == AnalysisCycle.Conclusion.NOT_EFFECTIVE
    with pytest.raises(TransitionNotAllowed):
        nonconformity_confirm(case=case, acting_user=people.head)
    case = analyse(case, people.office_2)
    case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                     description="逐份补签", working_days=5)
    case = nonconformity_submit_report(case=case, acting_user=people.office_2, report="已补签")
    case = nonconformity_verify(case=case, acting_user=people.deputy_head, effective=True,
                                reason="复查20份档案均完整")
    case = nonconformity_confirm(case=case, acting_user=people.head)
    assert case.state == "closed"


def test_r7_06_overdue_report_starts_a_new_cycle(people):
    """R7.06: no report by the plan's date → QA records it overdue → analysed again;
    recording it before the date is refused."""
    due = timezone.localdate() + dt.timedelta(days=3)
    case, _ = implementing(people, due=due)
    with pytest.raises(TransitionNotAllowed):
        nonconformity_record_overdue(case=case, acting_user=people.office_2)
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        case = nonconformity_record_overdue(case=case, acting_user=people.office_2)
    assert case.state == "open"
    assert case.nonconformity.cycles.get(number=1).conclusion == "overdue"


def test_r7_08_serious_nonconformity_closes_only_after_gm_approved_review(people):
    """R7.08: written under the head, checked by the QM, approved by the GM; until then
    the head cannot close it; the GM cannot approve an unchecked review."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.deputy_head, role=Role.QUALITY_ASSURANCE)
    case = opened(people, severity="serious")
    case = analyse(case, people.office_2)
    case = nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                     description="整改", working_days=5)
    case = nonconformity_submit_report(case=case, acting_user=people.office_2, report="已整改")
    case = nonconformity_verify(case=case, acting_user=people.deputy_head, effective=True,
                                reason="有效")
    with pytest.raises(TransitionNotAllowed) as refused:
        nonconformity_confirm(case=case, acting_user=people.head)
    assert refused.value.rule == "R7.08"
    serious_review_write(case=case, acting_user=people.head, text="影响评估：……")
    with pytest.raises(TransitionNotAllowed):
        serious_review_approve(case=case, acting_user=people.general_manager)
    serious_review_check(case=case, acting_user=people.quality_manager)
    serious_review_approve(case=case, acting_user=people.general_manager)
    assert nonconformity_confirm(case=case, acting_user=people.head).state == "closed"


def test_r7_08_whoever_checked_the_review_does_not_approve_it(people):
    """R7.08: written, checked by the QM, approved by the GM: three people. Someone who
    holds both the QM's and the GM's role and checked the review may not approve it; the
    writer may not either."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.quality_manager, role=Role.GENERAL_MANAGER)
    RoleAssignment.objects.create(staff=people.head, role=Role.GENERAL_MANAGER)
    case = opened(people, severity="serious")
    serious_review_write(case=case, acting_user=people.head, text="影响评估：……")
    serious_review_check(case=case, acting_user=people.quality_manager)
    with pytest.raises(Recused) as refused:
        serious_review_approve(case=case, acting_user=people.quality_manager)
    assert refused.value.rule == "R7.08"
    with pytest.raises(Recused) as refused:
        serious_review_approve(case=case, acting_user=people.head)
    assert refused.value.rule == "R7.08"
    assert serious_review_approve(case=case, acting_user=people.general_manager).approved_by == (
        people.general_manager)


def test_r7_08_only_serious_ones_need_the_review(people):
    """R7.08: a normal nonconformity has no serious review to write."""
    case = opened(people)
    with pytest.raises(TransitionNotAllowed):
        serious_review_write(case=case, acting_user=people.head, text="x")


def test_r8_16_end_to_end_complaint_to_archived_corrective_action(people, engagement):
    """R8.16, R7.06, R10.01, R10.05 end to end: a complaint finds an internal problem → a
    nonconformity → corrective action verified not effective → a second cycle → verified
    effective → closed and archived → dossier exported with its files in order."""
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.deputy_head, role=Role.QUALITY_ASSURANCE)
    c = complaint(people, engagement=engagement)
    commit(c, people.head, people.handler, people.quality_manager, people.office)
    case_accept(case=c, acting_user=people.head, action_to_take="调查核实")
    case_assign(case=c, handler=people.handler, acting_user=people.head)
    complaint_evaluate(case=c, acting_user=people.handler, valid=True, reasoning="成立")
    complaint_record_finding(case=c, acting_user=people.handler, side="submitter",
                             text="监测数据", evidence=ContentFile(b"%PDF-1.4 a", name="a.pdf"))
    complaint_record_finding(case=c, acting_user=people.handler, side="respondent",
                             text="核查组说明", evidence=ContentFile(b"%PDF-1.4 b", name="b.pdf"))
    complaint_propose(case=c, acting_user=people.handler, outcome="投诉属实", substantiated=True)
    nc = case_report_internal_problem(case=c, acting_user=people.head,
                                      description="核查组未核对校准记录")
    assert nc.nonconformity.responsible_role == Role.PROJECT_OFFICE
    case_review(case=c, acting_user=people.head)
    case_approve(case=c, acting_user=people.quality_manager)
    c = case_send_decision(case=c, acting_user=people.office, channel="email",
                           email_message_id="<final@cec>",
                           client=SendingProof(channel="registered_mail",
                                               registered_mail_number="XA700800900CN"))
    assert ArchiveRecord.objects.get(case=c).archive_number == f"JS25A0012/{c.number}"

    project = people.handler  # project implementation office owns verification work
    commit(nc, people.head, people.quality_manager, people.deputy_head, people.office_2, project)
    nc = analyse(nc, project)
    nc = nonconformity_sign_off_plan(case=nc, acting_user=people.quality_manager)
    capa_task_assign(case=nc, acting_user=people.office_2, owner=project,
                     description="培训核查组", working_days=5)
    nc = nonconformity_submit_report(case=nc, acting_user=project, report="已培训",
                                     report_file=ContentFile(b"%PDF-1.4 r1", name="r1.pdf"))
    nc = nonconformity_verify(case=nc, acting_user=people.office_2, effective=False,
                              reason="抽查仍未核对")
    nc = analyse(nc, project)
    nc = nonconformity_sign_off_plan(case=nc, acting_user=people.quality_manager)
    capa_task_assign(case=nc, acting_user=people.office_2, owner=project,
                     description="增加校准核对清单", working_days=5)
    nc = nonconformity_submit_report(case=nc, acting_user=project, report="清单已启用",
                                     report_file=ContentFile(b"%PDF-1.4 r2", name="r2.pdf"))
    nc = nonconformity_verify(case=nc, acting_user=people.office_2, effective=True,
                              reason="抽查10个项目均已核对")
    nc = nonconformity_confirm(case=nc, acting_user=people.head)
    assert nc.state == "closed" and nc.archive.archive_number == f"JS25A0012/{nc.number}"

    name, data = dossier_zip(nc)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert name == f"JS25A0012_{nc.number}.zip"
    assert names == ["01-纠正措施实施报告（第1轮）.pdf", "02-纠正措施实施报告（第2轮）.pdf",
                     "03-案件记录.csv"]
    _, data = dossier_zip(c)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["01-调查证据（提出方）.pdf", "02-调查证据（被投诉方）.pdf",
                     "03-申诉、投诉和争议受理通知书.pdf", "04-投诉处理结果通知书.pdf",
                     "05-案件记录.csv"]
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("05-案件记录.csv").decode("utf-8-sig")
    assert "internal_problem_reported" in manifest and "archived" in manifest


def test_r7_01_a_verifier_does_not_record_nonconformities_in_the_system(people):
    """R7.01: nonconformities are recorded by QA, the head or the QM (verifiers report to
    them); the system itself opens the missed-acceptance ones."""
    with pytest.raises(RoleRequired) as refused:
        nonconformity_open(source="verification_work", subject="s", description="d",
                           acting_user=people.hu_wei)
    assert refused.value.rule == "R7.01"


# W3: from Mon 2026-12-21 the counts run into 2027, which the data package has no
# schedule for. Counted in weekdays (Fri 2027-01-01 a working day), 10 working days end
# Mon 2027-01-04 and the inspection's 20 end Mon 2027-01-18; with New Year's Day entered
# as a holiday each ends a day later.
BEFORE_NEW_YEAR = dt.datetime(2026, 12, 21, 10, 0, tzinfo=CHINA)


def end_of(*ymd):
    return dt.datetime(*ymd, 23, 59, 59, tzinfo=CHINA)


def new_year_holiday(people):
    from caseflow.actions.calendar_overrides import calendar_override_set

    calendar_override_set(date=dt.date(2027, 1, 1), kind="holiday", note="元旦",
                          acting_user=people.head)


def recomputed(case, action):
    return [e.payload for e in case.events.filter(action=action).order_by("id")]


def test_w3_task_due_date_recomputed_when_the_year_is_marked_complete(people, admin_user):
    """R7.05, W3: a task of 10 working days assigned 2026-12-21 is due 2027-01-04 by
    weekdays, provisional. New Year's Day entered as a holiday
    moves it to 2027-01-05 (an event on the nonconformity); marking 2027 complete ends the
    provisional mark (another event). A task due inside 2026 is firm and untouched; a task
    already done keeps its date."""
    from caseflow.actions.calendar import calendar_year_mark_complete

    with clock_at(people, BEFORE_NEW_YEAR):
        case, task = implementing(people, due=dt.date(2027, 2, 26))
        short = capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                                 description="补齐记录", working_days=3)
        done = capa_task_assign(case=case, acting_user=people.office_2, owner=people.handler,
                                description="培训", working_days=10)
        capa_task_progress_record(task=done, acting_user=people.handler, note="已培训",
                                  done=True)
        assert (task.due_at, task.due_provisional) == (end_of(2027, 1, 4), True)
        assert task.due_working_days == 10
        assert task.assigned_at.astimezone(CHINA).date() == dt.date(2026, 12, 21)
        assert (short.due_at, short.due_provisional) == (end_of(2026, 12, 24), False)

        new_year_holiday(people)
        task.refresh_from_db()
        assert (task.due_at, task.due_provisional) == (end_of(2027, 1, 5), True)
        assert recomputed(case, "task_due_recomputed") == [
            {"task": task.pk, "before": end_of(2027, 1, 4).isoformat(),
             "after": end_of(2027, 1, 5).isoformat(), "provisional": True}]

        calendar_year_mark_complete(year=2027, acting_user=admin_user)
        task.refresh_from_db()
        assert (task.due_at, task.due_provisional) == (end_of(2027, 1, 5), False)
        assert [p["provisional"] for p in recomputed(case, "task_due_recomputed")] == [
            True, False]
        done.refresh_from_db()
        short.refresh_from_db()
        assert (done.due_at, done.due_provisional) == (end_of(2027, 1, 4), True)
        assert (short.due_at, short.due_provisional) == (end_of(2026, 12, 24), False)
        assert {p["task"] for p in recomputed(case, "task_due_recomputed")} == {task.pk}


def test_w3_inspection_target_in_an_unknown_year_is_provisional_and_recomputed(
        people, admin_user):
    """R7.04, W3: the inspection a nonconformity opens on 2026-12-21 has its 20-working-
    day target in 2027: provisional. So has one opened by a recorded deviation. New Year's
    Day entered as a holiday moves both targets a day (an event on the nonconformity; the
    deviation's inspection has no case, its history keeps the change); marking 2027
    complete ends the provisional mark. A completed inspection keeps its target."""
    from caseflow.actions.calendar import calendar_year_mark_complete

    with clock_at(people, BEFORE_NEW_YEAR):
        case = opened(people)
        [inspection] = InternalInspection.objects.filter(nonconformity=case.nonconformity)
        deviation = deviation_record(description="未按程序评审合同", acting_user=people.head)
        finished = deviation_record(description="档案室未上锁", acting_user=people.head)
        inspection_complete(inspection=finished, findings="已整改", acting_user=people.office_2)
        for opened_inspection in (inspection, deviation):
            assert (opened_inspection.target_at, opened_inspection.target_provisional,
                    opened_inspection.target_working_days) == (end_of(2027, 1, 18), True, 20)

        new_year_holiday(people)
        for moved in (inspection, deviation):
            moved.refresh_from_db()
            assert (moved.target_at, moved.target_provisional) == (end_of(2027, 1, 19), True)
        assert recomputed(case, "inspection_target_recomputed") == [
            {"inspection": inspection.pk, "before": end_of(2027, 1, 18).isoformat(),
             "after": end_of(2027, 1, 19).isoformat(), "provisional": True}]
        assert deviation.history.count() == 2

        calendar_year_mark_complete(year=2027, acting_user=admin_user)
        for firm in (inspection, deviation):
            firm.refresh_from_db()
            assert (firm.target_at, firm.target_provisional) == (end_of(2027, 1, 19), False)
        assert len(recomputed(case, "inspection_target_recomputed")) == 2
        finished.refresh_from_db()
        assert (finished.target_at, finished.target_provisional) == (end_of(2027, 1, 18), True)


def test_w3_a_task_due_date_set_as_a_date_is_kept_but_provisional_in_an_unknown_year():
    """R7.05, W3: a due date set as a date (no working-day count kept) is a person's
    decision: the calendar never moves it, but it stays provisional until its year's
    schedule is known; a counted one is counted again."""
    from caseflow.deadlines import task_due
    from caseflow.workdays import Overrides

    set_on = end_of(2027, 1, 1)
    holiday = Overrides(days={dt.date(2027, 1, 1): False})
    complete = Overrides(days=holiday.days, complete_years=frozenset({2027}))
    kept = task_due(assigned_at=None, working_days=None, due_at=set_on, overrides=holiday)
    assert (kept.due_at, kept.provisional) == (set_on, True)
    kept = task_due(assigned_at=None, working_days=None, due_at=set_on, overrides=complete)
    assert (kept.due_at, kept.provisional) == (set_on, False)
    counted = task_due(assigned_at=BEFORE_NEW_YEAR, working_days=10, due_at=set_on,
                       overrides=holiday)
    assert (counted.due_at, counted.provisional) == (end_of(2027, 1, 5), True)
