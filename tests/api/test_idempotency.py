"""Issue 12 §6 "One submission, one filing": the public filing APIs honour ``Idempotency-Key``.

Same key + same body → the first 201 again (same tracking number and query code), filed once.
Same key + another body → 422, nothing filed. See core/idempotency.py for the decisions.
"""

import datetime as dt
import uuid

import pytest
import time_machine

from core.idempotency import IdempotencyKey
from credit import services as credit_services
from credit.models import CreditRecord, Objection, RepairApplication
from enforcement.models import Complaint
from tests.conftest import record_data

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_ip_counters():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def record(make_entity, push, frozen_today):
    entity = make_entity(name="郑州市金水区老王烩面馆")
    push(record_data(entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05"))
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")


@pytest.fixture
def filings(record, make_entity, dept_a):
    """(path, body, model) of each public filing endpoint."""
    make_entity(name="郑州市二七区某某超市", registration_authority=dept_a)
    return {
        "complaints": (
            "/api/v1/complaints/",
            {"entity_name": "郑州市二七区某某超市", "content": "销售过期牛奶。", "contact_phone": PHONE},
            Complaint,
        ),
        "objections": (
            "/api/v1/objections/",
            {"record_id": record.pk, "applicant_name": "王某", "contact_phone": PHONE, "reason": "已被复议撤销。"},
            Objection,
        ),
        "repairs": (
            "/api/v1/repair-applications/",
            {
                "record_id": record.pk,
                "applicant_name": "王某",
                "contact_phone": PHONE,
                "reason": "已缴纳罚款并完成整改。",
                "commitment_accepted": True,
            },
            RepairApplication,
        ),
    }


KINDS = ["complaints", "objections", "repairs"]


@pytest.mark.parametrize("kind", KINDS)
def test_idempotency_key_replay_files_once(api, filings, kind):
    path, body, model = filings[kind]
    key = str(uuid.uuid4())

    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    # The same body with its keys in another order is the same request.
    again = api.post(path, dict(reversed(list(body.items()))), format="json", HTTP_IDEMPOTENCY_KEY=key)
    third = api.post(
        path, body, format="json", HTTP_IDEMPOTENCY_KEY=key, REMOTE_ADDR="198.51.100.77"
    )  # the phone changed network

    assert first.status_code == 201, first.content
    assert again.status_code == third.status_code == 201
    assert again.json() == third.json() == first.json()  # same tracking number and the same query code
    assert again["Idempotent-Replayed"] == "true" and again["Cache-Control"] == "no-store"
    assert model.objects.count() == 1
    # The replayed code is the real one: it opens the filing.
    assert credit_services.filing_lookup(model, first.json()["tracking_no"], again.json()["query_code"]) is not None
    # Nothing readable is kept: neither the key nor the query code.
    row = IdempotencyKey.objects.get()
    stored = str(row.response) + row.key_digest
    assert first.json()["query_code"] not in stored and key not in stored
    # A new key is a new filing.
    if kind == "complaints":
        assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 201
        assert model.objects.count() == 2


@pytest.mark.parametrize("kind", KINDS)
def test_idempotency_key_with_another_body_is_refused(api, filings, kind):
    path, body, model = filings[kind]
    key = str(uuid.uuid4())
    assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201

    other = api.post(path, {**body, "contact_phone": "13800000000"}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert other.status_code == 422, other.content
    error = other.json()["errors"][0]
    assert (
        other.json()["type"] == "client_error"
        and error["code"] == "idempotency_key_reused"
        and error["attr"] == "Idempotency-Key"
    )
    assert "另一内容不同的提交" in error["detail"]
    assert model.objects.count() == 1


def test_idempotency_key_kept_48_hours_then_free(api, filings):
    path, body, model = filings["complaints"]
    key = str(uuid.uuid4())
    assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    with time_machine.travel(dt.timedelta(hours=47), tick=False):
        assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)["Idempotent-Replayed"] == "true"
    with time_machine.travel(dt.timedelta(hours=49), tick=False):
        assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert model.objects.count() == 2


def test_a_refused_filing_keeps_no_key(api, filings):
    path, body, _model = filings["complaints"]
    key = str(uuid.uuid4())
    bad = api.post(path, {**body, "content": ""}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert (
        api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    )  # the corrected body may reuse the key


@pytest.mark.parametrize("key", ["short", "x" * 129, "含中文的幂等键含中文的幂等键含中文"])
def test_a_malformed_idempotency_key_is_400_naming_the_header(api, filings, key):
    path, body, model = filings["complaints"]
    response = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "Idempotency-Key"
    assert not model.objects.exists()
