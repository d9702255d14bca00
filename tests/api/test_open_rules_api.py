"""The rulebook in the open API, /api/open/v1/rules/ (issue 15 §7), through real HTTP (the live server):
no key, public and effective facts only (announced versions marked upcoming), paged like the rest of the
open API, every field on an allow-list. World: tests.opendata.test_rulebook.build_world on 2026-11-22.
"""

import datetime as dt

import pytest
import requests
from django.core.cache import cache

from tests.api import open_api_allowlist as allow
from tests.api.test_open_api_allowlist import key_paths
from tests.opendata.test_rulebook import (
    DISABLED_MEASURE,
    ENDED,
    FOOD_BASIS,
    INACTIVE,
    KEY,
    MAIN,
    SECRET_PERSON,
    SUB,
    build_world,
    item,
    version,
)

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/api/open/v1/rules"


def check_fields(body, route_name):
    """Every key path of the answer is on the open API's allow-list for that route (issue 15 §1: "a test
    walks every field of every open endpoint against an allow-list"); this world adds what the demo lacks:
    announced and ended versions with their changes, an ended item, an announced benchmark."""
    allowed = allow.allowed(route_name)
    unknown = [path for path in key_paths(body) if path not in allowed]
    assert not unknown, f"{route_name}: {unknown}"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def get(live_server):
    def get(path, headers=None, **params):
        url = path if path.startswith("http") else f"{live_server.url}{BASE}{path}"
        return requests.get(url, params=params or None, headers=headers or {}, timeout=30)

    return get


@pytest.fixture
def world(frozen_today, dept_a, dept_b, make_department):
    return build_world(dept_a, dept_b, make_department)


def test_departments_items_benchmarks_and_measures_over_http_with_public_fields_only(get, world, dept_a):
    # departments: the two that publish, with counts; never the inactive one
    answer = get("/departments/")
    assert answer.status_code == 200
    body = answer.json()
    check_fields(body, "open-rules-departments")
    by_code = {d["code"]: d for d in body["results"]}
    assert set(by_code) == {"ZZSJ", "ZZWJ"}
    zzsj = by_code["ZZSJ"]
    assert (zzsj["item_count"], zzsj["checklist_count"], zzsj["benchmark_count"]) == (3, 1, 3)
    assert zzsj["uscc"] == dept_a.uscc and zzsj["url"] == "/rules/ZZSJ/"
    one = get("/departments/ZZSJ/").json()
    check_fields(one, "open-rules-department")
    assert one["name"] == dept_a.name

    # items of ZZSJ: the ended item is not listed; the sub-item has its three versions, newest first
    body = get("/items/", department="ZZSJ").json()
    check_fields(body, "open-rules-items")
    items = {i["catalogue_code"]: i for i in body["results"]}
    assert set(items) == {MAIN, SUB, KEY}
    sub = items[SUB]
    assert sub["parent_code"] == MAIN and sub["status"] == "in_force" and sub["url"] == f"/rules/items/{SUB}/"
    assert [(v["version"], v["status"]) for v in sub["versions"]] == [(3, "upcoming"), (2, "in_force"), (1, "ended")]
    upcoming = sub["versions"][0]
    assert upcoming["effective_from"] == "2027-01-01" and upcoming["default_ratio"] == "0.0500"
    assert {"field": "default_ratio", "label": "默认抽查比例", "before": "3%", "after": "5%"} in upcoming["changes"]
    assert sub["versions"][1]["legal_basis"] == FOOD_BASIS and sub["versions"][1]["effective_to"] == "2026-12-31"
    assert sub["checklists"] == [
        {
            "code": f"{dept_a.uscc}1",
            "name": "餐饮服务检查实施清单",
            "content": "1. 食品经营许可证是否合法有效\n2. 从业人员健康证明",
            "method": "on_site",
            "method_label": "现场检查",
        }
    ]
    assert items[KEY]["versions"][0]["is_key"] is True

    # one item; an ended one still answers (old plans link it), marked ended; unknown or inactive: 404
    ended = get(f"/items/{ENDED}/").json()
    check_fields(ended, "open-rules-item")
    assert ended["status"] == "ended" and ended["versions"][0]["status"] == "ended"
    for code in ("41019999999999", INACTIVE, "abc"):
        missing = get(f"/items/{code}/")
        assert missing.status_code == 404 and missing.json()["errors"][0]["detail"] == "未找到该监管事项"

    # benchmarks: fine ranges as decimal strings; the announced successor upcoming; the ended version absent
    body = get("/benchmarks/", department="ZZSJ").json()
    check_fields(body, "open-rules-benchmarks")
    rows = [(b["code"], b["effective_from"], b["status"]) for b in body["results"]]
    assert rows == [
        ("SJ-JG-001", "2026-01-01", "in_force"),
        ("SJ-JG-001", "2027-01-01", "upcoming"),
        ("SJ-JG-009", "2025-01-01", "in_force"),
    ]
    first = body["results"][0]
    assert first["fines"] == {
        "lighter": {"min": "0.00", "max": "1000.00"},
        "general": {"min": "1000.00", "max": "3000.00"},
        "heavier": {"min": "3000.00", "max": "5000.00"},
    }
    assert first["heavy_penalty_types"] == [{"code": "confiscate_income", "label": "没收违法所得"}]

    # measures: active ones only, filtered by kind
    body = get("/measures/", page_size=500).json()
    check_fields(body, "open-rules-measures")
    assert body["count"] == len(body["results"]) > 0
    assert DISABLED_MEASURE not in {m["name"] for m in body["results"]}
    rewards = get("/measures/", kind="reward").json()["results"]
    assert rewards and {m["kind"] for m in rewards} == {"reward"}
    assert {"code": "red", "label": "守信激励对象名单"} in rewards[0]["list_types"]


