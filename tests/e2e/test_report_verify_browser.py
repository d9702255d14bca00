"""A real browser (Debian's chromium via Playwright) on the report verification pages (issue 18 §1.1):
the entry form, a bad serial kept with its error, one verdict, a file checked by hash and signature, at
1280 and 390 px, in Chinese and in English. Screenshots go to ``E2E_SHOTS_DIR`` (default /tmp)."""

import os
from pathlib import Path

import pytest

from credit.reports import report_issue
from tests.credit.test_report_verification import byte_edited
from tests.credit.test_reports import entity, full_entity  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp"))


def no_sideways_scroll(page, width):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_verify_a_report_by_serial_then_by_file(browser, live_server, full_entity, tmp_path, width):
    report, pdf = report_issue(entity=full_entity)
    genuine, edited = tmp_path / "report.pdf", tmp_path / "edited.pdf"
    genuine.write_bytes(pdf)
    edited.write_bytes(byte_edited(pdf))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})

    # The entry form says where the serial is printed
    page.goto(f"{live_server.url}/reports/verify/")
    assert "每页页脚" in page.locator("#id_serial_helptext").inner_text()
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"verify-entry-{width}.png"), full_page=True)

    # A mistyped serial: the error, and what was typed is still there
    page.fill("#id_serial", "XYBG2026112")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "报告编号格式不对" in page.locator(".field-error").inner_text()
    assert page.input_value("#id_serial") == "XYBG2026112"
    page.screenshot(path=str(SHOTS / f"verify-entry-error-{width}.png"), full_page=True)

    # Typed as people type it: found, one verdict
    page.fill("#id_serial", report.serial.lower())
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/reports/verify/{report.serial}/")
    assert page.locator("[data-verdict]").count() == 1
    assert page.locator("[data-verdict=current]").inner_text().startswith("真实有效")
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"verify-current-{width}.png"), full_page=True)

    # The genuine file, then one changed after signing: one verdict each, never both colours
    page.set_input_files("#report-file", str(genuine))
    with page.expect_navigation():
        page.click("form.filing-form button.button")
    assert page.locator("[data-verdict]").count() == 1
    assert page.locator("[data-verdict=file_current]").is_visible()
    assert page.locator("[data-signature=valid]").is_visible()
    page.screenshot(path=str(SHOTS / f"verify-file-genuine-{width}.png"), full_page=True)
    page.set_input_files("#report-file", str(edited))
    with page.expect_navigation():
        page.click("form.filing-form button.button")
    assert page.locator("[data-verdict]").count() == 1
    assert page.locator("[data-verdict=signature_invalid]").is_visible()
    assert page.locator(".verdict--ok").count() == 0
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"verify-file-edited-{width}.png"), full_page=True)

    # In English (the language switch's cookie)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/reports/verify/{report.serial}/")
    assert page.locator("[data-verdict=current]").inner_text().startswith("Genuine and current")
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"verify-current-en-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/verify/XYBG20261122ZZZZZZZZ/")
    assert page.locator("[data-verdict=not_found]").inner_text().startswith("Report not found")
    page.screenshot(path=str(SHOTS / f"verify-not-found-en-{width}.png"), full_page=True)
    page.close()
