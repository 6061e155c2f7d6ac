"""What bench/run.py asks of a seeded database, in-process: the staff's API tokens and a
case to open, the queries each scenario runs, the sweep with nothing due.

    python bench/probe.py tokens|queries|sweep --until ISO [--scenarios JSON]

Prints JSON. Runs with bench.settings against DATABASE_URL."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import CharField, F, Min  # noqa: E402
from django.db.models.functions import MD5, Cast  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from caseflow.models import Case, Staff  # noqa: E402
from caseflow.selectors.cases import cases_for_staff  # noqa: E402

USERS = ("head", "project1")


def tokens() -> dict:
    found = {name: Token.objects.get_or_create(user=Staff.objects.get(
        user__username=name).user)[0].key for name in USERS}
    head = Staff.objects.get(user__username="head")
    # A closed complaint with its whole story (events, notices, findings) the head sees.
    case = (cases_for_staff(head).filter(kind="complaint", state="closed")
            .order_by("-received_at").first())
    return {"tokens": found, "case": case.pk}


def queries(scenarios: list[dict]) -> dict:
    """How many queries one request of each scenario runs (in-process, same settings)."""
    counts = {}
    for scenario in scenarios:
        client = APIClient()
        client.force_authenticate(Staff.objects.get(user__username=scenario["user"]).user)
        client.get(scenario["path"], HTTP_HOST="127.0.0.1")  # warm (the calendar's table)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(scenario["path"], HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (scenario, response.status_code)
        counts[scenario["name"]] = {
            "queries": len([q for q in captured.captured_queries
                            if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]),
            "bytes": len(response.content)}
    return counts


def sweep(until: dt.datetime, runs: int = 7) -> dict:
    """`run_due` at the seed's last moment: once to settle the day's bookkeeping (the
    digests of that morning, the year's rows), then timed with nothing due; then with the
    same number of rows due at every size (`sweep_due`)."""
    from caseflow.actions.time_driven import run_due

    put_back()  # what an interrupted due sweep left put off
    first = run_due(now=until)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run_due(now=until)
        seconds.append(time.perf_counter() - started)
        assert result.reminders.swept == 0 and not result.closed_appeals
        assert not result.nonconformities_opened
    due = Case.objects.filter(next_reminder_at__lte=until).order_by(
        "next_reminder_at", "pk").values("pk")
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    return {"cases": Case.objects.count(),
            "open": Case.objects.exclude(state__in=("closed", "rejected", "withdrawn",
                                                    "merged")).count(),
            "first_run": {"swept": first.reminders.swept, "digests": first.digests,
                          "closed_appeals": len(first.closed_appeals),
                          "nonconformities_opened": len(first.nonconformities_opened)},
            "median_ms": round(1000 * statistics.median(seconds), 1),
            "runs_ms": [round(1000 * s, 1) for s in seconds], "plan": plan,
            "due": due_sweeps(until)}


def due_sweeps(until: dt.datetime) -> list[dict]:
    """`sweep_due` for each of DUE_ROWS, then VACUUM ANALYZE: each put off tens of
    thousands of rows and back, leaving as many dead versions in every index of the case
    table (and the gram indexes' pending lists) for the requests measured next."""
    figures = [sweep_due(until, rows) for rows in DUE_ROWS]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return figures


@contextlib.contextmanager
def parts_timed(parts: dict[str, list]):
    """Times the parts of `run_due` named in `parts` (functions of its module)."""
    from caseflow.actions import time_driven

    originals = {name: getattr(time_driven, name) for name in parts}

    def timed(name):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                parts[name].append(time.perf_counter() - started)
        return call

    for name in parts:
        setattr(time_driven, name, timed(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(time_driven, name, original)


# How many rows come due at once: a sweep of the day (every 5 minutes) with a hundred
# rows to remind.
DUE_ROWS = (100,)


def put_off_file() -> Path:
    """Where the ids a due sweep's setup put off wait to be put back."""
    name = connection.settings_dict["NAME"]
    return Path(__file__).resolve().parent.parent / "var" / "bench" / f"{name}.put-off.json"


def put_off_columns() -> dict[str, tuple[type, str]]:
    """The moments a due sweep's setup moves, by the name its file keeps their ids under:
    every reminder's next moment, and the night's other time-driven work, which grows
    with the table (appeals whose committee window ends, acceptances missed)."""
    from caseflow.actions.reminders import SUBJECTS

    columns = [*((subject.model, "next_reminder_at") for subject in SUBJECTS.values()),
               (Case, "committee_window_ends_at"), (Case, "acceptance_due_at")]
    return {f"{model._meta.label}.{column}": (model, column) for model, column in columns}


def put_off_by(days: int, shifted: dict[str, list[int]]) -> None:
    """Moves the `shifted` rows' moments by `days`, committed, then VACUUMs their tables:
    the sweep meets them as a live server's does (autovacuum has long passed over rows
    written the day before), not as fresh versions beside the old ones in every index."""
    from caseflow.models.expressions import KeyAmong

    columns = put_off_columns()
    with transaction.atomic():
        for key, (model, column) in columns.items():
            if shifted[key]:
                model.objects.filter(KeyAmong("id", shifted[key])).update(
                    **{column: F(column) + dt.timedelta(days=days)})
    tables = sorted({model._meta.db_table for model, _ in columns.values()})
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(tables)}")


def put_back() -> None:
    """Puts back what a due sweep's setup put off (also what an interrupted run left)."""
    saved = put_off_file()
    if saved.exists():
        put_off_by(-1, json.loads(saved.read_text()))
        saved.unlink()


@contextlib.contextmanager
def put_off(until: dt.datetime, moment: dt.datetime, keep: list[int]):
    """Every row falling due in (`until`, `moment`] put off a day, but `keep`'s cases, and
    the night's other work with them; put back afterwards. The ids are written down first,
    so a run interrupted in between is put back by the next one (`sweep`)."""
    shifted = {}
    for key, (model, column) in put_off_columns().items():
        rows = model.objects.filter(**{f"{column}__gt": until, f"{column}__lte": moment})
        if model is Case and column == "next_reminder_at":
            rows = rows.exclude(pk__in=keep)
        shifted[key] = list(rows.values_list("pk", flat=True))
    saved = put_off_file()
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(shifted))
    put_off_by(1, shifted)
    try:
        yield
    finally:
        put_back()


def sweep_due(until: dt.datetime, due_rows: int, runs: int = 2) -> dict:
    """`run_due` at the first reminder moment after the seed's last (the next working
    morning) with the same number of cases due at every size: `due_rows` of the cases
    whose reminder falls then (a fixed sample, by a hash of the id), the others of every
    subject put off by a day, and the night's other work with them (`put_off`, committed
    and VACUUMed, put back afterwards). Each timed run is one transaction rolled back
    afterwards, so nothing is sent; the setup is not timed, and the queries are counted in
    a run of their own."""
    from caseflow.actions.time_driven import run_due

    moment = Case.objects.filter(next_reminder_at__gt=until).aggregate(
        first=Min("next_reminder_at"))["first"]
    falling = {"next_reminder_at__gt": until, "next_reminder_at__lte": moment}
    keep = list(Case.objects.filter(**falling)
                .order_by(MD5(Cast("id", CharField())), "id")
                .values_list("pk", flat=True)[:due_rows])
    falling_then = Case.objects.filter(**falling).count()
    seconds, result, statements = [], None, []
    parts = {"reminders_sweep": [], "digest_queue": []}
    with put_off(until, moment, keep):
        for run in range(runs + 1):
            with transaction.atomic():
                if run == 0:
                    def count(execute, sql, params, many, context):
                        if not sql.startswith(("SAVEPOINT", "RELEASE")):
                            statements.append(1)
                        return execute(sql, params, many, context)
                    with connection.execute_wrapper(count):
                        result = run_due(now=moment)
                else:
                    started = time.perf_counter()
                    with parts_timed(parts):
                        assert run_due(now=moment).reminders.swept == result.reminders.swept
                    seconds.append(time.perf_counter() - started)
                transaction.set_rollback(True)
    return {"moment": moment.isoformat(), "due_rows": len(keep),
            "swept": result.reminders.swept, "reminders": result.reminders.reminders,
            "escalations": result.reminders.escalations,
            "closed_appeals": len(result.closed_appeals),
            "nonconformities_opened": len(result.nonconformities_opened),
            "snoozed_repeats": result.snoozed_repeats, "digests": result.digests,
            "falling_then": falling_then,
            "queries": len(statements),
            "median_ms": round(1000 * statistics.median(seconds), 1),
            **{f"{name}_ms": round(1000 * statistics.median(times), 1)
               for name, times in parts.items()},
            "runs_ms": [round(1000 * s, 1) for s in seconds]}


def main() -> None:
    what = sys.argv[1]
    args = dict(zip(sys.argv[2::2], sys.argv[3::2], strict=False))
    if what == "tokens":
        out = tokens()
    elif what == "queries":
        out = queries(json.loads(args["--scenarios"]))
    else:
        out = sweep(dt.datetime.fromisoformat(args["--until"]))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
