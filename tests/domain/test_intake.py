"""Intake: scope, numbering, assignment, withdrawal, merging, kind correction."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseflow.actions.intake import (
    PartyDetails,
    case_assign,
    case_correct_kind,
    case_merge,
    case_number_issue,
    case_target_set,
    case_withdraw,
)
from caseflow.actions.nonconformities import case_report_internal_problem
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import Case, CaseNumberAlias, DeadlineKind, Notification
from caseflow.selectors.cases import case_detail
from caseflow.workdays import CHINA
from tests.personas import appeal, commit, complaint

pytestmark = pytest.mark.django_db


def test_r8_01_every_case_records_its_scope(people):
    """R8.01: a submission says which of (a)–(d) it concerns; none or another is refused."""
    with pytest.raises(InvalidInput) as refused:
        complaint(people, scope="e")
    assert refused.value.rule == "R8.01"
    assert not Case.objects.exists()
    assert complaint(people, scope="c").scope == "c"


def test_numbers_per_kind_and_year_are_never_reused(people):
    first, second = complaint(people), complaint(people)
    year = first.received_at.astimezone(CHINA).year
    assert (first.number, second.number) == (f"TS-{year}-0001", f"TS-{year}-0002")
    assert case_number_issue("appeal", 2027) == "SS-2027-0001"


def test_a_registration_reads_the_calendar_once_and_before_its_number(people):
    """The counter's row stays locked from the number's issue until commit, so whatever
    can be read first is: an appeal's filing window and its acceptance deadline come from
    one reading of the calendar's overrides, taken before the number."""
    with CaptureQueriesContext(connection) as registration:
        appeal(people)
    statements = [q["sql"] for q in registration.captured_queries]
    calendar = [i for i, sql in enumerate(statements) if '"caseflow_calendaroverride"' in sql]
    numbered = min(i for i, sql in enumerate(statements)
                   if sql.startswith('UPDATE "caseflow_casecounter"'))
    assert len(calendar) == 1 and calendar[0] < numbered, "\n".join(statements)


def test_until_assigned_reminders_go_to_the_roles_that_assign(people):
    case = complaint(people)
    assert set(Notification.objects.filter(case=case).values_list(
        "template", "recipient_role")) == {("case_received", "department_head"),
                                            ("case_received", "client_office")}
    commit(case, people.head, people.handler)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    assert Notification.objects.get(case=case, recipient_staff=people.handler).template == (
        "case_assigned")


def test_withdraw_is_recorded_and_the_case_kept(people):
    case = complaint(people)
    commit(case, people.office)
    case = case_withdraw(case=case, acting_user=people.office, reason="投诉人电话撤回")
    assert case.state == "withdrawn" and case.due_at is None
    assert case.events.get(action="withdrawn").reason == "投诉人电话撤回"


def test_merge_keeps_both_and_links_them(people):
    original, duplicate = complaint(people), complaint(people)
    commit(duplicate, people.office)
    case_merge(case=duplicate, into=original, acting_user=people.office, reason="重复提交")
    duplicate.refresh_from_db()
    assert duplicate.state == "merged" and duplicate.merged_into == original
    assert [c.pk for c in case_detail(original, viewer=people.head).linked_cases] == [
        duplicate.pk]


def test_correcting_the_kind_gives_a_new_number_and_keeps_the_old_as_alias(
        people, client_authority):
    case = complaint(people, submitter=PartyDetails(name="王五", organization=client_authority))
    commit(case, people.office)
    case = case_correct_kind(case=case, kind="dispute", acting_user=people.office,
                             reason="实为委托方争议")
    year = case.received_at.astimezone(CHINA).year
    assert case.number == f"ZY-{year}-0001" and case.kind == "dispute"
    assert CaseNumberAlias.objects.get(number=f"TS-{year}-0001").case == case
    assert complaint(people).number == f"TS-{year}-0002"  # the old number is not reused


