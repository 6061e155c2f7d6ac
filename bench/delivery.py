"""Delivery benchmark (issue 15): 1,000 reminders to 50 staff through the real pipeline,
by Telegram and then by email, and the Celery worker's peak memory.

    python bench/delivery.py [--staff 50] [--reminders 1000] [--concurrency N]
                             [--telegram-only] [--json]

What runs, all on loopback:
- PostgreSQL database `caseflow_bench_delivery` (BENCH_DATABASE_URL's server), made
  afresh each run: `--staff` staff members, each with an email and a linked Telegram
  chat, handle `--reminders` complaints between them (case i to staff i mod n), all
  received on one Monday morning and built through the actions (register, per-case
  commitments, assign). The intake's own messages (case received, case assigned) are
  recorded as delivered back then, like the history bench/seed.py writes.
- The deadline sweep (`reminders_sweep`, what `run_due` runs) at the cases' first
  reminder morning (two working days before the acceptance decision is due) queues one
  reminder per case: the 1,000. Not `run_due` itself, whose morning digest would add
  one message per person to them.
- The fake Bot API (tests/fakes/bot_api.py) as its own process, logging each call's
  arrival; a real Celery worker (prefork, caseflow's settings via bench.settings, the
  broker on Redis DB 8, the shared cache and the Telegram rate budget on Redis DB 7);
  the relay task `caseflow.notifications_relay` sent every CASEFLOW_RELAY_EVERY_SECONDS
  (5 s), as beat sends it. Beat itself is not run: its other entry, `run_due` at the real
  clock, would sweep the same cases again.
- Measured from the fake server's log: messages/s, the busiest one-second window of any
  chat and of the whole bot, messages lost (a reminder never received) and duplicated
  (received twice), and from the database the rows' final status.
- Then the sweep on the due-day morning (another reminder per case), delivered by email
  (the worker restarted without a bot token) to a local aiosmtpd server in this process.
- The worker's peak RSS (VmHWM of the main process and of each pool process, read just
  before it is stopped), per process and summed (the sum counts memory shared since the
  fork once per process: an upper bound).

`measure()` returns the figures; bench/run.py calls it and writes them to RESULTS.md.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
CHINA = dt.timezone(dt.timedelta(hours=8))

DATABASE = "caseflow_bench_delivery"
CACHE_REDIS = "redis://127.0.0.1:6379/7"  # the shared cache and the Telegram rate budget
BROKER_REDIS = "redis://127.0.0.1:6379/8"
# A Monday; the acceptance decision (7 working days, R8.03) is due on Wednesday 11
# November, so the handler is warned on Monday 9 November and reminded on the 11th.
RECEIVED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
RELAY_EVERY = float(os.environ.get("CASEFLOW_RELAY_EVERY_SECONDS", "5"))
TARGET_RATE = 25.0  # messages a second overall (issue 15)
TARGET_PER_CHAT = 1  # messages in any one second to one chat
# The worker's pool, as the README's production section runs it (its tasks mostly wait).
CONCURRENCY = 8
# The notification a Telegram message carries, in its Acknowledge/Snooze button's data.
BUTTON_NOTIFICATION = re.compile(r"^r:[as]:(\d+):")
# ... and an email, in its Message-ID (caseflow.actions.delivery.message_for).
MESSAGE_ID_NOTIFICATION = re.compile(r"<caseflow\.notification\.(\d+)\.")


# --- Reading the logs (pure; tests/bench/test_delivery_figures.py) ----------------------

def busiest_window(times: list[float], width: float = 1.0) -> int:
    """The most arrivals in any window [t, t + width): what a per-second limit counts."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + width) - i for i, t in enumerate(ordered)),
               default=0)


def closest_gap(times: list[float]) -> float | None:
    ordered = sorted(times)
    return min((b - a for a, b in zip(ordered, ordered[1:], strict=False)), default=None)


def telegram_notification(params: dict) -> int | None:
    """The notification id a sendMessage carries in its buttons' callback data."""
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in markup.get("inline_keyboard", []):
        for button in row:
            match = BUTTON_NOTIFICATION.match(button.get("callback_data") or "")
            if match:
                return int(match[1])
    return None


