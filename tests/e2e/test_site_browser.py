"""Issue 18 §1.2-1.4 and §2 in Debian's chromium: home, search results and the entity page at 1280 px
and 390 px, in Chinese and in English. No page scrolls sideways; on a phone the menu is folded behind
菜单 and opens from the keyboard. Screenshots go to E2E_SHOTS (default /tmp/e2e-site)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from credit import services as credit_services
from credit.choices import ListGround, ListType, RemovalReason
from tests.conftest import record_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/e2e-site"))
WIDTHS = {"desktop": 1280, "phone": 390}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def site_entity(make_entity, push, evaluate, dept_a, frozen_today):
    call_command("compile_catalogues", verbosity=0)
    entity = make_entity(
        name="郑州自贸区国际贸易服务有限公司",
        name_en="Zhengzhou FTZ International Trade Services Co., Ltd.",
        registration_authority=dept_a,
        established_on=dt.date(2018, 4, 12),
        operating_from=dt.date(2018, 4, 12),
        operating_to=dt.date(2048, 4, 11),
        business_scope=(
            "一般项目：货物进出口；技术进出口；国际货物运输代理；供应链管理服务；信息咨询服务（不含许可类信息咨询服务）"
            "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
        ),
    )
    make_entity(name="郑州自贸区国际物流有限公司")
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕88号", severity="general"),
        record_data(
            entity.uscc,
            "郑市监检〔2026〕21号",
            category="inspection_result",
            polarity="neutral",
            decided_on="2026-10-15",
            title="进出口商品经营抽查：未发现问题",
        ),
    )
    first = credit_services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept_a,
        decided_on=dt.date(2024, 7, 2),
        ground_established_on=dt.date(2024, 7, 1),
    )
    credit_services.list_entry_remove(
        actor="test", entry=first, reason=RemovalReason.DUTY_FULFILLED, removed_on=dt.date(2024, 8, 20)
    )
    evaluate()
    return entity


def set_language(context, live_server, language):
    if language == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_home_search_and_entity_pages(browser, live_server, site_entity, device, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
    set_language(context, live_server, language)
    page = context.new_page()
    pages = {
        "home": "/",
        "search": "/entities/?q=" + "自贸区国际",
        "entity": f"/entities/{site_entity.uscc}/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {WIDTHS[device]} px"
        nav = page.locator("nav.site-nav")
        if device == "phone":
            assert not nav.is_visible(), "the menu is folded on a phone"
            assert page.locator("label.menu-button").is_visible()
        else:
            assert nav.is_visible() and not page.locator("label.menu-button").is_visible()
        page.screenshot(path=str(SHOTS / f"{name}-{device}-{language}.png"), full_page=True)
        if language == "en":
            assert page.locator("[data-lang-notice]").is_visible()
            assert page.locator("html").get_attribute("lang") == "en"
        else:
            assert page.locator("[data-lang-notice]").count() == 0
    # the search result and the entity page show the grade badge, the inspection date and the English name
    page.goto(live_server.url + pages["search"])
    result = page.locator("ul.results li", has_text="郑州自贸区国际贸易服务有限公司")
    assert result.locator(".grade-badge").get_attribute("data-grade") == "DISHONEST"
    assert result.locator("[data-last-inspected]").get_attribute("data-last-inspected") == "2026-10-15"
    assert result.locator("[data-name-en]").inner_text() == "Zhengzhou FTZ International Trade Services Co., Ltd."
    page.goto(live_server.url + pages["entity"])
    assert page.locator("[data-list-history] tbody tr").count() == 1
    term = page.locator('[data-fact="operating_term"]').inner_text()
    assert term == ("12 Apr 2018 to 11 Apr 2048" if language == "en" else "2018年4月12日 至 2048年4月11日")
    context.close()


def test_phone_menu_opens_from_the_keyboard_and_marks_the_current_page(browser, live_server, site_entity):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/credit/grades/")
    nav = page.locator("nav.site-nav")
    assert not nav.is_visible()
    # Tab from the language buttons to the menu toggle, then Space
    page.get_by_role("button", name="English").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "menu-toggle"
    page.keyboard.press("Space")
    assert nav.is_visible()
    group = page.locator(".nav-group.is-current summary")
    assert group.inner_text() == "公示"
    group.focus()
    page.keyboard.press("Enter")
    current = page.locator('a[aria-current="page"]')
    assert current.is_visible() and current.inner_text() == "信用等级说明"
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(SHOTS / "menu-open-phone-zh.png"), full_page=True)
    context.close()


def test_desktop_menu_drops_down_and_language_switch_turns_the_page_english(browser, live_server, site_entity):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + f"/entities/{site_entity.uscc}/")
    services_group = page.locator(".nav-group summary", has_text="办事")
    services_group.click()
    assert page.locator("nav.site-nav").get_by_role("link", name="投诉举报").is_visible()
    page.screenshot(path=str(SHOTS / "menu-open-desktop-zh.png"))
    # one group open at a time (<details name>), and its heading closes it again
    page.locator(".nav-group summary", has_text="关于").click()
    assert not page.locator("nav.site-nav").get_by_role("link", name="投诉举报").is_visible()
    assert page.locator("nav.site-nav").get_by_role("link", name="关于本站").is_visible()
    page.locator(".nav-group summary", has_text="关于").click()
    assert not page.locator("nav.site-nav").get_by_role("link", name="关于本站").is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/entities/{site_entity.uscc}/")
    assert page.locator("h2", has_text="Registration details").is_visible()
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("h2", has_text="基本信息").is_visible()
    context.close()
