"""The cases, decisions, disclosures and benchmarks admin: scoped to the official's department, every write
through a service, the full record on the case page, and the printed 行政处罚决定书 (PDF).

Users, each time (STYLE.md rule 13): alice (official of the owning department, dept_a), bob (official of
another department, dept_b), and an anonymous visitor; plus erin, dept_a's 法制审核人员.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import pdf_signing
from core.models import AuditEvent
from enforcement import services
from enforcement.choices import CaseOutcome, CaseSource, CaseStage, DecisionState, DisclosureState, ReviewResult
from enforcement.models import Case, DiscretionStandard, LegalReview, PenaltyDecision
from supervision import services as sv
from tests.credit.test_reports import pdf_contains_anywhere

from .test_case_rules import pending_result  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("frozen_today")

BASE = "/admin/enforcement/"
CASES = f"{BASE}case/"
DECISIONS = f"{BASE}penaltydecision/"
DISCLOSURES = f"{BASE}penaltydisclosure/"
STANDARDS = f"{BASE}discretionstandard/"
PDF = b"%PDF-1.4 \xe8\xaf\xa2\xe9\x97\xae\xe7\xac\x94\xe5\xbd\x95"


def action(client, url, name, pks, **form):
    return client.post(url, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def decision_post(**changes) -> dict:
    form = {
        "apply": "1",
        "penalty_types": ["fine", "confiscate_income"],
        "fine_amount": "100000",
        "confiscation_amount": "3200",
        "circumstance": "general",
        "procedure": "general",
        "violation_type": "",
        "party_address": "郑州市金水区花园路1号",
        "legal_representative": "张三",
        "facts": "经查，当事人于2026年10月销售超过保质期的食品，货值金额3200元。",
        "evidence": "现场检查笔录、询问笔录、进货单据",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        "penalty_content": "没收违法所得3200元，罚款100000元",
        "performance": "自收到本决定书之日起十五日内缴纳罚没款",
        "remedies": services.DEFAULT_REMEDIES,
        "out_of_range_reason": "",
        "decided_on": "",
    }
    form.update(changes)
    return form


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def case_a(open_case):
    return open_case()


@pytest.fixture
def case_b(make_inspector, make_entity, dept_b, bob):
    handlers = [make_inspector(dept_b), make_inspector(dept_b)]
    entity = make_entity(name="郑州市某某诊所")
    return services.case_open(
        actor=bob,
        department=dept_b,
        party_name=entity.name,
        entity_uscc=entity.uscc,
        title="涉嫌无证行医",
        source=CaseSource.MONITORING,
        source_note="卫生监督线索",
        handlers=handlers,
    )


# --- scoping ------------------------------------------------------------------------------------------


def test_each_official_sees_and_acts_on_the_own_departments_cases_only(
    waived, client, alice, bob, case_a, case_b, issue, open_case
):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    client.force_login(alice)
    page = client.get(CASES).content.decode()
    assert case_a.number in page and case_b.number not in page
    assert client.get(f"{CASES}{case_a.pk}/change/").status_code == 200
    assert client.get(f"{CASES}{case_b.pk}/change/").status_code == 302  # not in the scoped list
    # bob cannot see, print or act on dept A's case and decision
    client.force_login(bob)
    assert case_a.number not in client.get(CASES).content.decode()
    assert client.get(f"{CASES}{case_a.pk}/change/").status_code == 302
    assert client.get(f"{DECISIONS}{decision.pk}/pdf/").status_code == 404
    assert decision.number not in client.get(DECISIONS).content.decode()
    response = action(client, CASES, "advance", [case_a.pk], apply="1", to_stage=CaseStage.INVESTIGATION)
    assert "所选记录不在您可以处理的范围内" in "".join(messages_of(response))
    response = action(client, DECISIONS, "revoke", [decision.pk], apply="1", reason="越权撤销")
    case_a.refresh_from_db()
    decision.refresh_from_db()
    assert case_a.stage == CaseStage.FILED and decision.state == DecisionState.EFFECTIVE


def test_anonymous_is_sent_to_login(waived, client, case_a, issue, open_case):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    for url in (
        CASES,
        f"{CASES}{case_a.pk}/change/",
        f"{CASES}add/",
        f"{DECISIONS}{decision.pk}/pdf/",
        DISCLOSURES,
        STANDARDS,
        f"{STANDARDS}import/",
        f"{CASES}{case_a.pk}/documents/1/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_case_and_decision_lists_keep_to_a_query_budget(
    waived, client, alice, open_case, issue, django_assert_max_num_queries
):
    for _ in range(12):
        issue(waived(open_case(stage=CaseStage.NOTICE)))
    client.force_login(alice)
    with django_assert_max_num_queries(18):
        response = client.get(CASES)
    assert response.status_code == 200 and response.content.decode().count("郑市监立〔2026〕") >= 12
    with django_assert_max_num_queries(18):
        response = client.get(DECISIONS)
    assert response.status_code == 200 and response.content.decode().count("郑市监罚〔2026〕") >= 12
    with django_assert_max_num_queries(18):
        response = client.get(DISCLOSURES)
    assert response.status_code == 200


# --- 立案 from an inspection result ---------------------------------------------------------------------


def test_case_add_form_opens_a_case_from_an_inspection_result(client, alice, bob, officers, pending_result):
    result = pending_result()
    client.force_login(alice)
    page = client.get(f"{CASES}add/").content.decode()
    assert f"检查结果 #{result.pk}" in page and "王晓" in page
    response = client.post(
        f"{CASES}add/",
        {
            "source": CaseSource.INSPECTION,
            "source_result": result.pk,
            "source_note": "",
            "party_name": "",
            "entity_uscc": "",
            "title": "涉嫌销售过期食品",
            "handlers": [o.pk for o in officers],
            "note": "检查发现问题，立案调查",
            "document_title": "立案审批表",
            "documents": SimpleUploadedFile("立案审批表.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get()
    assert (case.source, case.source_result, case.entity_id, case.department) == (
        CaseSource.INSPECTION,
        result,
        result.task.entity_id,
        alice.department,
    )
    assert case.party_name and case.documents.get().title == "立案审批表"
    assert AuditEvent.objects.filter(action="case.open", actor_user=alice).exists()
    # The result is no longer offered; a second case from it is refused
    assert f"检查结果 #{result.pk}" not in client.get(f"{CASES}add/").content.decode()
    # bob's form never offers dept A's results, and one handler is refused with the service's reason
    client.force_login(bob)
    assert f"检查结果 #{result.pk}" not in client.get(f"{CASES}add/").content.decode()
    client.force_login(alice)
    response = client.post(
        f"{CASES}add/",
        {
            "source": CaseSource.MONITORING,
            "source_note": "监测",
            "party_name": "某公司",
            "title": "涉嫌违法",
            "handlers": [officers[0].pk],
        },
    )
    assert response.status_code == 200 and "案件须由至少2名持有效执法证的承办人员办理" in response.content.decode()
    assert Case.objects.count() == 1


# --- actions and the record ---------------------------------------------------------------------------------


def test_advance_with_documents_is_on_the_case_timeline(client, handler, case_a):
    client.force_login(handler)  # a handler moves the case (issue 12 §6)
    page = client.get(f"{CASES}{case_a.pk}/change/").content.decode()
    assert "推进到下一环节" in page and "结案" in page and "变更承办人员" in page
    form = action(client, CASES, "advance", [case_a.pk])
    assert form.status_code == 200 and "调查取证" in form.content.decode()
    response = action(
        client,
        CASES,
        "advance",
        [case_a.pk],
        apply="1",
        to_stage=CaseStage.INVESTIGATION,
        note="询问当事人",
        document_title="询问笔录",
        documents=SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.stage == CaseStage.INVESTIGATION
    event = case_a.events.get(action="advance")
    assert (event.actor, event.note, event.documents.get().title) == (handler, "询问当事人", "询问笔录")
    assert AuditEvent.objects.filter(action="case.advance", actor_user=handler).exists()
    page = client.get(f"{CASES}{case_a.pk}/change/").content.decode()
    assert "全程记录" in page and "立案 → 调查取证" in page and "询问当事人" in page and "询问笔录" in page
    document = event.documents.get()
    download = client.get(f"{CASES}{case_a.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # An illegal step is refused with the service's message
    response = action(
        client, CASES, "close_case", [case_a.pk], apply="1", outcome=CaseOutcome.NO_PENALTY, note="不予处罚"
    )
    assert "不予处罚须在调查取证完成、经案件审核后作出" in "".join(messages_of(response))


def test_legal_review_only_by_the_departments_legal_reviewer(client, alice, reviewer, open_case):
    case = open_case(stage=CaseStage.LEGAL_REVIEW, is_major=True)
    # alice (not a reviewer) has no 法制审核 button, and posting the action does nothing
    client.force_login(alice)
    assert "法制审核</button>" not in client.get(f"{CASES}{case.pk}/change/").content.decode()
    action(client, CASES, "legal_review", [case.pk], apply="1", result=ReviewResult.PASSED, opinion="同意")
    assert not LegalReview.objects.exists()
    # erin, dept A's reviewer, sees dept A's case in review and records the review through the service
    client.force_login(reviewer)
    assert case.number in client.get(f"{CASES}?stage=legal_review").content.decode()
    page = client.get(f"{CASES}{case.pk}/change/").content.decode()
    assert "法制审核</button>" in page and "推进到下一环节</button>" not in page
    response = action(
        client,
        CASES,
        "legal_review",
        [case.pk],
        apply="1",
        result=ReviewResult.PASSED,
        opinion="事实清楚，证据确凿，程序合法。",
    )
    assert response.status_code == 302
    review = LegalReview.objects.get()
    assert (review.reviewer, review.result) == (reviewer, ReviewResult.PASSED)
    assert AuditEvent.objects.filter(action="case.legal_review", actor_user=reviewer).exists()
    client.force_login(alice)
    assert "事实清楚，证据确凿，程序合法。" in client.get(f"{CASES}{case.pk}/change/").content.decode()


def test_issue_decision_form_shows_the_benchmark_and_prints_the_pdf(
    waived, client, handler, bob, open_case, entity, dept_a
):
    case = waived(open_case(stage=CaseStage.NOTICE))
    client.force_login(handler)
    form = action(client, CASES, "issue_decision", [case.pk]).content.decode()
    assert "一般 80,000.00–120,000.00 元" in form and "首违不罚" not in form and "罚款" in form
    # Out of range without a justification: refused with the service's reason on the form, nothing issued
    response = action(client, CASES, "issue_decision", [case.pk], **decision_post(fine_amount="150000"))
    assert "须书面说明理由并经法制审核" in response.content.decode()
    assert not PenaltyDecision.objects.exists()
    response = action(client, CASES, "issue_decision", [case.pk], **decision_post())
    decision = PenaltyDecision.objects.get()
    assert decision.number == "郑市监罚〔2026〕1号" and decision.issued_by == handler
    assert AuditEvent.objects.filter(action="penalty_decision.issue", actor_user=handler).exists()
    # The printed 行政处罚决定书
    response = client.get(f"{DECISIONS}{decision.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and b"/BaseFont /STSong-Light" in pdf
    # signed (PAdES, issue 18 §1.1): pyHanko finds it intact, covering the file, by the portal's certificate
    signature = pdf_signing.check_signature(pdf)
    assert signature.valid and signature.fingerprint == pdf_signing.certificate_fingerprint()
    for text in (
        "行政处罚决定书",
        decision.number,
        entity.name,
        entity.uscc,
        "违法事实",
        "申请行政复议",
        dept_a.name,
        "二〇二六年十一月二十二日",
    ):
        assert pdf_contains_anywhere(pdf, text), text
    assert "打印决定书" in client.get(f"{CASES}{case.pk}/change/").content.decode()
    client.force_login(bob)
    assert client.get(f"{DECISIONS}{decision.pk}/pdf/").status_code == 404


def test_decision_form_hints_first_violation_in_an_observation_period(waived, client, alice, open_case, entity, dept_a):
    sv.observation_period_save(
        actor="test",
        department=dept_a,
        entity=entity,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        reason="新业态",
    )
    case = waived(open_case(stage=CaseStage.NOTICE))
    client.force_login(alice)
    assert "首违不罚" in action(client, CASES, "issue_decision", [case.pk]).content.decode()


def test_revoke_and_change_a_decision_through_the_services(waived, client, alice, open_case, issue):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    client.force_login(alice)
    page = client.get(f"{DECISIONS}{decision.pk}/change/").content.decode()
    assert "撤销决定" in page and "变更决定" in page and "打印决定书" in page
    response = action(
        client,
        DECISIONS,
        "change_decision",
        [decision.pk],
        **decision_post(
            reason="行政复议决定变更罚款数额", fine_amount="90000", penalty_content="没收违法所得3200元，罚款90000元"
        ),
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    new = PenaltyDecision.objects.get(replaces=decision)
    assert (decision.state, new.fine_amount, new.number) == (
        DecisionState.CHANGED,
        Decimal("90000"),
        "郑市监罚〔2026〕2号",
    )
    assert decision.disclosure.state == DisclosureState.WITHDRAWN
    action(client, DECISIONS, "revoke", [new.pk], apply="1", reason="人民法院判决撤销")
    new.refresh_from_db()
    assert (new.state, new.revoked_reason) == (DecisionState.REVOKED, "人民法院判决撤销")
    pdf = client.get(f"{DECISIONS}{new.pk}/pdf/").content
    assert pdf_contains_anywhere(pdf, "本决定已于2026-11-22撤销") and pdf_contains_anywhere(pdf, "人民法院判决撤销")
    assert AuditEvent.objects.filter(action="penalty_decision.revoke", actor_user=alice).count() == 2


def test_close_with_judicial_transfer_and_change_handlers(client, handler, case_a, make_inspector, officers, dept_a):
    client.force_login(handler)
    third = make_inspector(dept_a, name="孙强")
    action(client, CASES, "set_handlers", [case_a.pk], apply="1", handlers=[officers[0].pk, third.pk], note="李军回避")
    assert sorted(case_a.handlers.values_list("name", flat=True)) == ["孙强", "王晓"]
    action(
        client,
        CASES,
        "close_case",
        [case_a.pk],
        apply="1",
        outcome=CaseOutcome.JUDICIAL_TRANSFER,
        note="涉嫌犯罪，移送公安机关（郑公移〔2026〕3号）",
    )
    case_a.refresh_from_db()
    assert (case_a.stage, case_a.outcome) == (CaseStage.CLOSED, CaseOutcome.JUDICIAL_TRANSFER)
    page = client.get(f"{CASES}{case_a.pk}/change/").content.decode()
    assert "移送司法机关" in page and "李军回避" in page and "推进到下一环节</button>" not in page


def test_disclosure_is_chosen_for_the_exposure_board_and_withdrawn(waived, client, alice, bob, open_case, issue):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    disclosure = decision.disclosure
    client.force_login(bob)
    assert decision.number not in client.get(DISCLOSURES).content.decode()
    client.force_login(alice)
    assert decision.number in client.get(DISCLOSURES).content.decode()
    page = client.get(f"{DISCLOSURES}{disclosure.pk}/change/").content.decode()
    assert "选入曝光台" in page and "撤回公示" in page
    action(client, DISCLOSURES, "feature", [disclosure.pk], apply="1", note="销售过期食品的典型案例")
    disclosure.refresh_from_db()
    assert disclosure.featured and disclosure.featured_note == "销售过期食品的典型案例"
    action(client, DISCLOSURES, "withdraw", [disclosure.pk], apply="1", reason="发现当事人信息有误")
    disclosure.refresh_from_db()
    assert (disclosure.state, disclosure.withdraw_reason, disclosure.featured) == (
        DisclosureState.WITHDRAWN,
        "发现当事人信息有误",
        False,
    )
    assert AuditEvent.objects.filter(action="penalty_disclosure.withdraw", actor_user=alice).exists()


# --- benchmarks -------------------------------------------------------------------------------------------------


def _xlsx(*rows) -> bytes:
    from enforcement.imports import COLUMNS

    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    "SP-101",
    "销售过期食品",
    "《食品安全法》第三十四条",
    "《食品安全法》第一百二十四条",
    "50000",
    "80000",
    "80000",
    "120000",
    "120000",
    "200000",
    "吊销许可证件",
    "2026-01-01",
]


def test_benchmark_import_previews_then_confirms_only_when_clean(client, alice):
    client.force_login(alice)
    assert "从文件导入" in client.get(STANDARDS).content.decode()
    template = client.get(f"{STANDARDS}import/template/")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    bad = [*GOOD[:5], "1000", *GOOD[6:]]  # 从轻上限 below its 下限
    page = client.post(
        f"{STANDARDS}import/", {"file": SimpleUploadedFile("基准.xlsx", _xlsx(GOOD, bad))}
    ).content.decode()
    assert "第3行：从轻上限：1000元小于从轻下限50000元" in page and "确认导入" not in page
    assert not DiscretionStandard.objects.exists()
    page = client.post(f"{STANDARDS}import/", {"file": SimpleUploadedFile("基准.xlsx", _xlsx(GOOD))}).content.decode()
    assert "确认导入" in page and "将新增 1 条" in page
    token = client.session and page.split('name="token" value="')[1].split('"')[0]
    response = client.post(f"{STANDARDS}import/confirm/", {"token": token})
    assert response.status_code == 302
    standard = DiscretionStandard.objects.get()
    assert (standard.department, standard.code, standard.heavy_penalty_types) == (
        alice.department,
        "SP-101",
        ["revoke_licence"],
    )
    assert AuditEvent.objects.filter(action="discretion_standard.import", actor_user=alice).exists()
    # The same token cannot be used twice
    response = client.post(f"{STANDARDS}import/confirm/", {"token": token})
    assert "导入预览已失效或已提交" in "".join(messages_of(response))


def test_benchmark_added_in_the_form_goes_through_the_import_service(client, alice, bob, dept_b):
    client.force_login(alice)
    fields = dict(
        zip(
            [
                "code",
                "violation_type",
                "violation_basis",
                "penalty_basis",
                "lighter_min",
                "lighter_max",
                "general_min",
                "general_max",
                "heavier_min",
                "heavier_max",
            ],
            GOOD[:10],
            strict=True,
        )
    )
    # Another department cannot be chosen; left out, it is the official's own
    response = client.post(f"{STANDARDS}add/", {**fields, "department": dept_b.pk, "effective_from": "2026-01-01"})
    assert response.status_code == 200 and not DiscretionStandard.objects.exists()
    response = client.post(
        f"{STANDARDS}add/", {**fields, "effective_from": "2026-01-01", "heavy_penalty_types": ["close"]}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    standard = DiscretionStandard.objects.get()
    assert standard.department == alice.department and standard.heavy_penalty_types == ["close"]
    response = client.post(
        f"{STANDARDS}add/", {**fields, "code": "SP-102", "general_min": "30000", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 200 and "低于从轻下限" in response.content.decode()
    assert client.get(f"{STANDARDS}{standard.pk}/change/").status_code == 200
    client.force_login(bob)
    assert "SP-101" not in client.get(STANDARDS).content.decode()


# --- how the pages read (visual review) ------------------------------------------------------------------


def test_decision_page_shows_labels_amounts_in_yuan_and_the_signers_name(
    waived, client, alice, handler, open_case, issue
):
    handler.first_name = "艾丽"  # the signer is a handler (issue 12 §6), shown by name, not login
    handler.save(update_fields=["first_name"])
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    client.force_login(alice)
    page = client.get(f"{DECISIONS}{decision.pk}/change/").content.decode()
    assert "罚款、没收违法所得" in page and ">fine" not in page and "confiscate_income" not in page
    assert "100,000.00 元" in page and "3,200.00 元" in page
    assert "艾丽" in page.split("签发人")[1][:200]
    # the number's internal parts (年度, 序号) are not shown
    assert "<label>年度" not in page and "<label>序号" not in page
    listing = client.get(DECISIONS).content.decode()
    assert "100,000.00 元" in listing
    # no confiscation: "—", not "0.00 元"
    fine_only = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        penalty_types=["fine"],
        confiscation_amount=Decimal("0"),
        penalty_content="罚款100000元",
    )
    page = client.get(f"{DECISIONS}{fine_only.pk}/change/").content.decode()
    assert ">0.00 元" not in page and '<div class="readonly">—</div>' in page.split("没收金额")[1][:200]


def test_case_page_names_people_and_reads_its_source_once(client, head, reviewer, case_a):
    # the events were stored with the head's login name (no name then); the page shows the name now
    head.first_name = ""
    head.save(update_fields=["first_name"])
    client.force_login(head)
    action(client, CASES, "advance", [case_a.pk], apply="1", to_stage=CaseStage.INVESTIGATION, note="询问当事人")
    assert case_a.events.get(action="advance").actor_label == "henry"
    head.first_name = "艾丽"
    head.save(update_fields=["first_name"])
    page = client.get(f"{CASES}{case_a.pk}/change/").content.decode()
    assert (
        '<td style="white-space:nowrap">艾丽</td>' in page and '<td style="white-space:nowrap">henry</td>' not in page
    )
    # 操作 (立案) keeps to one line
    assert '<td style="white-space:nowrap">立案</td>' in page
    # one 案件来源 row with the label, no second "来源" row
    assert page.count("案件来源") == 1 and "<label>来源:" not in page and str(case_a.get_source_display()) in page


def test_decision_form_starts_with_empty_amounts_wide_inputs_and_explains_each_error(
    waived, client, handler, open_case
):
    case = waived(open_case(stage=CaseStage.NOTICE))
    client.force_login(handler)
    form = action(client, CASES, "issue_decision", [case.pk]).content.decode()
    fine = form.split('name="fine_amount"')[1].split(">")[0]
    assert 'value="0"' not in fine
    for name in ("violation_type", "party_address"):
        assert 'size="80"' in form.split(f'name="{name}"')[1].split(">")[0], name
    # the empty form: no 500, each refusal in Chinese, nothing issued
    response = action(client, CASES, "issue_decision", [case.pk], apply="1")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["penalty_types"] == ["请选择处罚种类（《行政处罚法》第九条所列种类，可多选）"]
    for name in ("facts", "evidence", "legal_basis", "penalty_content", "performance", "remedies"):
        assert form.errors[name] == ["决定书须载明此项（《行政处罚法》第五十九条）"], name
    assert all("This field" not in e for errors in form.errors.values() for e in errors)
    response = action(
        client,
        CASES,
        "issue_decision",
        [case.pk],
        **decision_post(penalty_types=["fine"], fine_amount="", confiscation_amount=""),
    )
    assert response.context["form"].errors["fine_amount"] == ["处罚种类含罚款时须填写罚款金额"]
    assert not PenaltyDecision.objects.exists()
    # a refusal only the service knows is shown next to its fields, on the same form (issue 12 §6)
    response = action(
        client, CASES, "issue_decision", [case.pk], **decision_post(fine_amount="150000", confiscation_amount="")
    )
    errors = response.context["form"].errors
    assert errors["fine_amount"][0].startswith("罚款150000") and errors["out_of_range_reason"][0].startswith(
        "罚款150000"
    )


def test_view_only_reviewer_gets_no_import_buttons_and_a_403_as_for_credit_records(client, reviewer, alice):
    client.force_login(reviewer)
    listing = client.get(STANDARDS)
    assert listing.status_code == 200
    assert "从文件导入" not in listing.content.decode() and "下载导入模板" not in listing.content.decode()
    # the import URLs are refused as the admin refuses any page without the permission, as credit's record import
    for url in (f"{STANDARDS}import/", f"{STANDARDS}import/confirm/"):
        assert client.get(url).status_code == client.get("/admin/credit/creditrecord/import/").status_code == 403
        assert (
            "没有权限" in client.get(url).content.decode()
        )  # core.views.forbidden: in Chinese, not Django's bare page
    client.force_login(alice)
    assert "下载导入模板" in client.get(STANDARDS).content.decode()


def test_decision_document_states_the_fine_once_and_no_line_starts_with_a_comma(waived, open_case, issue):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph

    from core.pdf import CANNOT_START_LINE, FONT
    from core.pdf import styles as _styles
    from enforcement import documents

    stated = issue(waived(open_case(stage=CaseStage.NOTICE)))  # 处罚内容 "没收违法所得3200元，罚款100000元"
    content = dict(documents.decision_facts(stated)["sections"])["四、处罚种类和内容"]
    assert content == "处罚种类：罚款、没收违法所得。没收违法所得3200元，罚款100000元"
    bare = issue(waived(open_case(stage=CaseStage.NOTICE)), penalty_content="依法予以处罚")
    content = dict(documents.decision_facts(bare)["sections"])["四、处罚种类和内容"]
    assert content.count("100,000.00元") == 1 and content.count("3,200.00元") == 1
    # GB/T 15834: ，。；： etc. never start a line, at any width the remedies paragraph is set in
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    style = ParagraphStyle("t", parent=_styles()["body"], fontSize=11, leading=19, firstLineIndent=22)
    for width in range(300, 460, 3):
        paragraph = Paragraph(services.DEFAULT_REMEDIES, style)
        paragraph.wrap(width, 1000)
        starts = ["".join(line[1])[:1] for line in paragraph.blPara.lines]
        assert not any(c in CANNOT_START_LINE for c in starts), (width, starts)
