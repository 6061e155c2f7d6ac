"""The sweep costs what is due: the calendar's overrides read once per run however many
rows it moves, the same queries with nothing due whatever the number of open cases, and
the due rows found through the index on their stored next moment."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseflow.actions.time_driven import run_due
from caseflow.models import AnalysisCycle, CapaTask, Case
from caseflow.workdays import CHINA
from tests.personas import clock_at, complaint

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)  # a Monday


def sweep(moment: dt.datetime) -> tuple:
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as ctx:
        result = run_due(now=moment)
    return result, [q["sql"] for q in ctx.captured_queries
                    if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_r7_01_a_sweep_reads_the_calendars_overrides_once(people):
    """Three missed acceptances open three nonconformities (each a state change with its
    deadline) and their reminders go out: the overrides are read once."""
    with clock_at(people, RECEIVED):
        for _ in range(3):
            complaint(people, received_at=RECEIVED)
    result, queries = sweep(dt.datetime(2026, 11, 12, 9, 30, tzinfo=CHINA))
    assert len(result.nonconformities_opened) == 3
    assert sum('FROM "caseflow_calendaroverride"' in q for q in queries) == 1


@pytest.mark.parametrize("extra", [0, 12])
def test_with_nothing_due_the_sweep_runs_the_same_queries_however_many_cases(people,
                                                                             extra):
    """Open cases not yet due add no query: the sweep asks for what is due, not for
    everything open."""
    with clock_at(people, RECEIVED):
        for _ in range(3 + extra):
            complaint(people, received_at=RECEIVED)
    quiet = dt.datetime(2026, 11, 3, 8, 0, tzinfo=CHINA)  # before the first reminder
    sweep(quiet)  # the year's bookkeeping rows, once
    _, queries = sweep(quiet)
    assert Case.objects.count() == 3 + extra
    assert len(queries) == QUIET_QUERIES, "\n".join(queries)


# Overrides and years (2), ruled appeals whose window ended (1), missed acceptances (1),
# this year's conflict-analysis deadline (1), due rows of each of five subjects (5),
# snoozes ending (1); the digest waits for the reminder hour.
QUIET_QUERIES = 11


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_due_rows_are_found_through_the_index_on_their_next_moment(people):
    with clock_at(people, RECEIVED):
        complaint(people, received_at=RECEIVED)
    due = Case.objects.filter(next_reminder_at__lte=RECEIVED).order_by(
        "next_reminder_at", "pk").values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # one row: show the path
        sql, params = due.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "next_reminder_at" in plan and "Index" in plan, plan


def years_of_closed_cases(case: Case, count: int) -> None:
    """Copies of `case`, closed, with the same handler: the shape the plan is chosen for
    (nine cases in ten closed). On one open row alone, reading every case in deadline
    order costs the planner the same as reading the open ones, and the tie falls either
    way."""
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields
              if not f.primary_key}
    Case.objects.bulk_create(
        Case(**{**fields, "number": f"CLOSED-{n}", "tracking_code_hash": None,
                "state": "closed", "acceptance_missed": True})
        for n in range(count))


def years_of_done_tasks(cycle: AnalysisCycle, owner, count: int) -> None:
    """Corrective-action tasks done long ago, `owner`'s: as with the cases, the shape the
    open tasks' plan is chosen for."""
    done = dt.datetime(2024, 3, 1, 9, 0, tzinfo=CHINA)
    CapaTask.objects.bulk_create(
        CapaTask(cycle=cycle, description=f"整改任务 {n}", owner=owner, assigned_by=owner,
                 due_at=done, assigned_at=done, done_at=done)
        for n in range(count))


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: show the path
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # Statistics of the rows the test made: without them a partial index and a full
        # one over the same rows cost the same, and the tie falls either way.
        cursor.execute("ANALYZE caseflow_case, caseflow_capatask")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_r7_01_the_sweep_reads_only_misses_not_yet_acted_on_and_digests_only_open_rows(
        people):
    """R7.01: the missed-acceptance check goes through the partial index of cases still
    waiting whose miss is not yet acted on; the morning digest reads each person's open
    cases and open tasks through their own partial indexes: none of them reads what was
    closed, done or acted on long ago, so the sweep's cost does not grow with the years."""
    with clock_at(people, RECEIVED):
        case = complaint(people, received_at=RECEIVED)
    years_of_closed_cases(case, 2000)
    morning = dt.datetime(2026, 11, 12, 9, 30, tzinfo=CHINA)  # after the miss, a digest
    sweep(morning)
    years_of_done_tasks(AnalysisCycle.objects.get(), people.handler, 2000)
    _, queries = sweep(morning + dt.timedelta(minutes=5))
    missed = [q for q in queries if '"acceptance_missed"' in q and "FOR UPDATE" in q]
    open_cases = [q for q in queries if '"caseflow_case"."handler_id" IN (' in q]
    open_tasks = [q for q in queries if '"caseflow_capatask"."owner_id" IN (' in q]
    assert missed and open_cases and open_tasks, "\n".join(queries)
    assert "case_awaiting_acceptance" in plan_of(missed[0])
    # Either partial index of open cases (by handler, or by kind and state); at 1M the one
    # by handler is read (bench/RESULTS.md).
    assert re.search(r"using case_open(_by_handler)? on", plan_of(open_cases[0]))
    assert "capa_task_open" in plan_of(open_tasks[0])


def test_a_ladder_raced_by_another_sweep_is_queued_row_by_row_and_never_twice(
        people, monkeypatch):
    """Should another sweep queue one of the rows between the read of the keys and the
    write, each row is queued on its own: the key decides, none is queued twice."""
    from caseflow.actions.notifications import notifications_queue_once
    from caseflow.models import Notification

    Notification.objects.create(template="reminder", recipient_staff=people.handler,
                                dedupe_key="raced")
    rows = [{"case": None, "template": "reminder", "staff": people.handler,
             "dedupe_key": key} for key in ("raced", "fresh")]
    monkeypatch.setattr(Notification.objects, "filter",
                        lambda *args, **kwargs: Notification.objects.none())
    queued = notifications_queue_once(rows)
    monkeypatch.undo()
    assert [n.dedupe_key for n in queued] == ["fresh"]
    assert Notification.objects.filter(dedupe_key__in=["raced", "fresh"]).count() == 2
