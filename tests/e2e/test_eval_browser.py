"""A real browser (Debian's chromium via Playwright) on 履职评估 (issue 17 §3): the platform admin opens an
evaluation's result page at desktop and phone width, follows a value to the rows behind it, and
downloads the workbook and a department's PDF; a city official sees only their subtree."""

import datetime as dt
import io
import os

import openpyxl
import pytest
import time_machine

from oversight import services
from tests.oversight.conftest import at, tree  # noqa: F401  (tree: the department tree fixture)
from tests.oversight.test_eval_metrics import complaint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"eval-{name}.png"), full_page=True)


def login(browser, live_server, user, width, height=900):
    page = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True).new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/oversight/evaluation/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Secret-123")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url("**/admin/oversight/evaluation/**")
    return page


def test_evaluation_result_page_drill_down_and_downloads(browser, live_server, tree):
    # Given November's complaints (C: one on time, one late; K: one on time; O: one overdue) and an evaluation
    complaint(tree.c, closed=dt.date(2026, 11, 23))
    complaint(tree.c, closed=dt.date(2026, 11, 24))
    complaint(tree.k, closed=dt.date(2026, 11, 10))
    complaint(tree.o)
    with time_machine.travel(at(dt.date(2026, 12, 10))):
        evaluation = services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)
    url = f"{live_server.url}/admin/oversight/evaluation/{evaluation.pk}/change/"

    # When the platform admin opens the result page on a desktop
    page = login(browser, live_server, tree.admin, 1280)
    page.goto(f"{url}?department={tree.c.pk}")
    page.wait_for_selector("#eval-totals")
    shot(page, "result-1280")
    rows = page.locator("#eval-totals tbody tr")
    assert rows.count() == 4
    # Then C's complaints value (50.00%) is a link to the rows behind it, and the detail lists each part
    detail = page.locator("#eval-detail-table")
    assert "投诉举报按时办结率" in detail.inner_text()
    late = detail.get_by_role("link", name="超期办结：1")
    late.click()
    page.wait_for_url("**/admin/enforcement/complaint/**")
    shot(page, "drilldown-1280")
    assert page.locator("#result_list tbody tr").count() == 1

    # And the downloads work: the workbook and C's PDF
    page.goto(url)
    with page.expect_download() as download:
        page.locator("#eval-xlsx").click()
    with open(download.value.path(), "rb") as handle:  # a download's path has no .xlsx for openpyxl to see
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert len(list(book["综合得分与排名"].iter_rows(min_row=2))) == 4
    response = page.request.get(f"{live_server.url}/admin/oversight/evaluation/{evaluation.pk}/pdf/{tree.c.pk}/")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    with open(os.path.join(SHOTS, "eval-report.pdf"), "wb") as handle:
        handle.write(response.body())
    # And C's half-year report as a draft PDF (marked 草稿)
    with time_machine.travel(at(dt.date(2026, 12, 10))):
        report = services.half_year_report_create(actor=tree.admin, department=tree.c, year=2026, half="second")
    services.half_year_report_edit(
        actor=tree.admin, report=report, summary="下半年开展双随机抽查。\n投诉举报按时办结。"
    )
    response = page.request.get(f"{live_server.url}/admin/oversight/halfyearreport/{report.pk}/pdf/")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    with open(os.path.join(SHOTS, "eval-halfyear-draft.pdf"), "wb") as handle:
        handle.write(response.body())
    page.close()

    # And on a phone the page stays inside the screen (the tables scroll on their own)
    phone = login(browser, live_server, tree.admin, 390, 844)
    phone.goto(f"{url}?department={tree.c.pk}")
    phone.wait_for_selector("#eval-totals")
    shot(phone, "result-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.close()

    # A city official sees their subtree only (C and K)
    page = login(browser, live_server, tree.c_official, 1280)
    page.goto(url)
    page.wait_for_selector("#eval-totals")
    names = page.locator("#eval-totals tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["洛阳市市场监督管理局", "洛阳市西工区市场监督管理局"]
    shot(page, "result-city-official-1280")
    page.close()
