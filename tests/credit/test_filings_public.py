"""Public filings (issue 4, public side): commitments, repair applications, objections, tracking,
the entity page's markers and links, and credit reports that anyone can verify.

Each test names the rule it checks. The clock is frozen at 2026-11-22 (frozen_today). Contact
details are confidential: the tests file with a phone number found nowhere else, then scan every
public response for it.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit import services as credit_services
from credit.models import CreditCommitment, CreditRecord, Objection, RepairApplication, RepairEvidence
from tests.conftest import record_data

PHONE = "13912345678"  # the applicant's phone: must never reach a public page
EMAIL = "applicant-secret@example.com"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploads go to a temporary folder; per-IP counters start from zero in each test."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


class FollowingClient(Client):
    """The filing forms answer a successful POST with 303 (Post/Redirect/Get, issue 12 §6): these
    tests read the page the browser lands on, as the browser does."""

    def post(self, *args, **kwargs):
        kwargs.setdefault("follow", True)
        return super().post(*args, **kwargs)


@pytest.fixture
def client():
    return FollowingClient()


@pytest.fixture
def entity(make_entity):
    return make_entity(name="郑州市金水区老王烩面馆")


@pytest.fixture
def record(entity, push, frozen_today):
    """A 一般 penalty decided 2026-01-05: the 3-month minimum window has passed by 2026-11-22."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05"))
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")


def page(response) -> str:
    assert response.status_code == 200, response.content.decode()[:800]
    return response.content.decode()


def code_on(html: str) -> tuple[str, str]:
    number = re.search(r"data-tracking-no>([A-Z]{2}\d{8}-\d{6})<", html).group(1)
    code = re.search(r"data-query-code>(\d{6})<", html).group(1)
    return number, code


def file_objection(client, *, record=None, entry=None, **data):
    query = f"record={record.pk}" if record is not None else f"list_entry={entry.pk}"
    payload = {
        "applicant_name": "郑州市金水区老王烩面馆",
        "contact_phone": PHONE,
        "reason": "该处罚决定已被复议撤销。",
        **data,
    }
    return client.post(f"/objections/new/?{query}", payload)


def apply_repair(client, record, files=(), **data):
    payload = {
        "applicant_name": "王某",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "reason": "已缴纳罚款并完成整改。",
        "commitment_accepted": "on",
        **data,
    }
    if files:
        payload["evidence"] = list(files)
    return client.post(f"/repairs/new/?record={record.pk}", payload)


# --- commitments (信用承诺) ---------------------------------------------------------------------


def test_commitment_form_prefills_the_template_of_the_chosen_type(
    client, entity, dept_a, make_department, frozen_today
):
    make_department(name="已撤并的旧部门", active=False)

    html = page(client.get("/commitments/new/", {"type": "approval_substitute", "uscc": entity.uscc.lower()}))

    assert "本单位已知晓办理“＿＿＿＿”的全部条件" in html  # {matter} not known yet
    assert f'value="{entity.uscc}"' in html  # normalised
    assert "郑州市市场监督管理局" in html
    assert "已撤并的旧部门" not in html  # only active departments
    assert "信用修复型" not in re.search(r'<select name="commitment_type".*?</select>', html, re.S).group(0)


def test_commitment_made_from_public_site_shows_number_and_query_code(client, entity, dept_a, frozen_today):
    due = "2027-05-22"
    content = credit_services.COMMITMENT_TEMPLATES["approval_substitute"].format(
        matter="食品经营许可", due_on="2027年5月22日"
    )

    html = page(
        client.post(
            "/commitments/new/",
            {
                "uscc": entity.uscc,
                "commitment_type": "approval_substitute",
                "department": dept_a.pk,
                "matter": "食品经营许可",
                "due_on": due,
                "content": content,
                "signatory": "王某",
                "contact_phone": PHONE,
            },
        )
    )

    number, code = code_on(html)
    assert number.startswith("CN20261122-")
    assert "请妥善保存查询码" in html
    commitment = credit_services.filing_lookup(CreditCommitment, number, code)
    assert (
        commitment.state == "in_progress" and commitment.due_on == dt.date(2027, 5, 22) and commitment.channel == "web"
    )
    assert PHONE not in html
    entity_page = page(client.get(f"/entities/{entity.uscc}/"))
    assert (
        "审批替代型" in entity_page
        and "食品经营许可" in entity_page
        and 'data-commitment-state="in_progress"' in entity_page
    )
    assert PHONE not in entity_page


