"""The yearly information disclosure table (《CEC 信息公开表》, rule D1) as an XLSX workbook.

Laid out like the seed manual's front page, section 三 (核查工作及时性和工作质量): one row
per province/batch, the number of verification conclusions issued with the qualified rate,
then the bad records (不良记录).

Pure logic: no ORM, no settings. `caseflow.selectors.reports.disclosure_table_data(year)`
builds the `DisclosureTable` from engagements and cases; this module only renders it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from caseflow.spreadsheets import formulas_as_text

TITLE = "CEC 信息公开表"
SECTION = "三、核查工作及时性和工作质量"
HEADERS = ("序号", "重点排放单位名称", "核查及时性", "核查质量")
BAD_RECORDS = "不良记录"
NONE_TEXT = "无"
TIMELY, NOT_TIMELY = "及时", "不及时"
CONFORMING = "符合"

COLUMN_WIDTHS = {"A": 8, "B": 40, "C": 16, "D": 44}
LAST_COLUMN = "D"


@dataclass(frozen=True)
class DisclosureRow:
    """One province/batch of verification work."""

    number: int  # 序号, from 1
    province: str
    batch: str
    entities: int  # distinct verified entities (重点排放单位)
    timely: bool
    quality: str  # "符合", or a short text of what did not conform

    @property
    def label(self) -> str:
        """E.g. 江苏 第一批（12 家）; without a batch, 江苏（12 家）."""
        name = f"{self.province} {self.batch}".strip()
        return f"{name}（{self.entities} 家）"

    @property
    def timely_text(self) -> str:
        return TIMELY if self.timely else NOT_TIMELY


@dataclass(frozen=True)
class DisclosureTable:
    year: int
    rows: tuple[DisclosureRow, ...]
    conclusions_issued: int  # conclusions qualified or not qualified
    qualified: int
    not_qualified: int
    qualified_rate: Decimal | None  # percent, one decimal; None when nothing was issued
    bad_records: tuple[str, ...]  # short lines: number, subject, what it was

    @property
    def bad_records_text(self) -> str:
        return "\n".join(self.bad_records) if self.bad_records else NONE_TEXT

    @property
    def conclusions_line(self) -> str:
        return f"共出具 {self.conclusions_issued} 份《核查结论》。"

    @property
    def qualified_line(self) -> str:
        return (f"其中：{self.qualified} 份合格，{self.not_qualified} 份不合格，"
                f"合格率 {format_rate(self.qualified_rate)}。")


def format_rate(rate: Decimal | None) -> str:
    """100 → "100%", 66.7 → "66.7%", no conclusions → "—"."""
    if rate is None:
        return "—"
    if rate == rate.to_integral_value():
        return f"{int(rate)}%"
    return f"{rate}%"


def render_disclosure_table_xlsx(table: DisclosureTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{table.year}年度信息公开表"
    workbook.properties.title = f"{TITLE}（{table.year} 年度核查）"

    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def full_width(row: int, text: str, *, font: Font | None = None,
                   align: Alignment = left) -> None:
        sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.alignment = align
        if font is not None:
            cell.font = font

    full_width(1, TITLE, font=Font(bold=True, size=16), align=center)
    full_width(2, f"({table.year} 年度核查)", align=center)
    full_width(3, SECTION, font=bold)

    row = 4
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.alignment, cell.border = bold, center, box

    for entry in table.rows:
        row += 1
        values = (entry.number, entry.label, entry.timely_text, entry.quality)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = box
            cell.alignment = left if column in (2, 4) else center

    row += 1
    full_width(row, table.conclusions_line)
    row += 1
    full_width(row, table.qualified_line)

    row += 1
    label = sheet.cell(row=row, column=1, value=BAD_RECORDS)
    label.font, label.alignment = bold, center
    sheet.merge_cells(f"B{row}:{LAST_COLUMN}{row}")
    records = sheet.cell(row=row, column=2, value=table.bad_records_text)
    records.alignment = left
    # Excel does not grow a merged row to fit wrapped text: give each record a line.
    sheet.row_dimensions[row].height = 18 * max(1, len(table.bad_records))

    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[column].width = width

    buffer = io.BytesIO()
    formulas_as_text(sheet)
    workbook.save(buffer)
    return buffer.getvalue()
