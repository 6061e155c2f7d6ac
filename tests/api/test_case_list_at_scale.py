"""The case list at scale: a count that stops at a bound (pages never count the whole
table), visibility and the impartiality exclusions as conditions on the case's own row
(no DISTINCT, no join over every party), whichever way each is read."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.serializers import ModelSerializer

from api import pagination
from api.serializers import CaseFileSerializer, CaseListSerializer
from caseflow.actions.intake import PartyDetails
from caseflow.models import Case
from caseflow.selectors import cases as case_selectors
from caseflow.selectors.cases import cases_for_staff
from tests.personas import commit, complaint, handled

pytestmark = pytest.mark.django_db


def listed(client, **query) -> dict:
    response = client.get("/api/cases/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_count_is_exact_under_the_bound(people, api):
    complaint(people)
    complaint(people)
    body = listed(api(people.head))
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, True, 2)


def test_the_count_stops_at_the_bound_and_the_pages_with_it(people, api, monkeypatch):
    """Past the bound `count` is the bound and says it is not exact; the pages reach as
    far as it (narrow the filters to see the rest)."""
    for _ in range(3):
        complaint(people)
    monkeypatch.setattr(pagination, "COUNT_BOUND", 2)
    body = listed(api(people.head))
    assert (body["count"], body["count_exact"], body["next"]) == (2, False, None)
    assert len(body["results"]) == 2
    assert api(people.head).get("/api/cases/", {"page": 2}).status_code == 404
    assert listed(api(people.head), kind="complaint", q="核查")["count_exact"] is False


def test_the_count_never_reads_more_than_the_bound(people, api, monkeypatch):
    for _ in range(3):
        complaint(people)
    monkeypatch.setattr(pagination, "COUNT_BOUND", 2)
    with CaptureQueriesContext(connection) as queries:
        listed(api(people.head))
    [count] = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 3" in count


def test_the_schema_says_what_count_means():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    page = schema["components"]["schemas"]["PaginatedCaseListList"]
    assert page["properties"]["count_exact"]["type"] == "boolean"
    assert page["properties"]["count"]["maximum"] == pagination.COUNT_BOUND
    assert {"count", "count_exact", "results"} <= set(page["required"])


def handled_case(people, **kw):
    return handled(people, complaint(people, **kw))


def list_sql(client, **query) -> str:
    with CaptureQueriesContext(connection) as queries:
        listed(client, **query)
    return "\n".join(q["sql"] for q in queries.captured_queries
                     if 'FROM "caseflow_case"' in q["sql"])


def test_a_narrower_role_sees_its_cases_without_distinct_or_joins(people, api):
    """Liu Yang (project office) handles one case of two: his list has it, and is read
    without DISTINCT or a LEFT JOIN through nonconformities and tasks."""
    mine = handled_case(people)
    complaint(people)
    client = api(people.handler)
    assert [c["id"] for c in listed(client)["results"]] == [mine.pk]
    sql = list_sql(client)
    assert "DISTINCT" not in sql
    assert 'LEFT OUTER JOIN "caseflow_nonconformity"' not in sql
    assert 'LEFT OUTER JOIN "caseflow_capatask"' not in sql


@pytest.mark.parametrize("read_first", [True, False], ids=["ids read first", "exists"])
def test_r7_05_a_task_owner_sees_the_nonconformity_either_way(people, read_first, monkeypatch):
    """The arm of visibility through a task: as a list of ids when few, as an EXISTS on
    the case's row when many; the same cases either way."""
    from caseflow.actions.nonconformities import (
        capa_task_assign,
        nonconformity_analyse,
        nonconformity_open,
        nonconformity_sign_off_plan,
    )
    from caseflow.models import RoleAssignment

    if not read_first:
        monkeypatch.setattr(case_selectors, "VISIBLE_IDS_READ", 0)
    RoleAssignment.objects.create(staff=people.office_2, role="quality_assurance")
    case = nonconformity_open(source="routine_inspection", subject="记录不全",
                              description="记录未归档。", acting_user=people.head)
    commit(case, people.office_2, people.quality_manager, people.reviewer)
    nonconformity_analyse(case=case, acting_user=people.office_2, method="five_whys",
                          analysis="为什么", root_cause="职责不清", correction="补齐",
                          corrective_action="修订制度",
                          report_due_on=timezone.localdate() + dt.timedelta(days=30))
    nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    assert not cases_for_staff(people.reviewer).filter(pk=case.pk).exists()
    capa_task_assign(case=case, acting_user=people.office_2, owner=people.reviewer,
                     description="补齐现场记录", working_days=5)
    assert list(cases_for_staff(people.reviewer).values_list("pk", flat=True)) == [case.pk]
    sql = str(cases_for_staff(people.reviewer).query)
    assert ('"caseflow_capatask"' in sql) is not read_first and "DISTINCT" not in sql


