"""``GET /api/v1/changes/?after=<cursor>`` (issue 15 §3, API.md): any read scope; a client sees only
the event types its scopes allow and never an event addressed to another client; an unreadable
cursor is 400, one past the 90-day retention 410; an empty feed answers the same cursor back.

The events are committed for real (``transaction=True``): the feed shows only events of ended
transactions, and the database server is shared, so each test first waits until its events are
visible (another session's open transaction holds the feed back until it ends)."""

import pytest
import requests
import yaml
from django.db import transaction

from core import changes
from core.changes import ChangeFeedHorizon, ChangeType, Cursor
from tests.conftest import SINOPEC
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/changes/"
VISIBLE_TIMEOUT = 300


def committed(*specs):
    """Emit events in one committed transaction; return them once every reader can see them."""
    with transaction.atomic():
        events = [changes.emit(**spec) for spec in specs]
    last = events[-1]
    assert wait_for(lambda: changes.latest_cursor() >= Cursor(last.txid, last.pk), VISIBLE_TIMEOUT)
    return events


@pytest.fixture
def client_with(api_key, api):
    def make(*scopes, department=None):
        client, key = api_key(scopes, department=department)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


@pytest.fixture
def feed(api_key, dept_a, dept_b):
    """One event of each kind, and two hotline work orders' status changes addressed to two clients."""
    hotline, hotline_key = api_key(("complaints:write",), department=dept_a)
    other_hotline, _ = api_key(("complaints:write",), department=dept_b)
    events = committed(
        {
            "type": ChangeType.RECORD_CREATED,
            "uscc": SINOPEC,
            "ref": "郑市监罚〔2026〕12号",
            "object_id": 7,
            "department": dept_a,
            "data": {"category": "administrative_penalty", "state": "active", "public_now": True},
        },
        {
            "type": ChangeType.PENALTY_PUBLISHED,
            "uscc": SINOPEC,
            "ref": "郑卫罚〔2026〕3号",
            "object_id": 8,
            "department": dept_b,
        },
        {
            "type": ChangeType.INSPECTION_RESULT_PUBLISHED,
            "uscc": SINOPEC,
            "ref": "抽查结果-9",
            "object_id": 9,
            "department": dept_a,
        },
        {
            "type": ChangeType.GRADE_CHANGED,
            "uscc": SINOPEC,
            "ref": SINOPEC,
            "data": {"from": "GOOD", "to": "DISHONEST"},
        },
        {"type": ChangeType.COMPLAINT_STATUS_CHANGED, "ref": "12345-001", "public": False, "audience": hotline},
        {"type": ChangeType.COMPLAINT_STATUS_CHANGED, "ref": "12345-002", "public": False, "audience": other_hotline},
    )
    return {"events": events, "hotline": hotline, "hotline_key": hotline_key}


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["ref"] for e in response.json()["results"]]


def test_credit_read_client_sees_credit_events_only(feed, client_with, api):
    client_with("credit:read")
    assert refs(api.get(URL)) == ["郑市监罚〔2026〕12号", SINOPEC]  # no penalty, result or work order


def test_enforcement_and_inspections_clients_see_their_types_only(feed, client_with, api):
    client_with("enforcement:read")
    assert refs(api.get(URL)) == ["郑卫罚〔2026〕3号"]
    client_with("inspections:read")
    assert refs(api.get(URL)) == ["抽查结果-9"]
    client_with("credit:read", "enforcement:read", "inspections:read")
    assert len(refs(api.get(URL))) == 4


def test_hotline_client_sees_only_its_own_work_orders(feed, api):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {feed['hotline_key']}")
    assert refs(api.get(URL)) == ["12345-001"]


def test_without_a_key_401_and_without_a_read_scope_403(feed, client_with, api):
    anonymous = api.get(URL)
    assert anonymous.status_code == 401 and anonymous.json()["type"] == "client_error"
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-key")
    assert api.get(URL).status_code == 401
    client_with("records:write")
    refused = api.get(URL)
    assert refused.status_code == 403
    assert "读取变更事件" in refused.json()["errors"][0]["detail"]


