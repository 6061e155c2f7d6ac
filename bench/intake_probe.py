"""What one public submission costs, in-process, whatever else the machine is doing: the
SQL queries of each of its three requests (the form, the POST, the page redirected to)
and the Django process's own CPU time. bench/intake.py runs it after the load, in each
system's own virtualenv and settings (DJANGO_SETTINGS_MODULE, DATABASE_URL).

    python bench/intake_probe.py caseflow|helpdesk

Prints JSON."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.intake_pages import caseflow_complaint, helpdesk_ticket  # noqa: E402

FORMS = {"caseflow": ("/complaint/", caseflow_complaint),
         "helpdesk": ("/helpdesk/tickets/submit/", helpdesk_ticket)}
ROUNDS = 10


def submission(client: Client, system: str, n: int) -> tuple[dict, float]:
    path, fill = FORMS[system]
    started = time.process_time()
    with CaptureQueriesContext(connection) as form:
        page = client.get(path, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as submit:
        answer = client.post(path, fill(page.content.decode(), n), HTTP_HOST="127.0.0.1")
    if answer.status_code != 302:
        raise SystemExit(f"{system}: the form was not accepted (HTTP {answer.status_code})")
    with CaptureQueriesContext(connection) as shown:
        client.get(answer["Location"], HTTP_HOST="127.0.0.1")
    cpu = time.process_time() - started
    queries = {"form": len(form), "submit": len(submit), "answer": len(shown)}
    return queries, cpu


def main() -> None:
    system = sys.argv[1]
    client = Client(enforce_csrf_checks=True)
    base = 10_000_000 + int(time.time()) % 1_000_000  # names apart from the load's
    submission(client, system, base)  # the first one warms the caches of this process
    rounds = [submission(client, system, base + i) for i in range(1, ROUNDS + 1)]
    queries = rounds[-1][0]
    print(json.dumps({"queries": queries, "queries_total": sum(queries.values()),
                      "cpu_ms": round(statistics.median(c for _, c in rounds) * 1000, 1)}))


if __name__ == "__main__":
    main()
