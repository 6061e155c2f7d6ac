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
    assert client.get("/api/cases/", {"overdue": "false"}).json()["count"] == 1
    assert client.get("/api/cases/", {"overdue": "0"}).json()["count"] == 1
    assert client.get("/api/cases/", {"overdue": "maybe"}).status_code == 400


@pytest.mark.parametrize("url", ["/api/cases/", "/api/exports/cases.csv"])
@pytest.mark.parametrize("bad", [
    {"handler": "99999999999999999999"}, {"engagement": "-1"}, {"respondent": "1.5"},
    {"received_after": "0001-01-01T00:00:00+08:00"}, {"due_before": "9999-12-31T23:59:59Z"},
])
def test_filter_values_out_of_range_are_a_400_naming_the_filter(people, api, url, bad):
    """Not a 500 from the database (SQLite overflows on both), not an unfiltered list."""
    response = api(people.head).get(url, bad)
    assert response.status_code == 400, response.content[:300]
    assert set(bad) <= set(response.json()["errors"])
