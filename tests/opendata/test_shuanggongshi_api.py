"""``GET /api/v1/exchange/shuanggongshi/`` (issue 15 §6): records:write clients export their own department's rows."""

import csv
import io
import json
import urllib.error
import urllib.request

import pytest
from openpyxl import load_workbook

from core.models import AuditEvent
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/shuanggongshi/"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def pushed(push, dept_a, dept_b, make_entity, frozen_today):
    entity = make_entity(name="郑州云杉商贸有限公司")
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕12号", amount="50000.00", penalty_types=["fine"]),
        record_data(entity.uscc, "郑市监许〔2026〕8号", category="administrative_licence", polarity="positive"),
    )
    push(record_data(entity.uscc, "郑卫健罚〔2026〕3号", amount="2000.00", penalty_types=["fine"]), department=dept_b)
    return entity


def client_for(api, api_key, scopes, department=None):
    _, key = api_key(scopes, department=department)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_owner_gets_only_its_departments_penalties_as_json(api, api_key, pushed, dept_a):
    client = client_for(api, api_key, ("records:write",))
    response = client.get(URL, {"kind": "penalty", **NOVEMBER})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json") and response["X-Row-Count"] == "1"
    doc = json.loads(b"".join(response.streaming_content))
    assert [r["CF_WSH"] for r in doc["rows"]] == ["郑市监罚〔2026〕12号"]
    assert doc["rows"][0]["CF_CFJGDM"] == dept_a.uscc


def test_another_department_gets_its_own_rows_only(api, api_key, pushed, dept_b):
    client = client_for(api, api_key, ("records:write",), department=dept_b)
    doc = json.loads(b"".join(client.get(URL, {"kind": "penalty", **NOVEMBER}).streaming_content))
    assert [r["CF_WSH"] for r in doc["rows"]] == ["郑卫健罚〔2026〕3号"]


def test_a_client_without_records_write_gets_403_and_no_key_401(api, api_key, pushed):
    assert api.get(URL, {"kind": "penalty", **NOVEMBER}).status_code == 401
    client = client_for(api, api_key, ("credit:read",))
    response = client.get(URL, {"kind": "penalty", **NOVEMBER})
    assert response.status_code == 403
    assert response.json()["type"] == "client_error" and "records:write" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"kind": "penalty", "from": "2026-13-01", "to": "2026-11-30"}, "from"),
        ({"kind": "penalty", "from": "昨天", "to": "2026-11-30"}, "from"),
        ({"kind": "penalty", "from": "2026-11-30", "to": "2026-11-01"}, "to"),
        ({"kind": "penalty", "from": "2026-11-01"}, "to"),
        ({"kind": "fines", **NOVEMBER}, "kind"),
        ({"kind": "penalty", "format": "pdf", **NOVEMBER}, "format"),
    ],
)
def test_bad_parameters_get_400_in_the_api_error_shape(api, api_key, params, attr):
    client = client_for(api, api_key, ("records:write",))
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [e["attr"] for e in body["errors"]] == [attr] and body["errors"][0]["detail"]


def test_csv_and_xlsx_formats(api, api_key, pushed):
    client = client_for(api, api_key, ("records:write",))
    response = client.get(URL, {"kind": "licence", "format": "csv", **NOVEMBER})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert raw.startswith(b"\xef\xbb\xbf") and rows[0][0] == "行政相对人名称" and len(rows) == 2
    response = client.get(URL, {"kind": "licence", "format": "xlsx", **NOVEMBER})
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 2


def test_each_export_is_audited_with_the_client(api, api_key, pushed):
    client = client_for(api, api_key, ("records:write",))
    client.get(URL, {"kind": "act", **NOVEMBER})
    event = AuditEvent.objects.get(action="opendata.shuanggongshi_export")
    assert event.actor_client_id is not None and event.after["kind"] == "act" and event.after["rows"] == 0


def test_schema_documents_the_export_under_its_chinese_tag(api):
    response = api.get("/api/schema/", {"format": "json"})
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/exchange/shuanggongshi/"]["get"]
    assert operation["tags"] == ["数据交换"]
    assert {p["name"] for p in operation["parameters"]} >= {"kind", "from", "to", "format"}
    assert {"400", "401", "403"} <= set(operation["responses"])


@pytest.mark.django_db(transaction=True)
def test_export_over_real_http(live_server, api_key, push, dept_a, make_entity, frozen_today):
    # Given a licence of department A, committed, and A's records:write client
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监许〔2026〕9号", category="administrative_licence", polarity="positive"))
    _, key = api_key(("records:write",))
    # When the client asks over HTTP
    request = urllib.request.Request(
        f"{live_server.url}{URL}?kind=licence&from=2026-11-01&to=2026-11-30&format=csv",
        headers={"Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode("utf-8-sig")
    # Then the file has the licence
    assert "郑市监许〔2026〕9号" in body
    # ... and a bad date is a 400 in the error shape over HTTP too
    bad = urllib.request.Request(
        f"{live_server.url}{URL}?kind=licence&from=2026-02-30&to=2026-11-30",
        headers={"Authorization": f"Bearer {key}"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad, timeout=30)
    assert err.value.code == 400 and json.loads(err.value.read())["errors"][0]["attr"] == "from"
