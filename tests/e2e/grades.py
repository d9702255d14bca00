"""Waiting, in the browser, for the real worker to re-grade an entity (bounded: issue 3 §7, within a minute)."""

import time

import pytest

REGRADE_TIMEOUT = 60  # seconds; the platform re-grades within a minute of a committed change


def wait_for_colour(page, url: str, colour: str, timeout: float = REGRADE_TIMEOUT, worker=None) -> None:
    """Reload ``url`` until its grade badge shows ``colour`` (green/yellow/red/black), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    shown = None
    while True:
        page.goto(url)
        shown = page.locator(".grade-badge").first.get_attribute("data-colour")
        if shown == colour:
            return
        if time.monotonic() > deadline:
            if worker is not None:
                from tests.worker import worker_stop

                print(worker_stop(worker))
            pytest.fail(f"{timeout} 秒内信用等级颜色未变为 {colour}（页面显示 {shown}）：{url}")
        time.sleep(0.5)
