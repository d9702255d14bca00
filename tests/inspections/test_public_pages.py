"""Public 双随机、一公开 pages (issue 5 §2 and §4): plans, draws, results, how to verify.

The strata of a draw are internal risk classes (DOMAIN §3): the public sees the seed, the population
hash, the counts and the selected entities, never who is in which stratum, nor the population file.
"""

import re
from decimal import Decimal

import pytest

from inspections import draw as draw_algo
from inspections import services
from inspections.choices import ResultCategory
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


@pytest.fixture
def world(make_plan, make_entity, evaluate, make_inspector, dept_a, push, frozen_today):
    """12 low-risk entities (A) and 3 high-risk ones (D), a plan drawing 25% of A and all of D."""
    low = [make_entity(industry_code="I6513", name=f"郑州金水商贸有限公司{i}") for i in range(12)]
    high = [make_entity(industry_code="H6210", name=f"郑州二七餐饮有限公司{i}") for i in range(3)]
    push(*[record_data(e.uscc, f"郑市监罚〔2026〕{i + 1}号", severity="serious") for i, e in enumerate(high)])
    evaluate()
    for _ in range(2):
        make_inspector(dept_a)
    plan = make_plan(ratio_a=Decimal("0.25"), ratio_d=Decimal("1"))
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


# --- the plan list ---------------------------------------------------------------------------------


def test_plan_list_shows_public_plans_with_departments_state_and_window(client, world, make_plan, dept_a, dept_b):
    joint = make_plan(name="2026年餐饮服务部门联合抽查", joint=[dept_b])
    html = page(client, "/inspections/")
    assert world["plan"].name in html and joint.name in html
    assert f'href="/inspections/plans/{joint.pk}/"' in html
    assert dept_a.name in html and dept_b.name in html
    assert "已摇号" in html and "已审批" in html
    assert "2026年11月16日" in html and "2026年12月31日" in html


def test_draft_plans_are_not_public(client, world, make_plan):
    draft = make_plan(name="尚未审批的草稿计划", approve=False)
    assert draft.name not in page(client, "/inspections/")
    response = client.get(f"/inspections/plans/{draft.pk}/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_plan_list_filters_by_year_and_department(client, world, make_plan, dept_b, make_item):
    other = make_plan(name="卫健部门2025年抽查", lead=dept_b, year=2025, items=[make_item(dept_b)])
    html = page(client, "/inspections/", year=2025)
    assert other.name in html and world["plan"].name not in html
    html = page(client, "/inspections/", department=dept_b.code)
    assert other.name in html and world["plan"].name not in html
    assert client.get("/inspections/", {"year": "二〇二六"}).status_code == 400


def test_unknown_plan_id_is_404(client, db):
    assert client.get("/inspections/plans/999999/").status_code == 404
    assert client.get("/inspections/plans/99999999999999999999/").status_code == 404


# --- the plan page: items, ratios, draws without strata, results -----------------------------------


def test_plan_page_shows_items_with_legal_basis_ratios_and_window(client, world):
    html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    item = world["plan"].items.select_related("item_version__item").get()
    assert item.item_version.item.name in html
    assert "《中华人民共和国食品安全法》第八十七条" in html and "现场检查" in html
    assert "25%" in html and "100%" in html and "3%" in html
    assert "2026年11月16日" in html


def test_plan_page_shows_seed_hash_counts_and_selected_entities(client, world):
    draw = world["draw"]
    html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    assert draw.seed in html and draw.population_sha256 in html and "hmac-sha256-v1" in html
    assert re.search(r"data-population-size>\s*15 ", html)
    assert re.search(r"data-selected-count>\s*6 ", html)  # ceil(0.25 × 12) = 3 of A, all 3 of D
    for code in draw.selections.values_list("entity", flat=True):
        assert f'href="/entities/{code}/"' in html and code in html
    assert 'href="/inspections/verify/?draw=' in html


def test_plan_page_never_shows_strata_of_selected_entities_nor_the_population(client, world):
    draw = world["draw"]
    html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    for line in draw.population.splitlines():
        assert line not in html  # "USCC,A": the population file is internal
    for code, stratum in draw.selections.values_list("entity", "stratum"):
        assert f"{code},{stratum}" not in html
    assert '"stratum"' not in html and "data-stratum" not in html
    # The selected list names entities only: no stratum letter, class or risk word next to any of them.
    selected = re.search(r'<ul class="selected-entities">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>", selected) and not re.search(r"[ABCD]类|风险|>\s*[ABCD]\s*<", selected)
    # The risk class of an entity is not named anywhere (only the aggregate counts per class are).
    assert "高风险" not in html and "低风险" not in html


def test_a_redraw_keeps_the_old_draw_visible_and_marked(client, world):
    first = world["draw"]
    second = services.draw_run(actor="test", plan=world["plan"], reason="名录导入遗漏金水区主体，重新摇号")
    html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    assert first.seed in html and second.seed in html
    assert html.index(second.seed) < html.index(first.seed)  # newest first
    assert "已重新摇号" in html and "名录导入遗漏金水区主体，重新摇号" in html
    assert html.count("data-superseded") == 1


def test_plan_page_lists_published_results_only(client, world, dept_a):
    tasks = list(world["draw"].tasks.order_by("entity"))
    published = publish(tasks[0], dept_a, [ResultCategory.NOT_PUBLISHED], findings="未按规定公示年度报告中的从业人数")
    pending = services.result_submit(
        actor="test", task=tasks[1], department=dept_a, categories=[ResultCategory.NO_PROBLEM]
    )
    html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    results = html[html.index('id="results-title"') :]
    assert published.task.entity_id in results and "未按规定公示应当公示的信息" in results and dept_a.name in results
    assert "未按规定公示年度报告中的从业人数" in results
    assert pending.task.entity_id not in results


def test_draw_page_pages_through_every_selected_entity(client, world):
    draw = world["draw"]
    html = page(client, f"/inspections/draws/{draw.pk}/")
    for code in draw.selections.values_list("entity", flat=True):
        assert code in html
    assert draw.population.splitlines()[0] not in html
    assert client.get("/inspections/draws/999999/").status_code == 404


# --- how to verify ---------------------------------------------------------------------------------


def test_verify_page_explains_the_recomputation(client, db):
    html = page(client, "/inspections/verify/")
    assert "hmac-sha256-v1" in html and "population.csv" in html and "inspections:read" in html
    assert "hmac.new(bytes.fromhex(seed)" in html and "openssl dgst -sha256 -mac HMAC" in html
    assert "哈希能证明什么" in html


def test_verify_page_for_a_draw_fills_in_its_seed_and_ratios(client, world):
    draw = world["draw"]
    html = page(client, "/inspections/verify/", draw=draw.pk)
    assert f"seed = &quot;{draw.seed}&quot;" in html
    assert "&quot;A&quot;: Decimal(&quot;0.2500&quot;)" in html and "&quot;D&quot;: Decimal(&quot;1.0000&quot;)" in html
    assert page(client, "/inspections/verify/", draw="abc")  # unknown input: the general page


def test_the_filled_in_snippet_recomputes_the_draw(world):
    """The page's snippet, run as is, prints the recorded hash and selection (DOMAIN §4)."""
    import contextlib
    import io
    import os
    import tempfile

    from inspections.views import _snippet_for

    draw = world["draw"]
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "population.csv"), "wb") as f:
            f.write(draw.population.encode("ascii"))
        out = io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            with contextlib.redirect_stdout(out):
                exec(_snippet_for(draw), {})  # our own published snippet, run as a reader would
        finally:
            os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"名录哈希 {draw.population_sha256}"
    assert {tuple(line.split()[::-1]) for line in lines[1:]} == set(draw.selections.values_list("entity", "stratum"))


