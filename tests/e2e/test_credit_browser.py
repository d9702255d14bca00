"""A real browser (Debian's chromium via Playwright): an entity page shows its colour and reasons (issue 3 §7)."""

import datetime as dt
import os

import pytest

from tests.conftest import record_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RED = "rgb(198, 40, 40)"  # .grade-badge--red in portal.css




@pytest.fixture
def no_worker(monkeypatch):
    """Grades are computed here by calling evaluate(); committed pushes must not queue tasks."""
    from credit import services

    monkeypatch.setattr(services, "_send_evaluations", lambda codes: None)


def test_entity_page_shows_colour_reasons_and_history_chart(browser, live_server, frozen_today, no_worker, make_entity, push, evaluate):
    import time_machine

    entity = make_entity(name="郑州市金水区老王烩面馆", legal_representative="王建国")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True):
        evaluate([entity.uscc])  # green before the penalty
    push(record_data(entity.uscc))  # 行政处罚（一般）, decided 2026-11-01
    evaluate([entity.uscc])

    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/entities/{entity.uscc}/")

    badge = page.locator(".grade-badge")
    assert badge.get_attribute("data-colour") == "red"
    assert "grade-badge--red" in badge.get_attribute("class")
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    assert badge.locator(".grade-label").inner_text() == "失信"
    reasons = page.locator("ul.reasons").inner_text()
    assert "行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01" in reasons
    assert "2027年11月2日 起将按其余信息重新评价" in page.locator(".change-hint").inner_text()

    page.wait_for_selector("#grade-history-chart canvas", timeout=10_000)
    assert page.evaluate("() => !!window.echarts && !!echarts.getInstanceByDom(document.getElementById('grade-history-chart'))")
    page.screenshot(path=str(os.environ.get("E2E_CREDIT_SCREENSHOT", "/tmp/e2e-credit-entity.png")), full_page=True)

    # The grades page explains the same colour, from the model's data.
    page.click("text=等级怎么评？信息公示多久？")
    page.wait_for_url("**/credit/grades/")
    assert page.locator("tr[data-grade=DISHONEST] .grade-badge").evaluate("el => getComputedStyle(el).backgroundColor") == RED
    page.screenshot(path="/tmp/e2e-credit-grades.png", full_page=True)
    page.close()

    # On a phone: nothing runs off the side of the screen, and the chart still draws.
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(f"{live_server.url}/entities/{entity.uscc}/")
    phone.wait_for_selector("#grade-history-chart canvas", timeout=10_000)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.screenshot(path="/tmp/e2e-credit-entity-phone.png", full_page=True)
    phone.close()


def test_list_page_search_leads_to_the_entity(browser, live_server, frozen_today, no_worker, make_entity, dept_a, evaluate):
    from credit.services import list_entry_add

    for name in ("郑州市中原区失联商贸有限公司", "郑州市二七区未年报商行"):
        entity = make_entity(name=name)
        list_entry_add(
            actor="test",
            entity_uscc=entity.uscc,
            list_type="abnormal",
            ground="unreachable",
            legal_basis="《企业经营异常名录管理暂行办法》第四条",
            department=dept_a,
            decided_on=dt.date(2026, 7, 10),
            ground_established_on=dt.date(2026, 7, 1),
        )
    evaluate()

    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/lists/")
    page.click("text=经营异常名录")
    page.wait_for_url("**/lists/abnormal/")
    page.fill("input[name=q]", "失联")
    page.click("button[type=submit]")
    page.wait_for_url("**/lists/abnormal/?q=*")
    assert page.locator("ul.results li").count() == 1
    page.screenshot(path="/tmp/e2e-credit-list.png", full_page=True)
    page.click("text=郑州市中原区失联商贸有限公司")
    page.wait_for_url("**/entities/*/")
    assert page.locator(".grade-badge").get_attribute("data-colour") == "red"
    assert "移出经营异常名录后" in page.locator(".change-hint").inner_text()
    page.close()
