"""The API takes what its schema documents and refuses the rest (issue 10): what
schemathesis's `positive_data_acceptance` and `negative_data_rejection` found, one
example each. See api/strict.py, api/filters.py and api/pagination.py."""

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from caseflow.models import CalendarOverride, Case, ConflictAnalysis
from tests.personas import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def query_parameter(schema, path, name):
    [found] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def refused(response, field):
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    return response.json()["errors"][field]


@pytest.mark.parametrize("query", ["page=1&page=1", "page=last", "page=0", "page=1.5",
                                   "page="])
def test_page_is_one_whole_number_from_1(people, api, query):
    refused(api(people.head).get(f"/api/cases/?{query}"), "page")


def test_page_is_documented_as_a_number_from_1_and_a_good_one_is_taken(people, api, schema):
    assert query_parameter(schema, "/api/cases/", "page")["minimum"] == 1
    assert api(people.head).get("/api/cases/?page=1").status_code == 200


def test_a_fractional_year_filter_is_refused(people, api, schema):
    refused(api(people.head).get("/api/engagements/?year=0.5"), "year")
    year = query_parameter(schema, "/api/engagements/", "year")
    assert (year["type"], year["minimum"], year["maximum"]) == ("integer", 2000, 2100)


def test_an_empty_filter_is_refused_naming_it(people, api):
    refused(api(people.head).get("/api/cases/?state="), "state")
    refused(api(people.head).get("/api/loans/?state="), "state")


def test_an_unknown_state_is_refused_and_the_states_are_documented(people, api, schema):
    refused(api(people.head).get("/api/cases/?state=nonsense"), "state")
    assert "received" in query_parameter(schema, "/api/cases/", "state")["enum"]


def test_a_number_where_text_is_expected_is_refused(people, api):
    response = api(people.head).post("/api/conflict-analyses/",
                                     {"year": 2025, "findings": 12}, format="json")
    refused(response, "findings")
    assert not ConflictAnalysis.objects.exists()


def test_zero_for_a_boolean_is_refused_in_a_body_and_in_a_query(people, api):
    response = api(people.office).post("/api/cases/", {
        "kind": "complaint", "subject": "来电", "description": "来电反映。", "scope": "c",
        "channel": "phone", "received_at": timezone.now().isoformat(), "anonymous": 0},
        format="json")
    refused(response, "anonymous")
    assert not Case.objects.exists()
    refused(api(people.head).get("/api/reports/2026/disclosure-table.xlsx?final=0"), "final")


def test_a_form_still_sends_its_booleans_as_text(people, api):
    """multipart (with a file, or not): every value is text; the fields parse it."""
    response = api(people.office).post("/api/cases/", {
        "kind": "complaint", "subject": "来信", "description": "来信反映。", "scope": "c",
        "channel": "letter", "received_at": timezone.now().isoformat(),
        "anonymous": "true"}, format="multipart")
    assert response.status_code == 201, response.content


def test_id_filters_are_documented_from_1_and_0_is_refused(people, api, schema):
    for path, name in [("/api/cases/", "handler"), ("/api/tasks/", "owner"),
                       ("/api/declarations/", "case")]:
        assert query_parameter(schema, path, name)["minimum"] == 1, (path, name)
        refused(api(people.head).get(f"{path}?{name}=0"), name)


def test_an_id_filter_for_nothing_lists_nothing(people, api):
    complaint(people)
    response = api(people.head).get("/api/tasks/?owner=2147483647")
    assert response.status_code == 200 and response.json()["results"] == []


def test_path_ids_are_documented_from_1(schema):
    [pk] = [p for p in schema["paths"]["/api/cases/{id}/"]["get"]["parameters"]
            if p["name"] == "id"]
    assert pk["schema"]["minimum"] == 1


def test_no_conflict_analysis_for_year_0(people, api, schema):
    refused(api(people.head).post("/api/conflict-analyses/", {"year": 0, "findings": "无"},
                                  format="json"), "year")
    assert not ConflictAnalysis.objects.exists()
    year = schema["components"]["schemas"]["AnalysisRequest"]["properties"]["year"]
    # R9.03: this year or before
    assert (year["minimum"], year["maximum"]) == (2000, timezone.localdate().year)


def test_no_calendar_override_in_year_319(people, api, schema):
    refused(api(people.head).post("/api/calendar/overrides/", {
        "date": "0319-01-01", "kind": "holiday", "note": "?"}, format="json"), "date")
    assert not CalendarOverride.objects.filter(date__year=319).exists()
    date = schema["components"]["schemas"]["OverrideRequest"]["properties"]["date"]
    assert date["pattern"].startswith("^20")


def test_path_years_are_documented_in_the_years_the_api_covers(people, api, schema):
    [year] = schema["paths"]["/api/calendar/years/{year}/complete/"]["post"]["parameters"]
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (2000, 2100)
    assert api(people.head).post("/api/calendar/years/319/complete/").status_code == 400


@pytest.mark.parametrize("path", ["/api/cases/", "/api/exports/cases.{fmt}"])
@pytest.mark.parametrize("name", ["due_before", "received_after", "received_before"])
def test_moment_filters_are_documented_as_moments_and_a_bare_number_is_refused(
        people, api, schema, path, name):
    """A moment filter is a date-time in the schema (so `0` is known to be wrong) and is
    refused as one."""
    assert query_parameter(schema, path, name)["format"] == "date-time"
    refused(api(people.head).get("/api/cases/", {name: "0"}), name)


@pytest.mark.parametrize("path, name", [("/api/cases/", "q"), ("/api/archives/", "archive_number"),
                                        ("/api/organizations/", "credit_code"),
                                        ("/api/engagements/", "province")])
def test_a_control_character_in_a_text_filter_is_refused_naming_it(people, api, schema, path,
                                                                    name):
    """The same rule as for text in a body (api.strict.CONTROL): a 400, never a search
    for it; the schema says so with a pattern."""
    refused(api(people.head).get(path, {name: "宁波\x01恒力"}), name)
    assert query_parameter(schema, path, name)["pattern"].startswith("^[^\\u0000")
    assert api(people.head).get(path, {name: "宁波\t恒力"}).status_code == 200


def test_text_filters_are_bounded_and_documented_so(people, api, schema):
    """A request line the schema allows stays inside the server's own limit (gunicorn's
    4094 bytes): free-text filters take 100 characters, each up to 12 bytes encoded."""
    assert query_parameter(schema, "/api/cases/", "q")["maxLength"] == 100
    assert api(people.head).get("/api/cases/", {"q": "恒" * 100}).status_code == 200
    refused(api(people.head).get("/api/cases/", {"q": "恒" * 101}), "q")


def test_required_text_is_documented_as_more_than_whitespace(people, api, schema):
    """DRF trims the text first, so "\\r" alone is blank and refused: the schema's pattern
    asks for one character besides whitespace (schemathesis sent "\\r" as valid)."""
    import re

    description = schema["components"]["schemas"]["DeviationInputRequest"]["properties"][
        "description"]
    assert not re.match(description["pattern"], "\r")
    assert re.match(description["pattern"], " 记录 ")
    refused(api(people.head).post("/api/inspections/", {"description": "\r"}, format="json"),
            "description")


def test_a_list_that_may_not_be_empty_is_documented_so(schema):
    recipients = schema["components"]["schemas"]["NoticeEmailInputRequest"]["properties"][
        "recipients"]
    assert recipients["minItems"] == 1