# --- the entity page gains its published results -----------------------------------------------------


def test_entity_page_shows_published_results_but_not_unpublished_ones(client, world, dept_a):
    tasks = list(world["draw"].tasks.order_by("entity"))
    published = publish(tasks[0], dept_a, [ResultCategory.UNREACHABLE], findings="登记住所无人办公，电话无法接通")
    services.result_submit(
        actor="test", task=tasks[1], department=dept_a, categories=[ResultCategory.OBSTRUCTION], findings="拒不配合"
    )
    html = page(client, f"/entities/{published.task.entity_id}/")
    assert "双随机抽查结果" in html and world["plan"].name in html and "通过登记的住所（经营场所）无法联系" in html
    assert f'href="/inspections/plans/{world["plan"].pk}/"' in html
    other = page(client, f"/entities/{tasks[1].entity_id}/")
    assert "不配合检查情节严重" not in other and "拒不配合" not in other
    assert "暂无已公示的双随机抽查结果" in other


def test_nav_links_to_the_inspection_pages(client, db):
    assert 'href="/inspections/"' in page(client, "/")


# --- query budgets (STYLE.md 14) -------------------------------------------------------------------


def test_query_budgets_do_not_grow_with_plans_draws_or_results(
    client, world, make_plan, dept_a, dept_b, django_assert_max_num_queries
):
    for i in range(5):
        make_plan(name=f"预算测试计划{i}", joint=[dept_b])
    services.draw_run(actor="test", plan=world["plan"], reason="重新摇号：预算测试")
    services.draw_run(actor="test", plan=world["plan"], reason="再次重新摇号：预算测试")
    current = world["plan"].draws.get(superseded=False)
    for task in current.tasks.all()[:4]:
        services.result_submit(actor="test", task=task, department=dept_a, categories=[ResultCategory.NO_PROBLEM])
    services.results_publish(actor="test")
    for task in current.tasks.all()[4:]:
        services.result_submit(actor="test", task=task, department=dept_a, categories=[ResultCategory.NO_PROBLEM])
    with django_assert_max_num_queries(5):
        page(client, "/inspections/")
    with django_assert_max_num_queries(6):  # + the department named in the filter
        page(client, "/inspections/", year=2026, department=dept_b.code)
    with django_assert_max_num_queries(8):
        html = page(client, f"/inspections/plans/{world['plan'].pk}/")
    assert html.count("data-draw=") == 3
    with django_assert_max_num_queries(4):
        page(client, f"/inspections/draws/{current.pk}/")
    with django_assert_max_num_queries(
        2
    ):  # the draw, and its selection for the browser verifier (one query at any size)
        page(client, "/inspections/verify/", draw=current.pk)
    entity = current.tasks.order_by("id").first().entity_id
    # Issue 12: +1 消费投诉公示 count; +1 inspection results pushed by other systems (issue 12 §7).
    # Issue 14: +1 the annual reports' public part, +1 the self-declared information.
    with django_assert_max_num_queries(14):
        page(client, f"/entities/{entity}/")


def test_verify_snippet_matches_the_algorithm():
    """The snippet the page shows is the one draw.py documents."""
    assert 'hmac.new(bytes.fromhex(seed), uscc.encode("ascii"), hashlib.sha256)' in draw_algo.VERIFY_SNIPPET
