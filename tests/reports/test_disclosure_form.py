"""The whole CEC 信息公开表 (D1): nothing a submitter typed in it (R8.13), unknown
timeliness never published as 及时 and never final, the body's sections 一 and 二, the
quality sub-columns 1–7 entered through the engagement register."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from caseflow.actions.complaints import (
    complaint_evaluate,
    complaint_propose,
    complaint_record_finding,
)
from caseflow.actions.engagements import engagements_import
from caseflow.actions.handling import case_approve, case_review
from caseflow.actions.intake import PartyDetails, case_accept, case_assign
from caseflow.actions.nonconformities import nonconformity_open
from caseflow.disclosure_table import DisclosureIncomplete, render_disclosure_table_xlsx
from caseflow.models import Engagement
from caseflow.selectors.reports import disclosure_table_data
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint
from tests.reports.test_yearly_reports import BODY

pytestmark = pytest.mark.django_db

AUTHORITY = "11100000000013127D"  # 某省生态环境厅
CEMENT = "91110000600037341L"  # 华东水泥有限公司
STEEL = "91320000134789012J"  # 苏南钢铁有限公司
POWER = "91330000MA2000000K"  # 浙江电力有限公司


def imported(people, *rows: dict) -> None:
    """The office imports register rows (Chinese headers, as the body's register has)."""
    base = {"委托方": "某省生态环境厅", "委托方信用代码": AUTHORITY, "年度": "2026",
            "结论": "合格"}
    engagements_import(rows=[base | row for row in rows], acting_user=people.office)


def cement(**extra) -> dict:
    return {"报告编号": "JS26A0001", "受核查方": "华东水泥有限公司", "受核查方信用代码": CEMENT,
            "省份": "江苏", "批次": "第一批", "是否及时": "是", **extra}


def steel(**extra) -> dict:
    return {"报告编号": "JS26A0002", "受核查方": "苏南钢铁有限公司", "受核查方信用代码": STEEL,
            "省份": "江苏", "批次": "第一批", "是否及时": "是", **extra}


def power(**extra) -> dict:
    return {"报告编号": "ZJ26A0001", "受核查方": "浙江电力有限公司", "受核查方信用代码": POWER,
            "省份": "浙江", "是否及时": "是", **extra}


def cells(table) -> list:
    sheet = load_workbook(io.BytesIO(render_disclosure_table_xlsx(table))).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


# --- R8.13: the bad records ---------------------------------------------------------------


def test_d1_r8_13_bad_records_never_print_the_submitters_subject(people):
    """D1, R8.13: a substantiated complaint and a serious nonconformity are listed by case
    number, kind and outcome category; the subject the submitter typed, the description
    and the submitter's name appear nowhere in the table."""
    with clock_at(people, dt.datetime(2026, 9, 1, 10, 0, tzinfo=CHINA)):
        upheld = complaint(people, received_at=timezone.now(), submitter=PartyDetails(
            name="举报人赵六", email="zhaoliu@example.cn"))
        commit(upheld, people.head, people.handler, people.quality_manager)
        case_accept(case=upheld, acting_user=people.head, action_to_take="调查核实")
        upheld = case_assign(case=upheld, handler=people.handler, acting_user=people.head)
        complaint_evaluate(case=upheld, acting_user=people.handler, valid=True,
                           reasoning="材料充分")
        for side in ("submitter", "respondent"):
            complaint_record_finding(case=upheld, acting_user=people.handler, side=side,
                                     text="记录")
        upheld = complaint_propose(case=upheld, acting_user=people.handler,
                                   outcome="投诉属实", substantiated=True)
        upheld = case_review(case=upheld, acting_user=people.head)
        upheld = case_approve(case=upheld, acting_user=people.quality_manager)
        serious = nonconformity_open(source="verification_work", severity="serious",
                                     subject="举报人赵六反映的数据造假问题",
                                     description="详见投诉", acting_user=people.head,
                                     origin_case=upheld)

    table = disclosure_table_data(2026)
    assert table.bad_records == (f"{upheld.number} 投诉（属实）",
                                 f"{serious.number} 不符合（严重）")
    text = "\n".join(str(c) for c in cells(table))
    for typed in ("核查报告数据有误", "排放量计算有误", "举报人赵六", "数据造假"):
        assert typed not in text


# --- D1: timeliness -----------------------------------------------------------------------


def test_d1_unknown_timeliness_is_not_published_as_timely(people):
    """D1: a group where one engagement's timeliness is not filled in reads 未填写, not
    及时; a late one still reads 不及时."""
    imported(people, cement(), steel(是否及时=""), power(是否及时=""))
    imported(people, {"报告编号": "ZJ26A0002", "受核查方": "华东水泥有限公司",
                      "受核查方信用代码": CEMENT, "省份": "浙江", "是否及时": "否"})
    table = disclosure_table_data(2026)
    assert [(r.label, r.timely, r.timely_text) for r in table.rows] == [
        ("江苏 第一批（2 家）", None, "未填写"),
        ("浙江（2 家）", False, "不及时"),
    ]
    assert "及时" not in cells(table)


@override_settings(**BODY)
def test_d1_a_table_with_unknown_timeliness_cannot_be_final(people):
    """D1: asked for as final, the table is refused with a domain error naming D1 and
    the engagements whose timeliness is missing; once filled in, the final table comes
    without the draft mark."""
    imported(people, cement(是否及时=""), steel(), power(是否及时=""))

    with pytest.raises(DisclosureIncomplete) as refused:
        disclosure_table_data(2026, final=True)
    assert refused.value.rule == "D1"
    assert refused.value.timeliness_missing == ("JS26A0001", "ZJ26A0001")
    assert "JS26A0001" in refused.value.message and "ZJ26A0001" in refused.value.message
    assert "(2026 年度核查)（草稿）" in cells(disclosure_table_data(2026))

    imported(people, cement(), power(是否及时="否"))
    final = disclosure_table_data(2026, final=True)
    assert final.final and "(2026 年度核查)" in cells(final)
    assert not [c for c in cells(final) if "草稿" in str(c) or c == "未填写"]


@override_settings(**(BODY | {"CASEFLOW_BODY_CREDIT_CODE": "", "CASEFLOW_BODY_CONTACT": ""}))
def test_d1_a_table_without_the_bodys_basic_information_cannot_be_final(people):
    """D1: section 一 prints what is not configured as 未填写, and such a table cannot
    be final either: the refusal names the missing items as the form labels them."""
    imported(people, cement())
    draft = disclosure_table_data(2026)
    assert cells(draft)[cells(draft).index("统一社会信用代码") + 1] == "未填写"
    with pytest.raises(DisclosureIncomplete) as refused:
        disclosure_table_data(2026, final=True)
    assert refused.value.body_missing == ("统一社会信用代码", "联系人")
    assert refused.value.timeliness_missing == ()


@override_settings(**BODY)
def test_d1_yearly_reports_command_refuses_a_final_table_with_unknown_timeliness(
        people, tmp_path):
    """D1: `yearly_reports --final` stops with the rule and the engagements; without
    --final it writes a draft; complete, the final file has no draft mark in its name."""
    imported(people, cement(是否及时=""))
    with pytest.raises(CommandError, match=r"\[D1\].*JS26A0001"):
        call_command("yearly_reports", "--year", "2026", "--out", str(tmp_path), "--final")
    assert list(tmp_path.iterdir()) == []
    imported(people, cement())
    call_command("yearly_reports", "--year", "2026", "--out", str(tmp_path), "--final",
                 stdout=io.StringIO())
    assert (tmp_path / "CEC信息公开表-2026.xlsx").exists()


# --- D1: the whole form -------------------------------------------------------------------


@override_settings(**BODY)
def test_d1_form_has_the_bodys_information_and_measures_from_settings(people):
    """D1: sections 一 and 二 as at the head of the manual, filled from the
    CASEFLOW_BODY_* settings, the bad records (无) in section 二 before section 三."""
    imported(people, cement())
    values = cells(disclosure_table_data(2026))
    for label, value in [("技术服务机构名称", "某某认证中心有限公司"),
                         ("统一社会信用代码", "91110000600037341L"), ("法定代表人", "张某"),
                         ("注册资金", "3000 万"), ("办公场所", "北京市某区某路 1 号"),
                         ("联系人", "李某"),
                         ("联系方式（电话、email）", "010-12345678 info@example.cn"),
                         ("内部质量管理措施", "制定了碳核查业务质量管理手册。"),
                         ("公正性管理措施", "成立了公正性管理委员会。"), ("不良记录", "无")]:
        assert values[values.index(label) + 1] == value
    order = [values.index(h) for h in ("一、技术服务机构基本信息", "二、技术服务机构内部管理情况",
                                       "不良记录", "三、核查工作及时性和工作质量")]
    assert order == sorted(order)


def test_d1_a_row_of_one_entity_names_it_with_its_credit_code(people):
    """D1: where a province/batch is one entity the row is that entity with its unified
    social credit code; a group of several has no code."""
    imported(people, cement(), steel(), power())
    rows = disclosure_table_data(2026).rows
    assert [(r.label, r.credit_code) for r in rows] == [
        ("江苏 第一批（2 家）", ""), ("浙江电力有限公司", POWER)]
    sheet = load_workbook(io.BytesIO(render_disclosure_table_xlsx(
        disclosure_table_data(2026)))).active
    rows = [row[:4] for row in sheet.iter_rows(values_only=True)]
    assert (1, "江苏 第一批（2 家）", None, "及时") in rows
    assert (2, "浙江电力有限公司", POWER, "及时") in rows


def test_d1_quality_sub_columns_say_what_did_not_conform(people):
    """D1: quality columns 1–6 read 符合 unless an engagement says what did not conform;
    in a group of several entities the note names its entity; 7 其他内容 carries the
    other notes. Blank or 符合 in the register says nothing."""
    imported(people,
             cement(核算边界="遗漏余热发电排放源", 其他内容="现场核查延期一天"),
             steel(核算边界="符合", 核算数据="活动水平数据缺少凭证"),
             power(核算方法="未采用实测碳含量"))
    jiangsu, zhejiang = disclosure_table_data(2026).rows
    assert jiangsu.quality == ("符合", "华东水泥有限公司：遗漏余热发电排放源", "符合",
                               "苏南钢铁有限公司：活动水平数据缺少凭证", "符合", "符合")
    assert jiangsu.other == "华东水泥有限公司：现场核查延期一天"
    assert zhejiang.quality == ("符合", "符合", "未采用实测碳含量", "符合", "符合", "符合")
    assert "华东水泥有限公司：遗漏余热发电排放源" in cells(disclosure_table_data(2026))


def test_d1_register_import_reads_the_quality_columns_and_the_forms_timeliness_words(people):
    """D1: the register's 核查质量 columns (headed as in the form) and 及时/不及时 are
    imported; 符合 is stored blank; a later register without those columns leaves them."""
    imported(people, cement(是否及时="不及时", 重点排放单位基本情况="符合",
                            数据质量控制计划及执行="未按计划执行"))
    engagement = Engagement.objects.get(report_number="JS26A0001")
    assert engagement.timely is False
    assert engagement.quality_entity_information == ""
    assert engagement.quality_monitoring_plan == "未按计划执行"

    imported(people, cement(是否及时="及时"))
    engagement.refresh_from_db()
    assert engagement.timely is True
    assert engagement.quality_monitoring_plan == "未按计划执行"
