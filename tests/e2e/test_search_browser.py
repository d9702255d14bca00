"""A real browser (Debian's chromium via Playwright): search from the home page, open the entity."""

import os

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_from_home_and_open_entity(browser, live_server, make_entity):
    entity = make_entity(name="郑州市金水区老王烩面馆", legal_representative="王建国")
    make_entity(name="郑州市中原区李记烩面馆")
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "老王烩面")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/entities/?q=*")
    assert page.locator("ul.results li").count() == 1
    page.click("text=郑州市金水区老王烩面馆")
    page.wait_for_url(f"**/entities/{entity.uscc}/")
    assert page.locator("h1").inner_text() == "郑州市金水区老王烩面馆"
    assert "王建国" in page.content()
    page.screenshot(path=str(os.environ.get("E2E_SCREENSHOT", "/tmp/e2e-entity.png")))
    page.close()
