"""Public filings API (API.md "Public filings") and the credit report endpoint.

No key is needed for the filings; they are rate-limited per IP. Every error has the one shape.
Contact details are confidential: every response is scanned for the applicant's phone number.
"""

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from credit import services as credit_services
from credit.models import CreditRecord, Objection, RepairApplication
from tests.conftest import SINOPEC, record_data

PHONE = "13912345678"
EMAIL = "applicant-secret@example.com"
STATUS_KEYS = {"tracking_no", "status", "status_label", "deadline", "outcome"}


@pytest.fixture(autouse=True)
def _fresh_ip_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entity(make_entity):
    return make_entity(name="郑州市金水区老王烩面馆")


@pytest.fixture
def record(entity, push, frozen_today):
    """A 一般 penalty decided 2026-01-05: repairable from 2026-04-05."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05"))
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")


def objection_body(**kw):
    return {
        "applicant_name": "王某",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "reason": "该处罚决定已被复议撤销。",
        **kw,
    }


def repair_body(**kw):
    return {
        "applicant_name": "王某",
        "contact_phone": PHONE,
        "reason": "已缴纳罚款并完成整改。",
        "commitment_accepted": True,
        **kw,
    }


def errors_of(response) -> dict:
    body = response.json()
    assert body["type"] == "validation_error", body
    return {e["attr"]: e["detail"] for e in body["errors"]}


def no_contact(response):
    text = response.content.decode()
    assert PHONE not in text and EMAIL not in text


# --- objections ---------------------------------------------------------------------------------


def test_objection_filed_without_a_key_answers_201_with_number_and_code(api, record):
    response = api.post(
        "/api/v1/objections/", objection_body(record_id=record.pk, source="某政务App"), format="json"
    )  # extra field allowed

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"tracking_no", "query_code"}
    assert body["tracking_no"].startswith("YY20261122-") and len(body["query_code"]) == 6
    objection = credit_services.filing_lookup(Objection, body["tracking_no"], body["query_code"])
    assert objection.record == record and objection.channel == "api"
    assert response["Cache-Control"] == "no-store"
    no_contact(response)


def test_objection_marks_the_record_at_once(api, record):
    from credit.selectors import records_under_objection

    api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json")
    assert records_under_objection([record.pk]) == {record.pk}


def test_objection_to_a_list_entry(api, entity, dept_a, frozen_today):
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
    response = api.post("/api/v1/objections/", objection_body(list_entry_id=entry.pk), format="json")
    assert response.status_code == 201
    assert Objection.objects.get().list_entry == entry


@pytest.mark.parametrize("missing", ["applicant_name", "contact_phone", "reason"])
def test_objection_missing_required_field_is_400_naming_it(api, record, missing):
    body = objection_body(record_id=record.pk)
    del body[missing]
    response = api.post("/api/v1/objections/", body, format="json")
    assert response.status_code == 400
    assert missing in errors_of(response)
    assert Objection.objects.count() == 0


def test_objection_without_record_or_entry_is_400_on_record_id(api, db):
    response = api.post("/api/v1/objections/", objection_body(), format="json")
    assert response.status_code == 400
    assert "list_entry_id" in errors_of(response)["record_id"]


@pytest.mark.parametrize("value", [424242, "abc", -1, 10**30])
def test_objection_to_an_unknown_or_invalid_record_id_is_400_not_500(api, db, value):
    response = api.post("/api/v1/objections/", objection_body(record_id=value), format="json")
    assert response.status_code == 400
    assert "record_id" in errors_of(response)


def test_objection_to_a_revoked_record_is_400_as_unknown(api, record):
    credit_services.credit_record_revoke(actor="test", record=record, reason="决定被撤销")
    response = api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json")
    assert response.status_code == 400 and "record_id" in errors_of(response)


def test_second_open_objection_is_400_with_the_reason(api, record):
    api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json")
    response = api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json")
    assert response.status_code == 400
    assert errors_of(response)["record_id"] == "该信息已有正在处理的异议，请凭原受理编号查询进度"


@pytest.mark.parametrize("body", ["not json", json.dumps([1, 2]), json.dumps({"applicant_name": "王\u0000某"})])
def test_malformed_body_is_400_never_500(api, db, body):
    response = api.post("/api/v1/objections/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] in ("validation_error", "client_error")


def test_objection_status_shows_state_deadline_and_outcome_never_contact(api, record):
    created = api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json").json()
    objection = Objection.objects.get()

    response = api.get(f"/api/v1/objections/{created['tracking_no']}/", {"code": created["query_code"]})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == STATUS_KEYS
    assert body == {
        "tracking_no": created["tracking_no"],
        "status": "submitted",
        "status_label": "待受理",
        "deadline": objection.accept_due_on.isoformat(),
        "outcome": None,
    }
    no_contact(response)

    credit_services.objection_accept(actor="test", objection=objection)
    body = api.get(f"/api/v1/objections/{created['tracking_no']}/", {"code": created["query_code"]}).json()
    assert body["status"] == "accepted" and body["deadline"] == objection.decide_due_on.isoformat()

    credit_services.objection_decide(actor="test", objection=objection, outcome="revoked", reason="处罚决定已被撤销。")
    response = api.get(f"/api/v1/objections/{created['tracking_no'].lower()}/", {"code": created["query_code"]})
    assert response.json() == {
        "tracking_no": created["tracking_no"],
        "status": "decided",
        "status_label": "已办结",
        "deadline": None,
        "outcome": "撤销：处罚决定已被撤销。",
    }
    no_contact(response)


def test_wrong_code_gets_404_the_same_as_an_unknown_number(api, record):
    created = api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json").json()
    wrong = "000000" if created["query_code"] != "000000" else "111111"

    wrong_code = api.get(f"/api/v1/objections/{created['tracking_no']}/", {"code": wrong})
    unknown = api.get("/api/v1/objections/YY20261122-999999/", {"code": created["query_code"]})
    other_kind = api.get(f"/api/v1/repair-applications/{created['tracking_no']}/", {"code": created["query_code"]})

    assert wrong_code.status_code == unknown.status_code == other_kind.status_code == 404
    assert wrong_code.json() == unknown.json() == other_kind.json()
    assert wrong_code.json()["type"] == "client_error"


def test_status_without_code_is_400_naming_code(api, db):
    response = api.get("/api/v1/objections/YY20261122-000001/")
    assert response.status_code == 400
    assert "code" in errors_of(response)


# --- repair applications ------------------------------------------------------------------------


def test_repair_application_answers_201_and_makes_the_public_commitment(api, record):
    response = api.post(
        "/api/v1/repair-applications/", repair_body(record_id=record.pk, extra="ignored"), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"tracking_no", "query_code"} and body["tracking_no"].startswith("XF20261122-")
    application = credit_services.filing_lookup(RepairApplication, body["tracking_no"], body["query_code"])
    assert application.commitment.commitment_type == "repair" and application.channel == "api"
    no_contact(response)

    status = api.get(f"/api/v1/repair-applications/{body['tracking_no']}/", {"code": body["query_code"]})
    assert status.json() == {
        "tracking_no": body["tracking_no"],
        "status": "submitted",
        "status_label": "待审核",
        "deadline": None,
        "outcome": None,
    }
    no_contact(status)


@pytest.mark.parametrize("missing", ["record_id", "applicant_name", "contact_phone", "reason", "commitment_accepted"])
def test_repair_missing_required_field_is_400_naming_it(api, record, missing):
    body = repair_body(record_id=record.pk)
    del body[missing]
    response = api.post("/api/v1/repair-applications/", body, format="json")
    assert response.status_code == 400
    assert missing in errors_of(response)


def test_repair_commitment_accepted_must_be_true(api, record):
    response = api.post(
        "/api/v1/repair-applications/", repair_body(record_id=record.pk, commitment_accepted=False), format="json"
    )
    assert response.status_code == 400
    assert "commitment_accepted 须为 true" in errors_of(response)["commitment_accepted"]
    assert RepairApplication.objects.count() == 0


def test_repair_of_an_unknown_record_is_400_on_record_id_not_500(api, db):
    response = api.post("/api/v1/repair-applications/", repair_body(record_id=987654), format="json")
    assert response.status_code == 400
    assert "record_id" in errors_of(response)


def test_repair_before_the_minimum_window_is_400_with_the_reason(api, entity, push, frozen_today):
    """DOMAIN §3: a 一般 record decided 2026-10-01 can be repaired only from 2027-01-01."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕9号", decided_on="2026-10-01"))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕9号")

    response = api.post("/api/v1/repair-applications/", repair_body(record_id=record.pk), format="json")

    assert response.status_code == 400
    assert (
        errors_of(response)["record_id"] == "最短公示期未满：该信息自 2026-10-01 起公示，2027-01-01 起方可申请信用修复"
    )
    assert RepairApplication.objects.count() == 0
    no_contact(response)


