"""Yearly reports: the information disclosure table (D1), the impartiality self-check report
(R9.03) and the complaint statistics of the management review (X1)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.conflict_analysis import conflict_analysis_record
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import PartyDetails, case_accept, case_assign
from caseflow.actions.nonconformities import nonconformity_open
from caseflow.actions.notices import SendingProof
from caseflow.actions.staff import declaration_rule, declaration_sign
from caseflow.disclosure_table import render_disclosure_table_xlsx
from caseflow.models import Declaration, Engagement, Organization, Scope
from caseflow.selectors.reports import (
    acceptance_timeliness,
    complaint_statistics,
    disclosure_table_data,
    self_check_report_data,
)
from caseflow.self_check_report import render_self_check_report_pdf
from caseflow.workdays import CHINA
from tests.pdf_text import pdf_text
from tests.personas import appeal, commit, complaint, dispute

pytestmark = pytest.mark.django_db

# The body's basic information (一) and measures (二), as a deployment configures them.
BODY = dict(
    CASEFLOW_BODY_SHORT_NAME="CEC", CASEFLOW_BODY_NAME="某某认证中心有限公司",
    CASEFLOW_BODY_CREDIT_CODE="91110000600037341L", CASEFLOW_BODY_LEGAL_REPRESENTATIVE="张某",
    CASEFLOW_BODY_REGISTERED_CAPITAL="3000 万", CASEFLOW_BODY_ADDRESS="北京市某区某路 1 号",
    CASEFLOW_BODY_CONTACT="李某", CASEFLOW_BODY_CONTACT_DETAILS="010-12345678 info@example.cn",
    CASEFLOW_BODY_QUALITY_MEASURES="制定了碳核查业务质量管理手册。",
    CASEFLOW_BODY_IMPARTIALITY_MEASURES="成立了公正性管理委员会。",
)


def at(*args) -> time_machine.travel:
    """Travel to a moment in Beijing time (the calendar's time zone)."""
    return time_machine.travel(dt.datetime(*args, tzinfo=CHINA))


def signed_for(people, year: int) -> None:
    """Everyone but the newcomer holds the annual commitment for `year` (R9.01)."""
    for s in [people.head, people.deputy_head, people.quality_manager, people.general_manager,
              people.office, people.office_2, people.handler, people.hu_wei, people.reviewer,
              *people.members]:
        if not Declaration.objects.filter(staff=s, kind="annual", year=year).exists():
            with at(year, 1, 5, 10, 0):  # signed in that year, as R9.01 requires
                declaration_sign(staff=s, kind=Declaration.Kind.ANNUAL, year=year)


def accept(people, case):
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    return case_accept(case=case, acting_user=people.head, action_to_take="调查核实")


def settle(people, case, *, substantiated=True, send=True):
    """Investigate an accepted complaint and take it through review and approval."""
    case = case_assign(case=case, handler=people.handler, acting_user=people.head)
    complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="材料充分")
    for side in ("submitter", "respondent"):
        complaint_record_finding(case=case, acting_user=people.handler, side=side, text="记录")
    case = complaint_propose(case=case, acting_user=people.handler, outcome="投诉属实，重新核查",
                             substantiated=substantiated)
    case = case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    if send:
        client = SendingProof(channel="email", email_message_id=f"<{case.number}-c@cec>")
        case = case_send_decision(case=case, acting_user=people.office, channel="email",
                                  email_message_id=f"<{case.number}@cec>",
                                  client=client if case.engagement_id else None)
    return case


def entity(name: str) -> Organization:
    return Organization.objects.create(name=name, kind=Organization.Kind.VERIFIED_ENTITY)


# --- D1 ------------------------------------------------------------------------------------


