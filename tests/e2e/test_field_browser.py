"""A real browser (Debian's chromium via Playwright) on a phone-sized screen (390×844) through the
inspectors' field flow (issue 5 §3 and §6): sign in, my task, its checklist, the result with its
follow-up, and the co-inspector's confirmation. No page scrolls sideways."""

import os
from decimal import Decimal

import pytest

from inspections import services
from inspections.choices import ResultCategory
from inspections.models import CorrectionOrder, InspectionResult, TeamMember
from supervision import services as sv
from tests.inspections import conftest as inspection_fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
PASSWORD = "pw-Secret-123"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"  # noqa: E501


# The 双随机 world of tests/inspections (items, inspectors, plans), shared with this folder.
make_item, make_inspector, make_plan = (
    inspection_fixtures.make_item,
    inspection_fixtures.make_inspector,
    inspection_fixtures.make_plan,
)


def shot(page, name):
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header then sits on top of the full-page image
    page.screenshot(path=os.path.join(SHOTS, f"e2e-field-{name}.png"), full_page=True)


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面宽度 {width}px 超出手机屏幕 390px"


def sign_in(context, url, username):
    page = context.new_page()
    page.goto(f"{url}/field/")
    page.wait_for_url("**/field/login/?next=/field/")
    assert_no_sideways_scroll(page)
    shot(page, f"0-login-{username}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/field/")
    return page


@pytest.fixture
def field_task(frozen_today, make_plan, make_item, make_entity, evaluate, make_inspector, django_user_model, dept_a):
    """One entity drawn (ratio 100%), a checklist of two rows, and a team of two inspectors with accounts."""
    entity = make_entity(
        name="郑州市金水区惠民副食品超市",
        registered_address="郑州市金水区花园路街道农业路东段28号院1号楼一层101室",
        industry_code="F5211",
    )
    evaluate([entity.uscc])
    item = make_item(dept_a, name="食品经营许可事项监督检查")
    sv.checklist_save(
        actor="test",
        item=item,
        department=dept_a,
        code=dept_a.uscc + "1",
        name="许可证件公示",
        content="查看食品经营许可证是否在经营场所显著位置悬挂，许可事项与实际经营是否一致",
        method="on_site",
    )
    sv.checklist_save(
        actor="test",
        item=item,
        department=dept_a,
        code=dept_a.uscc + "2",
        name="年度报告公示",
        content="核查企业是否按规定通过国家企业信用信息公示系统公示年度报告",
        method="documentary",
    )
    inspectors = []
    for username, name in (("li-zzsj", "李明"), ("zhao-zzsj", "赵敏")):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD)
        inspectors.append(make_inspector(dept_a, user=user, name=name))
    draw = services.draw_run(
        actor="test",
        plan=make_plan(
            items=[item],
            name="2026年食品经营者“双随机、一公开”抽查",
            ratio_a=Decimal("1"),
            ratio_b=Decimal("1"),
            ratio_c=Decimal("1"),
            ratio_d=Decimal("1"),
        ),
    )
    task = draw.tasks.get()
    assert task.team.count() == 2
    return {"task": task, "entity": entity, "inspectors": inspectors}


def test_inspector_records_a_result_on_a_phone(browser, live_server, field_task):
    task, entity = field_task["task"], field_task["entity"]
    submitter, co = field_task["inspectors"]
    context = browser.new_context(**PHONE)

    # The inspector signs in on the phone and sees the task under 待检查.
    page = sign_in(context, live_server.url, submitter.user.username)
    card = page.locator(f"a.task-card[data-task='{task.pk}']")
    assert card.count() == 1
    assert entity.name in card.inner_text() and "检查期限 2026年12月31日" in card.inner_text()
    assert "待检查" in page.locator("#pending-title").inner_text()
    assert_no_sideways_scroll(page)
    shot(page, "1-tasks")

    # They open it: the entity, the team and the checklist of department A.
    card.click()
    page.wait_for_url(f"**/field/tasks/{task.pk}/")
    assert entity.registered_address in page.locator("#entity").inner_text()
    assert "赵敏" in page.locator("#team").inner_text()
    assert_no_sideways_scroll(page)
    shot(page, "2-task")

    # They tick the checklist rows as they go.
    page.get_by_text("许可证件公示").click()
    page.get_by_text("年度报告公示").click()
    assert page.locator("[data-checked-count]").inner_text() == "2"
    shot(page, "3-checklist")

    # 未发现问题 cannot go with a finding: choosing one clears the other.
    page.get_by_label("未发现问题").check()
    page.get_by_label("未按规定公示应当公示的信息").check()
    assert not page.get_by_label("未发现问题").is_checked()
    page.get_by_label("检查情况").fill("经查，该企业未按规定公示2025年度报告；食品经营许可证已在店内显著位置悬挂。")
    assert page.get_by_label("检查日期").input_value() == "2026-11-22"
    page.locator("input[name=evidence]").set_input_files(
        [{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert "现场照片.png" in page.locator("[data-file-list]").inner_text()
    assert_no_sideways_scroll(page)
    shot(page, "4-form")

    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_selector("text=检查结果已提交")
    follow_up = page.locator("[data-follow-up='correction']")
    assert follow_up.count() == 1 and "责令改正" in follow_up.inner_text() and "改正期限至" in follow_up.inner_text()
    assert_no_sideways_scroll(page)
    shot(page, "5-submitted")

    result = InspectionResult.objects.get(task=task)
    assert result.categories == [ResultCategory.NOT_PUBLISHED] and result.evidence.count() == 1
    assert CorrectionOrder.objects.filter(result=result).exists()
    context.close()

    # The co-inspector signs in on their phone, sees the task under 已录入, and confirms.
    context = browser.new_context(**PHONE)
    page = sign_in(context, live_server.url, co.user.username)
    assert "待我确认" in page.locator(f"a.task-card[data-task='{task.pk}']").inner_text()
    page.locator(f"a.task-card[data-task='{task.pk}']").click()
    page.get_by_role("button", name="确认检查结果").click()
    page.wait_for_selector("text=已确认本部门的检查结果")
    assert_no_sideways_scroll(page)
    shot(page, "6-confirmed")
    assert TeamMember.objects.get(task=task, inspector=co).confirmed_at is not None
    context.close()
