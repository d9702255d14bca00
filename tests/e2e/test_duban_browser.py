"""A district official in a real browser (Debian's chromium via Playwright), issue 17 §4–§6: the 待办
panels on the admin home, a risk warning disposed of by 立案 in one step with the link to the case
followed, and the 督办 pressing the district answered. Screenshots at 1280 and 390 px go to
``E2E_SCREENSHOT_DIR`` (``duban-*.png``)."""

import datetime as dt
import os

import pytest
import time_machine

from core.choices import Role
from credit.models import RiskWarning
from enforcement import services as enforcement_services
from enforcement.choices import CaseSource
from enforcement.models import Case
from oversight import services
from oversight.models import DirectiveState
from supervision import services as sv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "pw-Secret-123"


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"duban-{name}.png"), full_page=True)


def login(browser, live_server, user, next_url, width=1280):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"**{next_url}**")
    return page


@pytest.fixture
def district_world(frozen_today, make_department, make_official, make_entity):
    """金水区市场监督管理局 under 郑州市市场监督管理局, on Sun 2026-11-22: two certified officers, an overdue
    complaint pressed by the city, a newer complaint, and an open risk warning."""
    city = make_department(name="郑州市市场监督管理局", code="ZZSJ", short_name="郑市监")
    district = make_department(
        name="金水区市场监督管理局",
        code="JSSJ",
        short_name="金水市监",
        level="county",
        parent=city,
        region_code="410105",
    )
    official = make_official("jinshui", district, role=Role.DEPARTMENT_HEAD, first_name="刘建华")
    superior = make_official("zhengzhou", city, first_name="陈立")
    officers = [
        sv.inspector_save(
            actor="test",
            name=name,
            department=district,
            certificate_no=cert,
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=dt.date(2028, 12, 31),
        )
        for name, cert in (("王晓", "41010524000101"), ("李军", "41010524000102"))
    ]
    entity = make_entity(name="郑州市金水区好运来超市有限公司", registration_authority=district)
    with time_machine.travel(dt.datetime(2026, 10, 26, 10, 0, tzinfo=SHANGHAI)):
        late, _code = enforcement_services.complaint_file(
            actor="public:web", entity_name=entity.name, content="销售过期酸奶", department=district
        )
    enforcement_services.complaint_file(
        actor="public:web", entity_name="金水区某便利店", content="未明码标价", department=district
    )
    directive = services.directive_issue(
        actor=superior,
        kind="complaint",
        object_id=late.pk,
        reason="该投诉已超过办理期限仍未办结，请立即办理并报告结果",
        answer_working_days=3,
    )
    warning = RiskWarning.objects.create(
        rule_code="NEGATIVE_RECORD_BURST",
        dedupe_key="e2e-1",
        entity_id=entity.uscc,
        department=district,
        message=f"{entity.name}（{entity.uscc}）90日内新增3条失信记录",
        created_at=dt.datetime(2026, 11, 21, 1, 0, tzinfo=SHANGHAI),
    )
    return {"official": official, "officers": officers, "warning": warning, "directive": directive, "entity": entity}


def test_district_official_opens_a_case_from_a_warning_in_one_step(browser, live_server, district_world):
    official, warning = district_world["official"], district_world["warning"]

    # The admin home: 待办 panels, 督办 pressing the district first, with the overdue marked
    for width in (1280, 390):
        home = login(browser, live_server, official, "/admin/", width)
        assert home.locator("#oversight-todo").is_visible()
        assert home.locator(".credit-todo-directive-inbox [data-count]").inner_text() == "1"
        assert home.locator(".credit-todo-complaints [data-count]").inner_text() == "2"
        shot(home, f"index-{width}")
        home.context.close()

    # The warning's page offers the dispositions (also on a phone); 立案 opens the one-step form
    phone = login(browser, live_server, official, f"/admin/credit/riskwarning/{warning.pk}/change/", 390)
    shot(phone, "warning-390")
    phone.get_by_role("link", name="立案", exact=True).click()
    phone.wait_for_url("**/dispose/?disposition=case_opened")
    shot(phone, "warning-dispose-390")
    phone.context.close()
    page = login(browser, live_server, official, f"/admin/credit/riskwarning/{warning.pk}/change/")
    shot(page, "warning-1280")
    page.get_by_role("link", name="立案", exact=True).click()
    page.wait_for_url("**/dispose/?disposition=case_opened")
    page.get_by_label("案由").fill("涉嫌销售超过保质期的食品")
    for officer in district_world["officers"]:
        page.get_by_label(officer.name).check()
    page.get_by_label("处置说明").fill("预警属实，经初步核查发现过期食品，立案调查")
    shot(page, "warning-dispose-1280")
    page.get_by_role("button", name="确认处置").click()

    # Back on the warning: closed as 已立案, with the link to the case, which is followed
    page.wait_for_url(f"**/admin/credit/riskwarning/{warning.pk}/change/")
    assert page.get_by_text("已立案，预警已关闭并关联该案件。").is_visible()
    case = Case.objects.get()
    assert (case.source, case.source_warning_id, case.entity_id) == (
        CaseSource.WARNING,
        warning.pk,
        district_world["entity"].uscc,
    )
    page.get_by_role("link", name=f"执法案件 #{case.pk}").click()
    page.wait_for_url(f"**/admin/enforcement/case/{case.pk}/change/")
    assert case.number in page.content() and f"风险预警 #{warning.pk}" in page.content()
    shot(page, "case-from-warning-1280")

    # The rule-effectiveness report counts it under its rule, as 已立案
    page.goto(f"{live_server.url}/admin/credit/riskwarning/effectiveness/?start=2026-11-01&end=2026-11-30")
    row = page.locator("tr.rule-NEGATIVE_RECORD_BURST")
    assert row.locator("[data-count]").first.inner_text() == "1"
    shot(page, "effectiveness-1280")
    page.context.close()


def test_district_official_answers_the_directive(browser, live_server, district_world):
    official, directive = district_world["official"], district_world["directive"]
    url = f"/admin/oversight/directive/{directive.pk}/change/"
    for width in (1280, 390):
        page = login(browser, live_server, official, url, width)
        assert "2026-11-25" in page.content()  # Sun 11-22 + 3 working days
        shot(page, f"directive-{width}")
        page.context.close()
    page = login(browser, live_server, official, url)
    page.get_by_role("button", name="答复", exact=True).click()
    page.wait_for_selector("form input[name=apply]", state="attached")
    page.get_by_label("办理情况").fill("已现场核查，下架过期酸奶36杯，已答复投诉人")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_selector("text=已答复督办")
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ANSWERED
    page.context.close()
