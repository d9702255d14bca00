"""The public rulebook (明规矩于前, issue 15 §7): /rules/, a department's rules, one item, the measures.

World (``build_world``, on 2026-11-22): 郑州市市场监督管理局 (ZZSJ) with a main item and its sub-item
(three versions: one ended, one in force, one announced for 2027-01-01, with a checklist), a key item,
an item whose only version ended, discretion benchmarks (one in force with an announced successor, one
whose old version ended); 郑州市卫生健康委员会 (ZZWJ) with one item; a department no longer active with
one item; the joint measures seeded by the migration plus a disabled one.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from credit.models import JointMeasure
from enforcement import services as enforcement_services
from inspections import services as plans
from opendata import rulebook
from supervision import services as sv
from supervision.models import SupervisionItemVersion

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)
# Internal: the 责任人 of an item version is a natural person (DOMAIN §5), never public.
SECRET_PERSON = "责任人王保密"
DISABLED_MEASURE = "已停用的测试措施"
FOOD_BASIS = "《中华人民共和国食品安全法》第一百一十条"

MAIN, SUB, KEY, ENDED, OTHER, INACTIVE = (
    "41010100010000",
    "41010100010001",
    "41010100020000",
    "41010100030000",
    "41010500010000",
    "41019900010000",
)


def version(item, day, **changes):
    fields = {
        "object_type": "all",
        "method": "on_site",
        "legal_basis": FOOD_BASIS,
        "supervision_level": "city",
        "procedure": "制定计划→随机抽取→实施检查→公示结果",
        "standard": "食品经营许可证合法有效",
        "responsible_unit": "餐饮服务食品安全监督管理处",
        "responsible_person": SECRET_PERSON,
        "is_random": True,
        "is_key": False,
        "default_ratio": Decimal("0.03"),
        "frequency": "yearly",
    }
    fields.update(changes)
    return sv.item_version_create(actor="test", item=item, effective_from=day, **fields)


def item(code, name, department, parent=None):
    return sv.item_save(actor="test", catalogue_code=code, name=name, department=department, parent=parent)


def benchmark_row(code, day, ranges, violation="不按规定明码标价"):
    lighter_min, lighter_max, general_min, general_max, heavier_min, heavier_max = ranges
    return {
        "code": code,
        "violation_type": violation,
        "violation_basis": "《中华人民共和国价格法》第十三条",
        "penalty_basis": "《中华人民共和国价格法》第四十二条",
        "lighter_min": lighter_min,
        "lighter_max": lighter_max,
        "general_min": general_min,
        "general_max": general_max,
        "heavier_min": heavier_min,
        "heavier_max": heavier_max,
        "heavy_penalty_types": "没收违法所得",
        "effective_from": day,
    }


def build_world(dept_a, dept_b, make_department) -> dict:
    main = item(MAIN, "对食品经营活动的监督检查", dept_a)
    version(main, dt.date(2025, 1, 1), default_ratio=Decimal("0.05"))
    sub = item(SUB, "对餐饮服务提供者的监督检查", dept_a, parent=main)
    version(sub, dt.date(2025, 1, 1))
    version(sub, dt.date(2026, 3, 1), standard="食品经营许可证合法有效；从业人员持健康证明上岗")
    version(sub, dt.date(2027, 1, 1), default_ratio=Decimal("0.05"), frequency="half_yearly")
    sv.checklist_save(
        actor="test",
        item=sub,
        department=dept_a,
        code=f"{dept_a.uscc}1",
        name="餐饮服务检查实施清单",
        content="1. 食品经营许可证是否合法有效\n2. 从业人员健康证明",
        method="on_site",
    )
    key = item(KEY, "对特种设备使用单位的监督检查", dept_a)
    version(key, dt.date(2025, 1, 1), is_key=True, is_random=False, default_ratio=Decimal("1"))
    ended = item(ENDED, "对已废止事项的监督检查", dept_a)
    # No service ends an item's last version (versions are only ever superseded); the row is written as
    # an ended one would be.
    SupervisionItemVersion.objects.create(
        item=ended,
        version=1,
        effective_from=dt.date(2020, 1, 1),
        effective_to=dt.date(2025, 12, 31),
        object_type="all",
        method="documentary",
        legal_basis="《已废止的办法》第三条",
        supervision_level="city",
        responsible_person=SECRET_PERSON,
    )
    other = item(OTHER, "对公共场所卫生的监督检查", dept_b)
    version(other, dt.date(2025, 1, 1), legal_basis="《公共场所卫生管理条例》第三条")
    gone = make_department(name="已撤销的测试局", code="OLDD", active=False)
    inactive = item(INACTIVE, "已撤销部门的检查事项", gone)
    version(inactive, dt.date(2025, 1, 1))
    enforcement_services.discretion_standards_import(
        actor="test",
        department=dept_a,
        rows=[
            benchmark_row("SJ-JG-001", "2026-01-01", (0, 1000, 1000, 3000, 3000, 5000)),
            benchmark_row("SJ-JG-001", "2027-01-01", (0, 2000, 2000, 4000, 4000, 5000)),
            benchmark_row("SJ-JG-009", "2024-01-01", (0, 100, 100, 200, 200, 300), violation="旧版基准的违法行为"),
            benchmark_row("SJ-JG-009", "2025-01-01", (0, 500, 500, 800, 800, 1000), violation="现行基准的违法行为"),
        ],
    )
    JointMeasure.objects.create(
        code="X-DISABLED",
        name=DISABLED_MEASURE,
        kind="punish",
        list_types=["serious"],
        legal_basis="无",
        implementing_department="无",
        active=False,
    )
    return {"main": main, "sub": sub, "key": key, "ended": ended, "other": other, "gone": gone}


@pytest.fixture
def world(frozen_today, dept_a, dept_b, make_department):
    return build_world(dept_a, dept_b, make_department)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


# --- /rules/ ---------------------------------------------------------------------------------------


def test_index_lists_departments_that_publish_rules_with_their_counts(client, world, dept_a, dept_b):
    html = page(client, "/rules/")
    assert 'href="/rules/ZZSJ/"' in html and 'href="/rules/ZZWJ/"' in html
    assert dept_a.name in html and dept_b.name in html
    # ZZSJ: main, sub, key (the ended item is not counted); 1 checklist; 2 benchmarks in force + 1 announced.
    assert "监管事项 3 项 · 检查实施清单 1 份 · 自由裁量基准 3 条" in html
    assert 'href="/rules/measures/"' in html


def test_index_leaves_out_inactive_departments(client, world):
    html = page(client, "/rules/")
    assert "已撤销的测试局" not in html and "/rules/OLDD/" not in html
    assert client.get("/rules/OLDD/").status_code == 404


def test_every_public_page_links_the_rulebook_in_its_menu(client, world):
    assert 'href="/rules/"' in page(client, "/inspections/")


# --- /rules/<department>/ -------------------------------------------------------------------------------


def test_department_page_shows_items_with_basis_method_frequency_and_ratio(client, world):
    html = page(client, "/rules/ZZSJ/")
    assert "对食品经营活动的监督检查" in html and "对餐饮服务提供者的监督检查" in html
    assert f'href="/rules/items/{SUB}/"' in html and f'id="item-{SUB}"' in html
    assert FOOD_BASIS in html
    assert "现场检查 · 每年一次 · 抽查比例 3%" in html  # the sub-item's version in force (v2)
    assert "第 2 版，2026年3月1日起施行" in html
    assert "全覆盖检查，不抽样" in html and "重点监管" in html  # the key item


def test_department_page_shows_the_checklist_of_each_item(client, world, dept_a):
    html = page(client, "/rules/ZZSJ/")
    assert f'data-checklist="{dept_a.uscc}1"' in html
    assert "1. 食品经营许可证是否合法有效" in html and "餐饮服务检查实施清单" in html


def test_department_page_announces_the_upcoming_version_with_what_changes(client, world):
    html = page(client, "/rules/ZZSJ/")
    assert "第 3 版将于2027年1月1日施行" in html
    assert "默认抽查比例：3% → 5%" in html and "抽查频次：每年一次 → 每半年一次" in html


def test_department_page_shows_benchmarks_with_fine_ranges_by_circumstance(client, world):
    html = page(client, "/rules/ZZSJ/")
    assert "不按规定明码标价" in html and "《中华人民共和国价格法》第四十二条" in html
    assert "0 – 1,000" in html and "1,000 – 3,000" in html and "3,000 – 5,000" in html
    assert "从重情形可并处" in html and "没收违法所得" in html
    # The announced successor (2027-01-01) shows as upcoming; the ended old version of SJ-JG-009 does not show.
    assert "将于2027年1月1日施行" in html and "2,000 – 4,000" in html
    assert "现行基准的违法行为" in html and "旧版基准的违法行为" not in html


def test_department_page_leaves_out_internal_fields_and_ended_items(client, world):
    html = page(client, "/rules/ZZSJ/")
    assert SECRET_PERSON not in html
    assert "对已废止事项的监督检查" not in html
    assert "对公共场所卫生的监督检查" not in html  # another department's item


def test_unknown_department_is_the_public_404_page(client, world):
    response = client.get("/rules/NOSUCH/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该部门的监管规则" in html and "返回首页" in html


def test_department_page_reads_a_fixed_number_of_queries_whatever_the_items(
    client, world, dept_a, django_assert_max_num_queries
):
    # Given 30 more sub-items, each with two versions and a checklist
    for n in range(30):
        extra = item(f"4101010004{n:04d}", f"对测试事项{n}的监督检查", dept_a, parent=world["main"])
        version(extra, dt.date(2025, 1, 1))
        version(extra, dt.date(2027, 1, 1), default_ratio=Decimal("0.04"))
        sv.checklist_save(
            actor="test", item=extra, department=dept_a, code=f"{dept_a.uscc}2", name="清单", content="1. 要点"
        )
    # Then the page costs: department, items, versions, checklists, benchmarks
    with django_assert_max_num_queries(5):
        html = page(client, "/rules/ZZSJ/")
    assert "对测试事项29的监督检查" in html


def test_index_reads_a_fixed_number_of_queries(client, world, make_department, django_assert_max_num_queries):
    for n in range(5):
        d = make_department(code=f"EXTRA{n}")
        version(item(f"4102{n:010d}", f"事项{n}", d), dt.date(2025, 1, 1))
    with django_assert_max_num_queries(2):  # the departments with their counts, the measures' count
        html = page(client, "/rules/")
    assert 'href="/rules/EXTRA4/"' in html


# --- /rules/items/<code>/ --------------------------------------------------------------------------------


def test_item_page_shows_the_rule_in_force_checklists_and_every_version(client, world):
    html = page(client, f"/rules/items/{SUB}/")
    assert "对餐饮服务提供者的监督检查" in html and 'href="/rules/ZZSJ/"' in html
    assert f'href="/rules/items/{MAIN}/"' in html  # its main item
    assert "现行规则" in html and "餐饮服务食品安全监督管理处" in html
    assert "食品经营许可证合法有效；从业人员持健康证明上岗" in html
    for n, status in ((3, "upcoming"), (2, "in_force"), (1, "ended")):
        assert f'id="v{n}" data-version="{n}" data-status="{status}"' in html
    assert "2025年1月1日起施行，施行至2026年2月28日" in html
    assert 'data-change="standard"' in html  # v2 changed the standard
    assert SECRET_PERSON not in html


def test_item_page_of_an_ended_item_still_answers_for_old_links(client, world):
    html = page(client, f"/rules/items/{ENDED}/")
    assert "本事项已停止施行" in html and 'data-status="ended"' in html
    assert SECRET_PERSON not in html


def test_unknown_item_and_item_of_inactive_department_are_404(client, world):
    for code in ("41019999999999", INACTIVE, "not-a-code"):
        response = client.get(f"/rules/items/{code}/")
        assert response.status_code == 404
        assert "未找到该监管事项" in response.content.decode()


def test_item_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # item, versions, checklists, sub-items
        page(client, f"/rules/items/{MAIN}/")


# --- /rules/measures/ ------------------------------------------------------------------------------------


def test_measures_page_lists_active_measures_by_kind_with_lists_and_basis(client, world):
    html = page(client, "/rules/measures/")
    assert "惩戒措施" in html and "激励措施" in html
    assert "限制参与政府投资项目招标投标" in html  # seeded by credit 0002_seed_rules
    assert "严重违法失信名单" in html and "守信激励对象名单" in html
    assert DISABLED_MEASURE not in html


def test_measures_page_reads_one_query(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page(client, "/rules/measures/")


# --- the plan page links its items to the rulebook --------------------------------------------------------


def test_public_plan_page_links_each_item_to_its_rulebook_entry_in_the_version_used(client, world, dept_a):
    plan = plans.plan_save(
        actor="test",
        name="2026年餐饮服务双随机抽查",
        year=2026,
        lead_department=dept_a,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 31),
    )
    plans.plan_item_add(actor="test", plan=plan, item=world["sub"])
    plans.plan_item_add(actor="test", plan=plan, item=world["key"])
    plans.plan_approve(actor="test", plan=plan)
    html = page(client, f"/inspections/plans/{plan.pk}/")
    assert f'href="/rules/items/{SUB}/#v2"' in html  # the version in force when the plan took it
    assert f'href="/rules/items/{KEY}/#v1"' in html


# --- the selectors ----------------------------------------------------------------------------------------


def test_public_items_never_load_the_responsible_person(world):
    items = list(rulebook.public_items(TODAY))
    versions = [v for i in items for v in i.public_versions]
    assert versions and all("responsible_person" in v.get_deferred_fields() for v in versions)


def test_version_status_on_a_day():
    assert rulebook.status_on(dt.date(2027, 1, 1), None, TODAY) == rulebook.UPCOMING
    assert rulebook.status_on(dt.date(2026, 11, 22), None, TODAY) == rulebook.IN_FORCE
    assert rulebook.status_on(dt.date(2025, 1, 1), dt.date(2026, 11, 22), TODAY) == rulebook.IN_FORCE
    assert rulebook.status_on(dt.date(2025, 1, 1), dt.date(2026, 11, 21), TODAY) == rulebook.ENDED


def test_an_upcoming_version_becomes_the_rule_in_force_on_its_day(client, world):
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        html = page(client, "/rules/ZZSJ/")
    assert "现场检查 · 每半年一次 · 抽查比例 5%" in html and "第 3 版，2027年1月1日起施行" in html
    assert "将于2027年1月1日施行" not in html
