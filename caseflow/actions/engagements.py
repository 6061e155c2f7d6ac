"""Engagements imported from the body's project register (CSV or XLSX).

The register says who led, verified, technically reviewed and signed off each report; the
impartiality guard recuses those people from any case about that report (R8.15). An import
is all or nothing: every row is checked before anything is written, and one bad row
rejects the whole file with every error listed by row and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as NumberInvalid

from caseflow.actions.events import event_record
from caseflow.errors import InvalidInput, Recused, RoleRequired
from caseflow.models import Engagement, Organization, Role, Staff
from caseflow.policies.impartiality import case_recusal
from caseflow.policies.transitions import FINAL_STATES

# Each column and the headers accepted for it (English, Chinese).
COLUMNS: dict[str, tuple[str, ...]] = {
    "report_number": ("report_number", "报告编号"),
    "client_name": ("client_name", "委托方"),
    "client_credit_code": ("client_credit_code", "委托方信用代码"),
    # Where the client's written notices are emailed (R8.09); optional.
    "client_email": ("client_email", "委托方邮箱"),
    "entity_name": ("entity_name", "受核查方"),
    "entity_credit_code": ("entity_credit_code", "受核查方信用代码"),
    "province": ("province", "省份"),
    "year": ("year", "年度"),
    "batch": ("batch", "批次"),
    "conclusion": ("conclusion", "结论"),
    "timely": ("timely", "是否及时"),
    "team_lead": ("team_lead", "组长"),
    "verifiers": ("verifiers", "核查员"),
    "technical_reviewers": ("technical_reviewers", "技术评审"),
    "report_signers": ("report_signers", "报告审核签发"),
    # D1: the disclosure table's quality sub-columns, headed as in the 信息公开表.
    "quality_entity_information": ("quality_entity_information", "重点排放单位基本情况"),
    "quality_accounting_boundary": ("quality_accounting_boundary", "核算边界"),
    "quality_accounting_method": ("quality_accounting_method", "核算方法"),
    "quality_accounting_data": ("quality_accounting_data", "核算数据"),
    "quality_control_and_filing": ("quality_control_and_filing", "质量控制和文件存档"),
    "quality_monitoring_plan": ("quality_monitoring_plan", "数据质量控制计划及执行"),
    "quality_other": ("quality_other", "其他内容"),
}
QUALITY = (*Engagement.QUALITY_FIELDS, "quality_other")
CONFORMING = {"符合", "conforming"}  # the form's word for "nothing to say": stored blank
REQUIRED = ("report_number", "client_name", "client_credit_code", "entity_name",
            "entity_credit_code", "province", "year")
TEAM = ("verifiers", "technical_reviewers", "report_signers")

CONCLUSIONS = {
    "qualified": Engagement.Conclusion.QUALIFIED, "合格": Engagement.Conclusion.QUALIFIED,
    "not_qualified": Engagement.Conclusion.NOT_QUALIFIED,
    "不合格": Engagement.Conclusion.NOT_QUALIFIED,
    "pending": Engagement.Conclusion.PENDING, "待定": Engagement.Conclusion.PENDING,
    "": Engagement.Conclusion.PENDING,
}
TIMELY = {"yes": True, "是": True, "及时": True, "no": False, "否": False, "不及时": False,
          "": None}
USERNAME_SEPARATORS = re.compile(r"[;,、；，]")
YEARS = range(2000, 2101)
HEADER_ROW = 1  # the first data row is 2, as a spreadsheet numbers it


def header_key(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip()).casefold()


HEADERS = {header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
# Bookkeeping columns registers often carry; anything else unknown is refused (a misspelt
# 核查员 must not silently drop people from the recusal check, R8.15).
IGNORED_HEADERS = {header_key(h) for h in ("序号", "No.", "no", "备注", "remarks", "note", "notes")}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # as headed in the file, so the person fixing it finds it
    message: str

    def __str__(self):
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


class EngagementImportRejected(InvalidInput):
    """Some rows are wrong; nothing was imported. `errors` lists each one."""

    def __init__(self, errors: list[RowError]):
        lines = "\n".join(f"- {e}" for e in errors)
        super().__init__(_("Nothing was imported; %(count)s error(s):\n%(errors)s")
                         % {"count": len(errors), "errors": lines}, field="rows")
        self.errors = errors


@dataclass(frozen=True)
class EngagementImport:
    created: int
    updated: int


@dataclass(frozen=True)
class CheckedRow:
    report_number: str
    client: tuple[str, str]  # (credit code, name)
    client_email: str  # blank: none given
    entity: tuple[str, str]
    province: str
    year: int
    batch: str
    conclusion: str
    timely: bool | None
    team_lead: Staff | None
    team: dict[str, list[Staff]]
    quality: dict[str, str]  # D1: blank when it conforms


def engagement_rows_from_file(file) -> list[dict]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file (its first sheet), each
    a dict keyed by the header row. Blank lines stay in, so list index + 2 is the row.

    The format is read from the content, not the name (a register saved as "台账" or
    mailed as "register.txt" still imports): a workbook is a zip, CSV is text.

    Bounded, so a hostile or mistaken file is refused rather than read at any cost: at
    most CASEFLOW_IMPORT_MAX_BYTES, CASEFLOW_IMPORT_MAX_ROWS rows and MAX_COLUMNS columns
    (the register's own and its bookkeeping ones)."""
    limit = settings.CASEFLOW_IMPORT_MAX_BYTES
    data = file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_("The file is larger than the import limit of %(size)s.")
                           % {"size": file_size(limit)}, field="file")
    if isinstance(data, bytes) and data.startswith(ZIP_MAGIC):
        table = xlsx_table(data)
    elif isinstance(data, bytes) and data.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        raise InvalidInput(not_utf8_message(), field="file")
    elif isinstance(data, bytes) and BINARY_CONTROL.search(data[:4096]):
        raise InvalidInput(_("Upload a .csv or .xlsx file."), field="file")
    else:
        table = csv_table(data)
    if not table:
        return []
    headers = [h.strip() for h in table[0]]
    named = [h for h in headers if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise InvalidInput(_("Row 1 repeats the column(s): %(columns)s.")
                           % {"columns": ", ".join(repeated)}, field="file")
    rows = []
    for values in table[1:]:
        values = values + [""] * (len(headers) - len(values))
        rows.append({h: v.strip() for h, v in zip(headers, values, strict=False) if h})
    return rows


MAX_COLUMNS = len(COLUMNS) + len(IGNORED_HEADERS)
# Rows read past the row limit looking for data (empty formatted rows are skipped), before
# the file is refused anyway: a sheet can claim a million rows in a few bytes.
SCAN_ROWS_PAST_LIMIT = 10_000


def file_size(limit: int) -> str:
    return f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 2**10:g} KB"


