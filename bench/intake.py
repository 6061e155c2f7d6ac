"""Public intake beside django-helpdesk (issue 15): complaints filed through Caseflow's
public form against tickets filed through django-helpdesk's public form, in the same
run, on the same PostgreSQL server, each served by gunicorn with 2 workers (bench/run.py's
`serve`), each loaded by locust headless on loopback with the same users and seconds.

    python bench/intake.py [--seconds 20] [--users 4]

Each locust user opens the form, posts it back with its CSRF token and every field
(bench/locust_intake.py), follows the redirect and checks the page shows the submission
filed (Caseflow's receipt with its case number and tracking code; django-helpdesk's
ticket page). Afterwards each database must hold exactly as many new cases / tickets as
the submissions counted successful. Every check of Caseflow's form stays on: CSRF, the
honeypot, validation, the calendar check, the audit events, the receipt queued, and the
per-address limit, whose ceiling bench/settings.py raises for the run (BENCH_SUBMIT_RATE)
because every submission comes from 127.0.0.1.

django-helpdesk (bench/helpdesk_site/requirements.txt) is installed in its own
virtualenv, var/bench/helpdesk-venv, made on the first run and reused after. Databases
(on BENCH_DATABASE_URL's server): caseflow_bench_intake and caseflow_bench_helpdesk,
made anew on every run so that runs compare.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.run import (  # noqa: E402
    BIN,
    CONN_MAX_AGE,
    OUT,
    PYTHON,
    database_url,
    environment,
    run,
    serve,
)

HELPDESK_VENV = OUT / "helpdesk-venv"
HELPDESK_REQUIREMENTS = ROOT / "bench" / "helpdesk_site" / "requirements.txt"
TARGET_RATIO = 1.5
# Far above what the run can send from its one address: the limit is checked and counted
# on every submission but never reached (bench/settings.py).
SUBMIT_RATE = "1000000/h"


def fresh_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def row_count(url: str, table: str) -> int:
    with psycopg.connect(url) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def helpdesk_venv() -> Path:
    """var/bench/helpdesk-venv with the pinned django-helpdesk, made once; installed
    again only when the pins change."""
    python = HELPDESK_VENV / "bin" / "python"
    installed = HELPDESK_VENV / "installed-requirements.txt"
    wanted = HELPDESK_REQUIREMENTS.read_text()
    if not python.exists():
        print("== django-helpdesk: making its virtualenv", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(HELPDESK_VENV)], check=True)
    if not installed.exists() or installed.read_text() != wanted:
        print("== django-helpdesk: installing", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(HELPDESK_REQUIREMENTS)], check=True)
        installed.write_text(wanted)
    return HELPDESK_VENV / "bin"


def caseflow_system() -> dict:
    url = database_url("intake")
    env = {**environment(url), "BENCH_SUBMIT_RATE": SUBMIT_RATE}
    fresh_database(url)
    run([PYTHON, "manage.py", "migrate", "-v0"], env=env)
    # The per-address limit counts in the shared cache: a database table unless REDIS_URL.
    run([PYTHON, "manage.py", "createcachetable"], env=env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)  # the pages' CSS
    return {"url": url, "env": env, "app": "caseflow.wsgi", "gunicorn": BIN / "gunicorn",
            "python": PYTHON, "table": "caseflow_case"}


def helpdesk_system(venv: Path) -> dict:
    url = database_url("helpdesk")
    env = {**environment(url), "DJANGO_SETTINGS_MODULE": "bench.helpdesk_site.settings"}
    fresh_database(url)
    django = [str(venv / "python"), "-m", "django"]
    run([*django, "migrate", "-v0"], env=env)
    run([*django, "shell", "-v0", "-c",
         "from helpdesk.models import Queue; Queue.objects.create(title='Complaints', "
         "slug='complaints', allow_public_submission=True)"], env=env)
    return {"url": url, "env": env, "app": "bench.helpdesk_site.wsgi",
            "gunicorn": venv / "gunicorn", "python": venv / "python", "table": "helpdesk_ticket"}


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds of a process and of its children it has reaped (a PostgreSQL backend
    that ended is counted in the postmaster's), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime


def processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, name) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
            except (OSError, ValueError):
                continue
            found.append((int(entry.name), int(rest.split()[1]), name))
    return found


def cpu_now(server: int) -> dict:
    """The CPU seconds so far of: gunicorn (its master and workers), PostgreSQL (every
    process of the server, the other databases' work included), this process's reaped
    children (the load generator, once it has exited), and the machine's idle time."""
    found = processes()
    workers = [pid for pid, parent, _ in found if parent == server]
    with open("/proc/stat") as f:
        idle = int(f.readline().split()[4]) / TICK
    return {"gunicorn": sum(process_cpu(p) for p in [server, *workers]),
            "postgres": sum(process_cpu(p) for p, _, name in found if name == "postgres"),
            "load": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
            "idle": idle, "wall": time.monotonic()}


def cpu_spent(before: dict, after: dict, submissions: int) -> dict:
    """Milliseconds of CPU per submission by each part, and the share of the machine's
    cores left idle, over the load's run."""
    per = {k: round(1000 * (after[k] - before[k]) / max(submissions, 1), 1)
           for k in ("gunicorn", "postgres", "load")}
    wall = after["wall"] - before["wall"]
    per["idle_share"] = round((after["idle"] - before["idle"]) / (wall * os.cpu_count()), 2)
    return per


def swarm(system: str, port: int, users: int, seconds: int) -> dict:
    """`users` locust users submitting for `seconds`. Each finishes the submission it has
    started when the time is up and the last one ends the run (bench/locust_intake.py),
    so that no submission is cut off between the server's commit and the count; locust's
    own time limit is only a safety net."""
    prefix = OUT / f"locust-intake-{system}"
    done = subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust_intake.py"), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds + 120}s",
         "--host", f"http://127.0.0.1:{port}", "--json-file", str(prefix),
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, text=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BENCH_SYSTEM": system,
             "BENCH_SECONDS": str(seconds)})
    if done.returncode not in (0, 1):  # 1: some requests failed (counted below)
        raise RuntimeError(done.stderr[-2000:])
    # The JSON is written at shutdown from the final counts; the CSV files every second
    # (the last second missing): read only for the failures' messages.
    entries = json.loads(Path(f"{prefix}.json").read_text())
    with open(f"{prefix}_failures.csv", newline="") as f:
        errors = [f"{row['Name']}: {row['Error']} ×{row['Occurrences']}"
                  for row in csv.DictReader(f)][:5]
    return {**submissions(entries), "errors": errors}


