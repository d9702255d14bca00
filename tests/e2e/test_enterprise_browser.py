"""A real browser (Debian's chromium via Playwright) at phone width (390×844) through the entity side
(issue 14, "Done when"): the liaison activates the account with the letter's code, files last year's
annual report, answers a correction order with evidence, objects to an unpublished record and reads the
inbox; officials then decide (service calls), and each change shows in the inbox and in the mail file,
sent by a real Celery worker (tests/worker.py) through Django's file backend.

Every page is checked for sideways scrolling at 390 px and for English default texts."""

import datetime as dt
import os
import re
import shutil
import time
from decimal import Decimal

import pytest

from credit import selectors as credit_selectors
from credit import services as credit_services
from credit.choices import ObjectionOutcome, ObjectionState, RecordState
from credit.models import CreditRecord, Objection
from enterprise import accounts
from enterprise.models import EntityAccount, Message
from inspections import services as inspection_services
from inspections.choices import CorrectionState, ResponseState, ResultCategory
from inspections.models import CorrectionOrder, CorrectionResponse
from supervision.models import AnnualReport
from tests.conftest import record_data
from tests.enterprise.conftest import mail_dir  # noqa: F401  (fixture)
from tests.inspections.conftest import make_inspector, make_item, make_plan  # noqa: F401  (fixtures)
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 390
PHONE = {
    "viewport": {"width": WIDTH, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
NOTES_SHOTS = "/work/notes/shots"  # the lead's folder on the dev machine; copied only when it exists
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"  # noqa: E501
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
PASSWORD = "Liaison-Pass-2026!"
EMAIL = "liaison@laowang-food.example.cn"
RECORD_TITLE = "未按规定公示从业人员健康证明"
# Django's English defaults that must never reach an entity's page (the site speaks Chinese).
ENGLISH_DEFAULTS = re.compile(
    r"This field is required|Enter a valid|Select a valid choice|Ensure this value|No file was submitted|"
    r"The two password|This password is too|Please correct|is not a valid|Server Error|Page not found"
)
CJK = re.compile(r"[\u4e00-\u9fff]")


class Steps:
    """Screenshots of each step into the test's tmp dir (and the lead's folder when it exists), and
    the checks every page must pass: no sideways scroll at 390 px, no English default text."""

    def __init__(self, tmp_path):
        self.dir = tmp_path / "shots"
        self.dir.mkdir()
        self.n = 0

    def check(self, page, name):
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH + 1, f"{name}: 页面宽度 {width}px 超出手机屏幕 {WIDTH}px"
        text = page.locator("body").inner_text()
        assert not ENGLISH_DEFAULTS.search(text), f"{name}: 出现英文默认提示：{ENGLISH_DEFAULTS.search(text)[0]}"
        for error in page.locator(".field-error, .errorlist li").all_inner_texts():
            assert CJK.search(error), f"{name}: 错误提示不是中文：{error}"
        self.n += 1
        page.evaluate("window.scrollTo(0, 0)")
        path = self.dir / f"e2e-enterprise-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if os.path.isdir(NOTES_SHOTS):
            shutil.copy(path, NOTES_SHOTS)
        return text


def wait_for_mail(mail_dir, wanted, timeout=60):
    """The worker sends the e-mail copies; wait until a mail with each wanted subject part is there."""
    deadline = time.monotonic() + timeout
    while True:
        subjects = mail_dir.subjects()
        missing = [w for w in wanted if not any(w in s for s in subjects)]
        if not missing:
            return mail_dir.messages()
        if time.monotonic() > deadline:
            raise AssertionError(f"邮件未送达：{missing}；已有：{subjects}")
        time.sleep(0.5)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(frozen_today, make_entity, make_official, dept_a, dept_b, push, evaluate, make_plan, make_inspector):
    """An entity registered with department A; its activation letter; an unpublished (轻微) record of
    department B; an open 责令改正 order of department A (inspected 2026-11-20, due 2026-12-04)."""
    entity = make_entity(
        name="郑州市金水区老王食品商行有限公司",
        registration_authority=dept_a,
        registered_address="郑州市金水区文化路街道农业路东段16号",
        contact_phone="0371-65551234",
    )
    alice = make_official("alice-zzsj", dept_a)
    bob = make_official("bob-zzwj", dept_b)
    _letter, code = accounts.letter_issue(entity=entity, actor=alice)
    push(
        record_data(
            entity.uscc,
            "郑卫健罚〔2026〕7号",
            severity="minor",
            decided_on="2026-10-15",
            title=RECORD_TITLE,
            legal_basis="《中华人民共和国食品安全法》第四十五条",
            content="经查，当事人2名从业人员健康证明未在店内公示，情节轻微，已当场改正。",
        ),
        department=dept_b,
    )
    record = CreditRecord.objects.get(entity=entity)
    assert not record.published  # 轻微: never public under the default rule (DOMAIN §3)
    assert not credit_selectors.public_records().filter(entity=entity).exists()

    evaluate([entity.uscc])
    for _ in range(2):
        make_inspector(dept_a)
    draw = inspection_services.draw_run(
        actor="test",
        plan=make_plan(ratio_a=Decimal("1"), starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 11, 30)),
    )
    result = inspection_services.result_submit(
        actor="test",
        task=draw.tasks.get(entity=entity),
        department=dept_a,
        categories=[ResultCategory.NOT_PUBLISHED],
        findings="经核查，当事人未按规定公示行政许可信息。",
        inspected_on=dt.date(2026, 11, 20),
    )
    order = CorrectionOrder.objects.get(result=result)
    assert order.state == CorrectionState.OPEN
    return {"entity": entity, "code": code, "record": record, "order": order, "alice": alice, "bob": bob}


def test_liaison_activates_files_answers_objects_and_follows_it_in_the_inbox_and_mail(
    browser,
    live_server,
    world,
    mail_dir,
    media,
    tmp_path,
):
    entity, record, order = world["entity"], world["record"], world["order"]
    steps = Steps(tmp_path)
    base = live_server.url
    mail_dir.path.mkdir(parents=True, exist_ok=True)
    proc = None
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        # The public page does not show the 轻微 record.
        page.goto(f"{base}/entities/{entity.uscc}/")
        assert RECORD_TITLE not in page.content()
        steps.check(page, "public-page")

        # --- 1. activation: an empty form first gets Chinese errors, then the letter's USCC and code
        page.goto(f"{base}/enterprise/activate/")
        steps.check(page, "activate")
        page.get_by_role("button", name="开通账号").click()
        page.wait_for_selector(".field-error")
        text = steps.check(page, "activate-errors")
        assert page.locator(".field-error").count() >= 5 and "必填" in text
        page.get_by_label("统一社会信用代码").fill(entity.uscc.lower())
        page.get_by_label("开通码").fill(world["code"])
        page.get_by_label("登录用户名").fill("laowang-liaison")
        page.get_by_label("联络员姓名").fill("王晓梅")
        page.locator("#id_password1").fill(PASSWORD)
        page.get_by_label("确认密码").fill(PASSWORD)
        page.get_by_label("手机号码").fill("13803719876")
        page.get_by_label("电子邮箱（选填）").fill(EMAIL)
        steps.check(page, "activate-filled")
        page.get_by_role("button", name="开通账号").click()
        page.wait_for_url(f"{base}/enterprise/")
        text = steps.check(page, "home")
        assert "账号开通成功" in text and entity.name in text and "王晓梅" in text
        account = EntityAccount.objects.get(entity=entity)
        assert (account.user.username, account.email, account.is_first_liaison) == ("laowang-liaison", EMAIL, True)
        assert not account.user.is_staff
        # The e-mail copies go out from a real worker, as in production, into this test's mail directory.
        # It starts after the activation: the inbox is made for entities with an account when collected
        # (the first collection, by the worker or the inbox page, then includes the earlier record and order).
        proc = worker_start(EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(mail_dir.path))

        # --- 2. the 2025 annual report (deadline 2026-06-30 passed: 补报), first with a missing phone
        page.locator(".enterprise-nav").get_by_role("link", name="年度报告").click()
        page.wait_for_url("**/enterprise/annual-report/")
        row = page.locator("tr[data-year='2025']")
        assert "逾期" in row.inner_text()
        steps.check(page, "annual-reports")
        assert row.get_by_role("link", name="补报").bounding_box()["height"] < 48  # one line, not 补/报
        row.get_by_role("link", name="补报").click()
        page.wait_for_url("**/enterprise/annual-report/2025/")
        assert page.get_by_label("通信地址").input_value() == entity.registered_address  # pre-filled
        page.get_by_label("联系电话").fill("")
        page.get_by_label("邮政编码").fill("450003")
        page.get_by_label("电子邮箱").fill("service@laowang-food.example.cn")
        page.get_by_label("存续状态").select_option(label="开业")
        page.get_by_label("网站及网店").fill("网店 | 老王食品商行 | https://laowang-food.example.cn")
        page.get_by_label("股东及出资信息").fill("王建国 | 50 | 2020-01-01 | 货币 | 50 | 2020-03-01")
        page.get_by_label("从业人数").fill("8")
        page.get_by_label("资产总额（万元）").fill("120.5")
        page.get_by_label("营业总收入（万元）").fill("310.25")
        page.get_by_label("纳税总额（万元）").fill("9.8")
        page.get_by_role("button", name="报送").click()
        page.wait_for_selector(".field-error")
        text = steps.check(page, "annual-report-error")
        assert "联系电话为必填项" in text
        assert page.get_by_label("股东及出资信息").input_value().startswith("王建国 | 50")  # nothing typed is lost
        page.get_by_label("联系电话").fill("0371-65551234")
        steps.check(page, "annual-report-filled")
        page.get_by_role("button", name="报送").click()
        page.wait_for_url("**/enterprise/annual-report/")
        text = steps.check(page, "annual-report-filed")
        assert "2025年度报告已报送（逾期补报）" in text
        report = AnnualReport.objects.get(entity=entity, year=2025)
        assert report.late and report.employees == 8 and report.total_assets == Decimal("120.5")

        # --- 3. the correction order: statement and a PNG
        page.locator(".enterprise-nav").get_by_role("link", name="首页").click()
        page.locator(f"a[href='/enterprise/corrections/{order.pk}/']").first.click()
        page.wait_for_url(f"**/enterprise/corrections/{order.pk}/")
        text = steps.check(page, "correction")
        assert "2026-12-04" in text and "未按规定公示" in text
        page.get_by_label("整改情况说明").fill(
            "已于2026年11月22日在国家企业信用信息公示系统补充公示食品经营许可证信息，截图附后。"
        )
        page.locator("input[name=evidence]").set_input_files(
            [{"name": "补充公示截图.png", "mimeType": "image/png", "buffer": PNG}]
        )
        steps.check(page, "correction-filled")
        page.get_by_role("button", name="提交整改材料").click()
        page.wait_for_selector("text=整改材料已提交")
        text = steps.check(page, "correction-answered")
        assert "待审核" in text and "补充公示截图.png" in text
        response = CorrectionResponse.objects.get(order=order)
        assert response.state == ResponseState.SUBMITTED and response.evidence.count() == 1

        # --- 4. an objection to the unpublished record, from the credit file
        page.locator(".enterprise-nav").get_by_role("link", name="信用档案").click()
        page.wait_for_url("**/enterprise/file/")
        item = page.locator("li", has_text=RECORD_TITLE).last
        assert "未公示" in item.inner_text() and "有效（未公示）" in item.inner_text()
        assert "公示中" not in item.inner_text()
        text = steps.check(page, "file")
        item.get_by_role("link", name="提出异议").click()
        page.wait_for_url(f"**/enterprise/filings/new/objection/?record={record.pk}")
        assert page.get_by_label("异议的信用记录").input_value() == str(record.pk)
        page.get_by_label("异议理由（哪些信息有误，事实和依据）").fill(
            "检查当日健康证明已在店内公示，执法记录仪视频可证明，该记录所认定的事实有误，请予撤销。"
        )
        steps.check(page, "objection-filled")
        page.get_by_role("button").filter(has_text="提交").last.click()
        page.wait_for_url("**/enterprise/filings/objection/*/")
        objection = Objection.objects.get(record=record)
        text = steps.check(page, "objection-filed")
        assert objection.tracking_no in text and objection.state == ObjectionState.SUBMITTED

        # --- 5. the inbox: the record, the order and both filings are there
        page.locator(".enterprise-nav").get_by_role("link", name="站内消息").click()
        page.wait_for_url("**/enterprise/inbox/")
        text = steps.check(page, "inbox-before")
        before = [
            "郑州市卫生健康委员会报送了关于贵单位的信用记录 1 条",
            "责令改正通知（期限 2026-12-04）",
            "整改材料：待审核",
            f"{objection.tracking_no}：待受理",
        ]
        for subject in before:
            assert subject in text, subject

        # --- 6. the officials decide (services): department A accepts the answer, B accepts and revokes
        inspection_services.correction_response_accept(actor=world["alice"], response=response)
        objection = credit_services.objection_accept(actor=world["bob"], objection=objection)
        credit_services.objection_decide(
            actor=world["bob"],
            objection=objection,
            outcome=ObjectionOutcome.REVOKED,
            reason="经复核执法记录，健康证明当日已公示，原认定事实不清，撤销该记录。",
        )
        order.refresh_from_db()
        record.refresh_from_db()
        assert order.state == CorrectionState.CORRECTED and record.state == RecordState.REVOKED

        page.reload()
        text = steps.check(page, "inbox-after")
        after = [
            "整改材料：已接受",
            f"{objection.tracking_no}：已受理，处理中",
            f"{objection.tracking_no}：已办结",
            "信用记录状态变更：已撤销",
        ]
        for subject in after:
            assert subject in text, subject
        assert "未读" in text

        # One message opened: its text, and it is read.
        page.locator("#inbox-messages a", has_text=f"{objection.tracking_no}：已办结").click()
        page.wait_for_url("**/enterprise/inbox/*/")
        text = steps.check(page, "inbox-message")
        assert "原认定事实不清，撤销该记录" in text
        assert "bob" not in text.lower()  # never the official's name

        # --- 7. the mail file: a copy of each, addressed to the liaison
        messages = wait_for_mail(mail_dir, before + after)
        for message in messages:
            assert str(message["To"]) == EMAIL
        subjects = [str(m["Subject"]) for m in messages]
        assert Message.objects.filter(entity=entity).count() >= len(before + after)
        for wanted in before + after:
            assert sum(wanted in s for s in subjects) == 1, (wanted, subjects)
        # The corrected order on the entity's page.
        page.goto(f"{base}/enterprise/corrections/{order.pk}/")
        text = steps.check(page, "correction-closed")
        assert "已改正（改正日期 2026-11-22）" in text and "已接受" in text
    finally:
        context.close()
        log = worker_stop(proc) if proc else ""
    assert "Traceback" not in log, log
