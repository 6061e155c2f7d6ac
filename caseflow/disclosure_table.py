"""The yearly information disclosure table (《CEC 信息公开表》, rule D1) as an XLSX workbook.

The whole form as at the head of the seed manual: 一、技术服务机构基本信息 (the body, from
settings), 二、技术服务机构内部管理情况 (its quality and impartiality measures and its bad
records), 三、核查工作及时性和工作质量 (one row per province/batch, or per entity where the
group is one entity, with its timeliness and the quality sub-columns 1–6 and 7), then the
verification conclusions issued and the qualified rate.

Nothing a submitter typed is printed (R8.13): a bad record is the case number, its kind
and the outcome category. An unknown timeliness reads 未填写, never 及时, and a table with
anything unfilled is a draft: `check_final` refuses to make it final (D1).

Pure logic: no ORM, no settings. `caseflow.selectors.reports.disclosure_table_data(year)`
builds the `DisclosureTable` from engagements, cases and the body's settings; this module
only checks and renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from caseflow.errors import Conflict
from caseflow.spreadsheets import workbook_bytes, xlsx_text

TITLE = "信息公开表"
DRAFT = "草稿"
SECTION_BODY = "一、技术服务机构基本信息"
SECTION_MANAGEMENT = "二、技术服务机构内部管理情况"
SECTION_WORK = "三、核查工作及时性和工作质量"
BODY_NAME = "技术服务机构名称"
CREDIT_CODE = "统一社会信用代码"
LEGAL_REPRESENTATIVE = "法定代表人"
REGISTERED_CAPITAL = "注册资金"
ADDRESS = "办公场所"
CONTACT = "联系人"
CONTACT_DETAILS = "联系方式（电话、email）"
QUALITY_MEASURES = "内部质量管理措施"
IMPARTIALITY_MEASURES = "公正性管理措施"
BAD_RECORDS = "不良记录"
HEADERS = ("序号", "重点排放单位名称", "统一社会信用代码/组织机构代码",
           "核查及时性（填写及时或不及时）")
QUALITY = "核查质量"
QUALITY_NOTE = "（如符合要求填写符合，如不符合要求，简述不符合的具体内容）"
QUALITY_COLUMNS = ("1 重点排放单位基本情况", "2 核算边界", "3 核算方法", "4 核算数据",
                   "5 质量控制和文件存档", "6 数据质量控制计划及执行")
OTHER = "7 其他内容"
NONE_TEXT = "无"
TIMELY, NOT_TIMELY, UNKNOWN = "及时", "不及时", "未填写"
CONFORMING = "符合"

# 序号, name, code, timeliness, quality 1–6, 7 其他内容
COLUMN_WIDTHS = (8, 30, 22, 16, 16, 14, 14, 14, 16, 18, 24)
LAST_COLUMN = get_column_letter(len(COLUMN_WIDTHS))


@dataclass(frozen=True)
class BodyInformation:
    """一、技术服务机构基本信息 and the measures of 二; blank when not configured."""

    short_name: str  # as in the title, e.g. CEC
    name: str
    credit_code: str
    legal_representative: str
    registered_capital: str
    address: str
    contact: str
    contact_details: str
    quality_measures: str
    impartiality_measures: str

    def missing(self) -> tuple[str, ...]:
        """The form's labels of what is not filled in."""
        labels = (
            (BODY_NAME, self.name), (CREDIT_CODE, self.credit_code),
            (LEGAL_REPRESENTATIVE, self.legal_representative),
            (REGISTERED_CAPITAL, self.registered_capital), (ADDRESS, self.address),
            (CONTACT, self.contact), (CONTACT_DETAILS, self.contact_details),
            (QUALITY_MEASURES, self.quality_measures),
            (IMPARTIALITY_MEASURES, self.impartiality_measures),
        )
        return tuple(label for label, value in labels if not value.strip())


@dataclass(frozen=True)
class DisclosureRow:
    """One province/batch of verification work, or one entity where that is all it was."""

    number: int  # 序号, from 1
    province: str
    batch: str
    entities: int  # distinct verified entities (重点排放单位)
    timely: bool | None  # None: some engagement's timeliness is not filled in
    quality: tuple[str, ...]  # the six sub-columns: 符合, or what did not conform
    other: str = ""  # 7 其他内容
    entity_name: str = ""  # set when the row is one entity
    credit_code: str = ""  # its unified social credit code

    @property
    def label(self) -> str:
        """One entity: its name; a group: e.g. 江苏 第一批（12 家）, 江苏（12 家）."""
        if self.entity_name:
            return self.entity_name
        name = f"{self.province} {self.batch}".strip()
        return f"{name}（{self.entities} 家）"

    @property
    def timely_text(self) -> str:
        if self.timely is None:
            return UNKNOWN
        return TIMELY if self.timely else NOT_TIMELY


@dataclass(frozen=True)
class DisclosureTable:
    year: int
    body: BodyInformation
    rows: tuple[DisclosureRow, ...]
    conclusions_issued: int  # conclusions qualified or not qualified
    qualified: int
    not_qualified: int
    qualified_rate: Decimal | None  # percent, one decimal; None when nothing was issued
    bad_records: tuple[str, ...]  # "number kind（outcome）", never a submitter's text
    timeliness_missing: tuple[str, ...] = ()  # report numbers of engagements, sorted
    final: bool = False

    @property
    def title(self) -> str:
        return f"{self.body.short_name} {TITLE}".strip()

    @property
    def year_line(self) -> str:
        line = f"({self.year} 年度核查)"
        return line if self.final else f"{line}（{DRAFT}）"

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


