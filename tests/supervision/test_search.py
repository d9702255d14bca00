"""The public search page (issue 16 §2, issue 18 §1.3): bounded name search, words, code prefixes,
and each result's grade badge and last inspection date."""

import re

import pytest

from core import search
from supervision import views
from tests.conftest import record_data, valid_uscc

pytestmark = pytest.mark.django_db


def names_on(html: str) -> list[str]:
    return re.findall(r'<a href="/entities/[0-9A-Z]{18}/">([^<]+)</a>', html)


def get(client, **params):
    response = client.get("/entities/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def test_pages_of_a_capped_result_are_disjoint_stable_and_cover_the_cap(client, make_entity, monkeypatch):
    # given 12 matches, a cap of 7 and 3 results a page
    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 7)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for i in range(12):
        make_entity(name=f"郑州分页检索商行{i:02d}")
    # when every page is read twice
    pages = [names_on(get(client, q="分页检索", page=n)) for n in (1, 2, 3)]
    again = [names_on(get(client, q="分页检索", page=n)) for n in (1, 2, 3)]
    # then the pages never overlap, hold exactly the first 7, and do not change between calls
    flat = [name for p in pages for name in p]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert len(set(flat)) == 7
    assert pages == again
    assert flat == sorted(flat, key=lambda n: (len(n), n))  # same length here: by name
    assert "仅显示前 7 条匹配结果" in get(client, q="分页检索", page=3)


def test_an_uncapped_name_search_counts_its_results(client, make_entity):
    make_entity(name="郑州市二七区老杨烩面馆")
    html = get(client, q="老杨烩面")
    assert "共找到 1 个市场主体" in html and "仅显示前" not in html


def test_space_separated_words_must_all_occur_half_or_full_width(client, make_entity):
    make_entity(name="郑州小杨家常烩面馆")
    make_entity(name="郑州小杨副食店")
    make_entity(name="郑州老王烩面馆")
    for q in ("小杨 烩面", "小杨\u3000烩面", "烩面  小杨"):
        assert names_on(get(client, q=q)) == ["郑州小杨家常烩面馆"]


def test_exact_name_comes_first(client, make_entity):
    make_entity(name="郑州老王烩面馆")
    make_entity(name="老王烩面馆郑州分店")
    make_entity(name="老王烩面馆")
    assert names_on(get(client, q="老王烩面馆")) == ["老王烩面馆", "老王烩面馆郑州分店", "郑州老王烩面馆"]


def test_city_level_region_prefix_takes_in_its_districts(client, make_entity):
    # 91410100: 410100 is the city (登记管理机关行政区划码, DOMAIN §1); 410105 is one of its districts
    city = make_entity(uscc_code=valid_uscc("91410100MA00000A0"), name="郑州市级登记商贸有限公司")
    district = make_entity(uscc_code=valid_uscc("91410105MA00000B1"), name="金水区登记商贸有限公司")
    elsewhere = make_entity(uscc_code=valid_uscc("91410200MA00000C2"), name="开封市登记商贸有限公司")
    html = get(client, q="91410100")
    assert city.name in html and district.name in html and elsewhere.name not in html
    assert "含所辖区县" in html and 'data-broadened="914101"' in html


def test_district_and_other_prefixes_are_plain_prefixes(client, make_entity):
    district = make_entity(uscc_code=valid_uscc("91410105MA00000B1"), name="金水区登记商贸有限公司")
    other = make_entity(uscc_code=valid_uscc("91410106MA00000D3"), name="上街区登记商贸有限公司")
    html = get(client, q="91410105")
    assert district.name in html and other.name not in html and "含所辖区县" not in html
    html = get(client, q="9141010")  # shorter: a prefix as before
    assert district.name in html and other.name in html
    html = get(client, q="91410105MA0")  # longer: a prefix as before
    assert district.name in html and other.name not in html


def test_exact_code_goes_to_the_entity_and_a_wrong_one_names_the_check_character(client, make_entity):
    entity = make_entity(uscc_code=valid_uscc("91410105MA00000B1"), name="金水区登记商贸有限公司")
    response = client.get("/entities/", {"q": entity.uscc.lower()})
    assert response.status_code == 302 and response["Location"] == f"/entities/{entity.uscc}/"
    response = client.get("/entities/", {"q": "91350100M000100Y4Z"})
    assert response.status_code == 400
    assert "第18位应为“3”" in response.content.decode()


def test_results_show_grade_badge_and_last_inspection_date(client, make_entity, push, evaluate, frozen_today):
    # given an entity with a serious penalty and a pushed 抽查检查结果, and one never inspected
    listed = make_entity(name="郑州徽章检索餐饮有限公司")
    plain = make_entity(name="郑州徽章检索商贸有限公司")
    push(
        record_data(listed.uscc, "郑市监罚〔2026〕31号", severity="serious"),
        record_data(
            listed.uscc,
            "郑市监检〔2026〕8号",
            category="inspection_result",
            polarity="neutral",
            severity="",
            decided_on="2026-10-15",
            title="食品经营抽查：未发现问题",
        ),
    )
    evaluate()
    html = get(client, q="徽章检索")
    # then each result shows its grade (the public band, as on its page) and the inspection date
    items = dict(zip(names_on(html), re.findall(r"<li>(.*?)</li>", html, re.S), strict=True))
    assert 'data-grade="SERIOUSLY_DISHONEST"' in items[listed.name]
    assert 'data-last-inspected="2026-10-15"' in items[listed.name] and "2026年10月15日" in items[listed.name]
    assert 'data-grade="GOOD"' in items[plain.name]
    assert 'data-last-inspected=""' in items[plain.name] and "暂无公示的检查结果" in items[plain.name]


def test_a_results_page_costs_a_few_queries_whatever_its_size(client, make_entity, django_assert_max_num_queries):
    for i in range(25):
        make_entity(name=f"郑州查询预算商行{i:02d}")
    # the candidates (with their SET/RESET and transaction) and the page's one query with its columns
    with django_assert_max_num_queries(8):
        html = get(client, q="查询预算")
    assert len(names_on(html)) == views.PAGE_SIZE


def test_a_code_prefix_pages_in_code_order_from_the_byte_ordered_index(client, make_entity):
    """10,000,000 entities: a prefix of 30,000 was read whole and sorted (821 ms). Filter and order use
    one byte-ordered key (entity_uscc_c_idx), so a page reads its 20 rows, in code order."""
    from django.db import connection

    from supervision.selectors import entity_search

    codes = [valid_uscc(f"91410105MA0000{c}B") for c in ("Y1", "A1", "92", "1X")]
    for code in codes:
        make_entity(uscc_code=code)
    found = entity_search("91410105")
    assert list(found.values_list("uscc", flat=True)) == sorted(codes)
    with connection.cursor() as cursor:
        # On a tiny table only forbidding the other paths shows which index can serve both.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        plan = found[:20].explain()
    assert "entity_uscc_c_idx" in plan and "Sort" not in plan
