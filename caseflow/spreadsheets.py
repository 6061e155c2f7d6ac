"""Spreadsheets carry what people typed, never code: a subject, an organization name or a
reason that starts like a formula (=, +, -, @) must not run when the file is opened
(CSV/formula injection). Every CSV and XLSX the system writes is written here: nothing
else in `caseflow/` or `api/` calls `csv.writer` or saves an openpyxl workbook (a test
checks the sources)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XLSX cannot hold (openpyxl refuses it): the C0 controls but tab and line breaks.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value):
    """For CSV, whose readers guess: a formula-like string gets a leading apostrophe,
    which spreadsheets show as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A UTF-8 CSV with a BOM (so Excel opens it as UTF-8), every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_text(v) for v in header])
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_text(value):
    """For XLSX: control characters typed or pasted into text (an older record, an
    import) are dropped rather than failing the whole file."""
    if isinstance(value, str):
        return XLSX_ILLEGAL.sub("", value)
    return value


def formulas_as_text(sheet) -> None:
    """For XLSX, which says what each cell is: openpyxl takes any string starting with
    "=" for a formula; store those cells as the text they are, unchanged."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save a workbook built cell by cell (e.g. a form with merged cells), after storing
    every formula-like cell of every sheet as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and XLSX_ILLEGAL.search(cell.value):
                    cell.value = xlsx_text(cell.value)
        formulas_as_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A one-sheet table: the header row, then the rows, every cell formula-safe."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_text(v) for v in row])
    return workbook_bytes(workbook)