def test_event_shape_and_paging_by_cursor(feed, client_with, api, dept_a):
    client_with("credit:read")
    first = api.get(URL, {"limit": 1})
    assert first.status_code == 200 and first["Cache-Control"] == "no-store"
    body = first.json()
    (event,) = body["results"]
    assert set(event) == {"id", "type", "type_label", "occurred_at", "uscc", "ref", "object_id", "department", "data"}
    assert (event["type"], event["type_label"], event["uscc"], event["object_id"]) == (
        "record.created",
        "信用记录新增",
        SINOPEC,
        7,
    )
    assert event["occurred_at"].endswith("+08:00")  # API.md: datetimes with a timezone (Asia/Shanghai)
    assert event["department"] == {"code": dept_a.code, "name": dept_a.name}
    assert event["data"] == {"category": "administrative_penalty", "state": "active", "public_now": True}
    second = api.get(URL, {"after": body["next_cursor"], "limit": 1}).json()
    assert [e["ref"] for e in second["results"]] == [SINOPEC] and second["results"][0]["department"] is None
    # an empty feed answers the same cursor back, so the client can poll with it
    empty = api.get(URL, {"after": second["next_cursor"]}).json()
    assert empty == {"results": [], "next_cursor": second["next_cursor"]}


def test_latest_cursor_reads_only_what_comes_next(feed, client_with, api, dept_a):
    client_with("credit:read")
    latest = api.get(URL, {"after": "latest"}).json()
    assert latest["results"] == []
    committed({"type": ChangeType.RECORD_REVOKED, "uscc": SINOPEC, "ref": "郑市监罚〔2026〕12号", "department": dept_a})
    assert [e["type"] for e in api.get(URL, {"after": latest["next_cursor"]}).json()["results"]] == ["record.revoked"]


def test_types_filter_within_the_clients_scopes(feed, client_with, api):
    client_with("credit:read")
    assert refs(api.get(URL, {"types": "grade.changed"})) == [SINOPEC]
    outside = api.get(URL, {"types": "penalty.published"})
    assert outside.status_code == 403 and "penalty.published" in outside.json()["errors"][0]["detail"]
    unknown = api.get(URL, {"types": "record.exploded"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["attr"] == "types"


def test_unreadable_cursor_or_limit_is_400_in_the_error_shape(feed, client_with, api):
    client_with("credit:read")
    for after in ("not-a-cursor", "djE6eDox", "!!!", "djI6MTox", "djE6LTE6MA"):  # garbage, bad number, v2, negative
        response = api.get(URL, {"after": after})
        assert response.status_code == 400, after
        body = response.json()
        assert body["type"] == "validation_error" and body["errors"][0]["attr"] == "after"
        assert "游标无效" in body["errors"][0]["detail"]
    for limit in ("0", "1001", "abc", "-1", "１"):
        response = api.get(URL, {"limit": limit})
        assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "limit", limit


def test_cursor_past_the_90_day_retention_is_410_with_a_clear_message(feed, client_with, api):
    # given a client that read the first event, and a prune that has since deleted events after it
    client_with("credit:read")
    first = api.get(URL, {"limit": 1}).json()
    last = feed["events"][-1]
    ChangeFeedHorizon.objects.create(txid=last.txid, event_id=last.pk)
    # when it goes on from its cursor
    response = api.get(URL, {"after": first["next_cursor"]})
    # then 410, in the error shape, in Chinese, with what to do
    assert response.status_code == 410
    (error,) = response.json()["errors"]
    assert error["code"] == "cursor_expired"
    assert error["detail"] == "游标已过保留期（90 天）：请重新全量同步后从最新游标读取（after=latest）"


def test_query_budget_does_not_grow_with_the_events(client_with, api, dept_a, dept_b, django_assert_max_num_queries):
    client_with("credit:read")
    committed(
        *[
            {"type": ChangeType.RECORD_CREATED, "uscc": SINOPEC, "ref": f"R-{i}", "department": (dept_a, dept_b)[i % 2]}
            for i in range(60)
        ]
    )
    # key lookup, read, horizon check, the departments: whatever the number of events
    with django_assert_max_num_queries(5):
        assert len(refs(api.get(URL, {"limit": 1000}))) == 60


def test_changes_over_real_http(feed, api_key, live_server):
    _client, key = api_key(("credit:read",))
    response = requests.get(f"{live_server.url}{URL}", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert response.status_code == 200
    assert [e["ref"] for e in response.json()["results"]] == ["郑市监罚〔2026〕12号", SINOPEC]
    assert requests.get(f"{live_server.url}{URL}", timeout=30).status_code == 401


def test_schema_documents_the_change_feed_in_chinese(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/changes/"]["get"]
    assert operation["tags"] == ["变更订阅"]
    assert {p["name"] for p in operation["parameters"]} >= {"after", "limit", "types"}
    assert {"200", "400", "401", "403", "410"} <= set(operation["responses"])
