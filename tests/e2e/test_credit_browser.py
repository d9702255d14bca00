"""A real browser (Debian's chromium via Playwright): an entity page shows its colour and reasons (issue 3 §7).

Grades are computed by a real Celery worker (tests/worker.py) on the test's frozen clock, as in
production: a committed change is re-graded within a minute, and the page's colour follows."""

import datetime as dt
import os

import pytest

from tests.conftest import record_data
from tests.e2e.grades import wait_for_colour

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RED = "rgb(198, 40, 40)"  # .grade-badge--red in portal.css


def test_entity_page_turns_red_when_the_worker_re_grades_after_a_penalty(
    browser, live_server, worker, make_entity, push
):
    # Given a new roster entity, graded 良好 by the worker
    entity = make_entity(name="郑州市金水区老王烩面馆", legal_representative="王建国")
    url = f"{live_server.url}/entities/{entity.uscc}/"
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    wait_for_colour(page, url, "green", worker=worker)
    # When a 行政处罚（一般）decided 2026-11-01 is pushed (committed: the worker is another process)
    push(record_data(entity.uscc))
    # Then the page turns red once the worker has re-graded it
    wait_for_colour(page, url, "red", worker=worker)

    badge = page.locator(".grade-badge")
    assert badge.get_attribute("data-colour") == "red"
    assert "grade-badge--red" in badge.get_attribute("class")
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    assert badge.locator(".grade-label").inner_text() == "失信"
    reasons = page.locator("ul.reasons").inner_text()
    assert "行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01" in reasons
    assert "2027年11月2日 起将按其余信息重新评价" in page.locator(".change-hint").inner_text()

    # The history is an inline SVG drawn on the server (issue 16 §1), no ECharts on a public page.
    assert page.locator("#grade-history-chart svg[role=img] circle").count() >= 2
    assert page.evaluate("() => typeof window.echarts") == "undefined"
    page.screenshot(path=str(os.environ.get("E2E_CREDIT_SCREENSHOT", "/tmp/e2e-credit-entity.png")), full_page=True)

    # The grades page explains the same colour, from the model's data.
    page.click("text=等级怎么评？信息公示多久？")
    page.wait_for_url("**/credit/grades/")
    assert (
        page.locator("tr[data-grade=DISHONEST] .grade-badge").evaluate("el => getComputedStyle(el).backgroundColor")
        == RED
    )
    page.screenshot(path="/tmp/e2e-credit-grades.png", full_page=True)
    page.close()

    # On a phone: nothing runs off the side of the screen, and the chart still draws.
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(f"{live_server.url}/entities/{entity.uscc}/")
    assert phone.locator("#grade-history-chart svg").bounding_box()["width"] <= 375
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.screenshot(path="/tmp/e2e-credit-entity-phone.png", full_page=True)
    phone.close()


def test_list_page_search_leads_to_the_entity(browser, live_server, worker, make_entity, dept_a):
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

    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/lists/")
    page.click("text=经营异常名录")
    page.wait_for_url("**/lists/abnormal/")
    page.fill("input[name=q]", "失联")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/lists/abnormal/?q=*")
    assert page.locator("ul.results li").count() == 1
    page.screenshot(path="/tmp/e2e-credit-list.png", full_page=True)
    page.click("text=郑州市中原区失联商贸有限公司")
    page.wait_for_url("**/entities/*/")
    wait_for_colour(page, page.url, "red", worker=worker)  # re-graded by the worker after the listing
    assert "移出经营异常名录后" in page.locator(".change-hint").inner_text()
    page.close()