def test_commitment_bad_input_gives_the_form_again_with_field_errors(client, entity, dept_a, frozen_today):
    response = client.post(
        "/commitments/new/",
        {
            "uscc": "91350100M000100Y4Z",
            "commitment_type": "approval_substitute",
            "department": "",
            "matter": "",
            "due_on": "2026-13-45",
            "content": "",
            "signatory": "",
            "contact_phone": "abc",
        },
    )

    html = page(response)
    assert "第18位应为“3”" in html
    assert "请选择部门" in html and html.count('class="field-error"') >= 5
    assert "请填写有效的联系电话" in html
    assert CreditCommitment.objects.count() == 0


def test_commitment_rules_of_the_service_are_shown_on_the_form(client, entity, dept_a, frozen_today):
    """审批替代型: the matter is required and the term is at most 12 months (COMMITMENT_RULES)."""
    html = page(
        client.post(
            "/commitments/new/",
            {
                "uscc": entity.uscc,
                "commitment_type": "approval_substitute",
                "department": dept_a.pk,
                "matter": "",
                "due_on": "2028-01-01",
                "content": "本单位承诺按期补齐材料。",
                "signatory": "王某",
            },
        )
    )

    assert "审批替代型承诺须写明所办理的审批事项" in html
    assert "履约期限最长 12 个月" in html
    assert CreditCommitment.objects.count() == 0


def test_commitment_text_with_a_blank_left_is_refused(client, entity, dept_a, frozen_today):
    html = page(
        client.post(
            "/commitments/new/",
            {
                "uscc": entity.uscc,
                "commitment_type": "self_discipline",
                "department": dept_a.pk,
                "matter": "郑州市餐饮行业协会",
                "due_on": "2027-05-22",
                "content": credit_services.COMMITMENT_TEMPLATES["self_discipline"].format(matter="＿＿＿＿"),
                "signatory": "王某",
            },
        )
    )
    assert "替换为实际内容" in html
    assert CreditCommitment.objects.count() == 0


def test_commitment_for_an_entity_not_in_the_roster_is_a_field_error(client, dept_a, frozen_today):
    html = page(
        client.post(
            "/commitments/new/",
            {
                "uscc": "91110000710926094P",
                "commitment_type": "voluntary",
                "department": dept_a.pk,
                "due_on": "2027-01-01",
                "content": "诚信经营。",
                "signatory": "王某",
            },
        )
    )
    assert "名录库中没有统一社会信用代码为 91110000710926094P 的市场主体" in html


# --- repair (信用修复) --------------------------------------------------------------------------


def test_repair_form_shows_the_record_and_the_public_commitment_text(client, record, entity):
    html = page(client.get("/repairs/new/", {"record": record.pk}))

    assert record.title in html and "郑市监罚〔2026〕3号" in html and "2026年1月5日" in html
    assert entity.name in html
    assert credit_services.COMMITMENT_TEMPLATES["repair"] in html
    assert 'name="commitment_accepted"' in html and 'enctype="multipart/form-data"' in html


def test_repair_application_with_evidence_shows_tracking_number_and_query_code(client, record):
    files = [
        SimpleUploadedFile("缴款凭证.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("整改照片.png", PNG, "image/png"),
    ]

    html = page(apply_repair(client, record, files))

    number, code = code_on(html)
    assert number.startswith("XF20261122-")
    assert "请妥善保存查询码" in html
    application = credit_services.filing_lookup(RepairApplication, number, code)
    assert application.record == record and application.contact_phone == PHONE and application.channel == "web"
    assert RepairEvidence.objects.filter(application=application).count() == 2
    assert application.commitment.commitment_type == "repair"
    assert PHONE not in html and EMAIL not in html


def test_non_repairable_penalty_type_is_refused_with_the_exact_reason(client, entity, push, frozen_today):
    """DOMAIN §3: 吊销 (and 责令停产停业, 限制从业, 降低资质…) never stops publication early."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕7号", decided_on="2026-01-05", penalty_types=["revoke_licence"]))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕7号")

    html = page(apply_repair(client, record))

    assert "该行政处罚包含“吊销许可证件”，依据《信用修复管理办法》不得提前停止公示，不予修复" in html
    assert RepairApplication.objects.count() == 0
    assert PHONE in html  # the applicant's own form keeps what they typed


def test_minimum_window_not_reached_is_refused_with_the_exact_reason(client, entity, push, frozen_today):
    """DOMAIN §3: a 一般 record decided 2026-10-01 can be repaired from 2027-01-01 (3 months)."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕9号", decided_on="2026-10-01"))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕9号")
    reason = "最短公示期未满：该信息自 2026-10-01 起公示，2027-01-01 起方可申请信用修复"

    assert reason in page(client.get("/repairs/new/", {"record": record.pk}))  # warned before filing
    html = page(apply_repair(client, record))

    assert reason in html
    assert RepairApplication.objects.count() == 0


