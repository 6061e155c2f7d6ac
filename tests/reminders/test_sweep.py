"""The deadline sweep on cases (issue 12): reminders on the right working mornings,
escalation up the ladder, unassigned cases, closed cases, a failing row, and two sweeps
at once. Cases are built through the actions; the clock is moved with time-machine."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseflow.actions import reminders
from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.actions.calendar_overrides import calendar_override_set
from caseflow.actions.intake import case_assign, case_reject
from caseflow.actions.nonconformities import nonconformity_open
from caseflow.actions.reminders import reminders_sweep
from caseflow.models import Case, Notification
from caseflow.workdays import end_of_day
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, every_morning, reminded, sweep_at

pytestmark = pytest.mark.django_db


def assigned_complaint(people, received):
    """A named complaint received at `received`, Liu Yang assigned to handle it."""
    with clock_at(people, received):
        case = complaint(people)
        commit(case, people.head, people.handler, people.office)
        return case_assign(case=case, handler=people.handler, acting_user=people.head)


def unassigned_complaint(people, received):
    with clock_at(people, received):
        case = complaint(people)
        commit(case, people.head, people.office)
        return case


def test_w1_reminders_fall_on_working_mornings_around_national_day(people):
    """W1, R8.03: received Tuesday 22 September 2026, the acceptance decision is due on
    Friday 9 October (7 working days; 1–7 October is the National Day holiday). Liu Yang,
    the handler, is warned on 30 September, reminded on 9 October, and from Saturday 10
    October (a make-up working day) each working morning while overdue: the department
    head is told on the first overdue morning, the quality manager from the second; the
    general manager never (not a serious nonconformity). Nothing on holidays or ordinary
    weekends, and a second sweep the same morning queues nothing."""
    case = assigned_complaint(people, at(9, 22, 10))
    assert case.due_at == end_of_day(dt.date(2026, 10, 9))
    handler = [("reminder", "liuyang", "due_soon", 0, 0)]
    overdue = [("escalation", "department_head", "overdue", 1, 1),
               ("reminder", "liuyang", "overdue", 1, 0)]
    expected = {
        at(9, 30): handler,
        at(10, 9): [("reminder", "liuyang", "due_today", 0, 0)],
        at(10, 10): overdue,
        at(10, 12): [("escalation", "department_head", "overdue", 2, 1),
                     ("escalation", "quality_manager", "overdue", 2, 2),
                     ("reminder", "liuyang", "overdue", 2, 0)],
        at(10, 13): [("escalation", "department_head", "overdue", 3, 1),
                     ("escalation", "quality_manager", "overdue", 3, 2),
                     ("reminder", "liuyang", "overdue", 3, 0)],
    }
    for moment in every_morning(dt.date(2026, 9, 23), dt.date(2026, 10, 13)):
        sweep_at(moment)
        sweep_at(moment + dt.timedelta(minutes=5))
        assert reminded(moment, case=case) == expected.get(moment, []), moment
        assert reminded(moment + dt.timedelta(minutes=5), case=case) == []
    first = Notification.objects.get(case=case, template="reminder", created_at=at(9, 30))
    assert first.context == {
        "subject_kind": "case", "object_id": case.pk, "label": case.number,
        "step": "acceptance", "due_at": "2026-10-09T23:59:59+08:00", "deadline_kind": "rule",
        "provisional": False, "threshold": "due_soon", "overdue_working_days": 0, "level": 0}
    case.refresh_from_db()
    assert case.next_reminder_at == at(10, 14)


def test_unassigned_case_starts_at_the_office_and_the_department_head(people):
    """Until a handler is assigned, the client & information office and the department
    head are reminded; overdue, the head's message is the escalation, the quality
    manager joins on the second overdue morning."""
    case = unassigned_complaint(people, at(9, 22, 10))
    for moment in every_morning(dt.date(2026, 9, 30), dt.date(2026, 10, 12)):
        sweep_at(moment)
    assert reminded(at(9, 30), case=case) == [
        ("reminder", "client_office", "due_soon", 0, 0),
        ("reminder", "department_head", "due_soon", 0, 0)]
    assert reminded(at(10, 10), case=case) == [
        ("escalation", "department_head", "overdue", 1, 1),
        ("reminder", "client_office", "overdue", 1, 0)]
    assert reminded(at(10, 12), case=case) == [
        ("escalation", "department_head", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "client_office", "overdue", 2, 0)]


def test_r7_08_only_a_serious_nonconformity_escalates_to_the_general_manager(people):
    """R7.08: two nonconformities opened Monday 2 November 2026, their cause analysis due
    in 10 working days (16 November). Nobody handles them yet: their responsible post
    (quality assurance) is reminded. On the third overdue working morning the general
    manager is told of the serious one only."""
    with clock_at(people, at(11, 2, 10)):
        normal, serious = (nonconformity_open(
            source="routine_inspection", subject="记录不全", description="核查记录未归档。",
            acting_user=people.head, severity=severity) for severity in ("normal", "serious"))
    for moment in every_morning(dt.date(2026, 11, 17), dt.date(2026, 11, 19)):
        sweep_at(moment)
    ladder = [("escalation", "department_head", "overdue", 3, 1),
              ("escalation", "quality_manager", "overdue", 3, 2),
              ("reminder", "quality_assurance", "overdue", 3, 0)]
    assert reminded(at(11, 19), case=normal) == ladder
    assert reminded(at(11, 19), case=serious) == sorted(
        [*ladder, ("escalation", "general_manager", "overdue", 3, 3)])
    assert reminded(at(11, 18), case=serious) == [
        ("escalation", "department_head", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "quality_assurance", "overdue", 2, 0)]


def test_a_closed_case_is_never_reminded(people):
    """Nothing for a closed case: one rejected before its first reminder, one after it;
    their next reminder moment is cleared with the deadline."""
    early = assigned_complaint(people, at(11, 2, 10))
    late = assigned_complaint(people, at(11, 2, 10))
    with clock_at(people, at(11, 5, 10)):
        case_reject(case=early, acting_user=people.head, reason="不属于受理范围")
    for moment in every_morning(dt.date(2026, 11, 3), dt.date(2026, 11, 20)):
        if moment == at(11, 10):
            with clock_at(people, at(11, 10, 10)):
                case_reject(case=late, acting_user=people.head, reason="不属于受理范围")
        sweep_at(moment)
    assert not Notification.objects.filter(case=early, template__in=("reminder", "escalation"))
    assert {n.created_at for n in Notification.objects.filter(
        case=late, template__in=("reminder", "escalation"))} == {at(11, 9)}
    assert list(Case.objects.filter(pk__in=[early.pk, late.pk]).values_list(
        "next_reminder_at", flat=True)) == [None, None]


def test_a_row_that_fails_is_pushed_forward_and_the_others_are_reminded(people, monkeypatch):
    """A case whose processing raises is logged and tried again an hour later, not in a
    loop; the sweep goes on with the others. Once it works, it is reminded of that
    morning's threshold, once."""
    broken = assigned_complaint(people, at(11, 2, 10))
    fine = assigned_complaint(people, at(11, 2, 10))
    first = reminders.case_first

    def refuse_broken(case):
        if case.pk == broken.pk:
            raise RuntimeError("a bug met by one row")
        return first(case)

    monkeypatch.setattr(reminders, "case_first", refuse_broken)
    result = sweep_at(at(11, 9)).reminders
    assert result.failed == [f"case:{broken.pk}"]
    assert reminded(at(11, 9), case=fine) == [("reminder", "liuyang", "due_soon", 0, 0)]
    broken.refresh_from_db()
    assert broken.next_reminder_at == at(11, 9, 10)
    assert sweep_at(at(11, 9, 9, 30)).reminders.failed == []  # not yet tried again
    assert sweep_at(at(11, 9, 10)).reminders.failed == [f"case:{broken.pk}"]
    monkeypatch.setattr(reminders, "case_first", first)
    assert sweep_at(at(11, 9, 11)).reminders.reminders == 1
    assert reminded(at(11, 9, 11), case=broken) == [("reminder", "liuyang", "due_soon", 0, 0)]
    broken.refresh_from_db()
    assert broken.next_reminder_at == at(11, 11)


