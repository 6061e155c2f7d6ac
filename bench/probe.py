"""What bench/run.py asks of a seeded database, in-process: the staff's API tokens and a
case to open, the queries each scenario runs, the sweep with nothing due.

    python bench/probe.py tokens|queries|sweep --until ISO [--scenarios JSON]

Prints JSON. Runs with bench.settings against DATABASE_URL."""

from __future__ import annotations

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

from django.db import connection  # noqa: E402
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
    digests of that morning, the year's rows), then timed with nothing due."""
    from caseflow.actions.time_driven import run_due

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
            "runs_ms": [round(1000 * s, 1) for s in seconds], "plan": plan}


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
