"""Case list filters, and text search that works for Chinese."""

import pytest
from django.db import connection

from tests.personas import complaint, handled

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


def assert_found_in_the_lists_order(client, term: str, cases) -> None:
    """`term` finds exactly `cases`, counted exactly, in the order the list has them."""
    wanted = {case.pk for case in cases}
    found = client.get("/api/cases/", {"q": term}).json()
    assert {c["id"] for c in found["results"]} == wanted
    assert (found["count"], found["count_exact"]) == (len(wanted), True)
    listed = [c["id"] for c in client.get("/api/cases/").json()["results"]]
    assert [c["id"] for c in found["results"]] == [pk for pk in listed if pk in wanted]


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
def test_postgresql_reads_a_longer_terms_cases_from_the_trigram_indexes(people, texts, term,
                                                                      monkeypatch):
    """Three characters or more, with letter case or without: the trigram indexes over the
    columns as written serve the test the search writes (no scan of every description)."""
    from caseflow.models import Case
    from caseflow.selectors import cases
    from caseflow.selectors.cases import cases_matching

    monkeypatch.setattr(cases, "gram_share", lambda term: 1.0)  # common pairs: LIKE alone

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # three rows: show the path
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the list's order
        sql, params = cases_matching(Case.objects.all(), term).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "caseflow_case_description_trigram" in plan, plan
    assert "upper" not in plan.lower(), plan


@pytest.mark.parametrize("share", [0.0, 1.0])
@pytest.mark.parametrize("term, expected", [
    ("计量器具", {"meter"}), ("排放量计算", {"carbon"}), ("Ts-2", {"meter", "carbon", "site"}),
    ("%计量", set()), ("计_器", set()), ("器具的检定", {"meter"}),
    ("具的检定证书过期。", {"meter"}),
])
def test_a_longer_term_has_the_same_answer_whether_its_pairs_are_rare_or_common(
        people, api, texts, monkeypatch, term, expected, share):
    """A term whose rarest pair of characters the statistics call rare is also asked of
    the grams' index; the answers, the count and the order are those of the text alone."""
    from caseflow.selectors import cases

    monkeypatch.setattr(cases, "gram_share", lambda pair: share)
    assert_found_in_the_lists_order(api(people.head), term, [texts[k] for k in expected])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("shares, through_grams", [
    ({"宁波": 0.05, "波恒": 0.0, "恒力": 0.0}, True),  # a company's name: its rare pairs
    ({"宁波": 0.05, "波恒": 0.02, "恒力": 0.02}, False),  # every pair in 1% or more
])
def test_a_rare_longer_terms_page_is_found_through_the_gram_index(people, monkeypatch,
                                                                  shares, through_grams):
    """PostgreSQL guesses a LIKE's share from a sample of whole texts: at a million cases
    one sample put a name held by 341 cases at 0.7%, and its first page walked 155k rows
    of the list. A term is in no more cases than its rarest pair: when the grams'
    statistics put that pair under the share a page walks for, the query also asks the
    grams' index (whose estimate rests on those statistics) for every pair."""
    from caseflow.selectors import cases

    monkeypatch.setattr(cases, "gram_share", shares.__getitem__)
    page = cases.cases_matching(cases.cases_for_staff(people.head), "宁波恒力")[:50]
    sql, params = page.query.sql_with_params()
    assert ("caseflow_text_grams" in sql) is through_grams
    assert "LIKE" in sql  # the text's own test decides what is found either way
    if through_grams:
        assert sorted(p for p in params if p in shares) == sorted(shares)


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
    assert_found_in_the_lists_order(api(people.head), term, [texts[k] for k in expected])


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


# --- the bounded count of a short term, block by block -----------------------------------

@pytest.fixture
def next_case_in_block():
    """Moves the next case's id to the start of a block of the grams' index by block (and
    the id sequence back afterwards): cases in blocks apart without a hundred thousand."""
    from caseflow.selectors.cases import GRAM_BLOCK_IDS

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('caseflow_case', 'id')")
        [sequence] = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        saved = cursor.fetchone()

    def move(block: int) -> None:
        if block == 0:  # where a test's ids start
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, false)", [sequence, block * GRAM_BLOCK_IDS])

    yield move
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, *saved])