def test_second_repair_application_is_refused_without_naming_the_other_number(client, record):
    """One open application per record; the refusal never shows another applicant's tracking number."""
    first, _code = code_on(page(apply_repair(client, record)))

    html = page(apply_repair(client, record))

    assert "该记录已有待审核的修复申请" in html
    assert first not in html
    assert first not in page(client.get("/repairs/new/", {"record": record.pk}))
    assert RepairApplication.objects.count() == 1


def test_repair_without_the_commitment_is_a_field_error(client, record):
    html = page(apply_repair(client, record, commitment_accepted=""))
    assert "申请信用修复须作出信用修复承诺，请勾选同意" in html
    assert RepairApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile(f"证明{i}.pdf", PDF, "application/pdf") for i in range(6)],
            "证明材料最多 5 个文件，本次选择了 6 个",
        ),
        (
            [SimpleUploadedFile("说明.docx", b"PK\x03\x04", "application/msword")],
            "“说明.docx”不是允许的文件类型（仅限 PDF、JPG、PNG）",
        ),
        (
            [SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")],
            "“伪装.pdf”的内容与文件类型不符",
        ),
        ([SimpleUploadedFile("超大.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")], "“超大.pdf”超过 10 MB"),
    ],
    ids=["more-than-5", "wrong-type", "content-not-matching", "over-10-mb"],
)
def test_repair_evidence_limits_pdf_jpg_png_10mb_5_files(client, record, files, message):
    html = page(apply_repair(client, record, files))
    assert message in html
    assert RepairApplication.objects.count() == 0


@pytest.mark.parametrize("query", ["", "?record=", "?record=abc", "?record=999999", "?record=99999999999999999999999"])
def test_repair_for_an_unknown_record_is_a_404_page_not_a_500(client, db, query):
    response = client.get(f"/repairs/new/{query}")
    assert response.status_code == 404
    assert "未找到该信用记录" in response.content.decode()


def test_repair_is_not_offered_for_a_record_no_longer_public(client, record):
    credit_services.credit_record_revoke(actor="test", record=record, reason="决定被撤销")
    assert client.get("/repairs/new/", {"record": record.pk}).status_code == 404
    assert client.get("/objections/new/", {"record": record.pk}).status_code == 404


# --- objections (异议申诉) ----------------------------------------------------------------------


def test_objection_marker_appears_on_the_entity_page_at_once_after_filing(client, record, entity):
    """DOMAIN §3: the record shows 异议处理中 on the public page (within 1 working day: here at once)."""
    before = page(client.get(f"/entities/{entity.uscc}/"))
    assert "异议处理中" not in before
    assert f'href="/objections/new/?record={record.pk}"' in before

    page(file_objection(client, record=record))

    after = page(client.get(f"/entities/{entity.uscc}/"))
    assert 'data-objection="record"' in after and "异议处理中" in after
    assert f'href="/objections/new/?record={record.pk}"' not in after  # one open objection at a time
    assert PHONE not in after


def test_objection_to_a_list_entry_marks_the_entry(client, entity, dept_a, frozen_today):
    entry = credit_services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type="abnormal",
        ground="no_annual_report",
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    form = page(client.get("/objections/new/", {"list_entry": entry.pk}))
    assert "经营异常名录" in form and "未按规定期限（6月30日前）报送年度报告" in form

    html = page(file_objection(client, entry=entry))

    number, _code = code_on(html)
    assert Objection.objects.get(tracking_no=number).list_entry == entry
    assert 'data-objection="entry"' in page(client.get(f"/entities/{entity.uscc}/"))


