"""Demo data for the README's run command, built through the domain actions.

Idempotent: the administrator and calendar years are ensured every time; staff,
engagements and cases only on an empty database.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from caseflow.actions.appeals import appeal_draft_ruling, appeal_organize
from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.disputes import dispute_answer, dispute_refer_department_head
from caseflow.actions.documents import controlled_document_register
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import PartyDetails, case_accept, case_assign, case_register
from caseflow.actions.nonconformities import (
    case_report_internal_problem,
    nonconformity_analyse,
    nonconformity_sign_off_plan,
)
from caseflow.actions.staff import declaration_sign, staff_create
from caseflow.models import CalendarYear, Engagement, Organization, Role, Scope, Staff
from caseflow.workdays import package_covers

DEMO_PASSWORD = "caseflow-demo"

# username, name, {role: capacity}
DEMO_STAFF = [
    ("gm", "陈刚 Chen Gang", {Role.GENERAL_MANAGER: "holder"}),
    ("qm", "王芳 Wang Fang", {Role.QUALITY_MANAGER: "holder"}),
    ("head", "张敏 Zhang Min", {Role.DEPARTMENT_HEAD: "holder"}),
    ("deputy", "李娜 Li Na", {Role.DEPARTMENT_HEAD: "deputy"}),
    ("office", "赵磊 Zhao Lei", {Role.CLIENT_OFFICE: "holder"}),
    ("qa", "孙丽 Sun Li", {Role.QUALITY_ASSURANCE: "holder"}),
    ("project", "刘洋 Liu Yang", {Role.PROJECT_OFFICE: "holder"}),
    ("verifier", "胡伟 Hu Wei", {Role.VERIFIER: "holder"}),
    ("reviewer", "周杰 Zhou Jie", {Role.VERIFIER: "holder"}),
    ("member1", "徐教授 Prof. Xu", {Role.COMMITTEE_MEMBER: "holder"}),
    ("member2", "马博士 Dr. Ma", {Role.COMMITTEE_MEMBER: "holder"}),
    ("member3", "郭女士 Ms. Guo", {Role.COMMITTEE_MEMBER: "holder"}),
]


class Command(BaseCommand):
    help = "Create the demo administrator, staff for every role, engagements and cases."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True})
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        for year in range(2024, 2028):
            CalendarYear.objects.get_or_create(year=year)
        if not Staff.objects.exists():
            self.seed_domain()

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  admin      administrator (Django admin)")
        for username, name, roles in DEMO_STAFF:
            labels = ", ".join(f"{Role(r).label} [{c}]" for r, c in roles.items())
            self.stdout.write(f"  {username:<10} {name}: {labels}")
        unknown = [y for y in range(2024, 2028) if not package_covers(y)]
        if unknown:
            self.stdout.write(
                f"Calendar: no official schedule yet for {', '.join(map(str, unknown))};"
                " deadlines there are provisional.")

    def seed_domain(self):
        s = {u: staff_create(username=u, display_name=n, roles=r, password=DEMO_PASSWORD,
                             email=f"{u}@cec.example.cn") for u, n, r in DEMO_STAFF}
        year = timezone.localdate().year
        for staff in s.values():
            declaration_sign(staff=staff, kind="annual", year=year)

        authority = Organization.objects.create(
            name="江苏省生态环境厅", credit_code="11100000000013127D",
            kind=Organization.Kind.CLIENT_AUTHORITY, email="notices@sthjt.example.gov.cn")
        cement = Organization.objects.create(
            name="华东水泥有限公司", credit_code="91110000600037341L",
            kind=Organization.Kind.VERIFIED_ENTITY)
        power = Organization.objects.create(name="苏南热电有限公司",
                                            kind=Organization.Kind.VERIFIED_ENTITY)
        cement_job = Engagement.objects.create(
            report_number="JS25A0012", client=authority, verified_entity=cement,
            province="江苏", year=year - 1, batch="第一批",
            conclusion=Engagement.Conclusion.QUALIFIED, timely=True, team_lead=s["verifier"])
        cement_job.technical_reviewers.add(s["reviewer"])
        cement_job.report_signers.add(s["head"])
        power_job = Engagement.objects.create(
            report_number="JS25A0031", client=authority, verified_entity=power,
            province="江苏", year=year - 1, batch="第二批",
            conclusion=Engagement.Conclusion.QUALIFIED, timely=False, team_lead=s["reviewer"])
        power_job.verifiers.add(s["verifier"])

        now = timezone.now()

        def register(kind, subject, days_ago, submitter, **kw):
            case = case_register(kind=kind, subject=subject, description=subject + "。",
                                 channel=kw.pop("channel", "email"),
                                 received_at=now - dt.timedelta(days=days_ago),
                                 submitter=submitter, acting_user=s["office"], **kw)
            for u in ("head", "deputy", "qm", "gm", "office", "project", "qa"):
                declaration_sign(staff=s[u], kind="case", case=case)
            return case

        named = PartyDetails(name="张三", email="zhangsan@example.cn", phone="13800000000")
        # Complaints: just received, Liu Yang assigned to prepare the acceptance decision
        # (the reminder demo in README.md follows it); accepted and investigating; closed
        # with notice sent.
        received = register("complaint", "对核查报告排放量数据的投诉", 1, named,
                            scope=Scope.REPORT, engagement=power_job)
        case_assign(case=received, handler=s["project"], acting_user=s["head"])
        anon = register("complaint", "匿名反映核查员收受礼品", 2, PartyDetails(anonymous=True),
                        scope=Scope.MISCONDUCT, channel="web")
        complaint_evaluate(case=anon, acting_user=s["deputy"], valid=True,
                           reasoning="线索具体，可核实")
        investigating = register("complaint", "核查组现场工作不规范", 6, named,
                                 scope=Scope.IMPARTIALITY)
        case_accept(case=investigating, acting_user=s["head"], action_to_take="调查核实")
        case_assign(case=investigating, handler=s["project"], acting_user=s["head"])
        complaint_evaluate(case=investigating, acting_user=s["project"], valid=True,
                           reasoning="材料充分")
        complaint_record_finding(case=investigating, acting_user=s["project"],
                                 side="submitter", text="投诉人提供现场照片")
        closed = register("complaint", "核查报告出具延迟", 20, named, scope=Scope.OTHER)
        case_accept(case=closed, acting_user=s["head"], action_to_take="调查")
        case_assign(case=closed, handler=s["project"], acting_user=s["head"])
        complaint_evaluate(case=closed, acting_user=s["project"], valid=True, reasoning="成立")
        for side in ("submitter", "respondent"):
            complaint_record_finding(case=closed, acting_user=s["project"], side=side,
                                     text="已记录双方说明")
        complaint_propose(case=closed, acting_user=s["project"], outcome="投诉属实，已致歉并改进",
                          substantiated=True)
        case_review(case=closed, acting_user=s["head"])
        case_approve(case=closed, acting_user=s["qm"])
        case_send_decision(case=closed, acting_user=s["office"], channel="registered_mail",
                           registered_mail_number="XA100200300CN")

        # Appeals: received (on paper), ruling drafted and awaiting review.
        appellant = PartyDetails(name="华东水泥有限公司 李四", organization=cement,
                                 email="lisi@example.cn")
        register("appeal", "对核查结论的申诉", 2, appellant, scope=Scope.REPORT,
                 channel="letter", appealed_decision="JS25A0031 核查结论", engagement=power_job,
                 decision_received_on=timezone.localdate() - dt.timedelta(days=10),
                 submission_document=ContentFile(b"%PDF-1.4 demo scan", name="appeal.pdf"))
        drafted = register("appeal", "对核查发现项的申诉", 12, appellant, scope=Scope.REPORT,
                           appealed_decision="JS25A0031 不符合项通知", engagement=power_job,
                           decision_received_on=timezone.localdate() - dt.timedelta(days=20))
        case_accept(case=drafted, acting_user=s["head"], action_to_take="组织复核")
        appeal_organize(case=drafted, acting_user=s["head"], handler=s["project"])
        appeal_draft_ruling(case=drafted, acting_user=s["project"], ruling="维持原结论")

        # Disputes: answered, then escalated to the department head.
        client = PartyDetails(name="王五", organization=authority, email="wangwu@example.cn")
        dispute = register("dispute", "核查工作量与费用争议", 8, client, scope=Scope.OTHER,
                           channel="letter")
        case_accept(case=dispute, acting_user=s["head"], action_to_take="协商答复")
        dispute_answer(case=dispute, acting_user=s["office"], answer="工作量依据合同附件计算")
        dispute_refer_department_head(case=dispute, acting_user=s["office"],
                                      reason="委托方不接受答复")

        # A nonconformity found while handling the closed complaint, its plan signed off.
        nonconformity = case_report_internal_problem(
            case=closed, acting_user=s["head"], source="case_handling",
            description="报告出具流程缺少时限提醒，导致延迟。")
        for u in ("head", "qm", "office", "qa"):
            declaration_sign(staff=s[u], kind="case", case=nonconformity)
        nonconformity_analyse(
            case=nonconformity, acting_user=s["office"], method="five_whys",
            analysis="为什么延迟？无提醒……", root_cause="流程无时限控制点",
            correction="补发报告并致歉", corrective_action="在流程中增加时限提醒",
            report_due_on=timezone.localdate() + dt.timedelta(days=30))
        nonconformity_sign_off_plan(case=nonconformity, acting_user=s["qm"])

        # The controlled documents of the quality system (R7.07).
        for sequence, title, kind in [(1, "碳核查业务质量管理手册", "quality_manual"),
                                      (6, "档案管理制度", "procedure"),
                                      (8, "申诉、投诉和争议处理制度", "procedure")]:
            controlled_document_register(sequence=sequence, title=title, kind=kind,
                                         acting_user=s["qa"])
