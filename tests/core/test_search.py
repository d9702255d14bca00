"""core.search (issue 16 §2): words, grams, and the bounded candidate set of a name search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import search
from supervision.selectors import public_entities

pytestmark = pytest.mark.django_db


def test_words_split_on_half_and_full_width_spaces_and_drop_contained_ones():
    assert search.words("小杨\u3000烩面  馆") == ["小杨", "烩面", "馆"]
    assert search.words("烩面 烩面馆") == ["烩面馆"]  # a word inside another adds nothing
    assert search.words("  ") == []


def test_grams_are_each_words_bigrams_never_across_the_space():
    assert search.grams("小杨 烩面") == ["小杨", "烩面"]  # not 杨烩
    assert search.grams("有") == ["有"]


def test_every_word_must_occur(make_entity):
    make_entity(name="郑州小杨家常烩面馆")
    make_entity(name="郑州小杨副食店")
    make_entity(name="郑州老王烩面馆")
    found = search.name_candidates(public_entities(), "小杨\u3000烩面", fields=("name",))
    names = set(public_entities().filter(pk__in=found.ids).values_list("name", flat=True))
    assert names == {"郑州小杨家常烩面馆"}
    assert not found.capped


def test_each_word_goes_through_the_gin_index(make_entity):
    make_entity(name="郑州小杨家常烩面馆")
    sql = str(search.name_matches(public_entities(), "小杨 烩面").query)
    assert "cjk_tsvector" in sql and "@@" in sql
    # The query text is one bound tsquery of both words' grams; the column binds to the row's own alias.
    with connection.cursor() as cursor:
        # On a one-row table only forbidding the other paths makes the planner show which index can serve.
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off"
        )
        plan = search.name_matches(public_entities(), "小杨 烩面").explain()
    assert "entity_name_cjk_gin" in plan


@pytest.fixture
def many(make_entity, monkeypatch):
    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 5)
    return [make_entity(name=f"郑州有界检索商行{i:02d}") for i in range(12)]


def test_the_candidate_set_is_capped_and_flagged(many):
    found = search.name_candidates(public_entities(), "有界检索", fields=("name", "uscc"))
    assert len(found.ids) == 6  # cap + 1: one past the cap says there are more
    assert found.capped and found.cap == 5


def test_the_candidate_set_is_the_same_on_every_call_by_the_probe_and_by_the_index(many, monkeypatch):
    first = search.name_candidates(public_entities(), "有界检索", fields=("name", "uscc"))
    again = search.name_candidates(public_entities(), "有界检索", fields=("name", "uscc"))
    monkeypatch.setattr(search, "PROBE_ROWS", 0)  # the probe reads nothing: the GIN path
    by_index = search.name_candidates(public_entities(), "有界检索", fields=("name", "uscc"))
    assert first.ids == again.ids == by_index.ids


def test_relevance_orders_exact_name_then_prefix_then_shorter(make_entity):
    longer = make_entity(name="老王烩面馆郑州总店")
    exact = make_entity(name="老王烩面馆")
    inside = make_entity(name="郑州老王烩面馆")
    key = search.relevance_key("老王烩面馆")
    found = search.name_candidates(public_entities(), "老王烩面馆", fields=("name", "uscc"), key=key)
    assert found.ids == [exact.pk, longer.pk, inside.pk]


def test_settings_changed_for_the_candidate_query_are_put_back(many):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '4MB'")  # search.BITMAP_WORK_MEM is for the bitmap inside only
        cursor.execute("SHOW max_parallel_workers_per_gather")
        before = cursor.fetchone()[0]
    search.name_candidates(public_entities(), "有界检索", fields=("name",))
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == before
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "4MB"


def test_a_name_search_costs_a_bounded_number_of_queries(many):
    with CaptureQueriesContext(connection) as queries:
        search.name_candidates(public_entities(), "有界检索", fields=("name",))
    selects = [q["sql"] for q in queries.captured_queries if 'FROM "supervision_marketentity"' in q["sql"]]
    assert len(selects) == 1  # the probe of the first blocks found cap + 1: no index pass
    assert all("LIMIT 6" in s for s in selects)


def test_the_probe_size_of_a_table_over_two_gigabytes_does_not_overflow(make_entity):
    """10,000 × relpages overflowed a 32-bit integer once a table passed 214,748 pages (1.7 GB): the
    credit records at 5,000,000 rows (the admin search), the roster at about 10,000,000 entities."""
    make_entity(name="郑州小杨家常烩面馆")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET relpages = 3000000, reltuples = 30000000 WHERE oid = 'supervision_marketentity'::regclass"
        )
    found = search.name_candidates(public_entities(), "烩面", fields=("name",))
    assert len(found.ids) == 1


def test_a_fragment_the_probe_finds_too_rarely_is_read_further_when_that_costs_less_than_the_index():
    """Issue 16 §2 at 10,000,000 entities: a 4% fragment (商贸) cost 300 ms through its posting lists."""
    assert search.PROBE_ROWS == 10_000 and search.NAME_CANDIDATE_CAP == 1000
    # 400 of 10,000 (4%): 1,001 / 4% × 1.25 ≈ 31,282 rows of LIKE, against 400,000 postings at 10M.
    assert search.further_probe(400, 1000, 10_000_000) == 31282
    # The same share at 100,000 entities: 4,000 postings are cheaper than 31,282 rows of LIKE.
    assert search.further_probe(400, 1000, 100_000) is None
    # A rare fragment (3 in 10,000) would need a million rows: the index.
    assert search.further_probe(3, 1000, 10_000_000) is None
    assert search.further_probe(0, 1000, 10_000_000) is None  # not in the probe at all: the index
    assert search.further_probe(1001, 1000, 10_000_000) is None  # the probe had enough
