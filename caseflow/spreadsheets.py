"""Spreadsheets carry what people typed, never code: a subject or an organization name
that starts like a formula (=, +, -, @) must not run when the file is opened (CSV/formula
injection). One rule for every CSV and XLSX the system writes."""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XLSX cannot hold (openpyxl refuses it): the C0 controls but tab and line breaks.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value):
    """For CSV, whose readers guess: a formula-like string gets a leading apostrophe,
    which spreadsheets show as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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
