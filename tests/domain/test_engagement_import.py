"""Importing the engagement register: who performed each verification (R8.15)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from caseflow.actions.engagements import (
    EngagementImportRejected,
    engagement_rows_from_file,
    engagements_import,
)
from caseflow.errors import InvalidInput, Recused
from caseflow.models import Engagement, Organization
from caseflow.policies.impartiality import impartiality_refusal
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db

AUTHORITY = "11100000000013127D"  # 某省生态环境厅
CEMENT = "91110000600037341L"  # 华东水泥有限公司
STEEL = "91320000134789012J"  # 苏南钢铁有限公司

HEADER = ("report_number,client_name,client_credit_code,entity_name,entity_credit_code,"
          "province,year,batch,conclusion,timely,team_lead,verifiers,technical_reviewers,"
          "report_signers\n")
CSV = (HEADER
       + f"JS25A0012,某省生态环境厅,{AUTHORITY},华东水泥有限公司,{CEMENT},江苏,2025,第一批,"
         "qualified,yes,huwei,huwei;liuyang,zhoujie,zhangmin\n"
       + f"JS25A0013,某省生态环境厅,{AUTHORITY},苏南钢铁有限公司,{STEEL},江苏,2025,第一批,"
         "not_qualified,no,liuyang,\"liuyang, huwei\",zhoujie,\n")


def rows_from_csv(text: str, *, bom: bool = False) -> list[dict]:
    data = ("\ufeff" + text if bom else text).encode("utf-8")
    return engagement_rows_from_file(io.BytesIO(data))


def usernames(staff) -> set[str]:
    return {s.user.username for s in staff.all()}


def test_csv_import_creates_organizations_and_engagements_with_their_team(people):
    result = engagements_import(rows=rows_from_csv(CSV, bom=True), acting_user=people.office)

    assert (result.created, result.updated) == (2, 0)
    cement = Engagement.objects.get(report_number="JS25A0012")
    assert cement.client.credit_code == AUTHORITY
    assert cement.client.kind == Organization.Kind.CLIENT_AUTHORITY
    assert cement.verified_entity.name == "华东水泥有限公司"
    assert cement.verified_entity.kind == Organization.Kind.VERIFIED_ENTITY
    assert (cement.province, cement.year, cement.batch) == ("江苏", 2025, "第一批")
    assert (cement.conclusion, cement.timely) == (Engagement.Conclusion.QUALIFIED, True)
    assert cement.team_lead == people.hu_wei
    assert usernames(cement.verifiers) == {"huwei", "liuyang"}
    assert usernames(cement.technical_reviewers) == {"zhoujie"}
    assert usernames(cement.report_signers) == {"zhangmin"}
    steel = Engagement.objects.get(report_number="JS25A0013")
    assert steel.client == cement.client  # one authority, found by its credit code
    assert (steel.conclusion, steel.timely) == (Engagement.Conclusion.NOT_QUALIFIED, False)
    assert usernames(steel.verifiers) == {"liuyang", "huwei"}
    assert not steel.report_signers.exists()
    assert Organization.objects.count() == 3
    assert cement.history.first().history_user == people.office.user


def test_xlsx_import_with_chinese_headers(people, cement_works):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["报告编号", "委托方", "委托方信用代码", "受核查方", "受核查方信用代码", "省份",
                  "年度", "批次", "结论", "是否及时", "组长", "核查员", "技术评审",
                  "报告审核签发"])
    sheet.append(["JS25A0012", "某省生态环境厅", AUTHORITY, "水泥厂（新名称）", CEMENT, "江苏",
                  2025, "第一批", "合格", "是", "huwei", "huwei、liuyang", "zhoujie", "zhangmin"])
    sheet.append([None] * 14)  # a blank line is skipped
    sheet.append(["JS24B0007", "某省生态环境厅", AUTHORITY, "华东水泥有限公司", CEMENT, "江苏",
                  2024, None, "待定", None, None, "zhoujie", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    rows = engagement_rows_from_file(buffer)
    result = engagements_import(rows=rows)

    assert (result.created, result.updated) == (2, 0)
    first = Engagement.objects.get(report_number="JS25A0012")
    assert first.verified_entity == cement_works
    assert first.verified_entity.name == "华东水泥有限公司"  # an existing name is kept
    assert (first.year, first.conclusion, first.timely) == (2025, "qualified", True)
    assert usernames(first.verifiers) == {"huwei", "liuyang"}
    assert usernames(first.report_signers) == {"zhangmin"}
    second = Engagement.objects.get(report_number="JS24B0007")
    assert (second.year, second.batch, second.conclusion) == (2024, "", "pending")
    assert second.timely is None and second.team_lead is None


def test_reimport_updates_instead_of_duplicating(people):
    engagements_import(rows=rows_from_csv(CSV))
    again = engagements_import(rows=rows_from_csv(CSV))
    assert (again.created, again.updated) == (0, 2)
    assert Engagement.objects.count() == 2
    assert Organization.objects.count() == 3

    changed = CSV.replace("huwei;liuyang,zhoujie,zhangmin", "zhoujie,liuyang,")
    result = engagements_import(rows=rows_from_csv(changed))
    assert (result.created, result.updated) == (0, 2)
    cement = Engagement.objects.get(report_number="JS25A0012")
    assert usernames(cement.verifiers) == {"zhoujie"}  # the team is replaced, not added to
    assert usernames(cement.technical_reviewers) == {"liuyang"}
    assert not cement.report_signers.exists()


def test_bad_rows_report_row_and_column_and_write_nothing(people):
    bad = (CSV
           + f"JS25A0014,某省生态环境厅,{AUTHORITY},坏代码公司,91320000134789012X,江苏,2025,,"
             "合格,是,huwei,nobody;zhoujie,,\n"
           + f"JS25A0015,某省生态环境厅,{AUTHORITY},苏南钢铁有限公司,{STEEL},江苏,20x5,,"
             "maybe,sometimes,ghost,,,\n")
    with pytest.raises(EngagementImportRejected) as rejected, translation.override("en"):
        engagements_import(rows=rows_from_csv(bad))

    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {(4, "entity_credit_code"), (4, "verifiers"), (5, "year"),
                     (5, "conclusion"), (5, "timely"), (5, "team_lead")}
    message = rejected.value.message
    assert "row 4, entity_credit_code" in message and "row 5, team_lead" in message
    assert "nobody" in message and "ghost" in message
    assert isinstance(rejected.value, InvalidInput)
    assert Engagement.objects.count() == 0  # the two good rows were not written either
    assert Organization.objects.count() == 0


def test_bad_row_errors_name_the_chinese_column(people):
    rows = [{"报告编号": "JS25A0012", "委托方": "某省生态环境厅", "委托方信用代码": AUTHORITY,
             "受核查方": "华东水泥有限公司", "受核查方信用代码": "123", "省份": "江苏",
             "年度": "2025", "组长": "huwei"}]
    with pytest.raises(EngagementImportRejected) as rejected:
        engagements_import(rows=rows)
    [error] = rejected.value.errors
    assert (error.row, error.column) == (2, "受核查方信用代码")


def test_unknown_or_missing_columns_are_reported_on_the_header_row(people):
    rows = [{"report_number": "JS25A0012", "entity": "华东水泥有限公司"}]
    with pytest.raises(EngagementImportRejected) as rejected:
        engagements_import(rows=rows)
    errors = rejected.value.errors
    assert {e.row for e in errors} == {1}
    assert "entity" in {e.column for e in errors}
    assert "client_credit_code" in {e.column for e in errors}


def test_a_report_number_twice_in_one_file_is_an_error(people):
    line = CSV.splitlines()[1]
    with pytest.raises(EngagementImportRejected) as rejected:
        engagements_import(rows=rows_from_csv(HEADER + line + "\n" + line + "\n"))
    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "report_number")


@pytest.mark.parametrize("content", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",  # an old Excel 97 .xls
    b"%PDF-1.4\n\x00\x01\x02 binary",
    b"PK\x03\x04 a zip that is no workbook",
])
def test_other_file_types_are_refused_by_their_content(content):
    with pytest.raises(InvalidInput):
        engagement_rows_from_file(io.BytesIO(content))


def test_a_utf16_export_is_told_to_save_as_utf8():
    with pytest.raises(InvalidInput) as refused:
        engagement_rows_from_file(io.BytesIO("report_number\nJS1\n".encode("utf-16")))
    assert "UTF-8" in refused.value.message


def test_a_csv_ending_in_the_old_end_of_file_mark_imports():
    rows = engagement_rows_from_file(io.BytesIO(b"report_number\nJS25A0012\n\x1a"))
    assert rows == [{"report_number": "JS25A0012"}]


def test_r8_15_imported_team_is_recused(people):
    """R8.15: the register says Liu Yang verified and the head signed the report: a
    complaint about it may involve neither."""
    engagements_import(rows=rows_from_csv(CSV))
    engagement = Engagement.objects.get(report_number="JS25A0012")
    case = complaint(people, engagement=engagement)
    commit(case, people.handler, people.head, people.reviewer, people.quality_manager)
    for staff in (people.handler, people.head, people.reviewer):
        assert impartiality_refusal(case, staff, "draft").rule == "R8.15"
    assert impartiality_refusal(case, people.quality_manager, "draft") is None


def test_command_imports_a_file_and_is_idempotent(people, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_engagements", str(path), stdout=out)
    assert out.getvalue().strip() == "created 2, updated 0"
    out = io.StringIO()
    call_command("import_engagements", str(path), stdout=out)
    assert out.getvalue().strip() == "created 0, updated 2"


def test_command_fails_with_the_errors_and_writes_nothing(people, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(CSV.replace("zhoujie,zhangmin", "zhoujie,nobody"), encoding="utf-8")
    with pytest.raises(CommandError, match="第2行，report_signers"):
        call_command("import_engagements", str(path))
    assert Engagement.objects.count() == 0
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_engagements", str(tmp_path / "missing.csv"))


def test_bookkeeping_columns_like_serial_numbers_are_ignored(people):
    text = "序号," + HEADER.replace("\n", ",备注\n") + "1," + CSV.splitlines()[1] + ",无\n"
    result = engagements_import(rows=rows_from_csv(text))
    assert (result.created, result.updated) == (1, 0)


def test_admin_imports_a_register_file(admin_client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("register.csv", CSV.encode("utf-8"), content_type="text/csv")
    response = admin_client.post("/admin/caseflow/engagement/import/", {"file": upload},
                                 follow=True)
    assert response.status_code == 200
    assert Engagement.objects.count() == 2
    bad = SimpleUploadedFile("register.csv", CSV.replace(CEMENT, "91110000600037341X").encode())
    response = admin_client.post("/admin/caseflow/engagement/import/", {"file": bad})
    assert response.status_code == 200 and "第2行" in response.content.decode()


def test_r8_15_a_recused_head_cannot_sign_himself_off_the_report(people):
    """R8.15, X9: the head signed JS25A0012's report and a complaint about it is open: he
    may not re-import the row without his name to step back into the case; nothing
    changes. The office may correct the team; the change is an event on the open case."""
    engagements_import(rows=rows_from_csv(CSV))
    engagement = Engagement.objects.get(report_number="JS25A0012")
    case = complaint(people, engagement=engagement)
    without_head = CSV.replace("zhoujie,zhangmin", "zhoujie,")
    with pytest.raises(Recused) as refused:
        engagements_import(rows=rows_from_csv(without_head), acting_user=people.head)
    assert refused.value.rule == "R8.15"
    assert usernames(engagement.report_signers) == {"zhangmin"}
    assert not case.events.filter(action="engagement_team_changed").exists()

    engagements_import(rows=rows_from_csv(without_head), acting_user=people.office)
    assert not engagement.report_signers.exists()
    [changed] = case.events.filter(action="engagement_team_changed")
    assert changed.actor == people.office
    assert changed.payload["before"]["report_signers"] == [people.head.pk]
    assert changed.payload["after"]["report_signers"] == []


def test_r8_15_team_changes_of_an_engagement_without_open_cases_record_nothing(people):
    """R8.15: with no open case the register is corrected freely and no case records it."""
    engagements_import(rows=rows_from_csv(CSV))
    engagements_import(rows=rows_from_csv(CSV.replace("zhoujie,zhangmin", "zhoujie,")),
                       acting_user=people.head)
    assert not Engagement.objects.get(report_number="JS25A0012").report_signers.exists()


def test_r8_15_the_admin_shows_the_team_read_only_while_cases_are_open(admin_client, people):
    """R8.15: the admin's engagement form cannot change the team of an engagement with
    open cases (the import, which checks and records, can)."""
    engagements_import(rows=rows_from_csv(CSV))
    engagement = Engagement.objects.get(report_number="JS25A0012")
    form = admin_client.get(f"/admin/caseflow/engagement/{engagement.pk}/change/")
    assert 'name="report_signers"' in form.content.decode()
    complaint(people, engagement=engagement)
    form = admin_client.get(f"/admin/caseflow/engagement/{engagement.pk}/change/")
    assert 'name="report_signers"' not in form.content.decode()
