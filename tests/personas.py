"""The people every domain test meets, built through the actions the product uses.

Each signed this year's annual commitment (R9.01); per-case commitments are signed in the
tests with `commit()`, since that is part of what the rules are about.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from caseflow.actions.intake import PartyDetails, case_accept, case_assign, case_register
from caseflow.actions.staff import declaration_sign, staff_create
from caseflow.models import (
    CaseKind,
    Channel,
    Declaration,
    Engagement,
    Organization,
    Role,
    Scope,
    Staff,
)

HOLDER, DEPUTY = "holder", "deputy"


@dataclass
class People:
    head: Staff  # Zhang Min, department head (部长): decides acceptance, reviews
    deputy_head: Staff  # Li Na, deputy head (副部长): acts when Zhang Min is recused
    quality_manager: Staff  # Wang Fang (质量经理): approves final notices and rulings
    general_manager: Staff  # Chen Gang (总经理): approves impartiality-related outcomes
    office: Staff  # Zhao Lei, client & information office: receives, sends notices
    office_2: Staff  # Qian Yu, also in the office: a second pair of hands
    handler: Staff  # Liu Yang, project office: investigates and drafts
    hu_wei: Staff  # Hu Wei led the verification the complaints are about: must be recused
    reviewer: Staff  # Zhou Jie was the technical reviewer of that engagement: recused too
    members: list[Staff]  # Xu, Ma, Guo: the impartiality committee
    newcomer: Staff  # Wu Di joined today and signed nothing yet

    def signed_up(self) -> list[Staff]:
        """Everyone who signs the annual commitment (all but the newcomer)."""
        return [self.head, self.deputy_head, self.quality_manager, self.general_manager,
                self.office, self.office_2, self.handler, self.hu_wei, self.reviewer,
                *self.members]


def annual(staff: Staff) -> None:
    declaration_sign(staff=staff, kind=Declaration.Kind.ANNUAL, year=timezone.localdate().year)


@contextmanager
def clock_at(people: People, moment: dt.datetime, *, tick: bool = False):
    """The clock at `moment`, with everyone's annual commitment (R9.01) for that year on
    file: the fixture signed for the year the suite runs in, which need not be this one.
    `tick`: time runs on from there (a browser test waits on real time)."""
    with time_machine.travel(moment, tick=tick):
        year = timezone.localdate().year
        for s in people.signed_up():
            if not Declaration.objects.filter(staff=s, kind=Declaration.Kind.ANNUAL,
                                              year=year).exists():
                annual(s)
        yield


def commit(case, *staff: Staff) -> None:
    """Each signs the per-case commitment for `case` (R9.01)."""
    for s in staff:
        declaration_sign(staff=s, kind=Declaration.Kind.CASE, case=case)


def handled(people, case):
    """`case` accepted by the head and assigned to Liu Yang (project office), both having
    signed its commitment (R9.01)."""
    commit(case, people.head, people.handler)
    case_accept(case=case, acting_user=people.head, action_to_take="调查")
    return case_assign(case=case, handler=people.handler, acting_user=people.head)


@pytest.fixture
def people(db) -> People:
    def make(username, name, roles):
        return staff_create(username=username, display_name=name, roles=roles,
                            email=f"{username}@cec.example.cn")

    p = People(
        head=make("zhangmin", "张敏 Zhang Min", {Role.DEPARTMENT_HEAD: HOLDER}),
        deputy_head=make("lina", "李娜 Li Na", {Role.DEPARTMENT_HEAD: DEPUTY}),
        quality_manager=make("wangfang", "王芳 Wang Fang", {Role.QUALITY_MANAGER: HOLDER}),
        general_manager=make("chengang", "陈刚 Chen Gang", {Role.GENERAL_MANAGER: HOLDER}),
        office=make("zhaolei", "赵磊 Zhao Lei", {Role.CLIENT_OFFICE: HOLDER}),
        office_2=make("qianyu", "钱宇 Qian Yu", {Role.CLIENT_OFFICE: DEPUTY}),
        handler=make("liuyang", "刘洋 Liu Yang", {Role.PROJECT_OFFICE: HOLDER}),
        hu_wei=make("huwei", "胡伟 Hu Wei", {Role.VERIFIER: HOLDER}),
        reviewer=make("zhoujie", "周杰 Zhou Jie", {Role.VERIFIER: HOLDER}),
        members=[make(u, n, {Role.COMMITTEE_MEMBER: HOLDER})
                 for u, n in [("xu", "徐教授 Prof. Xu"), ("ma", "马博士 Dr. Ma"),
                              ("guo", "郭女士 Ms. Guo")]],
        newcomer=make("wudi", "吴迪 Wu Di", {Role.CLIENT_OFFICE: HOLDER}),
    )
    for s in p.signed_up():
        annual(s)
    return p


@pytest.fixture
def client_authority(db) -> Organization:
    return Organization.objects.create(name="某省生态环境厅", credit_code="11100000000013127D",
                                       kind=Organization.Kind.CLIENT_AUTHORITY)


@pytest.fixture
def cement_works(db) -> Organization:
    return Organization.objects.create(name="华东水泥有限公司", credit_code="91110000600037341L",
                                       kind=Organization.Kind.VERIFIED_ENTITY)


@pytest.fixture
def engagement(people, client_authority, cement_works) -> Engagement:
    """The 2025 verification of the cement works, led by Hu Wei, reviewed by Zhou Jie."""
    e = Engagement.objects.create(
        report_number="JS25A0012", client=client_authority, verified_entity=cement_works,
        province="江苏", year=2025, batch="第一批", conclusion=Engagement.Conclusion.QUALIFIED,
        team_lead=people.hu_wei,
    )
    e.technical_reviewers.add(people.reviewer)
    return e


def complaint(people, *, engagement=None, anonymous=False, received_at=None,
              scope=Scope.REPORT, respondent=None, submitter=None, registrar=None, **kw):
    submitter = submitter or (PartyDetails(anonymous=True) if anonymous else PartyDetails(
        name="张三", email="zhangsan@example.cn", phone="13800000000"))
    return case_register(
        kind=CaseKind.COMPLAINT, subject="核查报告数据有误", description="排放量计算有误。",
        scope=scope, channel=Channel.WEB if anonymous else Channel.EMAIL,
        received_at=received_at or timezone.now(), submitter=submitter,
        acting_user=None if anonymous else registrar or people.office, engagement=engagement,
        respondent=respondent, **kw,
    )


def appealed_engagement() -> Engagement:
    """The engagement an appeal is against when a test does not say (X11): the cement
    works' 2025 verification, as in the `engagement` fixture."""
    found = Engagement.objects.filter(report_number="JS25A0012").first()
    if found:
        return found
    people = {s.user.username: s for s in Staff.objects.select_related("user")}
    e = Engagement.objects.create(
        report_number="JS25A0012",
        client=Organization.objects.get_or_create(
            credit_code="11100000000013127D",
            defaults={"name": "某省生态环境厅",
                      "kind": Organization.Kind.CLIENT_AUTHORITY})[0],
        verified_entity=Organization.objects.get_or_create(
            credit_code="91110000600037341L",
            defaults={"name": "华东水泥有限公司",
                      "kind": Organization.Kind.VERIFIED_ENTITY})[0],
        province="江苏", year=2025, batch="第一批", conclusion=Engagement.Conclusion.QUALIFIED,
        team_lead=people.get("huwei"))
    if "zhoujie" in people:
        e.technical_reviewers.add(people["zhoujie"])
    return e


def appeal(people, *, decision_received_on=None, received_at=None, engagement=None,
           channel=Channel.EMAIL, submission_document=None, appealed_case=None):
    if appealed_case is None and engagement is None:
        engagement = appealed_engagement()
    return case_register(
        kind=CaseKind.APPEAL, subject="对核查结论的申诉", description="不同意核查结论。",
        scope=Scope.REPORT, channel=channel, received_at=received_at or timezone.now(),
        submitter=PartyDetails(name="李四", email="lisi@example.cn"),
        acting_user=people.office, engagement=engagement,
        appealed_decision="核查报告 JS25A0012 结论", appealed_case=appealed_case,
        decision_received_on=decision_received_on or timezone.localdate() - dt.timedelta(days=5),
        submission_document=submission_document,
    )


def dispute(people, organization, *, scope=Scope.OTHER):
    return case_register(
        kind=CaseKind.DISPUTE, subject="核查费用争议", description="对核查工作量有异议。",
        scope=scope, channel=Channel.LETTER, received_at=timezone.now(),
        submitter=PartyDetails(name="王五", organization=organization,
                               email="wangwu@example.cn"),
        acting_user=people.office,
    )