class DisclosureIncomplete(Conflict):
    """D1: the table still has something unfilled, so it cannot be final."""

    code = "disclosure_incomplete"

    def __init__(self, message: str, *, timeliness_missing: tuple[str, ...],
                 body_missing: tuple[str, ...]):
        super().__init__(message, rule="D1")
        self.timeliness_missing = timeliness_missing
        self.body_missing = body_missing


def check_final(table: DisclosureTable) -> None:
    """D1: a final table says nothing is unknown. Raises `DisclosureIncomplete` listing
    the engagements whose timeliness is not filled in and the body's missing details."""
    body_missing = table.body.missing()
    if not table.timeliness_missing and not body_missing:
        return
    problems = []
    if table.timeliness_missing:
        problems.append(
            _("the timeliness of %(count)s engagement(s) is not filled in: %(engagements)s")
            % {"count": len(table.timeliness_missing),
               "engagements": ", ".join(table.timeliness_missing)})
    if body_missing:
        problems.append(_("the body's basic information lacks: %(fields)s")
                        % {"fields": "、".join(body_missing)})
    raise DisclosureIncomplete(
        _("The %(year)s disclosure table cannot be final: %(problems)s.")
        % {"year": table.year, "problems": _("; ").join(problems)},
        timeliness_missing=table.timeliness_missing, body_missing=body_missing)


def format_rate(rate: Decimal | None) -> str:
    """100 → "100%", 66.7 → "66.7%", no conclusions → "—"."""
    if rate is None:
        return "—"
    if rate == rate.to_integral_value():
        return f"{int(rate)}%"
    return f"{rate}%"


def filled(value: str) -> str:
    return value if value.strip() else UNKNOWN


def render_disclosure_table_xlsx(table: DisclosureTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{table.year}年度信息公开表" + ("" if table.final else DRAFT)
    workbook.properties.title = f"{table.title}{table.year_line}"

    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(row: int, first: int, last: int, value, *, font: Font | None = None,
            align: Alignment = left, boxed: bool = True, rows: int = 1):
        """`value` in columns first..last (1-based) of `rows` rows, merged when wider."""
        if last > first or rows > 1:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row + rows - 1,
                              end_column=last)
        cell = sheet.cell(row=row, column=first, value=xlsx_text(value))
        cell.alignment = align
        if font is not None:
            cell.font = font
        if boxed:
            for r in range(row, row + rows):
                for c in range(first, last + 1):
                    sheet.cell(row=r, column=c).border = box
        return cell

    width = len(COLUMN_WIDTHS)

    def heading(row: int, text: str, **kw) -> None:
        put(row, 1, width, text, boxed=False, **kw)

    def label_value(row: int, label: str, value: str) -> None:
        put(row, 1, 2, label, font=bold, align=center)
        put(row, 3, width, value)

    def two_pairs(row: int, first: tuple[str, str], second: tuple[str, str]) -> None:
        put(row, 1, 2, first[0], font=bold, align=center)
        put(row, 3, 5, first[1])
        put(row, 6, 7, second[0], font=bold, align=center)
        put(row, 8, width, second[1])

    body = table.body
    heading(1, table.title, font=Font(bold=True, size=16), align=center)
    heading(2, table.year_line, align=center)

    heading(3, SECTION_BODY, font=bold)
    label_value(4, BODY_NAME, filled(body.name))
    two_pairs(5, (CREDIT_CODE, filled(body.credit_code)),
              (LEGAL_REPRESENTATIVE, filled(body.legal_representative)))
    two_pairs(6, (REGISTERED_CAPITAL, filled(body.registered_capital)),
              (ADDRESS, filled(body.address)))
    two_pairs(7, (CONTACT, filled(body.contact)),
              (CONTACT_DETAILS, filled(body.contact_details)))

    heading(8, SECTION_MANAGEMENT, font=bold)
    label_value(9, QUALITY_MEASURES, filled(body.quality_measures))
    label_value(10, IMPARTIALITY_MEASURES, filled(body.impartiality_measures))
    label_value(11, BAD_RECORDS, table.bad_records_text)
    # Excel does not grow a merged row to fit wrapped text: give each line room.
    for row, text in ((9, body.quality_measures), (10, body.impartiality_measures)):
        sheet.row_dimensions[row].height = 18 * max(1, len(text) // 70 + 1)
    sheet.row_dimensions[11].height = 18 * max(1, len(table.bad_records))

    heading(12, SECTION_WORK, font=bold)
    row = 13
    for column, header in enumerate(HEADERS, start=1):
        put(row, column, column, header, font=bold, align=center, rows=3)
    put(row, 5, 10, QUALITY, font=bold, align=center)
    put(row + 1, 5, 10, QUALITY_NOTE, align=center)
    for column, header in enumerate(QUALITY_COLUMNS, start=5):
        put(row + 2, column, column, header, font=bold, align=center)
    put(row, 11, 11, OTHER, font=bold, align=center, rows=3)
    row += 2

    for entry in table.rows:
        row += 1
        values = (entry.number, entry.label, entry.credit_code, entry.timely_text,
                  *entry.quality, entry.other)
        for column, value in enumerate(values, start=1):
            put(row, column, column, value,
                align=left if column == 2 or column > 4 else center)

    row += 1
    heading(row, table.conclusions_line)
    row += 1
    heading(row, table.qualified_line)

    for column, size in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size

    return workbook_bytes(workbook)