def too_many_rows() -> InvalidInput:
    return InvalidInput(_("The file has more than %(rows)s rows, the import limit.")
                        % {"rows": settings.CASEFLOW_IMPORT_MAX_ROWS}, field="file")


def too_many_columns(row: int) -> InvalidInput:
    return InvalidInput(_("Row %(row)s has more than %(columns)s columns, the import limit.")
                        % {"row": row, "columns": MAX_COLUMNS}, field="file")


def bounded_table(rows: Iterable[Iterable]) -> list[list[str]]:
    """The rows as text, refusing data past the row or column limit; empty rows and
    empty cells past the limits are skipped."""
    max_rows = settings.CASEFLOW_IMPORT_MAX_ROWS + 1  # and the header
    table = []
    for number, row in enumerate(rows, 1):
        values = list(row)
        filled = any(v is not None and v != "" for v in values)
        if number > max_rows:
            if filled or number > max_rows + SCAN_ROWS_PAST_LIMIT:
                raise too_many_rows()
            continue
        if any(v is not None and v != "" for v in values[MAX_COLUMNS:]):
            raise too_many_columns(number)
        table.append([cell_text(v) for v in values[:MAX_COLUMNS]])
    while table and not any(table[-1]):
        table.pop()  # empty rows the limit let through
    return table


ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Control bytes no text file has (NUL, and the C0 controls but tab, newlines, form feed,
# the old end-of-file Ctrl-Z, escape): an old .xls, a PDF or an image, not CSV.
BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f]")


