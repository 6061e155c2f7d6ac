"""Case list filters, and text search that works for Chinese."""

import pytest
from django.db import connection

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


# --- search at scale: terms of every length, on SQLite and on PostgreSQL ----------------------

def registered(people, subject: str, description: str, organization=None):
    from django.utils import timezone

    from caseflow.actions.intake import PartyDetails, case_register

    return case_register(kind="complaint", subject=subject, description=description,
                         scope="a", channel="email", received_at=timezone.now(),
                         submitter=PartyDetails(name="张三", email="zhangsan@example.cn",
                                                organization=organization),
                         acting_user=people.office)


@pytest.fixture
def texts(people, client_authority):
    return {
        "meter": registered(people, "计量器具未按期检定", "燃煤计量器具的检定证书过期。"),
        "carbon": registered(people, "核查报告数据有误", "二氧化碳排放量计算有误。"),
        # filed by a client: its kind may be corrected to a dispute (R8.12)
        "site": registered(people, "现场核查不规范", "核查组未到现场查看。", client_authority),
    }


@pytest.mark.parametrize("term, expected", [
    ("碳", {"carbon"}),  # one character
    ("器", {"meter"}),
    ("核查", {"carbon", "site"}),  # two
    ("现场", {"site"}),
    ("计量器具", {"meter"}),  # three or more: trigrams
    ("排放量计算", {"carbon"}),
    ("ts", {"meter", "carbon", "site"}),  # the number TS-…, whatever the letters' case
    ("ts-", {"meter", "carbon", "site"}),  # three or more, with letter case: ILIKE
    ("Ts-2", {"meter", "carbon", "site"}),
    ("%计量", set()),  # LIKE's wildcards in a term are plain characters
    ("计_器", set()),
    ("定燃", set()),  # the end of one text and the start of the next are not a term
    ("煤", {"meter"}),
    ("钢", set()),
])
def test_search_finds_chinese_terms_of_one_two_and_more_characters(people, api, texts, term,
                                                                   expected):
    """On both databases: PostgreSQL through the character grams (1–2) or trigrams (3+),
    SQLite by scanning; the answers are the same."""
    found = api(people.head).get("/api/cases/", {"q": term}).json()
    assert {c["id"] for c in found["results"]} == {texts[k].pk for k in expected}
    assert found["count"] == len(expected) and found["count_exact"] is True


def test_search_finds_a_case_by_its_former_number_and_lists_it_once(people, api, texts):
    from caseflow.actions.intake import case_correct_kind
    from tests.personas import commit

    case = texts["site"]
    old = case.number
    commit(case, people.office)
    case = case_correct_kind(case=case, kind="dispute", acting_user=people.office,
                             reason="更正")
    found = api(people.head).get("/api/cases/", {"q": old}).json()["results"]
    assert [c["id"] for c in found] == [case.pk]
    # a term in both the former number and the text lists the case once
    both = api(people.head).get("/api/cases/", {"q": old[:2]}).json()["results"]
    assert sorted(c["id"] for c in both) == sorted(c.pk for c in texts.values())


def test_search_results_keep_the_lists_order(people, api, texts):
    """Soonest deadline first, then the number: the same order with or without a term."""
    listed = [c["id"] for c in api(people.head).get("/api/cases/").json()["results"]]
    found = [c["id"] for c in api(people.head).get("/api/cases/", {"q": "核查"}).json()[
        "results"]]
    assert found == [pk for pk in listed if pk in found]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_reads_a_short_terms_cases_from_the_gram_index(people, texts):
    """The cases of a one- or two-character term come from the GIN index over the grams:
    no scan of every description."""
    from caseflow.models import Case
    from caseflow.selectors.cases import HasTextGram

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # three rows: show the path
        sql, params = Case.objects.filter(HasTextGram("碳")).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "caseflow_case_text_grams" in plan, plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