@pytest.fixture
def disclosure_2026(people, client_authority, cement_works, engagement):
    """2026 work: 江苏 第一批 (two entities, one of them twice), 浙江 (no batch, late and not
    qualified); the 2025 engagement of the fixture must stay out of 2026."""
    steel, power = entity("华东钢铁有限公司"), entity("江南电力有限公司")

    def make(number, province, batch, verified, conclusion, timely):
        return Engagement.objects.create(
            report_number=number, client=client_authority, verified_entity=verified,
            province=province, year=2026, batch=batch, conclusion=conclusion, timely=timely)

    q, nq, pending = (Engagement.Conclusion.QUALIFIED, Engagement.Conclusion.NOT_QUALIFIED,
                      Engagement.Conclusion.PENDING)
    make("JS26A0001", "江苏", "第一批", cement_works, q, True)
    make("JS26A0002", "江苏", "第一批", steel, q, None)
    make("JS26A0003", "江苏", "第一批", cement_works, pending, True)
    zhejiang = make("ZJ26A0001", "浙江", "", power, nq, False)

    with at(2025, 6, 2, 10, 0):  # a serious nonconformity of the year before
        nonconformity_open(source="verification_work", severity="serious",
                           subject="2025 年核查记录缺失", description="记录缺失",
                           acting_user=people.head)
    signed_for(people, 2026)
    with at(2026, 9, 1, 10, 0):
        upheld = settle(people, accept(people, complaint(
            people, engagement=zhejiang, received_at=timezone.now())))
        serious = nonconformity_open(
            source="verification_work", severity="serious", subject="核查数据未经复核",
            description="排放数据未经技术评审复核", acting_user=people.head, origin_case=upheld)
        nonconformity_open(source="routine_inspection", subject="文件未及时归档",
                           description="一般不符合", acting_user=people.head)
        # Proposed as substantiated but not yet reviewed and approved: not a bad record yet.
        case = accept(people, complaint(people, received_at=timezone.now()))
        case = case_assign(case=case, handler=people.handler, acting_user=people.head)
        complaint_evaluate(case=case, acting_user=people.handler, valid=True, reasoning="成立")
        for side in ("submitter", "respondent"):
            complaint_record_finding(case=case, acting_user=people.handler, side=side,
                                     text="记录")
        complaint_propose(case=case, acting_user=people.handler, outcome="属实",
                          substantiated=True)
    return upheld, serious


def test_d1_rows_group_engagements_by_province_and_batch(disclosure_2026):
    """D1: one row per province/batch with its distinct verified entities, or the entity
    itself where there is one; not timely when any engagement was late, unknown (未填写)
    when one is not filled in; 7 其他内容 counts what did not conform."""
    rows = disclosure_table_data(2026).rows
    assert [(r.number, r.label, r.timely_text, r.quality, r.other) for r in rows] == [
        (1, "江苏 第一批（2 家）", "未填写", ("符合",) * 6, ""),
        (2, "江南电力有限公司", "不及时", ("符合",) * 6, "1 份结论不合格；1 项不符合"),
    ]


def test_d1_counts_conclusions_issued_and_the_qualified_rate(disclosure_2026):
    """D1: conclusions issued are the qualified and not-qualified ones of the year (the
    pending one and the 2025 one are not), with the qualified rate."""
    table = disclosure_table_data(2026)
    assert (table.conclusions_issued, table.qualified, table.not_qualified) == (3, 2, 1)
    assert table.qualified_rate == Decimal("66.7")
    assert table.conclusions_line == "共出具 3 份《核查结论》。"
    assert table.qualified_line == "其中：2 份合格，1 份不合格，合格率 66.7%。"


def test_d1_bad_records_list_substantiated_complaints_and_serious_nonconformities(
        disclosure_2026):
    """D1, X1: the year's approved substantiated complaints and serious nonconformities
    received that year; not a normal nonconformity, an unapproved proposal or last year's."""
    upheld, serious = disclosure_2026
    assert disclosure_table_data(2026).bad_records == (
        f"{upheld.number} 投诉（属实）",
        f"{serious.number} 不符合（严重）",
    )
    assert [line.split()[0] for line in disclosure_table_data(2025).bad_records] == [
        "BFH-2025-0001"]


def test_d1_a_year_without_bad_records_says_none(engagement):
    """D1: no bad records reads 无; a year without conclusions has no rate."""
    table = disclosure_table_data(2025)
    assert table.bad_records == () and table.bad_records_text == "无"
    assert table.qualified_line == "其中：1 份合格，0 份不合格，合格率 100%。"
    empty = disclosure_table_data(2024)
    assert empty.rows == () and empty.conclusions_issued == 0 and empty.qualified_rate is None


