"""Case list filters, and text search that works for Chinese."""

import pytest

from tests.personas import complaint

pytestmark = pytest.mark.django_db


def test_chinese_substring_search_finds_subject_description_and_number(people, api):
    first = complaint(people)  # 核查报告数据有误 / 排放量计算有误。
    complaint(people, scope="c")
    client = api(people.head)
    found = client.get("/api/cases/", {"q": "排放量"}).json()["results"]
    assert {c["id"] for c in found} == {first.pk, first.pk + 1}
    assert client.get("/api/cases/", {"q": "数据有误", "scope": "c"}).json()["count"] == 1
    assert client.get("/api/cases/", {"q": first.number}).json()["results"][0]["id"] == first.pk
    assert client.get("/api/cases/", {"q": "不存在的词"}).json()["count"] == 0


def test_filters_by_kind_state_and_overdue(people, api):
    complaint(people)
    client = api(people.head)
    assert client.get("/api/cases/", {"kind": "complaint", "state": "received"}).json()[
        "count"] == 1
    assert client.get("/api/cases/", {"kind": "appeal"}).json()["count"] == 0
    assert client.get("/api/cases/", {"overdue": "true"}).json()["count"] == 0
    assert client.get("/api/cases/", {"kind": "nonsense"}).status_code == 400