def arrivals_report(arrivals: list[tuple[float, str, int | None]], expected: set[int],
                    started: float) -> dict:
    """Figures from what the server received: (arrival time, chat or address, the
    notification id it carries). `started`: when delivery began (the first relay)."""
    per_key: dict[str, list[float]] = defaultdict(list)
    for at, key, _ in arrivals:
        per_key[key].append(at)
    seen = Counter(n for _, _, n in arrivals)
    times = [at for at, _, _ in arrivals]
    last = max(times) if times else started
    windows = {key: busiest_window(ts) for key, ts in per_key.items()}
    gaps = [g for ts in per_key.values() if (g := closest_gap(ts)) is not None]
    elapsed = last - started
    received = len(set(seen) & expected)
    return {
        "expected": len(expected),
        "received": received,
        "arrivals": len(arrivals),
        "lost": len(expected - set(seen)),
        "duplicates": sum(c - 1 for n, c in seen.items() if n in expected and c > 1),
        "unexpected": sum(c for n, c in seen.items() if n not in expected),
        "seconds": round(elapsed, 2),
        "per_second": round(received / elapsed, 1) if elapsed > 0 else None,
        "first_after": round(min(times) - started, 2) if times else None,
        "busiest_second_overall": busiest_window(times),
        "busiest_second_one_chat": max(windows.values(), default=0),
        "chats_above_limit": sum(1 for w in windows.values() if w > TARGET_PER_CHAT),
        "closest_gap_one_chat": round(min(gaps), 3) if gaps else None,
        "recipients": len(per_key),
    }


def process_peaks(pid: int) -> dict[str, int]:
    """VmHWM (KiB) of `pid` and of each of its children: {"main": …, "<child pid>": …}."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        this, parent = status.parent.name, fields.get("PPid", "").strip()
        if "VmHWM" not in fields or (this != str(pid) and parent != str(pid)):
            continue
        peaks["main" if this == str(pid) else this] = int(fields["VmHWM"].split()[0])
    return peaks


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its children that still run."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields[0] is the state: the parent's pid is fields[1], utime and stime [11], [12].
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


# --- The database side (run in a subprocess with the bench settings) --------------------

def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def chat_of(index: int) -> int:
    return 710_000_000 + index


def seed(staff_count: int, reminders: int) -> dict:
    """The people and the cases, through the actions, with the clock on the day they
    were received."""
    import time_machine
    from django.db import transaction

    from caseflow.actions.intake import PartyDetails, case_assign, case_register
    from caseflow.actions.staff import declaration_sign, staff_create, staff_telegram_link
    from caseflow.models import CaseKind, Channel, Declaration, Notification, Role, Scope

    started = time.monotonic()
    with time_machine.travel(RECEIVED, tick=False):
        def person(username, name, roles):
            staff = staff_create(username=username, display_name=name, roles=roles,
                                 email=f"{username}@cec.example.cn")
            declaration_sign(staff=staff, kind=Declaration.Kind.ANNUAL, year=RECEIVED.year)
            return staff

        head = person("head", "张敏 Zhang Min", {Role.DEPARTMENT_HEAD: "holder"})
        office = person("office", "赵磊 Zhao Lei", {Role.CLIENT_OFFICE: "holder"})
        handlers = []
        for i in range(staff_count):
            staff = person(f"handler{i:02d}", f"项目{i:02d}", {Role.PROJECT_OFFICE: "holder"})
            handlers.append(staff_telegram_link(staff=staff, chat_id=chat_of(i)))
        for i in range(reminders):
            handler = handlers[i % staff_count]
            with transaction.atomic():
                case = case_register(
                    kind=CaseKind.COMPLAINT, subject=f"核查报告数据有误 {i}",
                    description="排放量计算有误，请核实。", scope=Scope.REPORT,
                    channel=Channel.EMAIL, received_at=RECEIVED,
                    submitter=PartyDetails(name=f"投诉人{i}", email=f"c{i}@example.cn"),
                    acting_user=office)
                for staff in (head, handler, office):
                    declaration_sign(staff=staff, kind=Declaration.Kind.CASE, case=case)
                case_assign(case=case, handler=handler, acting_user=head)
        # The intake's own messages went out that day: history, not part of the run.
        history = Notification.objects.filter(status=Notification.Status.PENDING).update(
            status=Notification.Status.SENT, sent_at=RECEIVED, channel="email")
    return {"staff": staff_count, "cases": reminders, "intake_messages": history,
            "seconds": round(time.monotonic() - started, 1)}


def sweep() -> dict:
    """The deadline sweep at the cases' next reminder morning, with the clock there."""
    import time_machine
    from django.db.models import Min

    from caseflow.actions.reminders import reminders_sweep
    from caseflow.models import Case, Notification

    moment = Case.objects.aggregate(m=Min("next_reminder_at"))["m"]
    before = set(Notification.objects.values_list("pk", flat=True))
    started = time.monotonic()
    with time_machine.travel(moment, tick=False):
        result = reminders_sweep(now=moment)
    seconds = time.monotonic() - started
    queued = Notification.objects.exclude(pk__in=before)
    return {"at": moment.astimezone(CHINA).isoformat(), "swept": result.swept,
            "reminders": result.reminders, "escalations": result.escalations,
            "failed": len(result.failed), "seconds": round(seconds, 2),
            "thresholds": dict(Counter(n.context.get("threshold") for n in queued)),
            "ids": sorted(queued.values_list("pk", flat=True))}