def not_utf8_message() -> str:
    return _("The CSV file is not UTF-8: save it as “CSV UTF-8”.")


def csv_table(data: bytes | str) -> list[list[str]]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(not_utf8_message(), field="file") from exc
    data = data.removeprefix("\ufeff").removesuffix("\x1a")
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        return bounded_table(reader)
    except csv.Error as exc:
        raise InvalidInput(_("Row %(row)s: a field is longer than %(limit)s characters, or "
                             "the row is not valid CSV.")
                           % {"row": reader.line_num, "limit": csv.field_size_limit()},
                           field="file") from exc


def xlsx_table(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput(_("The file is not a readable .xlsx workbook."), field="file") from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's stated dimension is not trusted (a few KB can claim 16,384 columns
        # and a million rows): rows are as wide as their last cell, read one at a time.
        sheet.reset_dimensions()
        return bounded_table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_errors(rows: list[dict]) -> tuple[dict[str, str], list[RowError]]:
    """Each column's header as written in the file, and what is wrong with the headers."""
    labels: dict[str, str] = {}
    errors = []
    headers = dict.fromkeys(h for row in rows for h in row if h and h.strip())
    for header in headers:
        if header_key(header) in IGNORED_HEADERS:
            continue
        column = HEADERS.get(header_key(header))
        if column is None:
            errors.append(RowError(HEADER_ROW, header, _("unknown column.")))
        elif column in labels:
            errors.append(RowError(HEADER_ROW, header,
                                   _("the same column as “%(column)s”.")
                                   % {"column": labels[column]}))
        else:
            labels[column] = header.strip()
    for column in REQUIRED:
        if column not in labels:
            errors.append(RowError(HEADER_ROW, column, _("this column is missing.")))
    return labels, errors


def row_values(row: dict) -> dict[str, str]:
    return {HEADERS[header_key(h)]: str(v or "").strip() for h, v in row.items()
            if h and h.strip() and header_key(h) not in IGNORED_HEADERS}


def usernames(text: str) -> list[str]:
    return list(dict.fromkeys(u.strip() for u in USERNAME_SEPARATORS.split(text) if u.strip()))


def max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class RowChecker:
    """Checks one row at a time, remembering report numbers seen earlier in the file."""

    def __init__(self, labels: dict[str, str], staff: dict[str, Staff]):
        self.labels = labels
        self.staff = staff
        self.seen: dict[str, int] = {}

    def check(self, number: int, values: dict[str, str]) -> tuple[CheckedRow | None,
                                                                  list[RowError]]:
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(number, self.labels.get(column, column), message))

        def text(column: str, limit: int, *, required: bool) -> str:
            value = values.get(column, "")
            if required and not value:
                error(column, _("required."))
            elif len(value) > limit:
                error(column, _("longer than %(limit)s characters.") % {"limit": limit})
            return value

        report_number = text("report_number", max_length(Engagement, "report_number"),
                             required=True)
        if report_number in self.seen:
            error("report_number", _("%(number)s is already on row %(row)s.")
                  % {"number": report_number, "row": self.seen[report_number]})
        elif report_number:
            self.seen[report_number] = number
        client_name = text("client_name", max_length(Organization, "name"), required=True)
        entity_name = text("entity_name", max_length(Organization, "name"), required=True)
        client_code = self.credit_code("client_credit_code", values, error)
        client_email = text("client_email", max_length(Organization, "email"), required=False)
        if client_email:
            try:
                validate_email(client_email)
            except ValidationError:
                error("client_email", _("“%(value)s” is not an email address.")
                      % {"value": client_email})
        entity_code = self.credit_code("entity_credit_code", values, error)
        province = text("province", max_length(Engagement, "province"), required=True)
        batch = text("batch", max_length(Engagement, "batch"), required=False)

        year = None
        raw_year = values.get("year", "")
        if not raw_year:
            error("year", _("required."))
        elif not raw_year.isdigit() or int(raw_year) not in YEARS:
            error("year", _("“%(value)s” is not a year between %(first)s and %(last)s.")
                  % {"value": raw_year, "first": YEARS[0], "last": YEARS[-1]})
        else:
            year = int(raw_year)

        raw = values.get("conclusion", "")
        conclusion = CONCLUSIONS.get(raw.casefold())
        if conclusion is None:
            error("conclusion", _("“%(value)s” is not one of qualified/not_qualified/pending "
                                  "(合格/不合格/待定).") % {"value": raw})
        raw = values.get("timely", "")
        timely = TIMELY.get(raw.casefold())
        if raw.casefold() not in TIMELY:
            error("timely", _("“%(value)s” is not yes/no (是/否) or empty.") % {"value": raw})
        # Only the columns the file has: an older register without them leaves what was
        # entered in the admin alone.
        quality = {}
        for column in (c for c in QUALITY if c in self.labels):
            value = text(column, max_length(Engagement, column), required=False)
            quality[column] = "" if value.casefold() in CONFORMING else value

        team_lead = None
        lead = usernames(values.get("team_lead", ""))
        if len(lead) > 1:
            error("team_lead", _("name one team lead."))
        elif lead:
            team_lead = self.staff.get(lead[0])
            if team_lead is None:
                error("team_lead", _("no staff member has the username “%(username)s”.")
                      % {"username": lead[0]})
        team: dict[str, list[Staff]] = {}
        for column in TEAM:
            names = usernames(values.get(column, ""))
            unknown = [u for u in names if u not in self.staff]
            if unknown:
                error(column, _("no staff member has the username %(usernames)s.")
                      % {"usernames": ", ".join(f"“{u}”" for u in unknown)})
            team[column] = [self.staff[u] for u in names if u in self.staff]

        if errors:
            return None, errors
        return CheckedRow(
            report_number=report_number, client=(client_code, client_name),
            client_email=client_email,
            entity=(entity_code, entity_name), province=province, year=year, batch=batch,
            conclusion=conclusion, timely=timely, team_lead=team_lead, team=team,
            quality=quality,
        ), []

    @staticmethod
    def credit_code(column: str, values: dict[str, str], error) -> str:
        raw = values.get(column, "")
        if not raw:
            error(column, _("required."))
            return ""
        try:
            return uscc.validate(raw)
        except NumberInvalid as exc:
            error(column, _("“%(value)s” is not a valid unified social credit code "
                            "(统一社会信用代码): %(reason)s")
                  % {"value": raw, "reason": exc.message})
            return ""


