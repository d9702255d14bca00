"""The open API, /api/open/v1/ (issue 15 §1), through real HTTP (the live server): no key, read-only,
throttled per IP, public facts only, paged by page number or by cursor.

World: two entities of the roster (one with a general penalty, a licence, a 行政强制 act, an unpublished
轻微 record and a 重点关注 listing; one clean), a v1 plan with its draw and a v2 plan whose public value
was entered after the lottery. Users: anyone (no key), a client sending a valid key, one sending a bad one.
"""

import datetime as dt
from decimal import Decimal

import pytest
import requests
import time_machine
from django.core.cache import cache

from credit.services import list_entry_add
from inspections import commitments
from inspections import services as plans
from supervision import services as sv
from tests.conftest import record_data

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
BASE = "/api/open/v1"
NAME = "郑州市金水区好运来超市有限公司"


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


def make_item(department, n, is_key=False):
    item = sv.item_save(
        actor="test", catalogue_code=f"{41000000000100 + n}", name=f"食品经营监督检查{n}", department=department
    )
    sv.item_version_create(
        actor="test",
        item=item,
        effective_from=dt.date(2026, 1, 1),
        object_type="enterprise",
        method="on_site",
        legal_basis="《中华人民共和国食品安全法》第八十七条",
        supervision_level="city",
        is_random=True,
        is_key=is_key,
        default_ratio=Decimal("0.03"),
    )
    return item


@pytest.fixture
def world(frozen_today, make_entity, push, evaluate, dept_a):
    shop = make_entity(name=NAME)
    clean = make_entity(name="郑州市二七区诚信五金商行有限公司")
    others = [make_entity(name=f"郑州市中原区测试餐饮有限公司{i}") for i in range(8)]
    push(
        record_data(shop.uscc, "郑市监罚〔2026〕12号", amount="50000.00"),
        record_data(
            shop.uscc,
            "郑市监许〔2026〕3号",
            category="administrative_licence",
            polarity="positive",
            title="食品经营许可证",
        ),
        record_data(
            shop.uscc,
            "郑市监强〔2026〕5号",
            category="administrative_enforcement",
            polarity="neutral",
            title="查封超过保质期的食品",
        ),
        # 轻微 and not published by default (DOMAIN §3): never on a public page, never in the open API.
        record_data(shop.uscc, "郑市监罚〔2026〕13号", severity="minor", title="未按规定悬挂证照-轻微"),
    )
    list_entry_add(
        actor="test",
        entity_uscc=shop.uscc,
        list_type="key_attention",
        ground="dishonest_below_serious",
        legal_basis="《郑州市社会信用条例》第二十九条",
        department=dept_a,
        decided_on=dt.date(2026, 11, 2),
        decision_no="郑市监关注〔2026〕1号",
    )
    evaluate()
    return {"shop": shop, "clean": clean, "others": others}


@pytest.fixture
def drawn_plans(world, dept_a, make_official, make_inspector):
    """A v1 plan drawn on 2026-11-22, and a v2 plan approved then and drawn after the 双色球 of 11-24."""
    for _ in range(2):
        make_inspector(dept_a)
    v1 = plans.plan_save(
        actor="test",
        name="2026年食品经营者双随机抽查",
        year=2026,
        lead_department=dept_a,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 31),
    )
    plans.plan_item_add(actor="test", plan=v1, item=make_item(dept_a, 1))
    plans.plan_approve(actor="test", plan=v1)
    draw1 = plans.draw_run(actor="test", plan=v1)
    v2 = plans.plan_save(
        actor="test",
        name="2026年商贸双随机抽查（v2）",
        year=2026,
        lead_department=dept_a,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 31),
    )
    plans.plan_item_add(actor="test", plan=v2, item=make_item(dept_a, 2))
    carol = make_official("carol-open", dept_a)
    committed = commitments.plan_approve(actor=carol, plan=v2)
    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        draw2 = commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value="03 11 17 22 28 31 09")
    return {"v1": v1, "draw1": draw1, "v2": v2, "draw2": draw2}


@pytest.fixture
def make_inspector(db):
    counter = {"n": 0}

    def make(department):
        counter["n"] += 1
        return sv.inspector_save(
            actor="test",
            name=f"执法员{counter['n']}",
            department=department,
            certificate_no=f"豫41{counter['n']:06d}",
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=dt.date(2028, 12, 31),
        )

    return make


# --- entities -------------------------------------------------------------------------------------