# --- Orchestration (this process: no Django) -------------------------------------------

def database_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    return base.rstrip("/") + f"/{DATABASE}"


def environment(**extra: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE":
           "bench.settings", "PYTHONPATH": str(ROOT), "REDIS_URL": CACHE_REDIS,
           "CELERY_BROKER_URL": BROKER_REDIS, "TELEGRAM_BOT_TOKEN": "",
           "EMAIL_HOST": "", "LOG_LEVEL": "WARNING",
           # As the README's production section runs the worker: one connection a process.
           "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60")}
    env.update(extra)
    return env


def django_step(step: str, *args: str) -> dict:
    done = subprocess.run([PYTHON, str(Path(__file__)), step, *args], cwd=ROOT,
                          env=environment(), check=True, text=True, stdout=subprocess.PIPE)
    return json.loads(done.stdout.strip().splitlines()[-1])


def database_fresh() -> None:
    import psycopg

    admin = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment(),
                   check=True)


def redis_flush() -> None:
    import redis

    for url in (CACHE_REDIS, BROKER_REDIS):  # this benchmark's own databases only
        redis.Redis.from_url(url).flushdb()


def statuses(ids: list[int]) -> dict:
    """The rows' status, and how their tries went, from the database."""
    import psycopg

    with psycopg.connect(database_url()) as c:
        status = dict(c.execute("SELECT status, count(*) FROM caseflow_notification "
                                "WHERE id = ANY(%s) GROUP BY status", [ids]).fetchall())
        results = dict(c.execute("SELECT result, count(*) FROM caseflow_deliveryattempt "
                                 "WHERE notification_id = ANY(%s) GROUP BY result",
                                 [ids]).fetchall())
        tries = c.execute("SELECT max(attempts) FROM caseflow_notification "
                          "WHERE id = ANY(%s)", [ids]).fetchone()[0]
    return {"status": status, "attempts": results, "most_tries": tries}


