"""Seed a database with a body's five years of cases, for the benchmarks.

    python bench/seed.py --size 100000 [--seed 15] [--until 2026-11-30T12:00+08:00]

Reproducible: the same size, seed and `--until` give the same rows. The spread is a
busy platform's: about nine cases in ten closed (complaints settled or rejected, appeals
ruled, disputes agreed, nonconformities confirmed effective), the rest open at every
step, the older of them overdue; received over the five years before `--until`.

Each case holds what the domain's actions would have written for its story, step by
step: the submitter (and respondent) parties, the per-case commitment (R9.01) of each
person who acted with its event, one event per step with the state it moved from and to,
the notices the steps issue and their sending, the notifications the steps queue
(delivered, a few failed, with their delivery attempts), findings, the archive record of
a closed case, a nonconformity's cycle and task. The deadlines are the calendar's
(`caseflow.deadlines.case_deadline`, `add_working_days`), computed as the actions compute
them; the sweep's next moments are those `case_deadline_refresh` stores. Tests hold a small
seed to these invariants (tests/bench/test_seed.py).

Not written: the audit history tables of django-simple-history (nothing measured reads
them) and the notices' PDF files (the rows name them; no benchmark downloads one).

Rows go in with COPY on PostgreSQL (batched INSERTs elsewhere, for the tests), ids
taken after the existing ones, and the sequences moved past them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":  # run as a script: the project's root first on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

from django.db import connection, transaction
from django.db.models import Max

from caseflow.actions.yearly_figures import yearly_figures_rebuild
from caseflow.deadlines import (
    ACCEPTANCE_WORKING_DAYS,
    appeal_filed_late,
    appeal_filing_deadline,
    case_deadline,
    committee_window_days,
    default_target_days,
    reminded_on_case,
)
from caseflow.models import (
    NUMBER_PREFIX,
    AnalysisCycle,
    ArchiveRecord,
    CalendarYear,
    CapaTask,
    Case,
    CaseCounter,
    CaseEvent,
    CaseKind,
    ConflictAnalysis,
    Declaration,
    DeliveryAttempt,
    Engagement,
    Finding,
    InternalInspection,
    Nonconformity,
    NonconformitySource,
    Notice,
    NoticeSending,
    Notification,
    Organization,
    Party,
    Role,
    Staff,
    responsible_post,
)
from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, add_working_days, working_day_table
from caseflow.yearly_figures import case_figures, report_verdict

BENCH_PASSWORD = "caseflow-bench"
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
YEARS = 5

# username, name, role, capacity, how many
STAFF = [
    ("gm", "陈刚", Role.GENERAL_MANAGER, "holder", 1),
    ("qm", "王芳", Role.QUALITY_MANAGER, "holder", 1),
    ("head", "张敏", Role.DEPARTMENT_HEAD, "holder", 1),
    ("deputy", "李娜", Role.DEPARTMENT_HEAD, "deputy", 1),
    ("office", "赵磊", Role.CLIENT_OFFICE, "holder", 3),
    ("qa", "孙丽", Role.QUALITY_ASSURANCE, "holder", 2),
    ("project", "刘洋", Role.PROJECT_OFFICE, "holder", 20),
    ("verifier", "胡伟", Role.VERIFIER, "holder", 30),
    ("member", "徐教授", Role.COMMITTEE_MEMBER, "holder", 3),
]

PROVINCES = ["江苏", "浙江", "广东", "山东", "河北", "湖北", "四川", "福建", "安徽", "河南"]
CITIES = ["南京", "宁波", "杭州", "苏州", "无锡", "广州", "深圳", "济南", "青岛", "武汉",
          "成都", "福州", "合肥", "郑州", "石家庄", "常州", "温州", "佛山", "烟台", "绍兴"]
FIRMS = ["华东", "恒通", "新海", "金源", "长江", "东方", "中联", "宏达", "永盛", "天成",
         "瑞丰", "鑫达", "海螺", "明珠", "远大", "正泰", "汇丰", "安泰", "隆基", "兴业"]
TRADES = ["水泥", "钢铁", "热电", "化工", "造纸", "玻璃", "石化", "有色金属", "纺织", "陶瓷"]
# Subjects and the sentences descriptions are drawn from; 计量器具 is common, the rare
# firm (宁波恒力) is named in a few cases only.
SUBJECTS = ["核查报告排放量数据有误", "现场核查不规范", "计量器具未按期检定", "核查结论不公正",
            "核查员收受礼品", "核查报告出具延迟", "活动水平数据来源不清", "排放因子选取错误",
            "核查费用争议", "监测计划执行不到位", "对核查结论的申诉", "燃料低位发热量取值有误"]
SENTENCES = [
    "企业反映核查组未到现场查看计量器具的检定证书。",
    "核查报告中的排放量与企业台账不一致，差额较大。",
    "燃煤消耗量的计量器具未按规定周期检定，数据准确性存疑。",
    "核查员在现场核查期间接受了企业安排的宴请。",
    "核查报告出具时间超过了委托合同约定的期限。",
    "活动水平数据的来源未在核查报告中说明。",
    "排放因子采用了缺省值，而企业有实测数据。",
    "企业认为核查工作量与收费标准不相符。",
    "监测计划中规定的采样频次未被执行。",
    "核查组未对外购电力的结算凭证进行交叉核对。",
    "企业对核查结论持有异议，要求重新核查。",
    "现场核查记录缺少受核查方的签字确认。",
    "燃料的低位发热量取值与化验报告不符。",
    "核查报告引用的标准版本已经废止。",
]
RARE_FIRM = "宁波恒力"
RARE_EVERY = 4000  # one case in this many names the rare firm

NOTICE_TITLES = {"acceptance": "受理通知", "rejection": "不予受理通知",
                 "complaint_result": "投诉处理结果通知", "appeal_ruling": "申诉处理决定",
                 "dispute_answer": "争议答复"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- writing rows ---------------------------------------------------------------------------

class Table:
    """Rows of one model, given as dicts of attribute names; missing fields take the
    model's default. Ids are handed out after the table's existing ones."""

    def __init__(self, model, next_id: int):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.next_id = next_id
        self.rows: list[dict] = []
        self.written = 0

    def add(self, **values) -> int:
        if "id" not in values:
            values["id"] = self.next_id
        self.next_id = max(self.next_id, values["id"] + 1)
        self.rows.append(values)
        return values["id"]

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = [f.column for f in self.fields]
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            # psycopg adapts the values as they are (dates, numbers, text); JSON is wrapped.
            json_at = [i for i, f in enumerate(self.fields)
                       if f.get_internal_type() == "JSONField"]
            columns_defaults = [(f.attname, self.defaults[f.attname]) for f in self.fields]
            names = ", ".join(f'"{c}"' for c in columns)
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in self.rows:
                    values = [row.get(a, d) for a, d in columns_defaults]
                    for i in json_at:
                        values[i] = Jsonb(values[i])
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(columns))
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",
                    [[f.get_db_prep_save(row.get(f.attname, self.defaults[f.attname]),
                                         connection) for f in self.fields]
                     for row in self.rows])
        self.written += len(self.rows)
        self.rows.clear()


def next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))")


# --- the body: staff, organizations, engagements ----------------------------------------------

@dataclass
class Body:
    staff: dict[str, list[int]]  # username prefix -> staff ids
    clients: list[int]
    entities: list[int]
    entity_names: dict[int, str]
    engagements: list[tuple[int, int, int]]  # id, client, verified entity
    signed_by_head: set[int]  # engagements whose report the head signed (R8.15)

    def one(self, key: str, rng: random.Random) -> int:
        return rng.choice(self.staff[key])


def body_create(rng: random.Random, *, engagements: int, until: dt.datetime) -> Body:
    """Staff for every role (each with their annual commitments), organizations and
    verification engagements, through the ORM: a few thousand rows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from caseflow.actions.staff import staff_create

    staff: dict[str, list[int]] = {}
    first_year = until.year - YEARS
    for username, name, role, capacity, count in STAFF:
        for i in range(count):
            user = username if count == 1 else f"{username}{i + 1}"
            if get_user_model().objects.filter(username=user).exists():
                member = Staff.objects.get(user__username=user)
            else:
                member = staff_create(username=user,
                                      display_name=f"{name}{i + 1 if count > 1 else ''}",
                                      roles={role: capacity}, email=f"{user}@cec.example.cn")
            staff.setdefault(username, []).append(member.pk)
    # One password for every bench account, hashed once (hashing is slow on purpose).
    get_user_model().objects.filter(staff__in=[pk for ids in staff.values() for pk in ids]
                                    ).update(password=make_password(BENCH_PASSWORD))
    for year in range(first_year, until.year + 1):
        CalendarYear.objects.get_or_create(year=year)
        # R9.03: the head's yearly conflict-of-interest analysis, this year's done already.
        ConflictAnalysis.objects.get_or_create(year=year, defaults={
            "run_by_id": staff["head"][0], "findings": "未发现影响公正性的利益冲突。",
            "run_at": min(dt.datetime(year, 12, 15, 10, tzinfo=CHINA),
                          until - dt.timedelta(days=30))})
        for ids in staff.values():
            for pk in ids:
                if not Declaration.objects.filter(staff_id=pk, kind="annual", year=year).exists():
                    Declaration.objects.create(
                        staff_id=pk, kind=Declaration.Kind.ANNUAL, year=year,
                        signed_at=dt.datetime(year, 1, 4, 9, tzinfo=CHINA))

    def organization(name, kind, code):
        return Organization.objects.get_or_create(
            credit_code=code, defaults={"name": name, "kind": kind,
                                        "email": f"notices{code[-6:]}@example.cn"})[0]

    clients = [organization(f"{p}省生态环境厅", Organization.Kind.CLIENT_AUTHORITY,
                            f"111{i:015d}") for i, p in enumerate(PROVINCES)]
    entities = []
    for i in range(max(50, engagements // 2)):
        name = f"{rng.choice(CITIES)}{rng.choice(FIRMS)}{rng.choice(TRADES)}有限公司"
        entities.append(organization(name, Organization.Kind.VERIFIED_ENTITY,
                                     f"913{i:015d}"))
    rare = organization(f"{RARE_FIRM}石化有限公司", Organization.Kind.VERIFIED_ENTITY,
                        "913999999999999999")
    entities.append(rare)

    # Engagements in bulk (their audit history is not written, as for the cases).
    existing = {e.report_number: e for e in Engagement.objects.all()}
    new, people = [], []
    verifiers, head, deputy = staff["verifier"], staff["head"][0], staff["deputy"][0]
    for i in range(engagements):
        year = first_year + i % (YEARS + 1)
        number = f"BJ{year % 100:02d}{i:06d}"
        if number in existing:
            continue
        new.append(Engagement(
            report_number=number, client=clients[i % len(clients)],
            verified_entity=entities[i % len(entities)],
            province=PROVINCES[i % len(PROVINCES)], year=year,
            batch=f"第{'一二三'[i % 3]}批", conclusion=Engagement.Conclusion.QUALIFIED,
            timely=True, team_lead_id=verifiers[i % len(verifiers)]))
        # the head signs some reports: recused from their cases (R8.15)
        people.append((verifiers[(i + 7) % len(verifiers)], verifiers[(i + 13) % len(verifiers)],
                       head if i % 40 == 0 else deputy))
    Engagement.objects.bulk_create(new)
    for through, k in ((Engagement.verifiers.through, 0),
                       (Engagement.technical_reviewers.through, 1),
                       (Engagement.report_signers.through, 2)):
        through.objects.bulk_create([through(engagement_id=e.pk, staff_id=p[k])
                                     for e, p in zip(new, people, strict=True)])
    signed = set(Engagement.report_signers.through.objects.filter(staff_id=head)
                 .values_list("engagement_id", flat=True))
    jobs = list(Engagement.objects.order_by("id").values_list("id", "client_id",
                                                                "verified_entity_id"))
    return Body(staff=staff, clients=[c.pk for c in clients],
                entities=[o.pk for o in entities],
                entity_names={o.pk: o.name for o in entities}, engagements=jobs,
                signed_by_head=signed)


# --- one case's story ---------------------------------------------------------------------------

# The steps of each kind, in order: (event action, state after, who acts). The first is
# the registration; a story ends at a final state or stops at an open one.
FLOWS = {
    CaseKind.COMPLAINT: [("received", S.RECEIVED, "office"), ("accepted", S.ACCEPTED, "head"),
                         ("assigned", S.ACCEPTED, "head"),
                         ("evaluated_valid", S.INVESTIGATING, "handler"),
                         ("proposed", S.PROPOSED, "handler"), ("reviewed", S.REVIEWED, "head"),
                         ("approved", S.APPROVED, "qm"), ("decision_sent", S.CLOSED, "office")],
    CaseKind.APPEAL: [("received", S.RECEIVED, "office"), ("accepted", S.ACCEPTED, "head"),
                      ("organized", S.IN_HANDLING, "head"),
                      ("ruling_drafted", S.RULING_DRAFTED, "handler"),
                      ("reviewed", S.RULING_REVIEWED, "head"),
                      ("approved", S.RULING_APPROVED, "qm"), ("decision_sent", S.RULED, "office"),
                      ("closed_after_committee_window", S.CLOSED, "system")],
    CaseKind.DISPUTE: [("received", S.RECEIVED, "office"), ("accepted", S.ACCEPTED, "head"),
                       ("answered", S.ANSWERED, "office"), ("agreed", S.CLOSED, "office")],
    CaseKind.NONCONFORMITY: [("nonconformity_opened", S.OPEN, "head"),
                             ("analysed", S.ANALYSED, "qa"),
                             ("plan_signed_off", S.PLAN_APPROVED, "qm"),
                             ("task_assigned", S.IMPLEMENTING, "qa"),
                             ("report_submitted", S.REPORTED, "qa"),
                             ("verified_effective", S.VERIFIED, "qa"),
                             ("effectiveness_confirmed", S.CLOSED, "head")],
}
# Where an open case of each kind may stand (the nonconformity's implementation step is
# left out: its date lives on its cycle).
OPEN_STATES = {CaseKind.COMPLAINT: 7, CaseKind.APPEAL: 7, CaseKind.DISPUTE: 3,
               CaseKind.NONCONFORMITY: 2}
# The notifications each step queues: (template, recipient) with recipient a role, the
# handler, or the submitter party.
QUEUED = {
    "received": [("case_received", Role.DEPARTMENT_HEAD), ("case_received", Role.CLIENT_OFFICE)],
    "accepted": [("acceptance_notice", "submitter"), ("case_accepted", Role.DEPARTMENT_HEAD)],
    "rejected": [("rejection_notice", "submitter")],
    "assigned": [("case_assigned", "handler")],
    "organized": [("case_assigned", "handler")],
    "proposed": [("review_needed", Role.DEPARTMENT_HEAD)],
    "ruling_drafted": [("review_needed", Role.DEPARTMENT_HEAD)],
    "reviewed": [("approval_needed", Role.QUALITY_MANAGER)],
    "approved": [("notice_to_send", Role.CLIENT_OFFICE)],
    "decision_sent": [("decision_notice", "submitter")],
    "answered": [("decision_notice", "submitter")],
    "agreed": [("decision_notice", "submitter")],
    "analysed": [("plan_signoff_needed", Role.QUALITY_MANAGER)],
    "plan_signed_off": [("tasks_to_assign", Role.QUALITY_ASSURANCE)],
    "task_assigned": [("task_assigned", "handler")],
    "report_submitted": [("verification_needed", Role.QUALITY_ASSURANCE)],
    "verified_effective": [("confirmation_needed", Role.DEPARTMENT_HEAD)],
}
NOTICE_OF = {("accepted", None): "acceptance", ("rejected", None): "rejection",
             ("approved", CaseKind.COMPLAINT): "complaint_result",
             ("approved", CaseKind.APPEAL): "appeal_ruling",
             ("answered", CaseKind.DISPUTE): "dispute_answer"}


@dataclass
class Seeder:
    rng: random.Random
    body: Body
    until: dt.datetime
    tables: dict[str, Table]
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    overrides: object = None
    schedule: ReminderSchedule | None = None
    cycle: dict | None = None  # the nonconformity's analysis cycle, filled step by step
    table: object = None  # the calendar's working-day table for `overrides`
    last_notice: int | None = None

    def __post_init__(self):
        self.overrides = calendar_overrides()
        self.schedule = ReminderSchedule(self.overrides)
        self.table = working_day_table(self.overrides)

    # -- helpers
    def who(self, role: str, handler: int | None, engagement) -> int | None:
        if role == "system":
            return None
        if role == "handler":
            return handler
        if role == "head" and engagement and engagement[0] in self.body.signed_by_head:
            role = "deputy"  # R8.15: the head signed the report this case is about
        return self.body.one(role, self.rng)

    def text(self, case_no: int) -> tuple[str, str]:
        rng = self.rng
        subject = rng.choice(SUBJECTS)
        sentences = [rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))]
        if case_no % RARE_EVERY == 0:
            sentences.insert(1, f"涉及{RARE_FIRM}石化有限公司的核查项目。")
        else:
            entity = self.body.entity_names[rng.choice(self.body.entities)]
            sentences.insert(1, f"涉及{entity}的核查项目。")
        return subject, "".join(sentences)

    def number(self, kind: str, received: dt.datetime) -> str:
        year = received.astimezone(CHINA).year
        last = self.counters.get((kind, year), 0) + 1
        self.counters[(kind, year)] = last
        return f"{NUMBER_PREFIX[kind]}-{year}-{last:04d}"

    def story_times(self, received: dt.datetime, steps: int) -> list[dt.datetime]:
        """When each step happened: working hours apart, the decision within a few days,
        compressed to end before `until` for a recent case."""
        rng = self.rng
        gaps = [dt.timedelta(0)] + [dt.timedelta(hours=rng.uniform(2, 24 * 9))
                                    for _ in range(steps - 1)]
        times, t = [], received
        for gap in gaps:
            t = t + gap
            times.append(t)
        room = self.until - dt.timedelta(minutes=5) - received
        span = times[-1] - received
        if span > room:  # (a case of one step has no span)
            scale = room / span
            times = [received + (x - received) * scale for x in times]
        return times

    # -- the case
    def received_times(self, size: int) -> list[dt.datetime]:
        """When the cases came in, oldest first: rows are written in that order, as a
        live table fills (the year filters then read a year's share of its pages)."""
        ages = sorted((self.rng.uniform(3600, YEARS * 365.25 * 86400) for _ in range(size)),
                      reverse=True)
        return [(self.until - dt.timedelta(seconds=age)).replace(microsecond=0)
                for age in ages]

    def case(self, case_no: int, received: dt.datetime) -> None:
        kind = self.rng.choices([CaseKind.COMPLAINT, CaseKind.APPEAL, CaseKind.DISPUTE,
                                 CaseKind.NONCONFORMITY], weights=[70, 12, 10, 8])[0]
        path, times = self.story(kind, received)
        self.write(case_no, kind, received, path, times)

    def story(self, kind: str, received: dt.datetime):
        """The steps a case went through and when: recent cases are still open, older
        ones mostly closed."""
        rng = self.rng
        flow = FLOWS[kind]
        recent = self.until - received < dt.timedelta(days=90)
        stays_open = rng.random() < (0.7 if recent else 0.06)
        ending = None
        if stays_open:
            steps = rng.randint(1, OPEN_STATES[kind])
        elif kind != CaseKind.NONCONFORMITY and rng.random() < 0.16:
            ending = rng.choice(["rejected"] * 5 + ["withdrawn"])
            steps = 1 if ending == "rejected" else rng.randint(1, 3)
        else:
            steps = len(flow)
        path = flow[:steps]
        if ending == "rejected":
            path = path + [("rejected", S.REJECTED, "head")]
        elif ending == "withdrawn":
            path = path + [("withdrawn", S.WITHDRAWN, "office")]
        return path, self.story_times(received, len(path))

    def acceptance_missed_at(self, case: Case,
                             left_received: dt.datetime | None) -> dt.datetime | None:
        """R7.01: when the sweep (every few minutes) opened a nonconformity for a case
        still awaiting its acceptance decision after the 7 working days; None if it did
        not."""
        if case.acceptance_due_at is None:
            return None
        opened = case.acceptance_due_at + dt.timedelta(minutes=5)
        if opened >= self.until or (left_received is not None and left_received <= opened):
            return None
        return opened

    def missed_acceptance(self, case: Case, opened: dt.datetime) -> None:
        path, times = self.story(CaseKind.NONCONFORMITY, opened)
        self.write(0, CaseKind.NONCONFORMITY, opened, path, times, origin=case)

    def write(self, case_no, kind, received, path, times, origin: Case | None = None) -> None:
        rng, body, t = self.rng, self.body, self.tables
        number = self.number(kind, received)
        if origin is None:
            subject, description = self.text(case_no)
        else:
            subject = f"{origin.number} 受理超期"
            description = f"{origin.number} 未在7个工作日内作出受理决定并发出受理通知书。"
        handler = body.one("verifier" if kind == CaseKind.NONCONFORMITY else "project", rng)
        engagement = None
        if origin is not None:
            engagement = next((e for e in body.engagements if e[0] == origin.engagement_id),
                              None)
        elif kind == CaseKind.APPEAL or rng.random() < 0.3:
            engagement = rng.choice(body.engagements)

        submitter = respondent = None
        if kind != CaseKind.NONCONFORMITY:
            party_kind = {"complaint": "complainant", "appeal": "appellant",
                          "dispute": "client"}[kind]
            organization = (engagement[1] if engagement and kind != CaseKind.COMPLAINT
                            else None)
            submitter = t["party"].add(
                kind=party_kind, name="张三", organization_id=organization,
                email=f"p{case_no}@example.cn", phone=f"138{case_no % 100000000:08d}")
            if kind == CaseKind.COMPLAINT and rng.random() < 0.4:
                about_staff = rng.random() < 0.1
                respondent = t["party"].add(
                    kind="respondent",
                    name="核查员" if about_staff else body.entity_names[
                        engagement[2] if engagement else rng.choice(body.entities)],
                    staff_id=body.one("verifier", rng) if about_staff else None,
                    organization_id=None if about_staff else (
                        engagement[2] if engagement else rng.choice(body.entities)))
        case_id = t["case"].next_id
        case = Case(id=case_id, number=number, kind=kind, subject=subject,
                    description=description, received_at=received, target_days={},
                    scope=origin.scope if origin else rng.choice("abcd"),
                    channel="in_person" if kind == CaseKind.NONCONFORMITY
                    else rng.choice(["email", "letter", "phone", "web"]),
                    origin_case_id=origin.id if origin else None,
                    engagement_id=engagement[0] if engagement else None,
                    submitter_id=submitter, respondent_id=respondent)
        values: dict = {}
        if kind == CaseKind.APPEAL:
            decided = (received - dt.timedelta(days=rng.randint(3, 50))).astimezone(CHINA).date()
            window = appeal_filing_deadline(decided, self.overrides)
            values.update(decision_received_on=decided, filing_window_ends_at=window.due_at,
                          filing_window_provisional=window.provisional,
                          filed_late=appeal_filed_late(received, window),
                          appealed_decision=body_report(engagement))

        if kind == CaseKind.APPEAL and path[-1][0] == "decision_sent":
            # X5: a ruled appeal closes by itself once its window ends (the sweep), or
            # is still ruled at `until`.
            path, times = path + [FLOWS[CaseKind.APPEAL][-1]], times + [times[-1]]
        signed: set[int] = set()
        events = t["caseevent"]
        cycle = None
        state = ""
        for (action, to_state, role), at in zip(path, times, strict=True):
            if action == "closed_after_committee_window":
                # X5: closed by the sweep once the window ended; until then it stays ruled.
                at = case.committee_window_ends_at + dt.timedelta(minutes=10)
                if at > self.until:
                    break
            actor = self.who(role, handler, engagement)
            if (actor is not None and actor not in signed
                    and action not in ("received", "nonconformity_opened")):
                # R9.01: whoever acts on a case signs its commitment first.
                signed.add(actor)
                declaration = t["declaration"].add(staff_id=actor, kind="case", case_id=case_id,
                                                   signed_at=at - dt.timedelta(minutes=1))
                events.add(case_id=case_id, actor_id=actor, at=at - dt.timedelta(minutes=1),
                           action="commitment_signed", from_state=state or to_state,
                           to_state=state or to_state,
                           payload={"declaration": declaration, "conflict_declared": False})
            payload = {}
            if action == "received":
                payload = {"channel": case.channel, "filed_late": values.get("filed_late", False),
                           "submitter_party": submitter}
                case.acceptance_due_at = add_working_days(
                    received, ACCEPTANCE_WORKING_DAYS, self.overrides).due_at
            elif action in ("accepted", "rejected"):
                case.accepted_at = at
                if action == "accepted":
                    payload = {"action_to_take": "调查核实",
                               "late": at > case.acceptance_due_at}
            elif action in ("assigned", "organized", "task_assigned"):
                case.handler_id = handler
                payload = {"handler": handler, "previous_handler": None}
            elif action in ("proposed", "ruling_drafted"):
                case.drafted_by_id = handler
            elif action == "reviewed":
                case.reviewed_by_id = actor
            elif action == "evaluated_valid":
                case.valid = True
            if action == "proposed":
                case.substantiated = rng.random() < 0.3
                case.outcome = "投诉属实，重新核查" if case.substantiated else "投诉不成立"
                for side in ("submitter", "respondent"):
                    t["finding"].add(case_id=case_id, side=side, method="desk",
                                     text="已记录双方说明", recorded_by_id=handler,
                                     recorded_at=at - dt.timedelta(hours=1))
            if kind == CaseKind.NONCONFORMITY and action == "nonconformity_opened":
                if origin is not None:  # opened by the sweep (R7.01)
                    actor, source = None, NonconformitySource.CASE_HANDLING
                else:
                    source = NonconformitySource.INTERNAL_INSPECTION
                payload = {"source": source, "severity": "normal",
                           "origin_case": origin.id if origin else None}
                nonconformity = t["nonconformity"].add(
                    case_id=case_id, source=source, severity="normal",
                    responsible_role=responsible_post(source),
                    trigger="missed_acceptance" if origin else "")
                cycle = t["analysiscycle"].add(nonconformity_id=nonconformity, number=1)
                self.cycle = {"id": cycle}
                # R7.04: every nonconformity opens an internal inspection.
                target = add_working_days(at, default_target_days("inspection"),
                                          self.overrides)
                inspection = t["internalinspection"].add(
                    nonconformity_id=nonconformity, target_at=target.due_at,
                    target_working_days=default_target_days("inspection"),
                    target_provisional=target.provisional, opened_at=at, opened_by_id=actor)
                for role_notified in (responsible_post(source), Role.QUALITY_ASSURANCE):
                    self.notification(case_id, "nonconformity_opened", role_notified, handler,
                                      None, at)
                self.notification(case_id, "inspection_opened", Role.QUALITY_ASSURANCE,
                                  handler, None, at, about=f"inspection:{inspection}")
            if cycle is not None and action == "analysed":
                due_on = (at + dt.timedelta(days=rng.randint(20, 60))).astimezone(CHINA).date()
                self.cycle.update(method="five_whys", analysis="为什么", root_cause="职责不清",
                                  correction="补齐", corrective_action="修订制度",
                                  report_due_on=due_on, analysed_by_id=actor)
            if cycle is not None and action == "plan_signed_off":
                self.cycle["plan_signed_off_by_id"] = actor
            if cycle is not None and action == "task_assigned":
                t["capatask"].add(cycle_id=cycle, description="补齐现场记录", owner_id=handler,
                                  due_at=add_working_days(at, 10, self.overrides).due_at,
                                  assigned_at=at, due_working_days=10, assigned_by_id=actor,
                                  done_at=None)
            if cycle is not None and action == "report_submitted":
                self.cycle.update(report="已完成整改", reported_at=at)
                t["capatask"].rows[-1]["done_at"] = at - dt.timedelta(hours=1)
            if cycle is not None and action == "verified_effective":
                self.cycle.update(conclusion="effective", verified_by_id=actor)
            if cycle is not None and action == "effectiveness_confirmed":
                self.cycle["confirmed_by_id"] = actor
                t["internalinspection"].rows[-1].update(
                    findings="已检查", completed_by_id=self.body.one("qa", rng),
                    completed_at=at - dt.timedelta(hours=2))

            from_state = state or to_state
            events.add(case_id=case_id, actor_id=actor, actor_label="" if actor else "system",
                       at=at, action=action, from_state=from_state, to_state=to_state,
                       payload=payload)
            if to_state != state:
                case.state_since = at
            state = to_state
            notice = NOTICE_OF.get((action, None)) or NOTICE_OF.get((action, kind))
            notice_id = None
            if notice:
                text = case.outcome or "调查核实"
                notice_id = t["notice"].add(
                    case_id=case_id, kind=notice, text=text,
                    file=f"notices/{at.year}/{number}-{notice}.pdf",
                    sha256=sha(f"{number}{notice}"), approved_by_id=actor,
                    approved_at=at + dt.timedelta(seconds=1))
                events.add(case_id=case_id, actor_id=actor, at=at + dt.timedelta(seconds=1),
                           action="notice_issued", from_state=state, to_state=state,
                           payload={"notice": notice_id, "kind": notice,
                                    "sha256": sha(f"{number}{notice}")})
                self.last_notice = notice_id
            if action == "decision_sent":
                sending = t["noticesending"].add(
                    notice_id=self.last_notice, channel="email", sha256=sha(f"{number}sent"),
                    sent_at=at, sent_by_id=actor, email_message_id=f"<{number}@cec>",
                    recipient_party_id=submitter)
                events.add(case_id=case_id, actor_id=actor, at=at - dt.timedelta(seconds=1),
                           action="notice_sent", from_state=from_state, to_state=from_state,
                           payload={"notice": self.last_notice, "channel": "email",
                                    "sending": sending, "recipient": "submitter",
                                    "party": submitter, "organization": None})
                if kind == CaseKind.APPEAL:
                    case.committee_window_ends_at = add_working_days(
                        at, committee_window_days(), self.overrides).due_at
            for template, recipient in QUEUED.get(action, []):
                if recipient == "submitter" and submitter is None:
                    continue
                self.notification(case_id, template, recipient, handler, submitter, at)
            if to_state in FINAL_STATES:
                case.closed_at = at
                archive = t["archiverecord"].add(
                    case_id=case_id, archive_number=number, archived_at=at,
                    custodian_role=Role.CLIENT_OFFICE,
                    retain_until=add_years(at.astimezone(CHINA).date(), 10))
                events.add(case_id=case_id, actor_id=None, actor_label="system",
                           at=at + dt.timedelta(seconds=2), action="archived",
                           from_state=state, to_state=state, payload={"archive": archive})

        case.state = state
        for name, value in values.items():
            setattr(case, name, value)
        if cycle is not None:
            # X1: the report's verdict once decided, as `cycle_figures_record` stores it.
            self.cycle["report_counted"] = report_verdict(
                report_due_on=self.cycle.get("report_due_on"),
                reported_at=self.cycle.get("reported_at"),
                concluded=bool(self.cycle.get("conclusion")),
                today=self.until.astimezone(CHINA).date())
            t["analysiscycle"].rows[-1].update(self.cycle)
        self.deadline(case)
        # X1: what the case adds to the year's figures, as `case_figures_record` stores it.
        figures = case_figures(state=case.state, received_at=case.received_at,
                               acceptance_due_at=case.acceptance_due_at,
                               accepted_at=case.accepted_at, closed_at=case.closed_at,
                               table=self.table)
        case.acceptance_counted = figures.acceptance
        case.working_days_to_acceptance = figures.to_acceptance
        case.working_days_to_closure = figures.to_closure
        left = next((at for (_, to_state, _), at in zip(path, times, strict=False)
                     if to_state != S.RECEIVED), None)
        missed_at = self.acceptance_missed_at(case, left)
        case.acceptance_missed = missed_at is not None
        t["case"].add(**{f.attname: getattr(case, f.attname)
                         for f in Case._meta.concrete_fields
                         if f.attname not in ("created_at", "submission_document")},
                      created_at=received)
        if missed_at is not None:
            self.missed_acceptance(case, missed_at)

    def deadline(self, case: Case) -> None:
        """What `case_deadline_refresh` stores: the current step's deadline, the sweep's
        next moment for it (none once the case is closed)."""
        d = case_deadline(case, since=case.state_since, overrides=self.overrides)
        case.due_at, case.due_step = d.due_at, d.step
        case.deadline_kind, case.deadline_provisional = d.kind, d.provisional
        case.next_reminder_at = (self.schedule.next_moment(d.due_at, self.until)
                                 if reminded_on_case(d) else None)

    def notification(self, case_id, template, recipient, handler, submitter, at, about=""):
        rng, t = self.rng, self.tables
        to = {}
        if recipient == "handler":
            to["recipient_staff_id"] = handler
        elif recipient == "submitter":
            to["recipient_party_id"] = submitter
        else:
            to["recipient_role"] = recipient
        failed = rng.random() < 0.005
        created = at + dt.timedelta(seconds=3)
        sent_at = created + dt.timedelta(seconds=rng.uniform(1, 30))
        channel = "email" if recipient == "submitter" or rng.random() < 0.5 else "telegram"
        pk = t["notification"].add(
            case_id=case_id, template=template, context={}, about=about,
            status="failed" if failed else "sent", attempts=4 if failed else 1,
            channel=channel, last_error="550 mailbox unavailable" if failed else "",
            created_at=created, sent_at=None if failed else sent_at,
            failed_at=created + dt.timedelta(minutes=8) if failed else None,
            enqueued_at=created, next_attempt_at=None, **to)
        staff = handler if recipient == "handler" else None
        if failed:
            for k in range(4):
                t["deliveryattempt"].add(
                    notification_id=pk, at=created + dt.timedelta(minutes=2 ** k),
                    channel=channel, recipient_staff_id=staff,
                    result="failed" if k == 3 else "retry", error="550 mailbox unavailable")
        else:
            t["deliveryattempt"].add(notification_id=pk, at=sent_at, channel=channel,
                                     recipient_staff_id=staff, result="sent",
                                     external_id=f"<n{pk}@cec>" if channel == "email"
                                     else str(pk))


