"""``POST /api/v1/list-exit-applications/`` and its status endpoint (API.md "Public filings"; issue 12 §4).

No key, rate-limited per IP like objections; the rules are the service's; the contact phone never
comes back in any response.
"""

import datetime as dt

import pytest

from credit import services
from credit.choices import ListGround, ListType
from credit.services import list_exits

PHONE = "13977776666"
STATUS_KEYS = {"tracking_no", "status", "status_label", "deadline", "outcome"}
URL = "/api/v1/list-exit-applications/"


@pytest.fixture(autouse=True)
def _fresh_ip_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def body(**kw):
    return {"applicant_name": "郑州测试商贸有限公司", "contact_phone": PHONE, "reason": "已补报年度报告并公示。", **kw}


def errors_of(response) -> dict:
    data = response.json()
    assert data["type"] == "validation_error", data
    return {e["attr"]: e["detail"] for e in data["errors"]}


@pytest.fixture
def entry(make_entity, dept_a, frozen_today):
    return services.list_entry_add(
        actor="test",
        entity_uscc=make_entity().uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )


def serious_entry(make_entity, dept, on):
    return services.list_entry_add(
        actor="test",
        entity_uscc=make_entity().uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        legal_basis="依据",
        department=dept,
        decided_on=on,
        notice_on=on - dt.timedelta(days=7),
    )


def test_list_exit_application_answers_201_then_status_without_contact(api, entry, alice):
    created = api.post(URL, body(list_entry_id=entry.pk), format="json")
    assert created.status_code == 201, created.content
    assert set(created.json()) == {"tracking_no", "query_code"} and created["Cache-Control"] == "no-store"
    number, code = created.json()["tracking_no"], created.json()["query_code"]
    status = api.get(f"{URL}{number}/", {"code": code})
    assert status.status_code == 200
    assert status.json() == {
        "tracking_no": number,
        "status": "submitted",
        "status_label": "待决定",
        "deadline": "2026-11-27",
        "outcome": None,
    }
    application = list_exits.ListExitApplication.objects.get()
    assert application.channel == "api"
    list_exits.list_exit_refuse(actor=alice, application=application, reason="未见补报的年度报告")
    decided = api.get(f"{URL}{number}/", {"code": code}).json()
    assert set(decided) == STATUS_KEYS
    assert (decided["status"], decided["deadline"], decided["outcome"]) == (
        "refused",
        None,
        "不予移出：未见补报的年度报告",
    )
    for response in (created, status):
        assert PHONE not in response.content.decode()


@pytest.mark.parametrize("missing", ["list_entry_id", "applicant_name", "contact_phone", "reason"])
def test_list_exit_missing_required_field_is_400_naming_it(api, entry, missing):
    data = body(list_entry_id=entry.pk)
    data.pop(missing)
    response = api.post(URL, data, format="json")
    assert response.status_code == 400
    assert missing in errors_of(response)


def test_list_exit_before_one_year_on_the_serious_list_is_400_with_the_reason(api, make_entity, dept_a, frozen_today):
    young = serious_entry(make_entity, dept_a, dt.date(2026, 3, 1))
    response = api.post(URL, body(list_entry_id=young.pk), format="json")
    assert response.status_code == 400
    assert "列入满1年后方可申请提前移出" in errors_of(response)["list_entry_id"]


def test_list_exit_unknown_or_removed_entry_is_400_not_500(api, entry, alice):
    for value in (999999, "abc", -1, 2**70):
        assert api.post(URL, body(list_entry_id=value), format="json").status_code == 400
    services.list_entry_remove(actor=alice, entry=entry, reason="duty_fulfilled")
    response = api.post(URL, body(list_entry_id=entry.pk), format="json")
    assert response.status_code == 400 and "list_entry_id" in errors_of(response)


def test_list_exit_wrong_code_is_404_like_an_unknown_number(api, entry):
    number = api.post(URL, body(list_entry_id=entry.pk), format="json").json()["tracking_no"]
    assert api.get(f"{URL}{number}/", {"code": "000000"}).status_code == 404
    assert api.get(f"{URL}YC20261122-000000/", {"code": "123456"}).status_code == 404


def test_list_exit_endpoints_are_throttled_per_ip(api, entry):
    from rest_framework.settings import api_settings

    from core.api.throttling import AnonIpThrottle

    original = AnonIpThrottle.THROTTLE_RATES
    AnonIpThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/minute"}
    try:
        codes = [api.post(URL, {}, format="json", REMOTE_ADDR="198.51.100.7").status_code for _ in range(3)]
    finally:
        AnonIpThrottle.THROTTLE_RATES = original
    assert codes[:2] == [400, 400] and codes[2] == 429


def test_list_exit_is_in_the_schema_without_a_key(api, db):
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    operation = schema["paths"][URL]["post"]
    assert "security" not in operation and set(operation["responses"]) >= {"201", "400", "429"}
    assert f"{URL}{{tracking_no}}/" in schema["paths"]


def test_list_exit_retry_with_the_same_idempotency_key_files_once(api, entry):
    headers = {"HTTP_IDEMPOTENCY_KEY": "c0ffee00-list-exit-0001"}
    first = api.post(URL, body(list_entry_id=entry.pk), format="json", **headers)
    again = api.post(URL, body(list_entry_id=entry.pk), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert list_exits.ListExitApplication.objects.count() == 1