class DatabaseCpu:
    """CPU time of the PostgreSQL server processes serving the benchmark's database, each
    read as it runs (`look`, every second or so): a worker's connection lives at most
    DATABASE_CONN_MAX_AGE seconds, and what a closed one used is its last reading; one
    open at the first look counts from there."""

    def __init__(self):
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.looked = False

    def look(self) -> None:
        import psycopg

        with psycopg.connect(database_url()) as c:
            pids = [pid for (pid,) in c.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()", [DATABASE]).fetchall()]
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # another machine's server, or the connection closed meanwhile
            used = (int(fields[11]) + int(fields[12])) / ticks
            self.first.setdefault(pid, used if not self.looked else 0.0)
            self.last[pid] = used
        self.looked = True

    def seconds(self) -> float:
        return sum(used - self.first[pid] for pid, used in self.last.items())


class Worker:
    """`celery -A caseflow worker` (prefork) in its own process group."""

    def __init__(self, env: dict, concurrency: int | None, log: Path):
        from celery import Celery

        # Celery reads CELERY_BROKER_URL before its `broker` argument: this process's app
        # (ping, the relay) must reach the benchmark's broker whatever the caller's is.
        os.environ["CELERY_BROKER_URL"] = BROKER_REDIS
        self.app = Celery(broker=BROKER_REDIS)
        self.name = f"bench-delivery-{secrets.token_hex(3)}@%h"
        args = [str(BIN / "celery"), "-A", "caseflow", "worker", "--pool", "prefork",
                "--loglevel", "WARNING", "-n", self.name]
        if concurrency:
            args += ["--concurrency", str(concurrency)]
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited ({self.log.name})")
            if self.app.control.ping(timeout=1.0):
                return
        raise RuntimeError(f"the Celery worker did not answer ({self.log.name})")

    def relay(self) -> None:
        """What beat sends every CASEFLOW_RELAY_EVERY_SECONDS."""
        self.app.send_task("caseflow.notifications_relay")

    def peaks(self) -> dict[str, int]:
        return process_peaks(self.process.pid)

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class FakeBotApi:
    """tests/fakes/bot_api.py in its own process, logging each call as JSON."""

    def __init__(self, log: Path, stdout: Path):
        self.token = f"{secrets.randbelow(9 * 10**8) + 10**8}:bench-{secrets.token_hex(8)}"
        self.log_path = log
        log.unlink(missing_ok=True)
        self.stdout = open(stdout, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "tests.fakes.bot_api", "--port", "0", "--token", self.token,
             "--log", str(log)], cwd=ROOT, stdout=self.stdout, stderr=subprocess.STDOUT)
        self.base_url = ""
        for _ in range(100):
            text = Path(stdout).read_text()
            if match := re.search(r"(http://127\.0\.0\.1:\d+/bot)", text):
                self.base_url = match[1]
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("the fake Bot API did not start")

    def messages(self) -> list[tuple[float, str, int | None]]:
        if not self.log_path.exists():
            return []
        found = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            call = json.loads(line)
            if call["method"] == "sendMessage" and call["status"] == 200:
                found.append((call["at"], str(call["params"].get("chat_id")),
                              telegram_notification(call["params"])))
        return found

    def calls(self) -> Counter:
        if not self.log_path.exists():
            return Counter()
        return Counter((c["method"], c["status"]) for c in map(
            json.loads, self.log_path.read_text(encoding="utf-8").splitlines()))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.stdout.close()


class Mailbox:
    """aiosmtpd on 127.0.0.1 (tests/fakes/smtp.py), keeping each message's arrival."""

    def __init__(self):
        from tests.fakes.smtp import SmtpHandler, SmtpServer

        class StampingHandler(SmtpHandler):
            arrivals: list

            async def handle_DATA(self, server, session, envelope):
                reply = await super().handle_DATA(server, session, envelope)
                message = self.received[-1].message
                match = MESSAGE_ID_NOTIFICATION.search(message["Message-ID"] or "")
                self.arrivals.append((time.time(), ",".join(envelope.rcpt_tos),
                                      int(match[1]) if match else None))
                return reply

        self.server = SmtpServer()
        self.server.handler = StampingHandler()
        self.server.handler.arrivals = []
        self.server.controller.handler = self.server.handler
        self.server.start()

    @property
    def port(self) -> int:
        return self.server.port

    def messages(self) -> list[tuple[float, str, int | None]]:
        return list(self.server.handler.arrivals)

    def stop(self) -> None:
        self.server.stop()