def percentile(response_times: dict, fraction: float) -> float | None:
    """The response time (ms, as locust rounds it) below which `fraction` of them fall."""
    times = sorted((float(ms), count) for ms, count in response_times.items())
    total = sum(count for _, count in times)
    seen = 0
    for ms, count in times:
        seen += count
        if seen >= fraction * total:
            return ms
    return None


def submissions(entries: list[dict]) -> dict:
    """The figures of one locust run from its JSON stats (one entry per request name):
    the successful submissions, per second from the first form served to the last
    submission answered, and the submissions' (POST and redirect) p50/p95."""
    rows = {entry["name"]: entry for entry in entries}
    submit, form = rows.get("submit"), rows.get("form")
    failed = sum(entry["num_failures"] for entry in entries)
    if submit is None:  # not one form came back
        return {"submitted": 0, "failed": failed, "per_second": 0.0, "p50": None,
                "p95": None, "form_p50": None}
    succeeded = submit["num_requests"] - submit["num_failures"]
    elapsed = submit["last_request_timestamp"] - min(e["start_time"] for e in entries)
    return {
        "submitted": succeeded,
        "failed": failed,
        "per_second": round(succeeded / elapsed, 1) if elapsed > 0 else 0.0,
        "p50": percentile(submit["response_times"], 0.5),
        "p95": percentile(submit["response_times"], 0.95),
        "form_p50": percentile(form["response_times"], 0.5) if form else None,
    }


