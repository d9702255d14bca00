"""Every key of every answer of the open API is on the allow-list (issue 15 §1, "built so it cannot leak").

The routes come from the URL resolver (everything under ``api/open/v1/``, the rulebook's included), and
the OpenAPI schema is checked to list no open path the walk missed. With the demo city seeded and a
``hmac-sha256-v2`` plan drawn on top, each route is fetched over real HTTP (the live server) for every
sample of its path parameters, by page and by cursor, and each JSON key path is looked up in
``tests/api/open_api_allowlist.py``. An unknown key fails with its route and path.
"""

import datetime as dt
import io
import re

import pytest
import requests
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from inspections import commitments
from inspections import services as plans
from supervision.models import Department
from tests.api import open_api_allowlist as allow
from tests.api.test_open_api import make_item

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PREFIX = "api/open/v1/"
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def open_routes() -> list[tuple[str, str]]:
    """``(route, name)`` of every URL pattern whose full route starts with ``api/open/v1/``."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith(PREFIX):
                found.append((route, p.name))

    walk(get_resolver().url_patterns, "")
    return found


def key_paths(value, prefix: str = ""):
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from key_paths(sub, path)
    elif isinstance(value, list):
        for sub in value:
            yield from key_paths(sub, f"{prefix}[]")


def fill(route: str, param: str, value: str) -> str:
    return PARAM.sub(lambda m: value if m.group("name") == param else m.group(0), route)


def urls_for(route: str, name: str) -> list[str]:
    params = [m.group("name") for m in PARAM.finditer(route)]
    combos = [route]
    for param in params:
        sampler = allow.PATH_SAMPLES.get((name, param))
        assert sampler is not None, (
            f"{name}（{route}）的路径参数 {param} 没有样例：请在 tests/api/open_api_allowlist.py 的 PATH_SAMPLES 中补充"
        )
        values = list(sampler())
        assert values, f"{name}（{route}）的路径参数 {param} 的样例为空：演示数据中没有可用的值"
        combos = [fill(c, param, v) for c in combos for v in values]
    return ["/" + c for c in combos]


@pytest.fixture
def demo_world(make_official):
    """The demo city (manage.py seed_demo, 120 entities) on 2026-11-22, plus a v2 plan drawn after the lottery."""
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI), tick=True):
        call_command("seed_demo", entities=120, stdout=io.StringIO())
        zzsj = Department.objects.get(code="ZZSJ")
        plan = plans.plan_save(
            actor="test",
            name="2026年商贸双随机抽查（v2）",
            year=2026,
            lead_department=zzsj,
            starts_on=dt.date(2026, 11, 30),
            ends_on=dt.date(2026, 12, 31),
        )
        plans.plan_item_add(actor="test", plan=plan, item=make_item(zzsj, 7))
        carol = make_official("carol-allow", zzsj)
        committed = commitments.plan_approve(actor=carol, plan=plan)
    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        draw = commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value="03 11 17 22 28 31 09")
    return {"v2_plan": plan, "v2_draw": draw}


def test_every_key_of_every_open_endpoint_is_allowed(demo_world, live_server, settings):
    settings.OPEN_API_RATE = "100000/minute"  # the walk makes hundreds of calls from one address
    cache.clear()
    routes = open_routes()
    names = {name for _, name in routes}
    assert names >= set(allow.SHAPES), sorted(set(allow.SHAPES) - names)  # the walk finds at least what we know
    # The walk sees what the schema documents, and the reverse (a new endpoint cannot escape either way).
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=60).json()
    documented = {p for p in schema["paths"] if p.startswith(f"/{PREFIX}")}
    walked = {"/" + PARAM.sub(lambda m: "{" + m.group("name") + "}", r) for r, _ in routes}
    assert documented <= walked, f"文档中有、遍历中没有的开放接口：{sorted(documented - walked)}"
    assert walked <= documented, f"遍历中有、文档中没有的开放接口：{sorted(walked - documented)}"

    for forbidden in allow.FORBIDDEN_KEYS:
        for name in allow.SHAPES:
            assert not any(p.split(".")[-1].rstrip("[]") == forbidden for p in allow.allowed(name)), (name, forbidden)

    # The v2 draw on top: its public side has no seed and no strata at all (API.md "Draws").
    plan = requests.get(f"{live_server.url}/{PREFIX}inspection-plans/{demo_world['v2_plan'].pk}/", timeout=60)
    (draw,) = plan.json()["draws"]
    assert draw["algorithm"] == "hmac-sha256-v2" and "seed" not in draw and "strata" not in draw
    assert demo_world["v2_draw"].seed not in plan.text

    problems, fetched = [], 0
    for route, name in routes:
        allowed = allow.allowed(name)
        if allowed is None:
            problems.append(
                f"开放接口 {name}（/{route}）不在允许清单中：请在 tests/api/open_api_allowlist.py 中登记其字段"
            )
            continue
        try:
            paths = urls_for(route, name)
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
            continue
        for path in paths:
            for query in ({"page_size": "500"}, {"cursor": "", "page_size": "2"}):
                response = requests.get(f"{live_server.url}{path}", params=query, timeout=60)
                assert response.status_code == 200, (path, query, response.status_code, response.text[:300])
                assert response.headers["Content-Type"].startswith("application/json"), path
                fetched += 1
                problems += [
                    f"不在允许清单中的字段 {name} {path}: {key}"
                    for key in key_paths(response.json())
                    if key not in allowed
                ]
    assert not problems, "\n".join(sorted(set(problems)))
    assert fetched >= 2 * len(routes)