def organization_find_or_create(*, credit_code: str, name: str, kind: str,
                                history_user=None) -> Organization:
    """The organization with this credit code; an existing one keeps its name and kind."""
    organization = Organization.objects.filter(credit_code=credit_code).first()
    if organization is None:
        organization = Organization(credit_code=credit_code, name=name, kind=kind)
        organization._history_user = history_user
        organization.save()
    return organization


IMPORTERS = (Role.CLIENT_OFFICE, Role.PROJECT_OFFICE, Role.DEPARTMENT_HEAD)


@transaction.atomic
def engagements_import(*, rows: Iterable[dict[str, str]],
                       acting_user: Staff | None = None) -> EngagementImport:
    """Create or update engagements from register rows (R8.15: who performed each one).

    Organizations are found by credit code or created; an engagement whose report number
    exists is updated and its team replaced, so importing the same file twice changes
    nothing. Any wrong row raises `EngagementImportRejected` and nothing is written.
    """
    if acting_user is not None and not acting_user.has_any_role(IMPORTERS):
        raise RoleRequired(_("The client & information office, the project office or the "
                             "department head import engagements."), rule="R8.15")
    rows = list(rows)
    if not rows:
        return EngagementImport(created=0, updated=0)
    labels, errors = header_errors(rows)
    if errors:
        raise EngagementImportRejected(errors)
    numbered = [(number, row_values(row)) for number, row in enumerate(rows, HEADER_ROW + 1)]
    numbered = [(number, values) for number, values in numbered if any(values.values())]

    wanted = {u for _, values in numbered for column in ("team_lead", *TEAM)
              for u in usernames(values.get(column, ""))}
    staff = {s.user.username: s
             for s in Staff.objects.select_related("user").filter(user__username__in=wanted)}
    checker = RowChecker(labels, staff)
    checked: list[CheckedRow] = []
    for number, values in numbered:
        row, row_errors = checker.check(number, values)
        errors += row_errors
        if row:
            checked.append(row)
    if errors:
        raise EngagementImportRejected(errors)

    history_user = acting_user.user if acting_user else None
    organizations: dict[str, Organization] = {}

    def organization(code_and_name: tuple[str, str], kind: str) -> Organization:
        code, name = code_and_name
        if code not in organizations:
            organizations[code] = organization_find_or_create(
                credit_code=code, name=name, kind=kind, history_user=history_user)
        return organizations[code]

    created = updated = 0
    for row in checked:
        client = organization(row.client, Organization.Kind.CLIENT_AUTHORITY)
        if row.client_email and not client.email:
            # The register fills an address in; one the office keeps is not overwritten.
            client.email = row.client_email
            client._history_user = history_user
            client.save(update_fields=["email"])
        fields = {
            "client": client,
            "verified_entity": organization(row.entity, Organization.Kind.VERIFIED_ENTITY),
            "province": row.province, "year": row.year, "batch": row.batch,
            "conclusion": row.conclusion, "timely": row.timely, "team_lead": row.team_lead,
            **row.quality,
        }
        engagement = (Engagement.objects.select_for_update()
                      .filter(report_number=row.report_number).first())
        if engagement is None:
            engagement = Engagement(report_number=row.report_number, **fields)
            created += 1
        else:
            fields.pop("team_lead")  # the team changes through engagement_team_set below
            for name, value in fields.items():
                setattr(engagement, name, value)
            updated += 1
        engagement._history_user = history_user
        engagement.save()
        engagement_team_set(engagement=engagement, team_lead=row.team_lead,
                            team=row.team, acting_user=acting_user)
    return EngagementImport(created=created, updated=updated)


