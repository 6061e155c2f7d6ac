"""The draft of the year's impartiality self-check report (《公正性自查报告》, rule R9.03).

The system drafts it from its records (engagements, commitments on file, conflicts declared
and how they were ruled, recusals, complaints about staff, the yearly conflict-of-interest
analysis); the department head completes and signs it. The PDF says on its face that it
is a draft.

Pure logic: no ORM, no settings. `caseflow.selectors.reports.self_check_report_data(year)`
builds the `SelfCheckData`; this module renders it with the notice renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caseflow.notice_pdf import NoticeDocument, render_notice_pdf

DRAFT_NUMBER = "草稿（待气候事业部部长完善）"


@dataclass(frozen=True)
class ConflictAnalysisSummary:
    run_by: str
    run_on: dt.date
    findings: str


@dataclass(frozen=True)
class SelfCheckData:
    year: int
    generated_on: dt.date
    engagements: int
    engagements_by_province: tuple[tuple[str, int], ...]  # most first
    active_staff: int
    staff_committed: int  # active staff with an annual commitment for the year
    staff_not_committed: tuple[str, ...]  # their names
    conflicts_declared: int  # on per-case commitments signed in the year
    conflicts_prohibited: int
    conflicts_restricted: int
    conflicts_allowed: int
    conflicts_pending: int
    recusals: int
    complaints_about_staff: int  # complaints received in the year
    complaints_about_staff_substantiated: int
    conflict_analysis: ConflictAnalysisSummary | None

    @property
    def title(self) -> str:
        return f"{self.year} 年度公正性自查报告"


def self_check_report_text(data: SelfCheckData) -> str:
    """The report body: paragraphs separated by blank lines."""
    y = data.year
    paragraphs = [
        f"【草稿】本报告由系统根据 {y} 年度的记录数据自动生成，供气候事业部部长核实、补充和"
        "完善后定稿签发；定稿前不得对外使用。",
        "一、核查工作概况",
    ]
    if data.engagements:
        provinces = "、".join(f"{p} {n} 个" for p, n in data.engagements_by_province)
        paragraphs.append(f"{y} 年度共承担核查项目 {data.engagements} 个，其中：{provinces}。")
    else:
        paragraphs.append(f"{y} 年度无核查项目记录。")

    paragraphs.append("二、公正性和保密承诺")
    commitments = (f"在职人员 {data.active_staff} 人，已签署 {y} 年度公正性和保密承诺书 "
                   f"{data.staff_committed} 人。")
    if data.staff_not_committed:
        commitments += f"尚未签署：{'、'.join(data.staff_not_committed)}。"
    elif data.active_staff:
        commitments += "全部在职人员均已签署。"
    paragraphs.append(commitments)

    paragraphs.append("三、利益冲突的申报和裁定")
    if data.conflicts_declared:
        paragraphs.append(
            f"本年度在逐项目（逐案）承诺中申报潜在利益冲突 {data.conflicts_declared} 项。"
            f"经质量经理裁定：禁止参与 {data.conflicts_prohibited} 项，限制参与（可参与工作但"
            f"不得作出决定）{data.conflicts_restricted} 项，披露后允许参与 "
            f"{data.conflicts_allowed} 项；尚待裁定 {data.conflicts_pending} 项。")
    else:
        paragraphs.append("本年度逐项目（逐案）承诺中未申报潜在利益冲突。")

    paragraphs.append("四、回避情况")
    paragraphs.append(f"本年度记录人员回避 {data.recusals} 人次。")

    paragraphs.append("五、针对本机构人员的投诉")
    paragraphs.append(
        f"本年度收到涉及本机构人员的投诉 {data.complaints_about_staff} 件，其中经调查属实 "
        f"{data.complaints_about_staff_substantiated} 件。")

    paragraphs.append("六、年度利益冲突分析")
    analysis = data.conflict_analysis
    if analysis is None:
        paragraphs.append(f"系统中尚无 {y} 年度利益冲突分析的记录（每年至少进行一次），"
                          "请部长在定稿前完成并记录。")
    else:
        paragraphs.append(f"{y} 年度利益冲突分析由{analysis.run_by}于"
                          f"{_chinese_date(analysis.run_on)}完成。主要发现：{analysis.findings}")

    paragraphs.append("七、自查结论和改进措施")
    paragraphs.append("【待部长填写】")
    return "\n\n".join(paragraphs)


def render_self_check_report_pdf(data: SelfCheckData) -> bytes:
    return render_notice_pdf(NoticeDocument(
        title=data.title,
        number=DRAFT_NUMBER,
        recipient="",
        body=self_check_report_text(data),
        issued_on=data.generated_on,
    ))


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