def body_report(engagement) -> str:
    return f"核查报告 {engagement[0]}" if engagement else ""


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


MODELS = [Party, Case, CaseEvent, Declaration, Notice, NoticeSending, Notification,
          DeliveryAttempt, Finding, ArchiveRecord, Nonconformity, AnalysisCycle, CapaTask,
          InternalInspection]


def seed(*, size: int, seed: int = 15, until: dt.datetime, batch: int = 5000,
         progress=None, vacuum: bool = True) -> dict:
    """Add `size` cases; returns what was written, per table."""
    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        body = body_create(random.Random(seed), engagements=max(200, size // 50), until=until)
        tables = {m._meta.model_name: Table(m, next_id(m)) for m in MODELS}
        seeder = Seeder(rng=rng, body=body, until=until, tables=tables)
        seeder.counters = {(c.kind, c.year): c.last for c in CaseCounter.objects.all()}
        for case_no, received in enumerate(seeder.received_times(size), start=1):
            seeder.case(case_no, received)
            if case_no % batch == 0 or case_no == size:
                for model in MODELS:  # parents before children
                    tables[model._meta.model_name].flush()
                if progress:
                    progress(case_no, time.monotonic() - started)
        for (kind, year), last in seeder.counters.items():
            CaseCounter.objects.update_or_create(kind=kind, year=year, defaults={"last": last})
        reset_sequences(MODELS)
    # X1: the summary tables from a full recount of what was written (which also checks
    # the figures stored on each row above: none should need correcting).
    figures = yearly_figures_rebuild(overrides=seeder.overrides,
                                     today=until.astimezone(CHINA).date())
    if vacuum and connection.vendor == "postgresql":
        # What autovacuum does on a live database: statistics for the planner, and the
        # visibility map that lets an index answer alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {name: table.written for name, table in tables.items()} | {
        "figures_corrected": figures.cases_corrected + figures.cycles_corrected,
        "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--until", type=dt.datetime.fromisoformat,
                        default=dt.datetime.now(tz=CHINA).replace(microsecond=0),
                        help="the end of the five years (ISO date-time with offset)")
    args = parser.parse_args(argv)
    if args.until.tzinfo is None:
        parser.error("--until needs an offset, e.g. 2026-11-30T12:00+08:00")

    def progress(n, seconds):
        print(f"  {n:>9,} cases  {seconds:6.1f} s", flush=True)

    written = seed(size=args.size, seed=args.seed, until=args.until, progress=progress)
    print(" ".join(f"{k}={v}" for k, v in written.items()))


if __name__ == "__main__":
    main()
