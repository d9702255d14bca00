"""The Content-Security-Policy in a real browser (issue 11, section 3): pages whose scripts moved
out of the templates still work, and the browser reports no CSP violation."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    problems = []
    # CSP violations and script errors; a missing resource is named by its address (favicon.ico aside).
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, problems


def test_commitment_form_script_runs_under_the_csp(browser, live_server):
    page, problems = _open(browser, f"{live_server.url}/commitments/new/")
    content = page.locator("textarea[name=content]")
    before = content.input_value()
    # choosing another type replaces the untouched text with that type's (static/credit/commitment-form.js)
    select = page.locator("select[name=commitment_type]")
    other = next(
        v for v in select.locator("option").evaluate_all("els => els.map(e => e.value)") if v != select.input_value()
    )
    select.select_option(other)
    assert content.input_value() != before
    page.close()
    assert problems == []


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/field/login/", "/track/", "/complaints/new/"])
def test_pages_raise_no_csp_violation(browser, live_server, path):
    page, problems = _open(browser, live_server.url + path)
    page.close()
    assert problems == []


def test_swagger_ui_renders_under_the_csp(browser, live_server):
    page, problems = _open(browser, f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    page.close()
    assert [p for p in problems if "Content Security Policy" in p] == []
