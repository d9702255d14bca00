"""The rulebook's pages through real HTTP (the live server): a newcomer goes from the menu to the
department, to the item with its checklist, and finds the fine range; a plan's page links its items;
an unknown department gets the site's public 404 page. World: test_rulebook.build_world."""

import datetime as dt
import re

import pytest
import requests

from inspections import services as plans
from tests.opendata.test_rulebook import SECRET_PERSON, SUB, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(frozen_today, dept_a, dept_b, make_department):
    return build_world(dept_a, dept_b, make_department)


@pytest.fixture
def fetch(live_server):
    def fetch(path, status=200):
        response = requests.get(f"{live_server.url}{path}", timeout=30)
        assert response.status_code == status, response.text[:500]
        assert response.headers["Content-Type"].startswith("text/html")
        return response.text

    return fetch


def link(html, text):
    """The href of the first link whose text contains ``text``."""
    match = re.search(r'<a href="([^"]+)"[^>]*>[^<]*' + re.escape(text), html)
    assert match, text
    return match.group(1)


def test_newcomer_finds_what_is_checked_at_a_restaurant_and_the_fine_range(fetch, world, dept_a):
    home = fetch("/")
    rules = fetch(link(home, "监管规则"))
    department = fetch(link(rules, dept_a.name))
    assert "监管事项与检查要点" in department and "自由裁量基准" in department
    assert "1. 食品经营许可证是否合法有效" in department  # the checklist, on the department page
    assert "不按规定明码标价" in department and "1,000 – 3,000" in department  # 一般 range
    entry = fetch(link(department, "对餐饮服务提供者的监督检查"))
    assert "检查要点（检查实施清单）" in entry and "版本沿革" in entry
    assert "第 3 版将于2027年1月1日施行" in entry
    for html in (rules, department, entry):
        assert SECRET_PERSON not in html
    measures = fetch(link(rules, "查看联合奖惩措施清单"))
    assert "联合奖惩措施清单" in measures and "惩戒措施" in measures


def test_plan_page_links_items_to_the_rulebook_and_the_link_resolves(fetch, world, dept_a):
    plan = plans.plan_save(
        actor="test",
        name="2026年餐饮服务双随机抽查",
        year=2026,
        lead_department=dept_a,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 31),
    )
    plans.plan_item_add(actor="test", plan=plan, item=world["sub"])
    plans.plan_approve(actor="test", plan=plan)
    html = fetch(f"/inspections/plans/{plan.pk}/")
    href = f"/rules/items/{SUB}/#v2"
    assert f'href="{href}"' in html
    entry = fetch(href.split("#")[0])
    assert 'id="v2"' in entry


def test_unknown_department_and_item_get_the_public_404_page(fetch, world):
    for path, message in (
        ("/rules/NOSUCH/", "未找到该部门的监管规则"),
        ("/rules/items/12345678901234/", "未找到该监管事项"),
    ):
        html = fetch(path, status=404)
        assert message in html and "返回首页" in html and "综合监管平台" in html
