"""Filings without query codes (issue 14 §3): the signed-in entity objects, applies for repair, a list
exit or an early stop, and makes a commitment, through the same services as the public forms.

Each kind, end to end through the client: the form pre-filled from the file, success (PRG to the
filing's page, audit actor = the liaison, no query code shown), the service's refusal on the form with
the input kept, another entity's id → 404, the evidence file-type check. Then officials' scoping:
alice (the deciding department) sees the entity's filing in the admin, bob (another department) does not.
"""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit import services
from credit.choices import ListGround, ListType
from credit.models import CreditCommitment, CreditRecord, ListExitApplication, Objection, RepairApplication
from enforcement import disclosure_period
from enforcement.choices import DisclosureRuleKind
from enforcement.models import DisclosureRule, EarlyStopApplication, PenaltyDisclosure
from tests.conftest import record_data

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-11-22 10:00 Asia/Shanghai

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NEW = "/enterprise/filings/new/"
PDF = b"%PDF-1.4 receipt"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区好运来超市有限公司", registration_authority=dept_a)


@pytest.fixture
def liaison(client, entity, make_entity_user):
    account = make_entity_user(entity, mobile="13911112222")
    client.force_login(account.user)
    client.account = account
    return client


@pytest.fixture
def other_entity(make_entity, dept_a):
    return make_entity(name="郑州市另一家商贸有限公司", registration_authority=dept_a)


def push_record(push, entity, ref, **kw):
    push(record_data(entity.uscc, ref, **kw))
    return CreditRecord.objects.get(source_ref=ref)


@pytest.fixture
def repairable(push, entity):
    """一般 record decided 2026-03-02: repairable from 2026-06-02 (3 months, 信用修复管理办法)."""
    return push_record(push, entity, "郑市监罚〔2026〕3号", decided_on="2026-03-02")


@pytest.fixture
def too_recent(push, entity):
    """一般 record decided 2026-11-01: the 3-month minimum window has not passed on 2026-11-22."""
    return push_record(push, entity, "郑市监罚〔2026〕9号", decided_on="2026-11-01", title="虚假宣传")


@pytest.fixture
def unpublished(push, entity):
    """轻微 record: not published by the rule in force (minor_published off), so not on the public pages."""
    record = push_record(push, entity, "郑市监责改〔2026〕5号", severity="minor", title="未亮照经营")
    assert record.published is False
    return record


@pytest.fixture
def foreign_record(push, other_entity):
    return push_record(push, other_entity, "郑市监罚〔2026〕77号", decided_on="2026-03-02")


def list_entry(entity, dept, list_type=ListType.ABNORMAL):
    grounds = {
        ListType.ABNORMAL: ListGround.NO_ANNUAL_REPORT,
        ListType.KEY_ATTENTION: ListGround.DISHONEST_BELOW_SERIOUS,
    }
    kw = {"ground_established_on": dt.date(2026, 9, 1)} if list_type == ListType.ABNORMAL else {}
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=list_type,
        ground=grounds[list_type],
        legal_basis="《企业经营异常名录管理暂行办法》第四条第（一）项",
        department=dept,
        decided_on=dt.date(2026, 9, 1),
        **kw,
    )