@pytest.mark.parametrize("term", ["计量器具", "TS-2"])
def test_postgresql_reads_a_longer_terms_cases_from_the_trigram_indexes(people, texts, term):
    """Three characters or more, with letter case or without: the trigram indexes over the
    columns as written serve the test the search writes (no scan of every description)."""
    from caseflow.models import Case
    from caseflow.selectors.cases import cases_matching

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # three rows: show the path
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the list's order
        sql, params = cases_matching(Case.objects.all(), term).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "caseflow_case_description_trigram" in plan, plan
    assert "upper" not in plan.lower(), plan


# How common PostgreSQL's statistics call a short term decides how each query finds it.
REGIMES = {"rare: the index for both": (1.1, 1.1),
           "a page walks the list, the count reads the index": (0, 1.1),
           "common: both walk the list": (0, 0)}


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("term, expected", [("碳", {"carbon"}), ("核查", {"carbon", "site"}),
                                            ("ts", {"meter", "carbon", "site"}),
                                            ("TS", {"meter", "carbon", "site"})])
def test_a_short_term_has_the_same_answer_however_it_is_read(people, api, texts, term,
                                                             expected, regime, monkeypatch):
    """Through the grams' index or tested row by row as the list meets them (a page of a
    common term; the count of a very common one): the same cases, the same count, in the
    list's order."""
    from caseflow.selectors import cases

    page_share, count_share = REGIMES[regime]
    monkeypatch.setattr(cases, "GRAM_PAGE_WALK_SHARE", page_share)
    monkeypatch.setattr(cases, "GRAM_COUNT_WALK_SHARE", count_share)
    client = api(people.head)
    found = client.get("/api/cases/", {"q": term}).json()
    assert {c["id"] for c in found["results"]} == {texts[k].pk for k in expected}
    assert (found["count"], found["count_exact"]) == (len(expected), True)
    listed = [c["id"] for c in client.get("/api/cases/").json()["results"]]
    assert [c["id"] for c in found["results"]] == [pk for pk in listed
                                                   if pk in {texts[k].pk for k in expected}]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_moderately_common_term_pages_by_walking_and_counts_through_the_index(
        people, texts, monkeypatch):
    """The page (the first rows in the list's order) tests each row; the bounded count
    reads the grams' index: each by what costs it least."""
    from caseflow.selectors import cases
    from caseflow.selectors.cases import cases_for_staff, cases_matching

    monkeypatch.setattr(cases, "GRAM_PAGE_WALK_SHARE", 0)
    found = cases_matching(cases_for_staff(people.head), "碳")
    page = str(found[:50].query)
    count = str(found.order_by().values("pk")[:1001].query)
    assert "strpos" in page and "caseflow_text_grams" not in page
    assert "caseflow_text_grams" in count and "strpos" not in count


@pytest.mark.parametrize("term, plain", [("恒", True), ("核查", True), ("2026", True),
                                         ("-", True), ("ts", False), ("Ａ", False),
                                         ("ß", False), ("ⓐ", False)])
def test_a_term_without_letter_case_is_compared_as_it_is(term, plain):
    from caseflow.selectors.cases import uncased

    assert uncased(term) is plain


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_grams_statistics_are_read_once_a_period_not_per_search(monkeypatch):
    """They choose only how a short term is read (the answers are the same either way,
    above), so a process reads them once in GRAM_STATISTICS_SECONDS."""
    from django.test.utils import CaptureQueriesContext

    from caseflow.selectors import cases

    monkeypatch.setattr(cases, "gram_statistics", {"read_at": None, "shares": {}})
    clock = [1000.0]
    monkeypatch.setattr(cases.time, "monotonic", lambda: clock[0])
    with CaptureQueriesContext(connection) as first:
        cases.gram_share("碳"), cases.gram_share("核查")
    clock[0] += cases.GRAM_STATISTICS_SECONDS - 1
    with CaptureQueriesContext(connection) as within:
        cases.gram_share("碳")
    clock[0] += 1
    with CaptureQueriesContext(connection) as after:
        cases.gram_share("碳")
    assert (len(first), len(within), len(after)) == (1, 0, 1)
    assert "pg_stats" in first[0]["sql"]