def test_internal_fields_never_reach_the_open_api(get, world):
    for path in ("/departments/", "/items/", f"/items/{SUB}/", f"/items/{ENDED}/", "/benchmarks/", "/measures/"):
        text = get(path, page_size=500).text
        assert SECRET_PERSON not in text and "responsible_person" not in text, path
        assert "已撤销" not in text and DISABLED_MEASURE not in text, path


def test_no_key_needed_and_bad_input_gets_a_chinese_400(get, world):
    assert get("/items/", headers={"Authorization": "Bearer not-a-key"}).status_code == 200
    bad = get("/items/", department="NOPE")
    assert bad.status_code == 400
    assert bad.json()["errors"][0] == {"code": "invalid", "detail": "没有部门代码为“NOPE”的部门", "attr": "department"}
    assert get("/benchmarks/", department="OLDD").status_code == 400  # inactive: not a rule department
    assert get("/measures/", kind="both").json()["errors"][0]["attr"] == "kind"
    assert get("/departments/OLDD/").status_code == 404
    assert get("/items/", cursor="!!not-ours").status_code == 400


def test_cursor_paging_reads_every_item_once(get, world, dept_a):
    seen, url = [], f"{BASE}/items/?cursor=&page_size=1"
    while url:
        body = get(url if url.startswith("http") else url.replace(BASE, "")).json()
        check_fields(body, "open-rules-items")
        seen += [i["catalogue_code"] for i in body["results"]]
        url = body["next"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 4  # ZZSJ's three and ZZWJ's one


def test_schema_puts_the_rulebook_under_the_open_api_tag_without_auth(live_server, world):
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    paths = [p for p in schema["paths"] if p.startswith("/api/open/v1/rules/")]
    assert len(paths) == 6
    for p in paths:
        operation = schema["paths"][p]["get"]
        assert operation["tags"] == ["开放接口（免密钥）"]
        assert operation.get("security") in (None, [], [{}])


@pytest.mark.django_db(transaction=False)
def test_item_list_reads_a_fixed_number_of_queries(api, world, dept_a, django_assert_max_num_queries):
    # Given 40 more items with two versions each
    for n in range(40):
        extra = item(f"4101010005{n:04d}", f"测试事项{n}", dept_a)
        version(extra, dt.date(2025, 1, 1))
        version(extra, dt.date(2027, 1, 1))
    # Then a page of 500 costs the count, the items, their versions and their checklists
    with django_assert_max_num_queries(4):
        body = api.get(f"{BASE}/items/", {"page_size": 500}).json()
    assert body["count"] == 44
    with django_assert_max_num_queries(3):
        api.get(f"{BASE}/items/", {"cursor": "", "page_size": 500})
    with django_assert_max_num_queries(2):
        api.get(f"{BASE}/benchmarks/")
    with django_assert_max_num_queries(2):
        api.get(f"{BASE}/departments/")