@pytest.fixture
def carbon_in_blocks(people, next_case_in_block, monkeypatch):
    """碳 in cases of blocks 0, 1 (twice) and 3, none in block 2; Liu Yang (project
    office) handles the one of block 0 and one of block 1. Counted block by block however
    rare the statistics call it."""
    from caseflow.selectors import cases

    monkeypatch.setattr(cases, "GRAM_BLOCK_COUNT_SHARE", 0)
    carbon = []
    for block in (0, 1, None, 3):  # None: the next id, in the same block
        if block is not None:
            next_case_in_block(block)
        carbon.append(registered(people, "碳排放核查", "二氧化碳排放量。"))
    registered(people, "计量器具未按期检定", "检定证书过期。")  # block 3, no 碳
    handled(people, carbon[0])
    handled(people, carbon[2])
    return carbon


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_a_short_terms_count_is_the_same_counted_block_by_block(people, carbon_in_blocks):
    """For every bound and every viewer: the count block by block, newest first, is the
    count of every match up to the bound."""
    from caseflow.selectors.cases import cases_for_staff, cases_matching, count_up_to

    assert [case.pk // 100_000 for case in carbon_in_blocks] == [0, 1, 1, 3]
    for staff, visible in ((people.head, 4), (people.handler, 2)):
        found = cases_matching(cases_for_staff(staff), "碳")
        assert found.count() == visible
        for bound in range(1, 7):
            assert count_up_to(found, bound) == min(visible, bound), (staff, bound)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("bound, blocks_read", [(1, 1), (2, 3), (3, 3), (4, 4), (9, 4)])
def test_a_short_terms_count_reads_the_index_a_block_at_a_time_newest_first(
        people, carbon_in_blocks, bound, blocks_read):
    """Each block's entries through the index by block (not every case holding the term
    at once), from the newest block down, and no further than the bound needs: 碳 is in
    blocks 3, 1 (twice) and 0."""
    from django.test.utils import CaptureQueriesContext

    from caseflow.selectors.cases import cases_for_staff, cases_matching, count_up_to

    found = cases_matching(cases_for_staff(people.head), "碳")
    with CaptureQueriesContext(connection) as queries:
        count_up_to(found, bound)
    [count] = [q["sql"] for q in queries.captured_queries if "count(*)" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: show the path
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + count)
        [[plan]] = cursor.fetchone()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    read = {node["Node Type"]: node for node in nodes(plan["Plan"])}
    assert read["Bitmap Index Scan"]["Index Name"] == "caseflow_case_text_grams_by_block"
    assert read["Function Scan"]["Actual Rows"] == blocks_read


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("share, by_block", [(0.005, False), (0.05, True), (0.2, False)])
def test_only_a_common_short_terms_count_is_read_block_by_block(
        people, carbon_in_blocks, monkeypatch, share, by_block):
    """A rare term's few entries are read at once (a probe of every block would cost more);
    a very common one's count walks the list; in between, block by block. The same count
    each way."""
    from django.test.utils import CaptureQueriesContext

    from caseflow.selectors import cases

    monkeypatch.setattr(cases, "GRAM_BLOCK_COUNT_SHARE", 0.01)
    monkeypatch.setattr(cases, "gram_share", lambda term: share)
    found = cases.cases_matching(cases.cases_for_staff(people.head), "碳")
    with CaptureQueriesContext(connection) as queries:
        assert cases.count_up_to(found, 3) == 3
    [count] = [q["sql"] for q in queries.captured_queries if "count(" in q["sql"].lower()]
    assert ("generate_series" in count) is by_block


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_the_blocks_of_the_index_are_the_blocks_the_count_asks_for():
    """Migration 0032's SQL function and GRAM_BLOCK_IDS agree on where a block starts."""
    from caseflow.selectors.cases import GRAM_BLOCK_IDS

    with connection.cursor() as cursor:
        for pk, block in ((GRAM_BLOCK_IDS - 1, 0), (GRAM_BLOCK_IDS, 1),
                          (3 * GRAM_BLOCK_IDS + 7, 3)):
            cursor.execute("SELECT caseflow_text_grams_by_block(%s, %s, '', '')",
                           [pk, "ts碳"])
            [grams] = cursor.fetchone()
            assert {f"{block}:T", f"{block}:TS", f"{block}:碳", f"{block}:S碳"} <= set(grams)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
@pytest.mark.parametrize("bound", [1, 2, 3, 4, 5])
def test_a_count_whose_term_is_also_in_a_former_number_counts_each_case_once(
        people, api, client_authority, next_case_in_block, bound, monkeypatch):
    """A case found both by a former number and by its text is one case, whichever block
    it is in: such a count is not split by block (an arm per block would find the former
    number's case in each)."""
    from api import pagination
    from caseflow.actions.intake import case_correct_kind
    from caseflow.selectors import cases as case_selectors
    from tests.personas import commit

    monkeypatch.setattr(pagination, "COUNT_BOUND", bound)
    monkeypatch.setattr(case_selectors, "GRAM_BLOCK_COUNT_SHARE", 0)
    cases = []
    for block in (0, 1, 2):
        next_case_in_block(block)
        # filed by a client: its kind may be corrected to a dispute (R8.12)
        cases.append(registered(people, "现场核查不规范", "核查组未到现场。", client_authority))
    commit(cases[0], people.office)
    case_correct_kind(case=cases[0], kind="dispute", acting_user=people.office, reason="更正")
    body = api(people.head).get("/api/cases/", {"q": "ts"}).json()
    assert (body["count"], body["count_exact"]) == (min(3, bound), 3 <= bound)


def test_a_chinese_term_is_not_looked_for_among_former_numbers(people, api, texts):
    """A case number is Latin letters, digits and dashes: a term with a Chinese character
    skips the former numbers' query; a Latin one still asks it."""
    from django.test.utils import CaptureQueriesContext

    client = api(people.head)
    for term, asked in (("碳", False), ("核查", False), ("ts", True), ("TS-2", True)):
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/cases/", {"q": term})
        read = any("caseflow_casenumberalias" in q["sql"] for q in queries.captured_queries)
        assert read is asked, term
