"""A real browser (Debian's chromium via Playwright) through enforcement end to end (issue 6 §6): a complaint
filed on the public form, converted into a case in the admin, taken through every stage to a decision,
published by the publication job, and the redacted summary seen on the public site; the reporter
follows the complaint on /track/."""

import datetime as dt
import os

import pytest

from core.choices import Role
from enforcement.choices import CaseSource, CaseStage, ComplaintState, ComplaintVerdict, DisclosureState
from enforcement.models import Case, Complaint, PenaltyDisclosure
from supervision import services as sv
from tests.e2e.grades import wait_for_colour

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
REPORTER_PHONE = "13803710001"
FACTS_PHONE = "13903710088"
FACTS = (
    f"经查，当事人于2026年11月在其经营场所销售超过保质期的原味酸奶（200克/杯）36杯，货值金额540元，违法所得324元。"
    f"现场负责人（联系电话{FACTS_PHONE}）对上述事实予以确认。"
)


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"e2e-enforcement-{name}.png"), full_page=True)


def run_action(admin, button: str, fill=None, submit: str = "", done: str = ""):
    """Click an action button on an object's admin page, fill its form, submit, and wait for the message."""
    admin.get_by_role("button", name=button, exact=True).click()
    admin.wait_for_selector("form input[name=apply]", state="attached")
    if fill:
        fill(admin)
    admin.get_by_role("button", name=submit).click()
    admin.wait_for_selector(f"text={done}")