def test_entity_search_by_name_uscc_and_prefix_as_the_public_page(world, get, live_server):
    shop = world["shop"]
    by_name = get("/entities/", q="好运来超市").json()
    assert [r["uscc"] for r in by_name["results"]] == [shop.uscc]
    assert by_name["results"][0] == {
        "uscc": shop.uscc,
        "name": NAME,
        "entity_type": "enterprise",
        "entity_type_label": "企业",
        "status": "active",
        "status_label": "存续（在营）",
    }
    # Lower case and full width are normalised, as on the page.
    full_width = shop.uscc.lower().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"})
    assert [r["uscc"] for r in get("/entities/", q=full_width).json()["results"]] == [shop.uscc]
    prefix = get("/entities/", q=shop.uscc[:10].lower()).json()
    assert shop.uscc in {r["uscc"] for r in prefix["results"]}
    assert prefix["count"] == len(prefix["results"]) >= 1
    assert get("/entities/", q="没有这个名字的主体").json()["count"] == 0
    # The page shows the same hits (supervision.filters.MarketEntityFilter is the one search).
    html = requests.get(f"{live_server.url}/entities/", params={"q": "好运来超市"}, timeout=30)
    assert shop.uscc in html.text


def test_entity_profile_shows_what_the_page_shows_and_nothing_it_hides(world, get, live_server):
    shop = world["shop"]
    response = get(f"/entities/{shop.uscc}/")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["entity"]["uscc"] == shop.uscc and body["entity"]["legal_representative"] == "张三"
    assert body["credit"]["grade"] == {"code": "DISHONEST", "label": "失信", "colour": "red"}
    assert 0 <= body["credit"]["score"] <= 1000 and body["credit"]["reasons"]
    assert {r["source_ref"] for r in body["records"]} == {"郑市监罚〔2026〕12号", "郑市监许〔2026〕3号"}
    assert [a["source_ref"] for a in body["other_acts"]] == ["郑市监强〔2026〕5号"]
    assert [e["list_type"] for e in body["list_entries"]] == ["key_attention"]
    assert [p["number"] for p in body["penalties"]] == ["郑市监罚〔2026〕12号"]
    assert body["penalties"][0]["fine_amount"] in ("50000.00", None)
    assert body["verified_complaints"]["count"] == 0
    assert "risk_class" not in response.text  # internal (SAMR 国市监信发〔2022〕6号)
    # The unpublished 轻微 record is neither in the API nor on the page.
    page = requests.get(f"{live_server.url}/entities/{shop.uscc}/", timeout=30).text
    assert "郑市监罚〔2026〕13号" not in response.text and "郑市监罚〔2026〕13号" not in page
    for ref in ("郑市监罚〔2026〕12号", "郑市监许〔2026〕3号", "郑市监强〔2026〕5号", "郑市监关注〔2026〕1号"):
        assert ref in page and ref in response.text


def test_entity_profile_normalises_the_code_and_refuses_a_bad_one(world, get):
    shop = world["shop"]
    assert get(f"/entities/{shop.uscc.lower()}/").json()["entity"]["uscc"] == shop.uscc
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in shop.uscc)  # ９１４… as typed on a Chinese keyboard
    assert get(f"/entities/{full_width}/").json()["entity"]["uscc"] == shop.uscc
    bad = get("/entities/91350100M000100Y4Z/")
    assert bad.status_code == 400
    assert bad.json()["type"] == "validation_error"
    error = bad.json()["errors"][0]
    assert error["attr"] == "uscc" and "“3”" in error["detail"]  # names the expected check character (DOMAIN §1)
    unknown = get("/entities/91110000710926094P/")
    assert unknown.status_code == 404 and "91110000710926094P" in unknown.json()["errors"][0]["detail"]


def test_no_key_is_needed_and_a_bad_key_changes_nothing(world, get, api_key):
    _, key = api_key(("credit:read",))
    plain = get("/entities/", q="好运来超市")
    for headers in ({"Authorization": f"Bearer {key}"}, {"Authorization": "Bearer wrong"}, {"Authorization": "junk"}):
        response = get("/entities/", q="好运来超市", headers=headers)
        assert response.status_code == 200, (headers, response.text)
        assert response.json() == plain.json()
    assert "WWW-Authenticate" not in plain.headers


