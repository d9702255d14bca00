"""POST /api/v1/complaints/ and GET /api/v1/complaints/{tracking_no}/?code= (API.md "Public filings").

No key; rate-limited per IP; every error in the one shape naming the field; the status answer has
exactly the contract's keys and never the reporter's identity or contacts.
"""

import pytest

from enforcement import services
from enforcement.models import Complaint
from tests.conftest import valid_uscc

PHONE = "13612345678"
EMAIL = "whistle-secret@example.com"
NAME = "内部员工孙某某"
STATUS_KEYS = {"tracking_no", "status", "status_label", "deadline", "outcome"}
URL = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _fresh_ip_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市二七区某某超市", registration_authority=dept_a)


def body(**kw):
    return {
        "entity_name": "郑州市二七区某某超市",
        "content": "销售过期牛奶。",
        "contact_name": NAME,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "whistleblower": True,
        **kw,
    }


def errors_of(response) -> dict:
    data = response.json()
    assert data["type"] == "validation_error", data
    return {e["attr"]: e["detail"] for e in data["errors"]}


def secret_free(response):
    text = response.content.decode()
    assert PHONE not in text and EMAIL not in text and NAME not in text


def test_complaint_filed_without_a_key_answers_201_with_number_and_code(api, entity, frozen_today):
    response = api.post(URL, body(entity_uscc=entity.uscc, unknown_extra="ignored"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"tracking_no", "query_code"} and data["tracking_no"].startswith("TS20261122-")
    assert response["Cache-Control"] == "no-store"
    complaint = Complaint.objects.get(tracking_no=data["tracking_no"])
    assert (
        complaint.channel,
        complaint.kind,
        complaint.reporter_name,
        complaint.contact_phone,
        complaint.whistleblower,
    ) == ("web", "complaint", NAME, PHONE, True)
    assert complaint.department == entity.registration_authority and complaint.entity_id == entity.uscc
    secret_free(response)


@pytest.mark.parametrize("missing", ["entity_name", "content"])
def test_missing_required_field_is_400_naming_it(api, dept_a, missing):
    data = body()
    del data[missing]
    response = api.post(URL, data, format="json")
    assert response.status_code == 400
    assert "必填项" in errors_of(response)[missing]


def test_invalid_uscc_is_400_naming_the_check_character(api, dept_a):
    good = valid_uscc("91410100MA4XY1234")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    response = api.post(URL, body(entity_uscc=wrong), format="json")
    assert response.status_code == 400
    assert f"第18位应为“{good[17]}”" in errors_of(response)["entity_uscc"]


def test_only_public_channels_are_taken(api, dept_a):
    response = api.post(URL, body(channel="12345"), format="json")
    assert response.status_code == 400
    assert "12345" in errors_of(response)["channel"]
    assert api.post(URL, body(channel="api"), format="json").status_code == 201
    assert Complaint.objects.get().channel == "api"


@pytest.mark.parametrize("payload", ['{"entity_name": ', "[]", '"x"'])
def test_malformed_body_is_400_never_500(api, dept_a, payload):
    response = api.post(URL, payload, content_type="application/json")
    assert response.status_code == 400


def test_invalid_phone_is_400_naming_contact_phone(api, dept_a):
    response = api.post(URL, body(contact_phone="打电话给我"), format="json")
    assert response.status_code == 400 and "contact_phone" in errors_of(response)


def test_status_shows_state_deadline_and_outcome_never_the_reporter(api, entity, alice, frozen_today):
    created = api.post(URL, body(entity_uscc=entity.uscc), format="json").json()
    response = api.get(f"{URL}{created['tracking_no']}/", {"code": created["query_code"]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    complaint = Complaint.objects.get(tracking_no=created["tracking_no"])
    assert set(data) == STATUS_KEYS
    assert data == {
        "tracking_no": complaint.tracking_no,
        "status": "received",
        "status_label": "已登记",
        "deadline": complaint.due_on.isoformat(),
        "outcome": None,
    }
    secret_free(response)
    services.complaint_close(
        actor=alice, complaint=complaint, verdict="unfounded", outcome="经现场检查，未发现过期商品。"
    )
    data = api.get(f"{URL}{created['tracking_no'].lower()}/", {"code": created["query_code"]}).json()
    assert (data["status"], data["deadline"], data["outcome"]) == (
        "closed",
        None,
        "不属实：经现场检查，未发现过期商品。",
    )


def test_wrong_code_gets_404_the_same_as_an_unknown_number(api, entity):
    created = api.post(URL, body(), format="json").json()
    wrong = f"{(int(created['query_code']) + 1) % 10**6:06d}"
    wrong_code = api.get(f"{URL}{created['tracking_no']}/", {"code": wrong})
    unknown = api.get(f"{URL}TS20261122-000000/", {"code": created["query_code"]})
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json() == unknown.json()
    missing = api.get(f"{URL}{created['tracking_no']}/")
    assert missing.status_code == 400 and "code" in errors_of(missing)


def test_complaint_filings_are_rate_limited_per_ip_with_429_and_retry_after(api, dept_a):
    from rest_framework.settings import api_settings

    from core.api.throttling import AnonIpThrottle

    original = AnonIpThrottle.THROTTLE_RATES
    AnonIpThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/minute"}
    try:
        codes = [api.post(URL, body(), format="json", REMOTE_ADDR="198.51.100.7").status_code for _ in range(2)]
        last = api.post(URL, body(), format="json", REMOTE_ADDR="198.51.100.7")
        status = api.get(f"{URL}TS1/", {"code": "1"}, REMOTE_ADDR="198.51.100.7")
        other = api.post(URL, body(), format="json", REMOTE_ADDR="198.51.100.8")
    finally:
        AnonIpThrottle.THROTTLE_RATES = original
    assert codes == [201, 201]
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert "请求过于频繁" in last.json()["errors"][0]["detail"]
    assert status.status_code == 429
    assert other.status_code == 201
    assert Complaint.objects.count() == 3


def test_complaint_endpoints_are_in_the_schema_without_a_key(api, db):
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/complaints/"]["post"]
    assert "security" not in operation and set(operation["responses"]) >= {"201", "400", "429"}
    assert "/api/v1/complaints/{tracking_no}/" in schema["paths"]


def test_complaint_endpoints_query_budget(api, entity, django_assert_max_num_queries):
    with django_assert_max_num_queries(
        14
    ):  # roster entity, channel deadline, working-day overrides, number, insert, audit (with savepoints)
        created = api.post(URL, body(entity_uscc=entity.uscc), format="json").json()
    with django_assert_max_num_queries(2):  # the complaint and its department
        api.get(f"{URL}{created['tracking_no']}/", {"code": created["query_code"]})