def test_non_repairable_penalty_type_is_400_with_the_reason(api, entity, push, frozen_today):
    """DOMAIN §3: 吊销许可证件 never stops publication early."""
    push(record_data(entity.uscc, "郑市监罚〔2026〕7号", decided_on="2026-01-05", penalty_types=["revoke_licence"]))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕7号")

    response = api.post("/api/v1/repair-applications/", repair_body(record_id=record.pk), format="json")

    assert response.status_code == 400
    assert "不得提前停止公示" in errors_of(response)["record_id"]


def test_second_repair_application_is_400_without_the_other_number(api, record):
    first = api.post("/api/v1/repair-applications/", repair_body(record_id=record.pk), format="json").json()
    response = api.post("/api/v1/repair-applications/", repair_body(record_id=record.pk), format="json")
    assert response.status_code == 400
    assert errors_of(response)["record_id"].startswith("该记录已有待审核的修复申请")
    assert first["tracking_no"] not in response.content.decode()


def test_invalid_phone_is_400_naming_contact_phone(api, record):
    response = api.post(
        "/api/v1/repair-applications/", repair_body(record_id=record.pk, contact_phone="x" * 40), format="json"
    )
    assert response.status_code == 400
    assert "contact_phone" in errors_of(response)


# --- rate limit, schema ---------------------------------------------------------------------------


