"""A real browser (Debian's chromium via Playwright): search from the home page, open the entity."""

import os
import shutil

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 环境缺少 Debian chromium：浏览器测试不能跳过（make test 以 root 运行时会自动安装）")
        pytest.skip("未安装 Debian chromium（apt-get install chromium），跳过浏览器测试")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def test_search_from_home_and_open_entity(browser, live_server, make_entity):
    entity = make_entity(name="郑州市金水区老王烩面馆", legal_representative="王建国")
    make_entity(name="郑州市中原区李记烩面馆")
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "老王烩面")
    page.click("button[type=submit]")
    page.wait_for_url("**/entities/?q=*")
    assert page.locator("ul.results li").count() == 1
    page.click("text=郑州市金水区老王烩面馆")
    page.wait_for_url(f"**/entities/{entity.uscc}/")
    assert page.locator("h1").inner_text() == "郑州市金水区老王烩面馆"
    assert "王建国" in page.content()
    page.screenshot(path=str(os.environ.get("E2E_SCREENSHOT", "/tmp/e2e-entity.png")))
    page.close()