def test_r8_12_a_private_persons_complaint_cannot_become_a_dispute(people):
    """R8.12 (and R8.08 for appeals): a corrected kind meets that kind's intake rules."""
    case = complaint(people)
    commit(case, people.office)
    with pytest.raises(InvalidInput) as refused:
        case_correct_kind(case=case, kind="dispute", acting_user=people.office, reason="x")
    assert refused.value.rule == "R8.12"
    with pytest.raises(InvalidInput) as refused:
        case_correct_kind(case=case, kind="appeal", acting_user=people.office, reason="x")
    assert refused.value.rule == "R8.08"
    case.refresh_from_db()
    year = case.received_at.astimezone(CHINA).year
    assert case.number == f"TS-{year}-0001" and not CaseNumberAlias.objects.exists()


def test_merge_into_a_closed_case_is_refused(people):
    original, duplicate = complaint(people), complaint(people)
    commit(original, people.office)
    commit(duplicate, people.office)
    case_withdraw(case=original, acting_user=people.office, reason="撤回")
    with pytest.raises(InvalidInput):
        case_merge(case=duplicate, into=original, acting_user=people.office, reason="重复")


def test_r8_16_internal_problem_opens_a_linked_nonconformity(people, engagement):
    """R8.16: a complaint finds a problem in the body: a nonconformity case (BFH-) is
    opened, linked to it with its source, and quality assurance is told."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.office)
    with pytest.raises(RoleRequired):
        case_report_internal_problem(case=case, acting_user=people.office, description="x")
    nc = case_report_internal_problem(case=case, acting_user=people.head,
                                      description="核查组未核对计量器具校准记录")
    year = nc.received_at.astimezone(CHINA).year
    assert nc.number == f"BFH-{year}-0001" and nc.origin_case == case
    assert nc.nonconformity.source == "verification_work"
    assert case.events.get(action="internal_problem_reported").payload == {
        "nonconformity": nc.pk}
    assert Notification.objects.filter(case=nc, recipient_role="quality_assurance").exists()
    assert nc.pk in [c.pk for c in case_detail(case, viewer=people.head).linked_cases]


def test_x1_rule_deadline_then_internal_target_set_by_the_head(people):
    """X1: acceptance carries the rule deadline; the next step an internal target from
    the defaults, which the department head may change for the case (others may not)."""
    from caseflow.actions.intake import case_accept

    received = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    case = complaint(people, received_at=received)
    assert case.deadline_kind == DeadlineKind.RULE
    commit(case, people.head)
    case = case_accept(case=case, acting_user=people.head, action_to_take="调查")
    assert (case.due_step, case.deadline_kind) == ("evaluation", DeadlineKind.TARGET)
    default_due = case.due_at
    with pytest.raises(RoleRequired):
        case_target_set(case=case, step="evaluation", working_days=10, acting_user=people.office)
    case = case_target_set(case=case, step="evaluation", working_days=10,
                           acting_user=people.head)
    assert case.due_at > default_due and case.target_days == {"evaluation": 10}
    assert case.next_reminder_at < case.due_at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True)
def test_r8_03_two_staff_accepting_at_once_exactly_one_wins(people):
    """R8.03 under concurrency: the head and the deputy accept the same complaint at the
    same moment on two database connections; one succeeds, the other is refused."""
    from caseflow.actions.intake import case_accept

    case = complaint(people)
    commit(case, people.head, people.deputy_head)
    barrier, outcomes = threading.Barrier(2), []

    def accept(staff):
        try:
            barrier.wait()
            case_accept(case=case, acting_user=staff, action_to_take="调查")
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the loser's error is the assertion
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(s,))
               for s in (people.head, people.deputy_head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["TransitionNotAllowed", "ok"]
    assert case.events.filter(action="accepted").count() == 1
    assert case.notices.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(people):
    barrier, numbers = threading.Barrier(4), []

    def register():
        try:
            barrier.wait()
            numbers.append(complaint(people).number)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == [f"TS-{timezone.localdate().year}-000{i}" for i in range(1, 5)]