def test_public_filings_are_rate_limited_per_ip_with_429_and_retry_after(api, db):
    from rest_framework.settings import api_settings

    from core.api.throttling import AnonIpThrottle

    original = AnonIpThrottle.THROTTLE_RATES
    AnonIpThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        codes = [
            api.get("/api/v1/objections/YY20261122-000001/", {"code": "1"}, REMOTE_ADDR="198.51.100.1").status_code
            for _ in range(3)
        ]
        last = api.post("/api/v1/repair-applications/", {}, format="json", REMOTE_ADDR="198.51.100.1")
        other = api.post("/api/v1/repair-applications/", {}, format="json", REMOTE_ADDR="198.51.100.2")
    finally:
        AnonIpThrottle.THROTTLE_RATES = original
    assert codes == [404, 404, 404]
    assert last.status_code == 429
    assert int(last["Retry-After"]) > 0
    assert "请求过于频繁" in last.json()["errors"][0]["detail"]
    assert other.status_code == 400  # another IP is not limited


def test_public_filings_are_in_the_schema_without_a_key(api, db):
    import yaml
    from django.core.management import call_command

    call_command("spectacular", "--file", "/dev/null", "--fail-on-warn")  # no warnings from these views
    schema = yaml.safe_load(api.get("/api/schema/").content)
    for path in ("/api/v1/objections/", "/api/v1/repair-applications/"):
        operation = schema["paths"][path]["post"]
        assert "security" not in operation and set(operation["responses"]) >= {"201", "400", "429"}
    report = schema["paths"]["/api/v1/entities/{uscc}/credit-report"]["get"]
    assert report["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }


def test_filing_endpoints_query_budget(api, record, django_assert_max_num_queries):
    # record, checks, number, insert, audit (with savepoints), and per deadline (acceptance, decision) its rule and the
    # working-day overrides (issue 12 §2: deadlines are data). A fixed cost: it does not grow with anything.
    with django_assert_max_num_queries(17):
        created = api.post("/api/v1/objections/", objection_body(record_id=record.pk), format="json").json()
    with django_assert_max_num_queries(2):
        api.get(f"/api/v1/objections/{created['tracking_no']}/", {"code": created["query_code"]})


# --- credit report ------------------------------------------------------------------------------


def test_credit_report_api_returns_a_pdf(credit_api, record, entity):
    response = credit_api.get(f"/api/v1/entities/{entity.uscc.lower()}/credit-report", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert entity.uscc in response["Content-Disposition"]
    from credit.models import CreditReport

    report = CreditReport.objects.get(serial=response["X-Report-Serial"])
    assert report.requested_via.startswith("api:")


def test_credit_report_api_invalid_code_400_unknown_404_no_key_401(credit_api, db):
    bad = credit_api.get("/api/v1/entities/91350100M000100Y4Z/credit-report", HTTP_ACCEPT="application/pdf")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "uscc"
    unknown = credit_api.get(f"/api/v1/entities/{SINOPEC}/credit-report", HTTP_ACCEPT="application/pdf")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json"
    assert APIClient().get(f"/api/v1/entities/{SINOPEC}/credit-report").status_code == 401