@override_settings(**BODY)
def test_d1_xlsx_follows_the_seed_layout(disclosure_2026):
    """D1: the workbook opens and carries the seed front page's texts in its order:
    一 the body, 二 its measures and bad records, 三 the work, the conclusions."""
    upheld, serious = disclosure_2026
    sheet = load_workbook(io.BytesIO(render_disclosure_table_xlsx(
        disclosure_table_data(2026)))).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values == [
        ["CEC 信息公开表"],
        ["(2026 年度核查)（草稿）"],
        ["一、技术服务机构基本信息"],
        ["技术服务机构名称", "某某认证中心有限公司"],
        ["统一社会信用代码", "91110000600037341L", "法定代表人", "张某"],
        ["注册资金", "3000 万", "办公场所", "北京市某区某路 1 号"],
        ["联系人", "李某", "联系方式（电话、email）", "010-12345678 info@example.cn"],
        ["二、技术服务机构内部管理情况"],
        ["内部质量管理措施", "制定了碳核查业务质量管理手册。"],
        ["公正性管理措施", "成立了公正性管理委员会。"],
        ["不良记录", f"{upheld.number} 投诉（属实）\n{serious.number} 不符合（严重）"],
        ["三、核查工作及时性和工作质量"],
        ["序号", "重点排放单位名称", "统一社会信用代码/组织机构代码",
         "核查及时性（填写及时或不及时）", "核查质量", "7 其他内容"],
        ["（如符合要求填写符合，如不符合要求，简述不符合的具体内容）"],
        ["1 重点排放单位基本情况", "2 核算边界", "3 核算方法", "4 核算数据",
         "5 质量控制和文件存档", "6 数据质量控制计划及执行"],
        [1, "江苏 第一批（2 家）", "未填写", *["符合"] * 6],
        [2, "江南电力有限公司", "不及时", *["符合"] * 6, "1 份结论不合格；1 项不符合"],
        ["共出具 3 份《核查结论》。"],
        ["其中：2 份合格，1 份不合格，合格率 66.7%。"],
    ]
    assert sheet.column_dimensions["B"].width >= 30


def test_d1_xlsx_of_a_clean_year_says_none(engagement):
    sheet = load_workbook(io.BytesIO(render_disclosure_table_xlsx(
        disclosure_table_data(2025)))).active
    assert ["不良记录", "无"] in [[c for c in row if c is not None]
                                  for row in sheet.iter_rows(values_only=True)]