def deliver(worker: Worker, ids: list[int], received, timeout: float) -> tuple[float, dict]:
    """Relay every RELAY_EVERY seconds until every row is settled (or `timeout`); then a
    last look for stragglers. Returns when delivery began and the rows' statuses, with
    the worker's CPU time per message (its main and pool processes)."""
    cpu = worker.cpu_seconds()
    database = DatabaseCpu()
    started = time.time()
    next_relay = next_look = 0.0
    while time.time() - started < timeout:
        if time.monotonic() >= next_relay:
            worker.relay()
            next_relay = time.monotonic() + RELAY_EVERY
        if time.monotonic() >= next_look:
            database.look()
            next_look = time.monotonic() + 1.0
        if len(received()) >= len(ids):
            found = statuses(ids)
            if found["status"].get("pending", 0) == 0:
                break
        time.sleep(0.2)
    time.sleep(2)  # a task handed over twice would arrive now
    found = statuses(ids)
    found["worker_cpu_ms_per_message"] = round(1000 * (worker.cpu_seconds() - cpu) / len(ids),
                                               1)
    database.look()
    found["database_cpu_ms_per_message"] = round(1000 * database.seconds() / len(ids), 1)
    return started, found


def measure(*, staff: int = 50, reminders: int = 1000, concurrency: int = CONCURRENCY,
            timeout: float | None = None, verbose: bool = True, email: bool = True) -> dict:
    """The whole run; returns the figures (see the module's docstring)."""
    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    OUT.mkdir(parents=True, exist_ok=True)
    timeout = timeout or max(120.0, reminders / 5)
    say(f"== delivery: a fresh {DATABASE}, {staff} staff, {reminders} cases")
    database_fresh()
    redis_flush()
    seeded = django_step("seed", "--staff", str(staff), "--reminders", str(reminders))
    say(f"   seeded in {seeded['seconds']} s")
    report: dict = {"staff": staff, "reminders": reminders, "seed": seeded,
                    "load_before": [round(x, 2) for x in os.getloadavg()[:2]],
                    "relay_every": RELAY_EVERY, "concurrency": concurrency or os.cpu_count()}

    def channel_run(label: str, settings: dict, received, log: str) -> tuple[dict, dict]:
        """The next reminder of each case, swept, then delivered by a fresh worker with
        `settings` to the server whose `received` lists what arrived."""
        swept = django_step("sweep")
        ids = swept.pop("ids")
        say(f"   sweep at {swept['at']}: {len(ids)} queued {swept['thresholds']}")
        worker = Worker(environment(**settings), concurrency, OUT / log)
        try:
            worker.wait_ready()
            say(f"== delivery: {label}")
            started, rows = deliver(worker, ids, received, timeout)
            peaks = worker.peaks()
        finally:
            worker.stop()
        figures = arrivals_report(received(), set(ids), started)
        figures.update(sweep=swept, rows=rows)
        return figures, peaks

    bot = FakeBotApi(OUT / "delivery-bot-api.jsonl", OUT / "delivery-bot-api.out")
    try:
        telegram, telegram_peaks = channel_run(
            "Telegram through the fake Bot API",
            {"TELEGRAM_BOT_TOKEN": bot.token, "TELEGRAM_API_BASE_URL": bot.base_url},
            bot.messages, "delivery-worker-telegram.log")
        telegram["calls"] = {f"{m} {s}": n for (m, s), n in bot.calls().items()}
        # What Telegram's servers would spend, spent here on the same cores.
        telegram["fake_bot_api_cpu_ms_per_message"] = round(
            1000 * process_cpu_seconds(bot.process.pid) / max(telegram["expected"], 1), 1)
        say(f"   {summary(telegram)}")
    finally:
        bot.stop()

    if not email:  # a quicker look at the Telegram figures alone (no "Delivery" section)
        report.update(telegram=telegram, worker_peak_rss_kib={"telegram": telegram_peaks})
        return report
    mailbox = Mailbox()
    try:
        email, email_peaks = channel_run(
            "email to aiosmtpd",
            {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mailbox.port),
             "EMAIL_USE_TLS": "0", "EMAIL_USE_SSL": "0"},
            mailbox.messages, "delivery-worker-email.log")
        say(f"   {summary(email)}")
    finally:
        mailbox.stop()

    report.update(telegram=telegram, email=email,
                  worker_peak_rss_kib={"telegram": telegram_peaks, "email": email_peaks})
    say(f"   worker peak RSS (KiB): {report['worker_peak_rss_kib']}")
    return report


def mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def memory_markdown(r: dict) -> str:
    """The Celery worker's line of the "Memory" section."""
    parts = []
    for run, peaks in r["worker_peak_rss_kib"].items():
        pool = [v for k, v in peaks.items() if k != "main"]
        parts.append(f"{run} run: main process {mb(peaks.get('main', 0))}, {len(pool)} pool "
                     f"processes {', '.join(mb(v) for v in pool)} (sum {mb(sum(peaks.values()))})")
    return ("Peak RSS (VmHWM) of the Celery worker (prefork) in the delivery runs, read just "
            "before it stopped, per process; the sum counts the memory the pool processes "
            "share with the main one since the fork once each, so it is an upper bound: "
            + "; ".join(parts) + ".")


def results_markdown(r: dict) -> str:
    """The "Delivery" section of bench/RESULTS.md."""
    t, e = r["telegram"], r["email"]

    def row(name, key, target="", fmt="{}"):
        return f"| {name} | {fmt.format(t[key])} | {fmt.format(e[key])} | {target} |"

    def rows_after(figures):
        return ", ".join(f"{k} {v}" for k, v in sorted(figures["rows"]["status"].items()))

    met = (t["per_second"] or 0) >= TARGET_RATE and t["busiest_second_one_chat"] <= \
        TARGET_PER_CHAT and t["lost"] == 0 and t["duplicates"] == 0
    lines = [
        "## Delivery",
        "",
        f"`python bench/delivery.py` (or `bench/run.py --only delivery`): {r['staff']} staff, "
        "each with an email and a linked Telegram chat, handle "
        f"{r['reminders']:,} complaints built through the actions; the deadline sweep "
        f"(`reminders_sweep`, what `run_due` runs) at {t['sweep']['at']} queues "
        f"{t['sweep']['reminders']:,} reminders ({t['sweep']['seconds']} s). A real Celery "
        f"worker (prefork, {r['concurrency']} pool processes, broker Redis DB 8) delivers "
        "them through python-telegram-bot to the fake Bot API (its own process on "
        "127.0.0.1, logging each arrival), with the rate budget in Redis on (30 messages "
        "a second for the bot, 1 a second per chat, shared by every process); the relay "
        f"task runs every {r['relay_every']:g} s. Then the sweep of the due day "
        f"({e['sweep']['at']}) queues {e['sweep']['reminders']:,} more, delivered by the "
        "same worker restarted without a bot token, by email to aiosmtpd on 127.0.0.1. "
        f"Load average before: {r['load_before'][0]} (2 cores shared with other work).",
        "",
        "| | Telegram (fake Bot API) | email (aiosmtpd) | target |",
        "|---|---|---|---|",
        f"| received / queued | {t['received']:,} / {t['expected']:,} | "
        f"{e['received']:,} / {e['expected']:,} | all |",
        row("lost (never received)", "lost", "0"),
        row("duplicates (received twice)", "duplicates", "0"),
        row("time for all (first relay to last arrival)", "seconds", "", "{} s"),
        row("messages a second", "per_second", f"≥ {TARGET_RATE:g} (Telegram)"),
        row("busiest second, one chat or address", "busiest_second_one_chat",
            f"≤ {TARGET_PER_CHAT} (Telegram)"),
        row("closest two arrivals, one chat or address", "closest_gap_one_chat",
            "≥ 1 s (Telegram)", "{} s"),
        row("busiest second, all chats", "busiest_second_overall",
            "the budget: 30 a second (Telegram: \"about 30\")"),
        f"| rows afterwards | {rows_after(t)} | {rows_after(e)} | all sent |",
        f"| most tries of one row | {t['rows']['most_tries']} | {e['rows']['most_tries']} | |",
        f"| worker CPU a message (main + pool) | {t['rows']['worker_cpu_ms_per_message']} ms "
        f"| {e['rows']['worker_cpu_ms_per_message']} ms | |",
        f"| PostgreSQL's CPU a message (the worker's connections) | "
        f"{t['rows'].get('database_cpu_ms_per_message')} ms | "
        f"{e['rows'].get('database_cpu_ms_per_message')} ms | |",
        f"| the fake Bot API's CPU a message | {t.get('fake_bot_api_cpu_ms_per_message')} ms "
        "| | |",
        "",
        f"Target {'met' if met else 'not met'} for Telegram "
        f"({t['per_second']} messages a second, busiest chat "
        f"{t['busiest_second_one_chat']} in a second, {t['lost']} lost, "
        f"{t['duplicates']} duplicated). Email has no rate budget: a person may get "
        "several in a second.",
        "",
    ]
    return "\n".join(lines) + "\n" + LIMITS


