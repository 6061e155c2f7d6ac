"""Where a client's written notices are emailed (R8.09): kept by the office, or filled in
from the engagement register's optional 委托方邮箱 column."""

import io

import pytest

from caseflow.actions.engagements import (
    EngagementImportRejected,
    engagement_rows_from_file,
    engagements_import,
)
from caseflow.actions.organizations import organization_update
from caseflow.errors import InvalidInput
from caseflow.models import Organization

pytestmark = pytest.mark.django_db

AUTHORITY = "11100000000013127D"  # 某省生态环境厅
CEMENT = "91110000600037341L"  # 华东水泥有限公司
STEEL = "91320000134789012J"  # 苏南钢铁有限公司


def register(*emails: str) -> list[dict]:
    lines = ["报告编号,委托方,委托方信用代码,委托方邮箱,受核查方,受核查方信用代码,省份,年度"]
    for number, (email, entity) in enumerate(zip(emails, (CEMENT, STEEL), strict=False), 12):
        lines.append(f"JS25A00{number},某省生态环境厅,{AUTHORITY},{email},某企业{number},"
                     f"{entity},江苏,2025")
    return engagement_rows_from_file(io.BytesIO("\n".join(lines).encode()))


def test_r8_09_the_register_fills_in_a_clients_address_but_never_overwrites_one(people):
    """R8.09: the first import gives the authority its address; a later register with
    another address leaves the one on file (the office keeps it); blank is no address."""
    engagements_import(rows=register("notices@sthjt.example.gov.cn", ""),
                       acting_user=people.office)
    authority = Organization.objects.get(credit_code=AUTHORITY)
    assert authority.email == "notices@sthjt.example.gov.cn"
    assert authority.history.first().history_user == people.office.user
    engagements_import(rows=register("old@sthjt.example.gov.cn"), acting_user=people.office)
    authority.refresh_from_db()
    assert authority.email == "notices@sthjt.example.gov.cn"


def test_r8_09_a_malformed_address_in_the_register_rejects_the_file(people):
    with pytest.raises(EngagementImportRejected) as rejected:
        engagements_import(rows=register("sthjt at example"), acting_user=people.office)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "委托方邮箱")]
    assert not Organization.objects.exists()


def test_r8_09_the_office_corrects_a_clients_address(people, client_authority):
    organization_update(organization=client_authority, acting_user=people.office,
                        email=" notices@sthjt.example.gov.cn ")
    client_authority.refresh_from_db()
    assert client_authority.email == "notices@sthjt.example.gov.cn"
    with pytest.raises(InvalidInput) as refused:
        organization_update(organization=client_authority, acting_user=people.office,
                            email="notices@")
    assert refused.value.field == "email"