def test_d1_query_count_does_not_grow_with_rows(disclosure_2026, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        disclosure_table_data(2026)


# --- R9.03 ---------------------------------------------------------------------------------


@pytest.fixture
def impartiality_2026(people, client_authority, cement_works, engagement):
    """2026: three engagements, conflicts declared and ruled, a recusal, complaints about
    staff; 2025 has its own declaration, recusal and the fixture's engagement."""
    for number, province in [("JS26A0001", "江苏"), ("JS26A0002", "江苏"),
                             ("ZJ26A0001", "浙江")]:
        Engagement.objects.create(report_number=number, client=client_authority,
                                  verified_entity=cement_works, province=province, year=2026)
    with at(2025, 6, 10, 10, 0):
        old = complaint(people, received_at=timezone.now())
        declaration_rule(declaration=declaration_sign(
            staff=people.handler, kind="case", case=old, potential_conflict="曾为其提供咨询"),
            ruling="prohibit", acting_user=people.quality_manager)
        # Wu Di's only annual commitment is last year's: he has none for 2026.
        declaration_sign(staff=people.newcomer, kind="annual", year=2025)
    signed_for(people, 2026)
    with at(2026, 9, 1, 10, 0):
        now = timezone.now()
        upheld = settle(people, accept(people, complaint(
            people, received_at=now, respondent=PartyDetails(name="胡伟", staff=people.hu_wei))))
        about_reviewer = complaint(people, received_at=now, scope=Scope.MISCONDUCT,
                                   respondent=PartyDetails(name="周杰", staff=people.reviewer))
        about_company = complaint(people, received_at=now,
                                  respondent=PartyDetails(organization=cement_works))
        for staff, ruling in [(people.handler, "prohibit"), (people.office, "allow"),
                              (people.deputy_head, None)]:
            d = declaration_sign(staff=staff, kind="case", case=about_reviewer,
                                 potential_conflict="与被投诉人曾同组核查")
            if ruling:
                declaration_rule(declaration=d, ruling=ruling, acting_user=people.quality_manager)
        declaration_rule(declaration=declaration_sign(
            staff=people.head, kind="case", case=about_company, potential_conflict="亲属任职"),
            ruling="restrict", acting_user=people.quality_manager)
        commit(about_reviewer, people.office_2)  # no conflict declared: not counted
        conflict_analysis_record(year=2026, findings="未发现影响公正性的利益冲突。",
                                 acting_user=people.head)
    return upheld


def test_r9_03_self_check_counts_the_years_impartiality_records(impartiality_2026):
    """R9.03: engagements, annual commitments on file against active staff, conflicts
    declared that year and their rulings, recusals, complaints about staff."""
    data = self_check_report_data(2026)
    assert data.engagements == 3
    assert data.engagements_by_province == (("江苏", 2), ("浙江", 1))
    assert (data.active_staff, data.staff_committed) == (13, 12)
    assert data.staff_not_committed == ("吴迪 Wu Di",)
    assert data.conflicts_declared == 4
    assert (data.conflicts_prohibited, data.conflicts_restricted, data.conflicts_allowed,
            data.conflicts_pending) == (1, 1, 1, 1)
    assert data.recusals == 1
    assert (data.complaints_about_staff, data.complaints_about_staff_substantiated) == (2, 1)
    analysis = data.conflict_analysis
    assert (analysis.run_by, analysis.run_on) == ("张敏 Zhang Min", dt.date(2026, 9, 1))
    assert analysis.findings == "未发现影响公正性的利益冲突。"


def test_r9_03_self_check_of_another_year_counts_only_that_year(impartiality_2026):
    """R9.03, X1: 2025's declaration and recusal belong to 2025; it has no analysis."""
    data = self_check_report_data(2025)
    assert data.engagements == 1
    assert (data.conflicts_declared, data.conflicts_prohibited, data.recusals) == (1, 1, 1)
    assert data.complaints_about_staff == 0
    assert data.conflict_analysis is None


def test_r9_03_self_check_report_is_a_titled_draft_pdf(impartiality_2026):
    """R9.03: the drafted report is a PDF titled for the year and marked as a draft."""
    pdf = render_self_check_report_pdf(self_check_report_data(2026))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert text.startswith("2026年度公正性自查报告")
    assert "草稿" in text
    assert "已签署2026年度公正性和保密承诺书12人" in text
    assert "尚未签署：吴迪WuDi" in text
    assert "未发现影响公正性的利益冲突" in text


def test_r9_03_missing_analysis_is_called_out_in_the_draft(people):
    text = pdf_text(render_self_check_report_pdf(self_check_report_data(2024)))
    assert "尚无2024年度利益冲突分析的记录" in text


# --- X1 ------------------------------------------------------------------------------------


@pytest.fixture
def cases_2026(people, client_authority):
    """Cases received in 2026 (and one in December 2025), with known acceptance dates.

    A: complaint about Hu Wei, received Mon 2 March, accepted Wed 4 March (2 WD, on time),
       closed Mon 16 March (10 WD), substantiated.
    D: complaint received Wed 6 May, accepted Wed 20 May: the rule deadline was 14 May
       (late); 11 WD, because Sat 9 May 2026 is a make-up working day (调休上班).
    B: appeal received 1 April, still undecided on 30 June: its 13 April deadline passed.
    C: dispute received Mon 29 June, undecided, due 8 July: pending on 30 June.
    E: complaint received 15 December 2025, accepted late on 5 January 2026: not 2026's.
    """
    signed_for(people, 2026)
    with at(2025, 12, 15, 10, 0):
        e = complaint(people, received_at=timezone.now())
    with at(2026, 1, 5, 10, 0):
        accept(people, e)
    with at(2026, 3, 2, 10, 0):
        a = complaint(people, received_at=timezone.now(),
                      respondent=PartyDetails(name="胡伟", staff=people.hu_wei))
    with at(2026, 3, 4, 15, 0):
        a = accept(people, a)
    with at(2026, 3, 16, 11, 0):
        settle(people, a)
    with at(2026, 4, 1, 10, 0):
        appeal(people, received_at=timezone.now())
    with at(2026, 5, 6, 10, 0):
        d = complaint(people, received_at=timezone.now(), scope=Scope.IMPARTIALITY)
    with at(2026, 5, 20, 10, 0):
        accept(people, d)
    with at(2026, 6, 29, 10, 0):
        dispute(people, client_authority)


def test_x1_acceptance_on_time_late_and_pending_against_the_rule_deadline(cases_2026):
    """X1, R8.03: decided within 7 WD is on time; decided after it is late; undecided past
    the deadline is late; undecided before it is pending."""
    with at(2026, 6, 30, 12, 0):
        stats = complaint_statistics(2026)
    assert (stats.acceptance_on_time, stats.acceptance_late, stats.acceptance_pending) == (1, 2, 1)
    with at(2026, 7, 9, 9, 0):  # the dispute's deadline has passed too
        assert complaint_statistics(2026).acceptance_late == 3


def test_x1_a_case_received_in_another_year_is_not_counted(cases_2026):
    """X1: a year's figures count the cases received in that year."""
    with at(2026, 6, 30, 12, 0):
        stats, previous = complaint_statistics(2026), complaint_statistics(2025)
    assert stats.total == 4 and stats.by_kind["complaint"] == 2
    assert (previous.total, previous.acceptance_late, previous.acceptance_on_time) == (1, 1, 0)
    assert previous.median_working_days_to_acceptance == 14.0  # 15 Dec → 5 Jan


def test_x1_medians_count_working_days_on_the_calendar(cases_2026):
    """X1, W1: medians of working days from receipt to acceptance (2 and 11) and to
    closure (10), make-up working days included."""
    with at(2026, 6, 30, 12, 0):
        stats = complaint_statistics(2026)
    assert stats.median_working_days_to_acceptance == 6.5
    assert stats.median_working_days_to_closure == 10.0


def test_x1_counts_by_kind_scope_state_and_respondent(cases_2026):
    with at(2026, 6, 30, 12, 0):
        stats = complaint_statistics(2026)
    assert stats.by_kind == {"complaint": 2, "appeal": 1, "dispute": 1}
    assert stats.by_scope == {"a": 2, "b": 1, "c": 0, "d": 1}
    assert stats.by_state == {"accepted": 1, "closed": 1, "received": 2}
    sub = stats.substantiated_by_respondent
    assert (sub.staff, sub.organization, sub.other) == (1, 0, 0)


def test_x1_a_year_without_cases_has_no_medians(db):
    stats = complaint_statistics(2024)
    assert stats.total == 0 and stats.acceptance_late == 0
    assert stats.median_working_days_to_acceptance is None
    assert stats.median_working_days_to_closure is None


def test_x1_withdrawn_before_the_deadline_needed_no_decision():
    """X1: a case withdrawn before its acceptance deadline is neither on time nor late;
    withdrawn after the deadline passed undecided, it is late."""
    due = dt.datetime(2026, 3, 11, 23, 59, 59, tzinfo=CHINA)
    now = dt.datetime(2026, 6, 30, tzinfo=CHINA)
    early, late = due - dt.timedelta(days=3), due + dt.timedelta(days=1)
    common = dict(accepted_at=None, acceptance_due_at=due, state="withdrawn", now=now)
    assert acceptance_timeliness(closed_at=early, **common) is None
    assert acceptance_timeliness(closed_at=late, **common) == "late"
    assert acceptance_timeliness(accepted_at=due, acceptance_due_at=due, state="accepted",
                                 closed_at=None, now=now) == "on_time"


def test_x1_statistics_query_count_is_fixed(cases_2026, django_assert_max_num_queries):
    # counts by kind, scope and state; the substantiated by respondent; the calendar's
    # overrides and years; the pairs of days to acceptance and to closure
    with django_assert_max_num_queries(6):
        complaint_statistics(2026)


def test_d1_yearly_reports_command_writes_the_three_files(people, tmp_path):
    """D1, R9.03: the command writes the table, the self-check draft and the statistics."""
    from django.core.management import call_command

    call_command("yearly_reports", "--year", "2026", "--out", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["2026年度公正性自查报告-草稿.pdf", "CEC信息公开表-2026-草稿.xlsx",
                     "complaint-statistics-2026.json"]
    assert (tmp_path / "2026年度公正性自查报告-草稿.pdf").read_bytes().startswith(b"%PDF")