# What a profile of deliveries in one process showed (cProfile, PostgreSQL, the fake server).
LIMITS = """### What limits delivery

Each message is one task: claim the row (one conditional update, then a read), read who
it goes to and check them (recipient, recusal on the case: the impartiality guard),
send, then settle the row with its attempt in one transaction: 8 statements (BEGIN and
COMMIT counted) and 2 commits, where there were 12 and 3 (a retry also reads the earlier
attempts; a row for several people writes each one's attempt before sending to the
next). The Telegram send (python-telegram-bot, a fresh event loop and HTTP client per
message, the Redis script that takes the chat's and the bot's slot, the budget's note of
the answer) costs a few milliseconds of CPU: the TLS context is built once per process,
and sniffio is installed (without it, each of httpcore's 8 checks of the event loop a
message was a failed import searching the whole path). The relay hands over up to 200
rows every 5 s (at most 40 a second), more than the budget's 30, each person's in turn
with everyone else's. A task waits for its chat's turn at most 2 s, then hands the row
back, with no attempt recorded and none of its tries used, to be handed over again.

The worker runs 8 pool processes, as the README's production section does: a task
mostly waits (on PostgreSQL, Redis, the server, a chat's turn), and with one process per
core the budget went unused whenever both waited. What is left is CPU: the worker's,
PostgreSQL's and the fake server's a message (above) at 30 a second, on 2 cores shared
with other work (the load average above). The worker keeps one PostgreSQL connection per
pool process (`DATABASE_CONN_MAX_AGE=60`, as the README's production section runs it,
checked before each reuse); with the default 0 each task opened its own, which cost the
worker more than a third of its CPU a message on a loaded machine
(`DATABASE_CONN_MAX_AGE=0 python bench/delivery.py` shows it). Neither a check nor a
limit is relaxed for the run.
"""


def summary(figures: dict) -> str:
    return (f"{figures['received']}/{figures['expected']} in {figures['seconds']} s = "
            f"{figures['per_second']}/s, lost {figures['lost']}, duplicates "
            f"{figures['duplicates']}, busiest second: one recipient "
            f"{figures['busiest_second_one_chat']}, overall "
            f"{figures['busiest_second_overall']}; rows {figures['rows']['status']}, worker "
            f"CPU {figures['rows']['worker_cpu_ms_per_message']} ms a message, PostgreSQL's "
            f"{figures['rows'].get('database_cpu_ms_per_message')} ms, the fake server's "
            f"{figures.get('fake_bot_api_cpu_ms_per_message', '-')} ms")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("seed", "sweep"):
        step = sys.argv[1]
        parser = argparse.ArgumentParser()
        parser.add_argument("--staff", type=int, default=50)
        parser.add_argument("--reminders", type=int, default=1000)
        args = parser.parse_args(sys.argv[2:])
        django_setup()
        out = seed(args.staff, args.reminders) if step == "seed" else sweep()
        print(json.dumps(out, ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description="The delivery benchmark (issue 15).")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY,
                        help=f"the worker's pool processes (default {CONCURRENCY}, as the "
                             "README's production section runs it)")
    parser.add_argument("--telegram-only", action="store_true",
                        help="skip the email run (figures for a comparison, not RESULTS.md)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    report = measure(staff=args.staff, reminders=args.reminders,
                     concurrency=args.concurrency, email=not args.telegram_only)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