def measure(*, seconds: int = 20, users: int = 4) -> dict:
    """Both systems, one after the other, under the same load: their figures, whether
    each database holds exactly the submissions counted, and the ratio."""
    OUT.mkdir(parents=True, exist_ok=True)
    venv = helpdesk_venv()
    figures = {}
    for name, prepare in (("caseflow", caseflow_system),
                          ("helpdesk", lambda: helpdesk_system(venv))):
        print(f"== intake: {name}", flush=True)
        system = prepare()
        before = row_count(system["url"], system["table"])
        server, port = serve(system["url"], app=system["app"], gunicorn=system["gunicorn"],
                             env=system["env"])
        try:
            started = cpu_now(server.pid)
            result = swarm(name, port, users, seconds)
            result["cpu"] = cpu_spent(started, cpu_now(server.pid), result["submitted"])
        finally:
            server.terminate()
            server.wait(timeout=30)
        result["created"] = row_count(system["url"], system["table"]) - before
        result["verified"] = result["created"] == result["submitted"]
        # What one submission costs whatever the machine's load: queries, Django's CPU.
        result["per_submission"] = json.loads(run(
            [str(system["python"]), "bench/intake_probe.py", name], env=system["env"],
            capture=True))
        figures[name] = result
        print(f"   {result}", flush=True)
    helpdesk_rate = figures["helpdesk"]["per_second"]
    ratio = figures["caseflow"]["per_second"] / helpdesk_rate if helpdesk_rate else None
    return {"seconds": seconds, "users": users, "submit_rate": SUBMIT_RATE,
            "conn_max_age": CONN_MAX_AGE,
            # Where the per-address limit counts (caseflow.settings: Redis when REDIS_URL).
            "cache": "Redis" if os.environ.get("REDIS_URL") else "a database table",
            "helpdesk_version": helpdesk_version(), **figures,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target_ratio": TARGET_RATIO}


def helpdesk_version() -> str:
    for line in HELPDESK_REQUIREMENTS.read_text().splitlines():
        if line.startswith("django-helpdesk=="):
            return line.split("==", 1)[1]
    return "?"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def results_section(r: dict) -> list[str]:
    """The "Public intake" section of bench/RESULTS.md."""
    def row(what: str, f: dict) -> str:
        failed = f" ({f['failed']} failed)" if f["failed"] else ""
        kept = "yes" if f["verified"] else f"**no**: {f['created']} in the database"
        return (f"| {what} | {f['per_second']:.1f} | {ms(f['p50'])} | {ms(f['p95'])} | "
                f"{f['submitted']}{failed} | {kept} |")

    ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
    met = r["ratio"] is not None and r["ratio"] >= r["target_ratio"]
    lines = [
        "## Public intake",
        "",
        f"{r['users']} locust users on loopback, each opening the public form and posting "
        f"it back (multipart, CSRF token, every required field) then following the "
        f"redirect, for {r['seconds']} s per system, one system after the other; gunicorn "
        "with 2 workers for each, both databases on the same PostgreSQL server, made anew "
        "for the run. A submission counts when the page it lands on shows it filed "
        "(Caseflow's receipt with case number and tracking code; django-helpdesk "
        f"{r['helpdesk_version']}'s ticket page); \"kept\" says the database holds exactly "
        "that many new cases / tickets. p50/p95: the POST with its redirect.",
        "",
        "| public form | submissions/s | p50 | p95 | submissions | kept |",
        "|---|---|---|---|---|---|",
        row("Caseflow `/complaint/` (named, with an email)", r["caseflow"]),
        row(f"django-helpdesk {r['helpdesk_version']} `/helpdesk/tickets/submit/`",
            r["helpdesk"]),
        f"| ratio | {ratio} | | | | target ≥ {r['target_ratio']}× "
        f"{'(met)' if met else '(**not met**)'} |",
        "",
        "Every check of Caseflow's form on: CSRF, the honeypot field (sent empty), the "
        "form's and the domain's validation, the calendar check, the audit events, the "
        "receipt email queued in the outbox. The per-address submission limit "
        "(`CASEFLOW_SUBMIT_RATE`, 10/h in production) is checked and counted on every "
        f"POST, with its ceiling raised to `{r['submit_rate']}` for the run: all the "
        "load comes from 127.0.0.1, so bench/intake.py starts gunicorn with "
        f"`BENCH_SUBMIT_RATE={r['submit_rate']}`, which bench/settings.py reads into "
        "`CASEFLOW_SUBMIT_RATE`. django-helpdesk has no such limit and mails the submitter "
        "inside the request (its project, bench/helpdesk_site/, writes mail to files, as "
        "Caseflow does with no mail server); Caseflow queues the receipt for a worker.",
    ]
    lines += [
        "",
        "What one submission costs, whatever the machine's load (bench/intake_probe.py, "
        "in-process, after the load): SQL queries of the form / the POST / the page "
        "redirected to, and the Django process's CPU time for the three (median of 10). "
        f"Caseflow's limit counted in {r['cache']}.",
        "",
        "| public form | queries | CPU per submission |",
        "|---|---|---|",
        *[f"| {what} | {p['queries']['form']} / {p['queries']['submit']} / "
          f"{p['queries']['answer']} ({p['queries_total']}) | {p['cpu_ms']:.0f} ms |"
          for what, p in (("Caseflow", r["caseflow"]["per_submission"]),
                          ("django-helpdesk", r["helpdesk"]["per_submission"]))],
    ]
    if "cpu" in r["caseflow"]:
        lines += [
            "",
            "Where the machine's CPU went during each load run, per submission filed: the "
            "gunicorn master and workers, every PostgreSQL process (the server's other work "
            "included, if any), the load generator (locust), and the share of the two cores "
            "left idle. Both servers keep their database connection between requests "
            f"(`DATABASE_CONN_MAX_AGE={r.get('conn_max_age', '0')}`, as the README's "
            "production section runs gunicorn; both projects' settings read it).",
            "",
            "| public form | gunicorn | PostgreSQL | load generator | idle |",
            "|---|---|---|---|---|",
            *[f"| {what} | {c['gunicorn']:.0f} ms | {c['postgres']:.0f} ms | "
              f"{c['load']:.0f} ms | {100 * c['idle_share']:.0f}% |"
              for what, c in (("Caseflow", r["caseflow"]["cpu"]),
                              ("django-helpdesk", r["helpdesk"]["cpu"]))],
        ]
    errors = [f"{name}: {e}" for name in ("caseflow", "helpdesk") for e in r[name]["errors"]]
    if errors:
        lines += ["", "Failures seen:", "", *[f"- {e}" for e in errors]]
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="per system")
    parser.add_argument("--users", type=int, default=4, help="locust users, each system")
    args = parser.parse_args()
    figures = measure(seconds=args.seconds, users=args.users)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    print("\n".join(results_section(figures)))


if __name__ == "__main__":
    main()