def test_open_api_is_throttled_per_ip_with_retry_after(world, get, settings):
    settings.OPEN_API_RATE = "3/minute"
    assert [get("/lists/").status_code for _ in range(3)] == [200, 200, 200]
    limited = get("/lists/")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["errors"][0]["code"] == "throttled"
    # A forged X-Forwarded-For is no way out (core.net.client_ip: no trusted proxy by default).
    assert get("/lists/", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    # Every path shares the one per-IP bucket, and a key does not buy a separate one.
    assert get("/penalties/", headers={"Authorization": "Bearer anything"}).status_code == 429


def test_open_api_is_read_only(world, get, live_server):
    for method in ("post", "put", "patch", "delete"):
        response = requests.request(method, f"{live_server.url}{BASE}/entities/", json={}, timeout=30)
        assert response.status_code == 405, method


# --- penalties, lists, acts ---------------------------------------------------------------------------


def test_penalties_list_and_detail(world, get):
    body = get("/penalties/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["number"] == "郑市监罚〔2026〕12号" and item["uscc"] == world["shop"].uscc
    assert item["department"] == {"code": "ZZSJ", "name": "郑州市市场监督管理局"}
    detail = get(f"/penalties/{item['id']}/").json()
    assert detail["state"] == "published" and detail["department"]["uscc"]
    assert detail["legal_basis"] and "exposure_note" in detail
    assert get("/penalties/", uscc=world["clean"].uscc).json()["count"] == 0
    assert get("/penalties/", uscc="91350100M000100Y4Z").status_code == 400
    assert get("/penalties/999999/").status_code == 404
    assert get("/penalties/abc/").status_code == 404
    assert get("/penalties/²/").status_code == 404  # a digit to str.isdigit, not to int(): never a 500


def test_lists_index_and_entries(world, get):
    index = get("/lists/").json()
    assert {row["list_type"]: row["count"] for row in index} == {
        "abnormal": 0,
        "serious": 0,
        "key_attention": 1,
        "red": 0,
    }
    entries = get("/lists/key_attention/").json()
    assert entries["count"] == 1
    assert entries["results"][0]["uscc"] == world["shop"].uscc and entries["results"][0]["name"] == NAME
    assert get("/lists/key_attention/", q="好运来").json()["count"] == 1
    assert get("/lists/key_attention/", q="诚信五金").json()["count"] == 0
    missing = get("/lists/nope/")
    assert missing.status_code == 404 and "abnormal" in missing.json()["errors"][0]["detail"]


def test_acts_as_the_acts_page(world, get):
    body = get("/acts/").json()
    assert {a["source_ref"] for a in body["results"]} == {"郑市监许〔2026〕3号", "郑市监强〔2026〕5号"}
    assert get("/acts/", category="administrative_enforcement").json()["count"] == 1
    assert get("/acts/", q=world["shop"].uscc).json()["count"] == 2
    bad = get("/acts/", decided_from="2026-13-01")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "decided_from"


# --- plans and draws ----------------------------------------------------------------------------------


def test_plans_with_v1_and_v2_draws_show_public_fields_only(drawn_plans, get):
    plans_list = get("/inspection-plans/").json()
    assert {p["id"] for p in plans_list["results"]} == {drawn_plans["v1"].pk, drawn_plans["v2"].pk}

    v1 = get(f"/inspection-plans/{drawn_plans['v1'].pk}/").json()
    (draw1,) = v1["draws"]
    assert draw1["algorithm"] == "hmac-sha256-v1" and draw1["seed"] == drawn_plans["draw1"].seed
    assert draw1["strata"] and draw1["commitment"] is None
    assert {s["uscc"] for s in draw1["selected"]} and all("stratum" not in s for s in draw1["selected"])

    response = get(f"/inspection-plans/{drawn_plans['v2'].pk}/")
    v2 = response.json()
    (draw2,) = v2["draws"]
    draw = drawn_plans["draw2"]
    assert draw2["algorithm"] == "hmac-sha256-v2"
    # API.md "Draws": never seed_share, seed or strata on the public side; no per-class ratios either.
    assert "seed" not in draw2 and "strata" not in draw2 and v2["ratios"] == []
    assert draw.seed not in response.text and draw.commitment.seed_share not in response.text
    assert 'seed_share"' not in response.text
    assert draw2["commitment"]["seed_share_sha256"] == draw.commitment.seed_share_sha256
    assert draw2["commitment"]["public_value"] == "03 11 17 22 28 31 09"
    assert draw2["selected_count"] == len(draw2["selected"]) > 0

    # Every selected entity, by cursor, in USCC order, without strata.
    selection = get(draw2["selection_url"].replace(BASE, ""), cursor="", page_size=1)
    seen = []
    while True:
        page = selection.json()
        seen += [r["uscc"] for r in page["results"]]
        assert all(set(r) == {"uscc", "name"} for r in page["results"])
        if page["next"] is None:
            break
        selection = get(page["next"])
    assert seen == sorted(seen) == sorted(s["uscc"] for s in draw2["selected"])
    assert get("/inspection-plans/999999/").status_code == 404


def test_results_endpoint_filters_and_refuses_a_bad_code(world, get):
    empty = {"count": 0, "count_is_estimate": False, "next": None, "previous": None, "results": []}
    assert get("/inspection-results/").json() == empty
    bad = get("/inspection-results/", uscc="91350100M000100Y4Z")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "uscc"


# --- paging -------------------------------------------------------------------------------------------


def test_cursor_paging_reads_every_entity_once_in_uscc_order(world, get):
    everyone = sorted(e.uscc for e in [world["shop"], world["clean"], *world["others"]])
    seen, response = [], get("/entities/", cursor="", page_size=3)
    pages = 0
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"next", "next_cursor", "results"}
        seen += [r["uscc"] for r in page["results"]]
        pages += 1
        if page["next"] is None:
            assert page["next_cursor"] is None
            break
        # next_cursor passed back as cursor is the same as following next.
        assert get("/entities/", cursor=page["next_cursor"], page_size=3).json() == get(page["next"]).json()
        response = get(page["next"])
    assert seen == everyone and pages == 4


def test_page_paging_has_the_api_md_shape_and_caps_page_size(world, get):
    body = get("/entities/", page=2, page_size=4).json()
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert body["count"] == 10 and body["count_is_estimate"] is False and len(body["results"]) == 4
    assert body["previous"] and body["next"]
    assert len(get("/entities/", page_size=100000).json()["results"]) == 10  # max 500, never an error
    assert get("/entities/", page=99).status_code == 404
    for bad in ("abc", "!!!!", "eyJrIjoxfQ"):  # not base64 JSON; a key of the wrong type
        response = get("/entities/", cursor=bad)
        assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "cursor"
    assert len(get("/entities/", cursor="", page_size="0").json()["results"]) == 10  # as page mode: the default


# --- OpenAPI ------------------------------------------------------------------------------------------


def test_schema_documents_the_open_api_under_its_own_tag_without_auth(live_server):
    schema = requests.get(f"{live_server.url}/api/schema/", headers={"Accept": "application/json"}, timeout=60)
    assert schema.status_code == 200
    paths = schema.json()["paths"] if schema.headers["Content-Type"].startswith("application/json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(schema.text)["paths"]
    open_paths = {p: ops for p, ops in paths.items() if p.startswith(f"{BASE}/")}
    assert f"{BASE}/entities/" in open_paths and f"{BASE}/entities/{{uscc}}/" in open_paths
    for path, ops in open_paths.items():
        for op in ops.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            assert op["tags"] == ["开放接口（免密钥）"], path
            assert op.get("security", []) in ([], [{}]), path
            assert "429" in op["responses"] and "Retry-After" in op["responses"]["429"].get("headers", {}), path


# --- query budgets (STYLE.md rule 14): every list endpoint, whatever the number of rows -----------------

BUDGETS = {
    "/entities/": 2,  # count, page
    # a bounded name search (issue 16 §2): savepoint, settings, probe, GIN, settings back, release; count, page
    "/entities/?q=郑州市": 8,
    "/entities/?cursor=": 1,
    "/penalties/": 2,
    "/penalties/?cursor=": 1,
    "/lists/": 1,
    "/lists/key_attention/": 2,
    "/lists/key_attention/?q=好运来": 3,
    "/acts/": 2,
    "/acts/?cursor=": 1,
    "/inspection-plans/": 3,  # count, page, participating departments
    "/inspection-plans/?cursor=": 2,
    "/inspection-results/": 2,
    "/inspection-draws/{draw}/selection/": 3,  # the draw, count, page
    "/inspection-draws/{draw}/selection/?cursor=": 2,
    "/inspection-plans/{plan}/": 6,  # plan, departments, items, draws, commitments, first selections
    "/entities/{uscc}/": 15,  # the entity, then one per section of its page (objection marks included)
}


def test_every_list_endpoint_keeps_its_query_budget(drawn_plans, world, api, django_assert_max_num_queries):
    values = {"draw": drawn_plans["draw2"].pk, "plan": drawn_plans["v2"].pk, "uscc": world["shop"].uscc}
    for template, budget in BUDGETS.items():
        url = f"{BASE}{template.format(**values)}"
        with django_assert_max_num_queries(budget, info=url):
            response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