@pytest.mark.parametrize("read_first", [True, False], ids=["parties read first", "exists"])
def test_r8_14_the_case_about_the_viewer_is_left_out_without_joining_the_parties(
        people, api, read_first, monkeypatch):
    """R8.14 as a test of the case's respondent: against the viewer's parties read first
    when few, as NOT EXISTS on the respondent's row when many; the list never joins every
    party, and leaves the same case out either way."""
    from caseflow.policies import impartiality

    if not read_first:
        monkeypatch.setattr(impartiality, "PARTIES_READ", 0)
    about_office = complaint(people, respondent=PartyDetails(name="赵磊",
                                                             staff=people.office),
                             registrar=people.office_2)
    other = complaint(people)
    client = api(people.office)
    assert [c["id"] for c in listed(client)["results"]] == [other.pk]
    assert about_office.pk in [c["id"] for c in listed(api(people.head))["results"]]
    sql = list_sql(client)
    assert 'JOIN "caseflow_party"' not in sql
    assert ("NOT (EXISTS" in sql) is not read_first


def test_a_list_row_shows_what_drfs_own_representation_shows(people, engagement, api):
    """The list's rows read plain attributes through prepared getters; each row must be
    the one DRF's general walk gives (a handler or none, an engagement or none, a deadline
    or none, a closed case), and the case file, which reads the same way, likewise."""
    handled = handled_case(people)
    complaint(people, engagement=engagement)
    closed = complaint(people)
    Case.objects.filter(pk=closed.pk).update(due_at=None, closed_at=timezone.now())
    rows = list(cases_for_staff(people.head))
    assert {c.pk for c in rows} >= {handled.pk, closed.pk} and len(rows) == 3
    listed = CaseListSerializer(rows, many=True).data
    general = [ModelSerializer.to_representation(CaseListSerializer(), c) for c in rows]
    assert listed == general
    assert any(r["handler"] for r in listed) and any(r["engagement"] for r in listed)
    assert any(r["due_at"] is None for r in listed)
    file = CaseFileSerializer(context={"request": None})
    for case in rows:
        assert file.to_representation(case) == ModelSerializer.to_representation(file, case)


def test_a_list_builds_its_fields_once_not_for_every_page(people, monkeypatch):
    """A page's rows are read through getters prepared once per serializer class; the
    case file, whose method fields read the serializer they are bound to, builds its
    own. Both still show times in the request's time zone."""
    case = complaint(people)
    assert CaseListSerializer([case], many=True).data[0]["id"] == case.pk
    built = []
    get_fields = ModelSerializer.get_fields
    monkeypatch.setattr(ModelSerializer, "get_fields",
                        lambda self: built.append(type(self).__name__) or get_fields(self))
    with timezone.override("UTC"):
        in_utc = CaseListSerializer([case], many=True).data[0]["received_at"]
    with timezone.override("Asia/Shanghai"):
        in_china = CaseListSerializer([case], many=True).data[0]["received_at"]
        assert CaseFileSerializer(case, context={"request": None}).data["id"] == case.pk
    assert built == ["CaseFileSerializer"]
    assert in_utc != in_china
    assert dt.datetime.fromisoformat(in_utc) == dt.datetime.fromisoformat(in_china)
