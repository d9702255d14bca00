"""The inspections API (API.md): plans with their draws, population files, published results.

The draw contract is checked the way an auditor would use it: a third party holding only the API
output (seed, population.csv, strata ratios) recomputes ``selected`` exactly (DOMAIN §4).
"""

import hashlib
import hmac
import math
from decimal import Decimal

import pytest

from inspections import services
from inspections.choices import ResultCategory
from tests.conftest import record_data
from tests.inspections import conftest as inspections_world

# The inspections world's fixtures (tests/inspections/conftest.py), used here through the API.
make_item = inspections_world.make_item
make_plan = inspections_world.make_plan
make_inspector = inspections_world.make_inspector

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspections_api(api, api_key):
    _, key = api_key(("inspections:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.fixture
def world(make_plan, make_entity, evaluate, make_inspector, dept_a, dept_b, push, frozen_today):
    """A joint plan over 20 low-risk entities (A) and 3 high-risk ones (D); 20% of A, all of D."""
    low = [make_entity(industry_code="I6513") for _ in range(20)]
    high = [make_entity(industry_code="H6210") for _ in range(3)]
    push(*[record_data(e.uscc, f"郑市监罚〔2026〕{i + 1}号", severity="serious") for i, e in enumerate(high)])
    evaluate()
    for department in (dept_a, dept_a, dept_b, dept_b):
        make_inspector(department)
    plan = make_plan(ratio_a=Decimal("0.2"), ratio_d=Decimal("1"), joint=[dept_b])
    draw = services.draw_run(actor="test", plan=plan)
    return {"plan": plan, "draw": draw, "low": low, "high": high}


def publish(task, department, categories=(ResultCategory.NO_PROBLEM,), findings=""):
    result = services.result_submit(
        actor="test", task=task, department=department, categories=list(categories), findings=findings
    )
    services.result_approve(actor="test", result=result)
    services.results_publish(actor="test")
    result.refresh_from_db()
    return result


def recompute(seed: str, population: bytes, strata: list[dict]) -> list[dict]:
    """A third party's verifier (the ~20 lines the public page shows): standard library only, and
    nothing but what the API returned."""
    ratios = {s["stratum"]: Decimal(s["ratio"]) for s in strata}
    by_stratum = {}
    for line in population.decode("ascii").splitlines():
        uscc, stratum = line.split(",")
        mac = hmac.new(bytes.fromhex(seed), uscc.encode("ascii"), hashlib.sha256).hexdigest()
        by_stratum.setdefault(stratum, []).append((mac, uscc))
    selected = []
    for stratum, ranked in sorted(by_stratum.items()):
        k = math.ceil(ratios[stratum] * len(ranked))
        selected += [{"uscc": uscc, "stratum": stratum} for _mac, uscc in sorted(ranked)[:k]]
    return sorted(selected, key=lambda s: s["uscc"])


# --- scopes (STYLE.md 13: no key, a key without the scope, a key with it) ----------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inspection-plans/",
        "/api/v1/inspection-plans/{plan}/",
        "/api/v1/draws/{draw}/population.csv",
        "/api/v1/inspection-results/",
    ],
)
def test_every_endpoint_needs_inspections_read(api, api_key, world, path):
    url = path.format(plan=world["plan"].pk, draw=world["draw"].pk)
    response = api.get(url)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    _, key = api_key(("credit:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.get(url)
    assert response.status_code == 403
    assert "inspections:read" in response.json()["errors"][0]["detail"]
    _, key = api_key(("inspections:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(url).status_code == 200


# --- plans ------------------------------------------------------------------------------------------


def test_plan_list_has_public_plans_only_and_filters(inspections_api, world, make_plan, make_item, dept_b):
    draft = make_plan(name="草稿计划", approve=False)
    other = make_plan(name="卫健部门2025年抽查", lead=dept_b, year=2025, items=[make_item(dept_b)])
    body = inspections_api.get("/api/v1/inspection-plans/").json()
    assert {"count", "next", "previous", "results"} <= set(body)
    ids = [p["id"] for p in body["results"]]
    assert world["plan"].pk in ids and other.pk in ids and draft.pk not in ids
    assert inspections_api.get(f"/api/v1/inspection-plans/{draft.pk}/").status_code == 404
    assert [p["id"] for p in inspections_api.get("/api/v1/inspection-plans/", {"year": 2025}).json()["results"]] == [
        other.pk
    ]
    # A department leading one plan and joining another finds both.
    by_b = {
        p["id"] for p in inspections_api.get("/api/v1/inspection-plans/", {"department": dept_b.code}).json()["results"]
    }
    assert by_b == {world["plan"].pk, other.pk}
    bad = inspections_api.get("/api/v1/inspection-plans/", {"department": "NOPE"})
    assert (
        bad.status_code == 400
        and bad.json()["type"] == "validation_error"
        and bad.json()["errors"][0]["attr"] == "department"
    )
    assert inspections_api.get("/api/v1/inspection-plans/", {"year": "abc"}).status_code == 400


def test_plan_detail_has_items_ratios_and_departments(inspections_api, world, dept_a, dept_b):
    body = inspections_api.get(f"/api/v1/inspection-plans/{world['plan'].pk}/").json()
    assert body["lead_department"] == {"code": dept_a.code, "name": dept_a.name}
    assert body["departments"] == [{"code": dept_b.code, "name": dept_b.name}]
    assert body["state"] == "drawn" and body["state_label"] == "已摇号"
    assert body["ratios"] == {"A": "0.2000", "B": "0.0300", "C": "0.1000", "D": "1.0000"}
    assert {i["department"]["code"] for i in body["items"]} == {dept_a.code, dept_b.code}
    assert all(
        i["legal_basis"] == "《中华人民共和国食品安全法》第八十七条" and i["method_label"] == "现场检查"
        for i in body["items"]
    )
    assert body["starts_on"] == "2026-11-16" and body["ends_on"] == "2026-12-31"


def test_draws_are_exactly_as_api_md(inspections_api, world):
    draw = world["draw"]
    body = inspections_api.get(f"/api/v1/inspection-plans/{world['plan'].pk}/").json()
    (got,) = body["draws"]
    assert list(got) == [
        "id",
        "algorithm",
        "seed",
        "drawn_at",
        "reason",
        "population_sha256",
        "population_url",
        "strata",
        "selected",
    ]
    assert (
        got["id"] == draw.pk
        and got["algorithm"] == "hmac-sha256-v1"
        and got["seed"] == draw.seed
        and len(got["seed"]) == 64
    )
    assert got["population_sha256"] == draw.population_sha256
    assert got["population_url"] == f"/api/v1/draws/{draw.pk}/population.csv"
    assert got["drawn_at"].endswith("+08:00")
    assert got["strata"] == [
        {"stratum": "A", "size": 20, "ratio": "0.2000", "selected": 4},
        {"stratum": "D", "size": 3, "ratio": "1.0000", "selected": 3},
    ]
    assert sorted(got["selected"], key=lambda s: s["uscc"]) == got["selected"]
    assert {(s["uscc"], s["stratum"]) for s in got["selected"]} == set(draw.selections.values_list("entity", "stratum"))


def test_population_file_is_the_exact_bytes_that_were_hashed(inspections_api, world):
    draw = world["draw"]
    url = inspections_api.get(f"/api/v1/inspection-plans/{world['plan'].pk}/").json()["draws"][0]["population_url"]
    response = inspections_api.get(url, HTTP_ACCEPT="application/json")  # whatever Accept says, the file
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert hashlib.sha256(response.content).hexdigest() == draw.population_sha256
    lines = response.content.split(b"\n")
    assert lines[-1] == b"" and lines[:-1] == sorted(lines[:-1]) and len(lines) - 1 == 23
    assert inspections_api.get("/api/v1/draws/999999/population.csv").json()["type"] == "client_error"


def test_a_third_party_recomputes_every_draw_from_the_api_alone(inspections_api, world):
    services.draw_run(actor="test", plan=world["plan"], reason="名录导入遗漏金水区主体，重新摇号")
    draws = inspections_api.get(f"/api/v1/inspection-plans/{world['plan'].pk}/").json()["draws"]
    assert (
        len(draws) == 2 and draws[0]["reason"] == "名录导入遗漏金水区主体，重新摇号"
    )  # newest first; the old draw stays
    for draw in draws:
        population = inspections_api.get(draw["population_url"]).content
        assert hashlib.sha256(population).hexdigest() == draw["population_sha256"]
        assert recompute(draw["seed"], population, draw["strata"]) == draw["selected"]


def test_a_key_supervision_draw_records_its_coverage_beside_an_empty_draw(
    inspections_api,
    make_plan,
    make_item,
    make_entity,
    evaluate,
    make_inspector,
    dept_a,
    frozen_today,
):
    for _ in range(5):
        make_entity(industry_code="I6513")
    evaluate()
    for _ in range(2):
        make_inspector(dept_a)
    plan = make_plan(items=[make_item(dept_a, name="特种设备重点监管", is_key=True)])
    services.draw_run(actor="test", plan=plan)
    (draw,) = inspections_api.get(f"/api/v1/inspection-plans/{plan.pk}/").json()["draws"]
    population = inspections_api.get(draw["population_url"]).content
    # Issue 12 §5: a key item is not drawn; it covers its scope, recorded beside the (empty) draw.
    assert draw["selected"] == [] and population == b"" and recompute(draw["seed"], population, draw["strata"]) == []
    assert draw["key_coverage_size"] == 5 and len(draw["key_coverage"]) == 5
    lines = "".join(f"{c['uscc']},{c['catalogue_code']}\n" for c in draw["key_coverage"]).encode("ascii")
    assert hashlib.sha256(lines).hexdigest() == draw["key_coverage_sha256"]


# --- results ----------------------------------------------------------------------------------------


def test_results_are_published_ones_only_with_filters(inspections_api, world, dept_a, dept_b):
    tasks = list(world["draw"].tasks.order_by("entity"))
    first = publish(tasks[0], dept_a, [ResultCategory.NOT_PUBLISHED], findings="未按规定公示年度报告")
    pending = services.result_submit(
        actor="test", task=tasks[1], department=dept_b, categories=[ResultCategory.NO_PROBLEM]
    )
    body = inspections_api.get("/api/v1/inspection-results/").json()
    assert [r["id"] for r in body["results"]] == [first.pk] and pending.pk not in [r["id"] for r in body["results"]]
    (row,) = body["results"]
    assert row["plan"] == world["plan"].pk and row["plan_name"] == world["plan"].name
    assert row["uscc"] == tasks[0].entity_id and row["entity_name"] and row["department"] == dept_a.name
    assert row["categories"] == ["not_published"] and row["category_labels"] == ["未按规定公示应当公示的信息"]
    assert (
        row["findings"] == "未按规定公示年度报告"
        and row["inspected_on"] == "2026-11-22"
        and row["published_at"].startswith("2026-11-22T")
    )

    def ids(**params):
        response = inspections_api.get("/api/v1/inspection-results/", params)
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids(uscc=tasks[0].entity_id.lower()) == [first.pk]  # lower-case input is normalised
    assert ids(uscc=tasks[2].entity_id) == []
    assert ids(plan=world["plan"].pk) == [first.pk] and ids(plan=world["plan"].pk + 1000) == []
    assert ids(since="2026-11-22") == [first.pk] and ids(since="2026-11-23") == []


def test_invalid_uscc_and_dates_are_400_in_the_error_shape(inspections_api, db):
    response = inspections_api.get("/api/v1/inspection-results/", {"uscc": "91410100MA00000000"})
    body = response.json()
    assert response.status_code == 400 and body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "uscc" and "校验位" in body["errors"][0]["detail"]
    assert inspections_api.get("/api/v1/inspection-results/", {"since": "2026-13-01"}).status_code == 400
    assert inspections_api.get("/api/v1/inspection-results/", {"plan": "x"}).status_code == 400


# --- query budgets (STYLE.md 14) ---------------------------------------------------------------------


def test_query_budgets_do_not_grow_with_plans_draws_or_results(
    inspections_api, world, make_plan, dept_a, dept_b, django_assert_max_num_queries
):
    for i in range(5):
        make_plan(name=f"预算测试计划{i}", joint=[dept_b])
    services.draw_run(actor="test", plan=world["plan"], reason="重新摇号：预算测试")
    current = world["plan"].draws.get(superseded=False)
    for task in current.tasks.all():
        result = services.result_submit(
            actor="test", task=task, department=dept_a, categories=[ResultCategory.NO_PROBLEM]
        )
        services.result_approve(actor="test", result=result)
    services.results_publish(actor="test")
    inspections_api.get(
        "/api/v1/inspection-plans/"
    )  # the key's last_used_at is touched once a minute, not counted here
    with django_assert_max_num_queries(4):
        body = inspections_api.get("/api/v1/inspection-plans/").json()
    assert body["count"] == 6
    with django_assert_max_num_queries(6):
        body = inspections_api.get(f"/api/v1/inspection-plans/{world['plan'].pk}/").json()
    assert len(body["draws"]) == 2
    with django_assert_max_num_queries(2):
        inspections_api.get(f"/api/v1/draws/{current.pk}/population.csv")
    with django_assert_max_num_queries(3):
        body = inspections_api.get("/api/v1/inspection-results/").json()
    assert body["count"] == current.tasks.count() == 7


def test_schema_documents_the_inspection_endpoints(db):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=err)
    schema = out.getvalue()
    for path in (
        "/api/v1/inspection-plans/",
        "/api/v1/inspection-plans/{id}/",
        "/api/v1/draws/{id}/population.csv",
        "/api/v1/inspection-results/",
    ):
        assert path in schema
    assert "Warning" not in err.getvalue()