def test_complaint_to_case_to_published_redacted_penalty(
    browser, live_server, worker, make_entity, dept_a, make_official
):
    # Given a shop registered by department A, two of its officers with valid certificates, and an official of A
    entity = make_entity(
        name="郑州市金水区好运来超市有限公司", legal_representative="王建国", registration_authority=dept_a
    )
    officers = [
        sv.inspector_save(
            actor="test",
            name=name,
            department=dept_a,
            certificate_no=cert,
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=dt.date(2028, 12, 31),
        )
        for name, cert in (("王晓", "41010024000101"), ("李军", "41010024000102"))
    ]
    # The 部门负责人 (issue 12 §6): sees the complainant and may move the case without being one of its handlers
    official = make_official("zhang-zzsj", dept_a, role=Role.DEPARTMENT_HEAD, first_name="张明")
    entity_url = f"{live_server.url}/entities/{entity.uscc}/"
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    wait_for_colour(page, entity_url, "green", worker=worker)  # graded 良好 by the worker
    page.close()

    # 1. A citizen files a complaint on the public form
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/complaints/new/")
    page.get_by_label("被投诉举报对象名称").fill(entity.name)
    page.get_by_label("统一社会信用代码（选填）").fill(entity.uscc)
    page.get_by_label("投诉举报内容").fill(
        "11月20日在该超市购买的原味酸奶已过保质期三天，货架上还有多盒同批次产品在售，请依法查处。"
    )
    page.get_by_label("您的姓名（选填）").fill("李女士")
    page.get_by_label("联系电话（选填）").fill(REPORTER_PHONE)
    shot(page, "1-complaint-form")
    page.get_by_role("button", name="提交投诉举报").click()
    # ... and gets a tracking number and a query code (shown once)
    page.wait_for_selector("text=投诉举报已提交")
    tracking_no = page.locator("[data-tracking-no]").inner_text().strip()
    code = page.locator("[data-query-code]").inner_text().strip()
    assert tracking_no.startswith("TS") and code.isdigit()
    assert REPORTER_PHONE not in page.content()
    shot(page, "2-complaint-done")
    page.close()
    complaint = Complaint.objects.get(tracking_no=tracking_no)
    assert (complaint.department_id, complaint.entity_id, complaint.state) == (
        dept_a.pk,
        entity.uscc,
        ComplaintState.RECEIVED,
    )

    # 2. An official of department A logs in to the admin and opens the complaint
    admin = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/enforcement/complaint/")
    admin.fill("#id_username", official.username)
    admin.fill("#id_password", "pw-Secret-123")
    admin.locator("input[type=submit], button[type=submit]").first.click()
    admin.wait_for_url("**/admin/enforcement/complaint/**")
    admin.get_by_role("link", name=tracking_no).click()
    admin.wait_for_url(f"**/admin/enforcement/complaint/{complaint.pk}/change/**")
    assert REPORTER_PHONE in admin.content()  # the handling department sees the reporter's contact
    shot(admin, "3-admin-complaint")

    # 3. ... and converts it into a case (立案) with two certified handlers
    def convert(form):
        form.get_by_label("案由").fill("涉嫌经营超过保质期的食品")
        for officer in officers:
            form.get_by_label(str(officer)).check()
        form.get_by_label("立案说明").fill("经初步核查，投诉反映的问题有证据初步证明，报请负责人批准立案。")

    run_action(admin, "转立案", convert, submit="确认立案", done="已转立案 1 条")
    case = Case.objects.get(source_complaint=complaint)
    assert (case.source, case.stage, case.handler_links.count()) == (CaseSource.COMPLAINT, CaseStage.FILED, 2)

    # 4. The case goes through 调查取证 → 案件审核 → 告知 with a note at each step
    for stage, note in (
        (CaseStage.INVESTIGATION, "现场检查，扣押涉案酸奶36杯，制作询问笔录。"),
        (CaseStage.REVIEW, "调查终结，移送案件审核。"),
        (CaseStage.NOTICE, "已送达《行政处罚告知书》，当事人未提出陈述申辩。"),
    ):
        admin.goto(f"{live_server.url}/admin/enforcement/case/{case.pk}/change/")

        def advance(form, stage=stage, note=note):
            form.get_by_label("推进到").select_option(stage)
            form.get_by_label("办理说明").fill(note)

        run_action(admin, "推进到下一环节", advance, submit="确认推进", done="已推进 1 条")
        case.refresh_from_db()
        assert case.stage == stage

    # 5. The party waives its 5 working days in writing (issue 12 §6), and the decision is issued
    # (a phone number typed into the facts by mistake)
    admin.goto(f"{live_server.url}/admin/enforcement/case/{case.pk}/change/")

    def waive(form):
        form.get_by_label("当事人书面放弃陈述、申辩和听证权利").check()
        form.get_by_label("情况说明").fill("当事人签署《放弃陈述、申辩和听证权利声明书》。")

    run_action(admin, "登记陈述申辩、听证", waive, submit="确认登记", done="已登记 1 条")
    admin.goto(f"{live_server.url}/admin/enforcement/case/{case.pk}/change/")
    assert "全程记录" in admin.content() and "已送达《行政处罚告知书》" in admin.content()

    def decide(form):
        form.get_by_label("罚款", exact=True).check()
        form.get_by_label("没收违法所得").check()
        form.get_by_label("罚款金额（元）").fill("50000")
        form.get_by_label("没收金额（元）").fill("324")
        form.get_by_label("违法行为类型").fill("经营超过保质期的食品")
        form.get_by_label("违法事实").fill(FACTS)
        form.locator("#id_evidence").fill("现场检查笔录、询问笔录、涉案食品照片及扣押清单、进货票据")
        form.get_by_label("处罚依据").fill("《中华人民共和国食品安全法》第一百二十四条第一款第（五）项")
        form.get_by_label("处罚内容").fill("1. 没收违法所得324元；2. 罚款50000元。")
        form.get_by_label("履行方式和期限").fill("自收到本决定书之日起十五日内缴纳罚没款。")
        shot(form, "4-admin-decision-form")

    run_action(admin, "作出处罚决定", decide, submit="签发决定书", done="已作出处罚决定 1 条")
    decision = case.decisions.get()
    assert decision.number == "郑市监罚〔2026〕1号"
    shot(admin, "5-admin-decided")
    admin.close()

    # 6. The publication job runs (the beat task, called in-process)
    from enforcement.tasks import publish_penalties

    assert publish_penalties() == {"published": 1, "withdrawn": 0}
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    assert disclosure.state == DisclosureState.PUBLISHED

    # 7. The public list and detail show the redacted summary
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/penalties/")
    row = page.locator(f"[data-penalty='{disclosure.pk}']")
    assert entity.name in row.inner_text() and "经营超过保质期的食品" in row.inner_text()
    shot(page, "6-penalty-list")
    row.get_by_role("link", name=decision.number).click()
    page.wait_for_url(f"**/penalties/{disclosure.pk}/")
    text = page.locator("main").inner_text()
    assert decision.number in text and entity.uscc in text and ("50,000" in text or "50000" in text)
    assert "＊＊＊" in text  # the phone in the facts is masked
    html = page.content()
    for secret in (FACTS_PHONE, REPORTER_PHONE, "李女士"):
        assert secret not in html
    shot(page, "7-penalty-detail")
    # ... and the published penalty, a credit record, turns the entity red once the worker has re-graded it
    wait_for_colour(page, entity_url, "red", worker=worker)
    assert decision.number in page.locator("ul.reasons").inner_text()

    # 8. The reporter looks the complaint up on /track/ with the number and code
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("受理编号").fill(tracking_no)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector(".track-result")
    result = page.locator(".track-result").inner_text()
    assert (
        str(ComplaintState.CLOSED.label) in result
        and "已立案调查" in result
        and str(ComplaintVerdict.CONVERTED.label) in result
    )
    assert REPORTER_PHONE not in page.content() and "李女士" not in page.content()
    shot(page, "8-track")
    page.close()
