"""The browser for e2e tests: Debian's chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil

import pytest

from tests.worker import worker  # noqa: F401  (fixture: a real Celery worker on the test's frozen clock)

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
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        # A citizen's browser here asks for Chinese: headless chromium would send Accept-Language en-US,
        # which the public pages now honour (issue 18 §2). Tests of English set the cookie or a locale.
        for name in ("new_context", "new_page"):
            opener = getattr(browser, name)
            setattr(browser, name, lambda _opener=opener, **kwargs: _opener(**{"locale": "zh-CN", **kwargs}))
        yield browser
        browser.close()