def test_objection_success_shows_number_code_and_working_day_deadlines(client, record):
    html = page(file_objection(client, record=record))

    number, code = code_on(html)
    objection = credit_services.filing_lookup(Objection, number, code)
    assert number.startswith("YY20261122-")
    # From Sun 2026-11-22: accept within 5 working days, 11-23..27 (5); decide within 20, 11-30..12-04 (10),
    # 12-07..11 (15), 12-14..18 (20)
    assert (objection.accept_due_on, objection.decide_due_on) == (dt.date(2026, 11, 27), dt.date(2026, 12, 18))
    assert "2026年11月27日" in html and "2026年12月18日" in html
    assert "暂定" not in html  # 2026 is in the holiday calendar
    assert PHONE not in html


def test_objection_deadline_past_the_holiday_calendar_is_marked_provisional(client, entity, push):
    """DOMAIN §6: 20 working days from 2026-12-21 run into 2027, beyond chinese-calendar's data."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 21, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        push(record_data(entity.uscc, "郑市监罚〔2026〕20号", decided_on="2026-12-01"))
        record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕20号")
        html = page(file_objection(client, record=record))
    objection = Objection.objects.get()
    # 20 working days from Mon 2026-12-21: 12-22..25 (4), 12-28..31 (8); 2027 is past chinese-calendar 1.11,
    # counted Monday to Friday less the statutory holidays (core/workdays.py): 01-01 元旦 off, 01-04..08 (13),
    # 01-11..15 (18), 01-18 (19), 01-19 (20)
    assert (objection.decide_due_on, objection.deadline_provisional) == (dt.date(2027, 1, 19), True)
    assert '<span class="tag tag--yellow">暂定</span>' in html


def test_objection_bad_input_gives_the_form_again_with_field_errors(client, record):
    html = page(file_objection(client, record=record, applicant_name="", contact_phone="12", reason=""))
    assert "请填写有效的联系电话" in html
    assert html.count('class="field-error"') == 3
    assert Objection.objects.count() == 0


def test_second_objection_to_the_same_record_is_refused_with_the_reason(client, record):
    page(file_objection(client, record=record))
    html = page(file_objection(client, record=record))
    assert "该信息已有正在处理的异议，请凭原受理编号查询进度" in html
    assert Objection.objects.count() == 1


@pytest.mark.parametrize("query", ["", "?record=abc", "?record=0", "?list_entry=", "?list_entry=424242"])
def test_objection_for_an_unknown_target_is_a_404_page_not_a_500(client, db, query):
    assert client.get(f"/objections/new/{query}").status_code == 404


# --- tracking (/track/) -------------------------------------------------------------------------


def test_track_page_shows_status_deadline_and_outcome_of_each_kind(client, record, entity, dept_a):
    objection_no, objection_code = code_on(page(file_objection(client, record=record)))
    repair_no, repair_code = code_on(page(apply_repair(client, record)))
    commitment_no, commitment_code = code_on(
        page(
            client.post(
                "/commitments/new/",
                {
                    "uscc": entity.uscc,
                    "commitment_type": "voluntary",
                    "department": dept_a.pk,
                    "due_on": "2027-11-22",
                    "content": credit_services.COMMITMENT_TEMPLATES["voluntary"],
                    "signatory": "王某",
                    "contact_phone": PHONE,
                },
            )
        )
    )

    html = page(client.post("/track/", {"tracking_no": objection_no.lower(), "code": objection_code}))
    objection = Objection.objects.get(tracking_no=objection_no)
    assert 'data-status="submitted"' in html and "待受理" in html
    assert f"{objection.accept_due_on.year}年{objection.accept_due_on.month}月{objection.accept_due_on.day}日" in html

    credit_services.objection_accept(actor="test", objection=objection)
    credit_services.objection_decide(
        actor="test", objection=objection, outcome="upheld", reason="经核实，处罚决定事实清楚。"
    )
    html = page(client.post("/track/", {"tracking_no": objection_no, "code": objection_code}))
    assert "已办结" in html and "维持：经核实，处罚决定事实清楚。" in html

    html = page(client.post("/track/", {"tracking_no": repair_no, "code": repair_code}))
    assert 'data-status="submitted"' in html and "待审核" in html and "信用修复申请" in html

    html = page(client.post("/track/", {"tracking_no": commitment_no, "code": commitment_code}))
    assert "履约中" in html and "2027年11月22日" in html

    for number, code in ((objection_no, objection_code), (repair_no, repair_code), (commitment_no, commitment_code)):
        assert PHONE not in page(client.post("/track/", {"tracking_no": number, "code": code}))


def test_track_wrong_code_and_unknown_number_give_the_same_answer(client, record):
    number, code = code_on(page(file_objection(client, record=record)))
    wrong = "000000" if code != "000000" else "111111"

    answers = []
    for tracking_no, query_code in ((number, wrong), ("YY20261122-999999", code), ("ZZ123", code)):
        html = page(client.post("/track/", {"tracking_no": tracking_no, "code": query_code}))
        answers.append(re.search(r'<ul class="non-field-errors">(.*?)</ul>', html, re.S).group(1))
        assert "track-result" not in html
    assert answers[0] == answers[1] == answers[2] == "<li>未找到：受理编号或查询码有误，请核对后重试。</li>"


def test_public_forms_are_csrf_protected(record, entity):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/track/", {"tracking_no": "YY1", "code": "1"}).status_code == 403
    assert strict.post(f"/objections/new/?record={record.pk}", {"applicant_name": "x"}).status_code == 403
    form = page(strict.get(f"/objections/new/?record={record.pk}"))
    assert 'name="csrfmiddlewaretoken"' in form


def test_public_form_posts_are_rate_limited_per_ip(client, db):
    from core.api.throttling import PublicFormThrottle

    original = PublicFormThrottle.THROTTLE_RATES
    PublicFormThrottle.THROTTLE_RATES = {**original, "anon": "2/minute"}
    try:
        codes = [
            client.post("/track/", {"tracking_no": "YY1", "code": "1"}, REMOTE_ADDR="203.0.113.7").status_code
            for _ in range(3)
        ]
        last = client.post("/track/", {"tracking_no": "YY1", "code": "1"}, REMOTE_ADDR="203.0.113.7")
        other_ip = client.post("/track/", {"tracking_no": "YY1", "code": "1"}, REMOTE_ADDR="203.0.113.8")
    finally:
        PublicFormThrottle.THROTTLE_RATES = original
    assert codes[:2] == [200, 200]
    assert last.status_code == 429
    assert int(last["Retry-After"]) > 0
    assert "请求过于频繁" in last.content.decode()
    assert other_ip.status_code == 200  # per IP


def test_filing_pages_are_never_cached(client, record):
    response = file_objection(client, record=record)
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/track/")["Cache-Control"]


# --- the entity page ----------------------------------------------------------------------------


def test_entity_page_links_each_record_to_repair_and_objection_and_offers_the_report(
    client, entity, push, frozen_today
):
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05"),
        record_data(
            entity.uscc,
            "郑市监许〔2026〕1号",
            category="administrative_licence",
            polarity="positive",
            title="食品经营许可",
        ),
    )
    penalty = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")
    licence = CreditRecord.objects.get(source_ref="郑市监许〔2026〕1号")

    html = page(client.get(f"/entities/{entity.uscc}/"))

    assert f'href="/repairs/new/?record={penalty.pk}">申请信用修复</a>' in html
    assert f'href="/objections/new/?record={penalty.pk}">提出异议</a>' in html
    assert f'href="/objections/new/?record={licence.pk}">提出异议</a>' in html
    assert f"/repairs/new/?record={licence.pk}" not in html  # only negative facts are repaired
    assert f'href="/entities/{entity.uscc}/credit-report.pdf?lang=zh-hans"' in html and "下载信用报告（PDF）" in html
    assert "暂无信用承诺。" in html


def test_contact_details_never_on_any_public_page(client, record, entity, dept_a):
    """DESIGN.md: reporters' and applicants' contact details never reach a public page."""
    page(file_objection(client, record=record))
    page(apply_repair(client, record))
    page(
        client.post(
            "/commitments/new/",
            {
                "uscc": entity.uscc,
                "commitment_type": "voluntary",
                "department": dept_a.pk,
                "due_on": "2027-11-22",
                "content": "依法诚信经营。",
                "signatory": "王某",
                "contact_phone": PHONE,
            },
        )
    )
    urls = [
        f"/entities/{entity.uscc}/",
        "/lists/",
        "/lists/abnormal/",
        f"/repairs/new/?record={record.pk}",
        f"/objections/new/?record={record.pk}",
        "/commitments/new/",
        "/track/",
        "/credit/grades/",
    ]
    for url in urls:
        html = page(client.get(url))
        assert PHONE not in html and EMAIL not in html, url


# --- credit reports -----------------------------------------------------------------------------


def test_credit_report_downloads_as_a_pdf_attachment_named_with_the_uscc(client, record, entity):
    from credit.models import CreditReport

    response = client.get(f"/entities/{entity.uscc.lower()}/credit-report.pdf", follow=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and entity.uscc in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
    report = CreditReport.objects.get(entity_id=entity.uscc)
    assert response["X-Report-Serial"] == report.serial and report.requested_via == "web"


def test_credit_report_for_an_invalid_or_unknown_code(client, db):
    assert client.get("/entities/91350100M000100Y4Z/credit-report.pdf").status_code == 400
    assert client.get("/entities/91110000710926094P/credit-report.pdf").status_code == 404


def test_report_verification_genuine_then_expired_and_file_check(client, record, entity, push):
    response = client.get(f"/entities/{entity.uscc}/credit-report.pdf")
    pdf, serial = response.content, response["X-Report-Serial"]

    html = page(client.get(f"/reports/verify/{serial}/"))
    assert "真实有效" in html and entity.name in html and entity.uscc in html
    from credit.models import CreditReport

    assert CreditReport.objects.get(serial=serial).content_hash in html

    genuine = page(
        client.post(f"/reports/verify/{serial}/", {"file": SimpleUploadedFile("r.pdf", pdf, "application/pdf")})
    )
    assert 'data-verdict="file_current"' in genuine and genuine.count("data-verdict=") == 1
    tampered = pdf.replace(b"%%EOF", b"%%EOF ", 1)
    html = page(
        client.post(f"/reports/verify/{serial}/", {"file": SimpleUploadedFile("r.pdf", tampered, "application/pdf")})
    )
    # one verdict, and never the green one (issue 18 §1.1); which red one is test_report_verification's
    assert html.count("data-verdict=") == 1 and "verdict--bad" in html and "真实有效" not in html

    push(record_data(entity.uscc, "郑市监罚〔2026〕30号", decided_on="2026-11-20"))  # the facts change
    assert "报告真实，但已过期" in page(client.get(f"/reports/verify/{serial}/"))


def test_report_verification_of_an_unknown_serial(client, db):
    response = client.get("/reports/verify/XYBG20261122AAAAAAAA/")
    assert response.status_code == 404
    assert "未找到该报告" in response.content.decode()


# --- query budgets (STYLE.md 14) ------------------------------------------------------------------


def test_entity_page_query_budget_with_objections_and_commitments(
    client, entity, push, dept_a, frozen_today, evaluate, django_assert_max_num_queries
):
    push(*[record_data(entity.uscc, f"郑市监罚〔2026〕{i}号", decided_on=f"2026-{i:02d}-05") for i in range(1, 11)])
    evaluate([entity.uscc])
    for record in CreditRecord.objects.all()[:3]:
        credit_services.objection_file(
            actor="test", applicant_name="王某", contact_phone=PHONE, reason="有误", record=record
        )
    for i in range(5):
        credit_services.commitment_make(
            actor="test",
            entity_uscc=entity.uscc,
            commitment_type="voluntary",
            department=dept_a,
            content=f"承诺{i}",
            signatory="王某",
            due_on=dt.date(2027, 1, 1),
        )

    # 8 for the credit section (the markers are columns of the records query, not queries of their own) + 1 for inspection results
    # +1 per section another app adds through entity_page_sections (inspections results, enforcement penalties).
    # Issue 12: +1 消费投诉公示 count; +1 inspection results pushed by other systems (issue 12 §7).
    # Issue 14: +1 年度报告 (supervision's section, corrections included); +1 企业自主填报信息 (信用信息注册).
    with django_assert_max_num_queries(14):
        html = page(client.get(f"/entities/{entity.uscc}/"))
    assert html.count('data-objection="record"') == 3
    assert html.count('data-commitment-state="in_progress"') == 5


def test_filing_pages_query_budgets(client, record, django_assert_max_num_queries):
    number, code = code_on(page(file_objection(client, record=record)))
    with django_assert_max_num_queries(6):
        page(client.get("/repairs/new/", {"record": record.pk}))
    with django_assert_max_num_queries(5):
        page(client.get("/objections/new/", {"record": record.pk}))
    with django_assert_max_num_queries(2):
        page(client.get("/commitments/new/"))
    with django_assert_max_num_queries(3):
        page(client.post("/track/", {"tracking_no": number, "code": code}))