def pdf(name="缴款凭证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def html(response) -> str:
    return response.content.decode()


def landed_on(response, kind: str, pk: int) -> bool:
    return response.status_code == 302 and response["Location"] == f"/enterprise/filings/{kind}/{pk}/"


def shown_message(client, response) -> str:
    return html(client.get(response["Location"]))


# --- objection ----------------------------------------------------------------------------------


def objection_post(client, **data):
    fields = {"applicant_name": "王联络", "contact_phone": "13911112222", "reason": "处罚金额登记有误，应为3000元"}
    fields.update(data)
    return client.post(f"{NEW}objection/", fields)


def test_objection_form_is_prefilled_from_the_liaison_and_the_record(liaison, repairable):
    page = html(liaison.get(f"{NEW}objection/", {"record": repairable.pk}))
    assert 'value="王联络"' in page and 'value="13911112222"' in page
    assert f'<option value="{repairable.pk}" selected>' in page


def test_objection_by_the_entity_is_filed_by_the_liaison_without_a_query_code(liaison, repairable):
    response = objection_post(liaison, record=repairable.pk)
    objection = Objection.objects.get()
    assert landed_on(response, "objection", objection.pk)
    assert objection.record == repairable and objection.entity_id == repairable.entity_id
    assert objection.channel == "enterprise" and objection.contact_phone == "13911112222"
    event = AuditEvent.objects.get(action="objection.file")
    assert event.actor_user == liaison.account.user
    page = shown_message(liaison, response)
    assert objection.tracking_no in page and "无需查询码" in page and "data-query-code" not in page


def test_unpublished_record_objection_allowed_for_the_entity_and_refused_on_the_public_form(
    client, entity, make_entity_user, unpublished
):
    """Issue 14 §3 "object to any record, published or not"; the public form still reaches public records only."""
    assert client.get("/objections/new/", {"record": unpublished.pk}).status_code == 404
    account = make_entity_user(entity)
    client.force_login(account.user)
    assert client.get(f"{NEW}objection/", {"record": unpublished.pk}).status_code == 200
    response = objection_post(client, record=unpublished.pk)
    assert landed_on(response, "objection", Objection.objects.get(record=unpublished).pk)


def test_objection_to_a_list_entry(liaison, entity, dept_a):
    entry = list_entry(entity, dept_a)
    assert f'<option value="{entry.pk}" selected>' in html(liaison.get(f"{NEW}objection/", {"entry": entry.pk}))
    response = objection_post(liaison, list_entry=entry.pk)
    objection = Objection.objects.get()
    assert landed_on(response, "objection", objection.pk) and objection.list_entry == entry


def test_second_objection_is_refused_on_the_form_with_the_input_kept(liaison, repairable):
    objection_post(liaison, record=repairable.pk)
    response = objection_post(liaison, record=repairable.pk, reason="补充：金额应为三千元整")
    page = html(response)
    assert response.status_code == 200 and "已有正在处理的异议" in page
    assert "补充：金额应为三千元整" in page and Objection.objects.count() == 1


def test_objection_needs_exactly_one_target(liaison, repairable, entity, dept_a):
    entry = list_entry(entity, dept_a)
    assert "二者选一" in html(objection_post(liaison))
    assert "二者选一" in html(objection_post(liaison, record=repairable.pk, list_entry=entry.pk))
    assert Objection.objects.count() == 0


def test_objection_to_another_entitys_record_is_not_found(liaison, foreign_record):
    assert liaison.get(f"{NEW}objection/", {"record": foreign_record.pk}).status_code == 404
    assert liaison.get(f"{NEW}objection/", {"record": "abc"}).status_code == 404
    response = objection_post(liaison, record=foreign_record.pk)
    assert response.status_code == 200 and "请从列表中选择本主体的一项" in html(response)
    assert Objection.objects.count() == 0


# --- repair -------------------------------------------------------------------------------------


def repair_post(client, record, *files, **data):
    fields = {
        "record": record.pk,
        "applicant_name": "王联络",
        "contact_phone": "13911112222",
        "reason": "已缴纳罚款并完成整改",
        "commitment_accepted": "on",
        "evidence": list(files),
    }
    fields.update(data)
    return client.post(f"{NEW}repair/", fields)


def test_repair_by_the_entity_goes_through_the_repair_service(liaison, repairable):
    page = html(liaison.get(f"{NEW}repair/", {"record": repairable.pk}))
    assert f'<option value="{repairable.pk}" selected>' in page and 'value="liaison@example.com"' in page
    response = repair_post(liaison, repairable, pdf())
    application = RepairApplication.objects.get()
    assert landed_on(response, "repair", application.pk)
    assert application.channel == "enterprise" and application.evidence.count() == 1
    assert application.commitment.commitment_type == "repair"  # the 信用修复型 commitment made with it
    assert AuditEvent.objects.get(action="repair.apply").actor_user == liaison.account.user
    assert application.tracking_no in shown_message(liaison, response)


def test_repair_refused_before_the_minimum_window_with_the_input_kept(liaison, too_recent):
    page = html(liaison.get(f"{NEW}repair/", {"record": too_recent.pk}))
    assert "最短公示期未满" in page  # shown before filing, as on the public form
    response = repair_post(liaison, too_recent, reason="已整改完毕，请求提前修复")
    page = html(response)
    assert response.status_code == 200 and "最短公示期未满" in page and "已整改完毕，请求提前修复" in page
    assert RepairApplication.objects.count() == 0


def test_repair_evidence_must_really_be_a_pdf_jpg_or_png(liaison, repairable):
    fake = pdf("整改报告.pdf", b"MZ\x90\x00 not a pdf")
    response = repair_post(liaison, repairable, fake)
    assert response.status_code == 200 and "内容与文件类型不符" in html(response)
    response = repair_post(liaison, repairable, SimpleUploadedFile("说明.docx", b"PK\x03\x04"))
    assert "不是允许的文件类型" in html(response)
    assert RepairApplication.objects.count() == 0


def test_repair_of_another_entitys_record_is_not_found(liaison, foreign_record):
    assert liaison.get(f"{NEW}repair/", {"record": foreign_record.pk}).status_code == 404
    response = repair_post(liaison, foreign_record, pdf())
    assert response.status_code == 200 and RepairApplication.objects.count() == 0


# --- list exit ----------------------------------------------------------------------------------


def exit_post(client, entry, *files, **data):
    fields = {
        "list_entry": entry.pk,
        "applicant_name": "王联络",
        "contact_phone": "13911112222",
        "reason": "已补报2025年度报告并公示。",
        "evidence": list(files),
    }
    fields.update(data)
    return client.post(f"{NEW}list-exit/", fields)


def test_list_exit_by_the_entity_with_evidence(liaison, entity, dept_a):
    entry = list_entry(entity, dept_a)
    assert f'<option value="{entry.pk}" selected>' in html(liaison.get(f"{NEW}list-exit/", {"entry": entry.pk}))
    response = exit_post(liaison, entry, pdf("年度报告.pdf"))
    application = ListExitApplication.objects.get()
    assert landed_on(response, "list-exit", application.pk)
    assert application.channel == "enterprise" and application.decide_due_on is not None
    assert AuditEvent.objects.get(action="list_exit.apply").actor_user == liaison.account.user


def test_abnormal_list_exit_needs_evidence(liaison, entity, dept_a):
    entry = list_entry(entity, dept_a)
    response = exit_post(liaison, entry)
    assert response.status_code == 200 and "须上传已履行相关义务的证明材料" in html(response)
    assert ListExitApplication.objects.count() == 0


def test_key_attention_list_exit_refused_with_the_services_reason_and_input_kept(liaison, entity, dept_a):
    entry = list_entry(entity, dept_a, ListType.KEY_ATTENTION)
    assert "不适用移出申请" in html(liaison.get(f"{NEW}list-exit/", {"entry": entry.pk}))
    response = exit_post(liaison, entry, reason="已纠正失信行为，请求移出")
    page = html(response)
    assert "不适用移出申请" in page and "已纠正失信行为，请求移出" in page
    assert ListExitApplication.objects.count() == 0


def test_list_exit_of_another_entitys_entry_is_not_found(liaison, other_entity, dept_a):
    entry = list_entry(other_entity, dept_a)
    assert liaison.get(f"{NEW}list-exit/", {"entry": entry.pk}).status_code == 404
    assert exit_post(liaison, entry, pdf()).status_code == 200 and ListExitApplication.objects.count() == 0


# --- early stop (总局令第45号) ------------------------------------------------------------------------


@pytest.fixture
def penalty(dept_a, entity):
    """A 一般 fine of the registration authority (which follows Order 45), pushed on 2026-11-22."""
    disclosure_period.disclosure_rule_save(
        actor="test",
        rule=DisclosureRule(
            department=dept_a,
            kind=DisclosureRuleKind.SAMR_ORDER_45,
            citation=disclosure_period.ORDER_45,
            effective_from=dt.date(2021, 9, 1),
        ),
    )
    record = record_data(
        entity.uscc, "郑市监罚〔2026〕21号", decided_on="2026-11-20", amount="50000.00", penalty_types=["fine"]
    )
    services.credit_records_push(actor="test", department=dept_a, records=[record])
    return PenaltyDisclosure.objects.get(credit_record__source_ref="郑市监罚〔2026〕21号")


def early_stop_post(client, disclosure, *files, **data):
    fields = {
        "disclosure": disclosure.pk,
        "applicant_name": "王联络",
        "contact_phone": "13911112222",
        "reason": "已缴清罚款并完成整改",
        "performed": "on",
        "harm_removed": "on",
        "evidence": list(files),
    }
    fields.update(data)
    return client.post(f"{NEW}early-stop/", fields)


def test_early_stop_by_the_entity_after_12_months(liaison, penalty):
    """总局令第45号: the required time (the rule row: 12 months) has passed on 2027-12-01."""
    with time_machine.travel(dt.datetime(2027, 12, 1, 10, tzinfo=SHANGHAI), tick=False):
        liaison.force_login(liaison.account.user)  # a new session a year later
        page = html(liaison.get(f"{NEW}early-stop/", {"penalty": penalty.pk}))
        assert f'<option value="{penalty.pk}" selected>' in page and "data-filing-problems" not in page
        response = early_stop_post(liaison, penalty, pdf())
    application = EarlyStopApplication.objects.get()
    assert landed_on(response, "early-stop", application.pk)
    assert application.channel == "enterprise" and application.evidence.count() == 1
    assert AuditEvent.objects.get(action="early_stop.apply").actor_user == liaison.account.user


def test_early_stop_refused_before_12_months_with_the_input_kept(liaison, penalty):
    assert "公示未满12个月" in html(liaison.get(f"{NEW}early-stop/", {"penalty": penalty.pk}))
    response = early_stop_post(liaison, penalty, reason="罚款已于当日缴清")
    page = html(response)
    assert response.status_code == 200 and "公示未满12个月" in page and "罚款已于当日缴清" in page
    assert EarlyStopApplication.objects.count() == 0


def test_early_stop_needs_both_declarations_and_real_evidence(liaison, penalty):
    with time_machine.travel(dt.datetime(2027, 12, 1, 10, tzinfo=SHANGHAI), tick=False):
        liaison.force_login(liaison.account.user)
        response = early_stop_post(liaison, penalty, performed="")
        assert "须已经自觉履行行政处罚决定中规定的义务" in html(response)
        response = early_stop_post(liaison, penalty, pdf("缴款凭证.png", PDF))
        assert "内容与文件类型不符" in html(response)
    assert EarlyStopApplication.objects.count() == 0


def test_early_stop_of_another_entitys_penalty_is_not_found(liaison, penalty, other_entity, make_entity_user, client):
    other = make_entity_user(other_entity)
    client.force_login(other.user)
    assert client.get(f"{NEW}early-stop/", {"penalty": penalty.pk}).status_code == 404
    assert early_stop_post(client, penalty).status_code == 200 and EarlyStopApplication.objects.count() == 0


# --- commitments --------------------------------------------------------------------------------


def commitment_post(client, dept, **data):
    fields = {
        "commitment_type": "voluntary",
        "department": dept.pk,
        "matter": "",
        "due_on": "2027-11-22",
        "content": "本单位自愿承诺依法诚信经营。",
        "signatory": "王联络",
        "contact_phone": "13911112222",
    }
    fields.update(data)
    return client.post(f"{NEW}commitment/", fields)


def test_voluntary_commitment_by_the_entity(liaison, entity, dept_a):
    page = html(liaison.get(f"{NEW}commitment/"))
    assert f'<option value="{dept_a.pk}" selected>' in page and 'value="王联络"' in page  # its registration authority
    response = commitment_post(liaison, dept_a)
    commitment = CreditCommitment.objects.get()
    assert landed_on(response, "commitment", commitment.pk)
    assert commitment.entity_id == entity.uscc and commitment.channel == "enterprise"
    assert AuditEvent.objects.get(action="commitment.make").actor_user == liaison.account.user


def test_self_discipline_commitment_needs_the_organisation_and_keeps_the_input(liaison, dept_a):
    assert "＿＿＿＿" in html(liaison.get(f"{NEW}commitment/", {"type": "self_discipline"}))
    response = commitment_post(liaison, dept_a, commitment_type="self_discipline", content="遵守行业自律公约。")
    page = html(response)
    assert "行业自律型承诺须写明行业组织名称" in page and "遵守行业自律公约。" in page
    response = commitment_post(
        liaison, dept_a, commitment_type="self_discipline", matter="郑州市超市行业协会", content="遵守行业自律公约。"
    )
    assert landed_on(response, "commitment", CreditCommitment.objects.get().pk)


def test_commitment_longer_than_36_months_is_refused(liaison, dept_a):
    """COMMITMENT_RULES: 主动型 at most 36 months."""
    response = commitment_post(liaison, dept_a, due_on="2029-11-23")
    assert "最长 36 个月" in html(response) and CreditCommitment.objects.count() == 0


def test_only_voluntary_and_self_discipline_commitments_from_the_entity_side(liaison, dept_a):
    response = commitment_post(liaison, dept_a, commitment_type="approval_substitute", matter="食品经营许可")
    assert response.status_code == 200 and CreditCommitment.objects.count() == 0


# --- access and the home page -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["objection", "repair", "list-exit", "early-stop", "commitment"])
def test_filing_forms_need_an_entity_account(client, alice, kind):
    assert client.get(f"{NEW}{kind}/")["Location"].startswith("/enterprise/login/")
    client.force_login(alice)  # staff never have an entity account
    assert client.get(f"{NEW}{kind}/")["Location"].startswith("/enterprise/login/")


def test_home_links_to_each_filing_form(liaison):
    page = html(liaison.get("/enterprise/"))
    for kind in ("objection", "repair", "list-exit", "early-stop", "commitment"):
        assert f'href="{NEW}{kind}/"' in page


# --- officials see entity filings only in their department's scope -------------------------------


def test_entity_filings_are_scoped_to_the_deciding_department_in_the_admin(
    client, make_entity_user, entity, repairable, dept_a, alice, bob
):
    account = make_entity_user(entity)
    client.force_login(account.user)
    objection_post(client, record=repairable.pk)
    repair_post(client, repairable, pdf(), reason="已缴纳罚款")
    commitment_post(client, dept_a)
    exit_post(client, list_entry(entity, dept_a), pdf("年度报告.pdf"))
    objection, application = Objection.objects.get(), RepairApplication.objects.get()
    commitment = CreditCommitment.objects.get(commitment_type="voluntary")
    lists = {
        "/admin/credit/objection/": objection,
        "/admin/credit/repairapplication/": application,
        "/admin/credit/creditcommitment/": commitment,
        "/admin/credit/listexitapplication/": ListExitApplication.objects.get(),
    }
    client.force_login(alice)
    for url, filing in lists.items():
        assert filing.tracking_no in html(client.get(url)), url
        assert client.get(f"{url}{filing.pk}/change/").status_code == 200, url
    client.force_login(bob)
    for url, filing in lists.items():
        assert filing.tracking_no not in html(client.get(url)), url
        assert client.get(f"{url}{filing.pk}/change/").status_code == 302, url  # scoped: "does not exist"


def test_entity_early_stop_is_scoped_to_the_deciding_department_in_the_admin(liaison, penalty, alice, bob, client):
    """部门监管人员 decide early-stop applications (core.roles), each department only its own."""
    with time_machine.travel(dt.datetime(2027, 12, 1, 10, tzinfo=SHANGHAI), tick=False):
        liaison.force_login(liaison.account.user)
        early_stop_post(liaison, penalty, pdf())
        application = EarlyStopApplication.objects.get()
        url = "/admin/enforcement/earlystopapplication/"
        client.force_login(alice)
        assert application.tracking_no in html(client.get(url))
        client.force_login(bob)
        assert application.tracking_no not in html(client.get(url))
        assert client.get(f"{url}{application.pk}/change/").status_code == 302