def engagement_team(engagement: Engagement) -> dict:
    """Who performed the engagement (R8.15), as ids: what an event records of a change."""
    return {"team_lead": engagement.team_lead_id,
            **{field: sorted(getattr(engagement, field).values_list("pk", flat=True))
               for field in TEAM}}


@transaction.atomic
def engagement_team_set(*, engagement: Engagement, team_lead: Staff | None,
                        team: dict[str, list[Staff]], acting_user: Staff | None) -> bool:
    """Set who led, verified, reviewed and signed an engagement; True if anything changed.

    While the engagement has open cases the team decides who is recused from them
    (R8.15): nobody recused from one of those cases may change it (or a recused head
    could sign himself off the report and back into the case, X9), and every change is
    recorded as an event on each of those cases. `acting_user` None is the command line.
    """
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    engagement._history_user = acting_user.user if acting_user else None
    before = engagement_team(engagement)
    after = {"team_lead": team_lead.pk if team_lead else None,
             **{field: sorted(s.pk for s in team.get(field, [])) for field in TEAM}}
    if before == after:
        return False
    open_cases = list(engagement.cases.exclude(state__in=FINAL_STATES).select_related(
        "engagement", "respondent", "submitter", "appealed_case"))
    if acting_user is not None:
        today = timezone.localdate()
        for case in open_cases:
            if case_recusal(case, acting_user, today=today):
                raise Recused(_(
                    "%(staff)s is recused from case %(number)s about %(report)s and may not "
                    "change who performed that engagement.")
                    % {"staff": acting_user, "number": case.number,
                       "report": engagement.report_number}, rule="R8.15")
    if before["team_lead"] != after["team_lead"]:
        engagement.team_lead = team_lead
        engagement.save(update_fields=["team_lead"])
    for field in TEAM:
        getattr(engagement, field).set(team.get(field, []))
    for case in open_cases:
        event_record(case, action="engagement_team_changed", actor=acting_user,
                     actor_label="" if acting_user else "system", from_state=case.state,
                     payload={"engagement": engagement.pk, "before": before, "after": after})
    return True