def test_the_dedupe_key_holds_where_rows_cannot_be_locked(people):
    """Two sweeps at once on a database without row locks (SQLite) may both take a row:
    replaying the row as the second sweep would see it queues nothing twice, since each
    message has its key (what, deadline, threshold, recipient, day)."""
    case = assigned_complaint(people, at(9, 22, 10))
    for moment in every_morning(dt.date(2026, 10, 10), dt.date(2026, 10, 12)):
        sweep_at(moment)
        Case.objects.filter(pk=case.pk).update(next_reminder_at=moment)  # the other sweep
        second = sweep_at(moment + dt.timedelta(seconds=1)).reminders
        assert (second.swept, second.reminders, second.escalations) == (1, 0, 0)
    keys = list(Notification.objects.filter(case=case, template__in=(
        "reminder", "escalation")).values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) == 5  # 2 on the 10th, 3 on the 12th
    assert f"case:{case.pk}:20261009T155959Z:overdue:staff={people.handler.pk}:2026-10-12" in keys


def test_a_rows_reminder_and_its_escalations_are_written_in_one_insert(people):
    """The ladder of one due row (the office's reminder, the head's and the quality
    manager's escalations on the second overdue morning) is one read of the keys
    already queued and one INSERT, not four statements a message."""
    case = unassigned_complaint(people, at(9, 22, 10))
    for moment in every_morning(dt.date(2026, 9, 30), dt.date(2026, 10, 9)):
        sweep_at(moment)
    with CaptureQueriesContext(connection) as captured:
        sweep_at(at(10, 12))
    # The rows' keys name the case (`case:<id>:<deadline>:…`), whichever way the
    # database is sent the rows (VALUES, or PostgreSQL's UNNEST of arrays).
    ladder = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith('INSERT INTO "caseflow_notification"')
              and f"case:{case.pk}:2026" in q["sql"]]
    assert len(ladder) == 1
    assert reminded(at(10, 12), case=case) == [
        ("escalation", "department_head", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "client_office", "overdue", 2, 0)]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_remind_twice(people):
    """Two sweeps on two database connections at the same moment over eight due cases:
    each case is claimed by one of them (`skip_locked`), so each reminder is queued once
    and the two sweeps' counts add up to the eight cases."""
    cases = [assigned_complaint(people, at(11, 2, 10)) for _ in range(8)]
    barrier, results = threading.Barrier(2), []

    def sweep():
        try:
            barrier.wait()
            results.append(reminders_sweep(now=at(11, 9)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.swept for r in results) == 8
    assert sum(r.reminders for r in results) == 8
    assert Notification.objects.filter(case__in=cases, template="reminder").count() == 8


def test_w3_provisional_deadline_says_so_until_the_year_is_entered(people):
    """W3: received Monday 28 December 2026, the acceptance decision counts into 2027,
    whose schedule is unknown: due Wednesday 6 January by weekdays, reminded on Monday 4
    January as provisional. The office enters New Year's Day 2027 as a holiday and marks
    the year complete: the deadline moves to 7 January, the reminder moments with it,
    and the next reminder is no longer provisional. The old reminder is stale then."""
    case = assigned_complaint(people, at(12, 28, 10))
    assert case.due_at == end_of_day(dt.date(2027, 1, 6)) and case.deadline_provisional
    sweep_at(at(1, 4, year=2027))
    [warned] = Notification.objects.filter(case=case, template="reminder")
    assert (warned.context["provisional"], warned.context["due_at"]) == (
        True, "2027-01-06T23:59:59+08:00")
    with clock_at(people, at(1, 4, 10, year=2027)):
        calendar_override_set(date=dt.date(2027, 1, 1), kind="holiday", note="元旦",
                              acting_user=people.head)
        calendar_year_mark_complete(year=2027, acting_user=people.head.user)
    case.refresh_from_db()
    assert case.due_at == end_of_day(dt.date(2027, 1, 7)) and not case.deadline_provisional
    assert case.next_reminder_at == at(1, 5, year=2027)
    sweep_at(at(1, 5, year=2027))
    [again] = Notification.objects.filter(case=case, template="reminder").exclude(pk=warned.pk)
    assert (again.context["provisional"], again.context["due_at"], again.context["threshold"]
            ) == (False, "2027-01-07T23:59:59+08:00", "due_soon")


def test_run_due_at_reports_the_sweep_and_the_digest(people):
    """`manage.py run_due --at` runs the sweep and the digest at that moment and says
    what they queued (the README's way to show them with a moved clock)."""
    case = assigned_complaint(people, at(11, 2, 10))
    out = io.StringIO()
    with time_machine.travel(at(11, 9, 9, 2), tick=False):
        call_command("run_due", "--at", "2026-11-09T09:02+08:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Deadline sweep: 1 due item(s), 1 reminder(s), 0 escalation(s) queued" in lines
    assert "Daily digests queued: 1" in lines
    assert Notification.objects.get(case=case, template="reminder").context["threshold"] == (
        "due_soon")
    out = io.StringIO()
    call_command("run_due", "--at", "2026-11-09T09:30+08:00", stdout=out)
    assert "Deadline sweep: 0 due item(s), 0 reminder(s), 0 escalation(s) queued" in (
        out.getvalue().splitlines())
