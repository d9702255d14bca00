"""The rulebook in the real browser (Debian's chromium), at a phone's 390 px and a desktop's 1280 px:
nothing wider than the screen, the checklist opens in place, and a plan's link lands on the version
it used. World: test_rulebook.build_world."""

import datetime as dt

import pytest

from inspections import services as plans
from tests.e2e.conftest import browser  # noqa: F401  (fixture: Debian's chromium through Playwright)
from tests.opendata.test_rulebook import SUB, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(frozen_today, dept_a, dept_b, make_department):
    return build_world(dept_a, dept_b, make_department)


@pytest.mark.parametrize("width", [390, 1280])
def test_department_page_fits_the_screen_and_opens_checklists(browser, live_server, world, dept_a, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    refused, missing = [], []  # the CSP refuses nothing (the styles are allowed inline); every asset loads
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    page.goto(f"{live_server.url}/rules/ZZSJ/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    checklist = page.locator(f'details[data-checklist="{dept_a.uscc}1"]')
    assert not checklist.locator(".rule-checklist").is_visible()
    checklist.locator("summary").click()
    assert checklist.locator(".rule-checklist").is_visible()
    assert "食品经营许可证是否合法有效" in checklist.inner_text()
    # The fine ranges sit in a table that fits too
    assert page.locator("table.fines").first.bounding_box()["width"] <= width
    assert refused == [] and missing == []
    page.close()


def test_plan_link_lands_on_the_version_the_plan_used(browser, live_server, world, dept_a):
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
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(f"{live_server.url}/inspections/plans/{plan.pk}/")
    page.locator("a[data-rules-link]").first.click()
    page.wait_for_url(f"**/rules/items/{SUB}/#v2")
    target = page.locator("#v2")
    assert target.get_attribute("data-status") == "in_force"
    assert target.is_visible() and page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
