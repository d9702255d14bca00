"""A real browser (Debian's chromium via Playwright) through the whole credit-repair flow (issue 4 §6):
the public form, the deciding department's approval in the admin, the record gone from the public page,
and the colour back to green once the real worker (tests/worker.py) has re-graded the entity."""

import datetime as dt
import os

import pytest

from core.choices import Role
from credit.choices import RecordState, RepairState
from credit.models import CreditRecord, RepairApplication
from tests.conftest import record_data
from tests.e2e.grades import wait_for_colour

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
TITLE = "经营超过保质期的食品"


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"e2e-repair-{name}.png"), full_page=True)


def test_repair_flow_public_form_admin_approval_record_leaves_public_page(
    browser, live_server, worker, frozen_today, make_entity, dept_a, push, make_official
):
    # Given an entity with a 一般 penalty of department A decided 5 months before the frozen today (2026-11-22),
    # past the 3-month minimum; the test, the live server (a thread) and the worker share that clock.
    entity = make_entity(name="郑州市金水区老王烩面馆", legal_representative="王建国")
    push(
        record_data(
            entity.uscc,
            "郑市监罚〔2026〕88号",
            decided_on=dt.date(2026, 6, 22),
            title=TITLE,
            content="经查，当事人经营超过保质期的预包装食品，货值金额较小，涉案食品已没收并销毁。处罚决定：罚款人民币5000元。",
            amount="5000",
        )
    )
    record = CreditRecord.objects.get()
    assert record.repairable_from <= frozen_today
    official = make_official("zhang-zzsj", dept_a, role=Role.DEPARTMENT_OFFICIAL)

    # The public entity page shows the record, with a link to apply for repair, and red once the worker has graded it.
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    wait_for_colour(page, f"{live_server.url}/entities/{entity.uscc}/", "red", worker=worker)
    # The record under 公示中的信用信息 (its summary is also under 行政处罚信息, on the Order 45 clock: issue 12 §1).
    item = page.locator("section[aria-labelledby=records-title] ul.records li", has_text=TITLE)
    assert item.count() == 1
    shot(page, "1-entity-before")

    # The applicant opens the form from the record's link, fills it in and makes the commitment.
    item.get_by_role("link", name="申请信用修复").click()
    page.wait_for_url(f"**/repairs/new/?record={record.pk}")
    assert TITLE in page.locator("article.filing").inner_text()
    page.get_by_label("申请人").fill("王建国")
    page.get_by_label("联系电话").fill("13803710001")
    page.get_by_label("申请理由").fill(
        "本单位已于处罚决定送达后15日内缴清罚款人民币5000元，并已全面清查在售食品、建立临期食品检查制度，特申请信用修复。"
    )
    page.get_by_label("本单位已阅读并同意作出上述信用修复承诺").check()
    shot(page, "2-form")
    page.get_by_role("button", name="提交申请").click()

    # It returns a tracking number (and the query code, once).
    page.wait_for_selector("text=信用修复申请已提交")
    tracking_no = page.locator("[data-tracking-no]").inner_text().strip()
    assert tracking_no.startswith("XF")
    assert page.locator("[data-query-code]").inner_text().strip().isdigit()
    shot(page, "3-submitted")
    application = RepairApplication.objects.get(tracking_no=tracking_no)
    assert (application.state, application.record_id, application.department_id) == (
        RepairState.SUBMITTED,
        record.pk,
        dept_a.pk,
    )
    assert "13803710001" not in page.content()  # the contact phone is confidential
    page.close()

    # An official of the deciding department (谁认定、谁修复) logs in to the admin ...
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/credit/repairapplication/")
    admin.fill("#id_username", official.username)
    admin.fill("#id_password", "pw-Secret-123")
    admin.locator("input[type=submit], button[type=submit]").first.click()
    admin.wait_for_url("**/admin/credit/repairapplication/**")
    # ... finds the application in the pending list and opens it
    admin.get_by_role("link", name=tracking_no).click()
    admin.wait_for_url(f"**/admin/credit/repairapplication/{application.pk}/change/**")
    assert "符合申请条件" in admin.content()
    shot(admin, "4-admin-application")
    # ... and approves it, giving a reason
    admin.get_by_role("button", name="批准修复").click()
    admin.wait_for_selector("text=确认批准修复")
    admin.get_by_label("决定理由").fill(
        "经审核，当事人已缴清罚款、纠正违法行为，最短公示期已满，并已作出信用修复承诺，同意修复。"
    )
    shot(admin, "5-admin-reason")
    admin.get_by_role("button", name="确认批准修复").click()
    admin.wait_for_selector("text=已批准修复 1 条")
    shot(admin, "6-admin-approved")
    admin.close()

    application.refresh_from_db()
    record.refresh_from_db()
    assert (application.state, application.decided_by) == (RepairState.APPROVED, official)
    assert record.state == RecordState.REPAIRED

    # The public entity page no longer shows the record, and turns green once the worker has re-graded it.
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    wait_for_colour(page, f"{live_server.url}/entities/{entity.uscc}/", "green", worker=worker)
    assert page.locator("ul.records li", has_text=TITLE).count() == 0
    assert TITLE not in page.content()
    shot(page, "7-entity-after")
    page.close()
