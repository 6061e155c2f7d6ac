"""At-least-once delivery through real failures: a Celery worker killed with SIGKILL while
deliveries are in flight, and the broker (a Redis of this test's own, without persistence)
restarted mid-run, losing every queued task. The outbox and its relay bring every
notification to an end: sent (a crash between sending and recording may send one message
twice: at most one duplicate per crash) or failed; none is lost.

Real processes throughout: a PostgreSQL database of its own, `celery worker` (prefork) and
`celery beat`, an SMTP server on 127.0.0.1 that takes its time over each message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.fakes.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOTIFICATIONS = 150

database = settings.DATABASES["default"]
pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(database["ENGINE"] != "django.db.backends.postgresql",
                       reason="a worker process shares the database: PostgreSQL"),
]

SEED = f"""
from django.contrib.auth import get_user_model
from caseflow.actions.notifications import notification_queue
from caseflow.models import Staff
people = [Staff.objects.create(user=get_user_model().objects.create_user(f"faults{{i}}"),
                               display_name=f"Staff {{i}}", email=f"staff{{i}}@example.cn")
          for i in range(5)]
for n in range({NOTIFICATIONS}):
    notification_queue(None, "conflict_analysis_due", staff=people[n % 5],
                       about=f"conflict_analysis:{{n}}")
"""


def sql(dsn: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def statuses(dsn: str) -> Counter:
    return Counter(dict(sql(dsn, "SELECT status, count(*) FROM caseflow_notification "
                                 "GROUP BY status")))


def in_flight(dsn: str) -> int:
    """Rows a delivery has claimed and not settled: being sent right now."""
    [(count,)] = sql(dsn, "SELECT count(*) FROM caseflow_notification WHERE status = "
                          "'pending' AND attempts > 0 AND next_attempt_at > now()")
    return count


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
            text=True).stdout.strip() == "PONG", timeout=10, what="redis")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def faults_database():
    """A database of this test's own (the test database of pytest-django is inside a
    transaction the worker could not see)."""
    name = f"caseflow_faults_{os.getpid()}"
    admin = (f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
             "/postgres")
    sql(admin, f"DROP DATABASE IF EXISTS {name}")
    sql(admin, f"CREATE DATABASE {name}")
    yield f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{name}"
    sql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_deliveries_survive_a_killed_worker_and_a_restarted_broker(faults_database, tmp_path):
    smtp = SmtpServer()
    smtp.handler.delay = 0.15  # a message is in flight for a while
    smtp.start()
    redis = Redis(free_port())
    redis.start()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="caseflow.settings", DEBUG="1", DATABASE_URL=faults_database,
        SECRET_KEY="faults-test-key-0123456789-0123456789-0123456789-0123",
        CASEFLOW_VAR_DIR=str(tmp_path), REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port), EMAIL_USE_TLS="0",
        CASEFLOW_CHANNELS="caseflow.channels.email.EmailChannel", TELEGRAM_BOT_TOKEN="",
        # Seconds, not minutes, so the test sees recovery: the relay runs every second and
        # takes back a row whose delivery or hand-over was lost after 3 s.
        CASEFLOW_RELAY_EVERY_SECONDS="1", CASEFLOW_DELIVERY_LEASE_SECONDS="3",
        CASEFLOW_RELAY_STALE_SECONDS="3",
    )

    def manage(*args):
        subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                       check=True, capture_output=True)

    def celery(*args, log: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "caseflow", *args, "--loglevel=INFO"], cwd=ROOT,
            env=env, stdout=open(tmp_path / log, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: SIGKILL takes the children

    manage("migrate", "--noinput")
    manage("shell", "-c", SEED)
    beat = celery("beat", "-S", "celery.beat:PersistentScheduler", "-s",
                  str(tmp_path / "beat-schedule"), "--pidfile=", log="beat.log")
    worker = celery("worker", "--pool=prefork", "--concurrency=2", log="worker-1.log")
    crashes = 0
    try:
        wait_until(lambda: len(smtp.received) >= 30, timeout=90, what="first deliveries")
        wait_until(lambda: in_flight(faults_database) > 0, timeout=10, what="in flight")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        crashes += 1
        flying = in_flight(faults_database)
        assert flying > 0, "the worker died with deliveries in flight"

        worker = celery("worker", "--pool=prefork", "--concurrency=2", log="worker-2.log")
        received_before = len(smtp.received)
        wait_until(lambda: len(smtp.received) >= received_before + 30, timeout=90,
                   what="deliveries after the restart")
        redis.stop()  # every queued task is gone with it
        time.sleep(1)
        redis.start()

        wait_until(lambda: statuses(faults_database)["pending"] == 0, timeout=180,
                   what="every notification settled")
    finally:
        for process in (worker, beat):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
        redis.stop()
        smtp.stop()

    counts = statuses(faults_database)
    message_ids = Counter(r.message["Message-ID"] for r in smtp.received)
    duplicates = sum(n - 1 for n in message_ids.values())
    print(f"\n{NOTIFICATIONS} notifications, worker killed {crashes}x with {flying} in "
          f"flight, broker restarted once: {counts['sent']} sent, {counts['failed']} failed,"
          f" {counts['pending']} pending; {len(smtp.received)} messages received, "
          f"{duplicates} duplicates")
    assert counts["sent"] + counts["failed"] == NOTIFICATIONS
    assert counts["sent"] == len(message_ids), "every sent notification arrived"
    assert duplicates <= crashes
