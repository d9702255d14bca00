"""Admin lists at 1280 px in a real browser (issue 18 §1.5, Debian's chromium via Playwright): the widest
lists (market entities, credit records, objections, the audit log) have no horizontal overflow, no
name cell is narrower than about 4 CJK characters, and long text is cut with its full text in the
tooltip. Looked at as a platform administrator and as a 信用管理人员 (whose columns are chosen by role).
Screenshots go to ``E2E_SCREENSHOT_DIR`` (``admin-list-*.png``)."""

import os

import pytest

from core.choices import Role
from credit import services as credit_services
from credit.models import CreditRecord
from tests.conftest import record_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
LONG_NAME = "郑州市金水区惠民餐饮管理有限公司经三路第一分店（个人独资）"
LONG_TITLE = "销售超过保质期的食品且未按规定建立并遵守进货查验记录制度、未履行食品安全管理义务"
LISTS = [
    "/admin/supervision/marketentity/",
    "/admin/credit/creditrecord/",
    "/admin/credit/objection/?state=all",
    "/admin/core/auditevent/",
]
MEASURE = """() => {
  const table = document.querySelector('#result_list');
  const doc = document.documentElement;
  const em = parseFloat(getComputedStyle(document.body).fontSize);
  const names = [...document.querySelectorAll('#result_list tbody .cell-clip')].map(e => e.getBoundingClientRect().width);
  return {
    page_overflow: doc.scrollWidth - doc.clientWidth,
    table_overflow: table ? table.scrollWidth - table.parentElement.clientWidth : null,
    rows: table ? table.querySelectorAll('tbody tr').length : 0,
    narrowest_clip: names.length ? Math.min(...names) : null,
    em: em,
    clipped_titles: [...document.querySelectorAll('#result_list .cell-clip[title]')].map(e => e.title),
  };
}"""


@pytest.fixture
def city(make_entity, make_official, dept_a, push, django_user_model):
    for n in range(3):
        entity = make_entity(name=f"{LONG_NAME}{n}", registration_authority=dept_a)
        push(record_data(entity.uscc, f"郑市监罚〔2026〕{n + 10}号", decided_on="2026-10-01", title=LONG_TITLE))
    record = CreditRecord.objects.first()
    credit_services.objection_file(
        actor="public:web", applicant_name="王五", contact_phone="13800002222", reason="金额有误", record=record
    )
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.cn", "pw-Secret-123")
    manager = make_official("credit", dept_a, role=Role.CREDIT_MANAGER)
    return {"admin": admin, "manager": manager}


def open_as(browser, live_server, user, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Secret-123")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    return page


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_widest_admin_lists_fit_at_1280_px_and_clip_long_text_with_a_tooltip(browser, live_server, city, who):
    page = open_as(browser, live_server, city[who])
    for path in LISTS if who == "admin" else LISTS[:-1]:  # the audit log is the platform administrator's
        page.goto(live_server.url + path)
        found = page.evaluate(MEASURE)
        name = path.strip("/").split("?")[0].replace("/", "-")
        page.screenshot(path=os.path.join(SHOTS, f"admin-list-{name}-{who}-1280.png"))
        assert found["rows"] > 0, path
        assert found["page_overflow"] <= 0, f"{path}: the page scrolls sideways by {found['page_overflow']} px"
        assert found["table_overflow"] <= 0, f"{path}: the list is {found['table_overflow']} px wider than its box"
        assert found["narrowest_clip"] >= 4 * found["em"], f"{path}: a name cell is {found['narrowest_clip']} px"
    # The full text of a clipped name is in its tooltip
    page.goto(live_server.url + "/admin/credit/creditrecord/")
    titles = page.evaluate(MEASURE)["clipped_titles"]
    assert LONG_TITLE in titles and any(t.startswith(LONG_NAME) for t in titles)
