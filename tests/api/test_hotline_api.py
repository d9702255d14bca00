"""12345/12315 work orders through POST /api/v1/complaints/ (issue 15 §6, 一号响应).

A hotline system with the ``complaints:write`` scope files its work order with its own number; a
resend returns the same tracking number and never files twice; every status change goes back to
that client alone as a ``complaint.status_changed`` change event, never with the reporter's data.
"""

import datetime as dt
import json
import threading

import pytest
import requests
from django.core.cache import cache
from django.db import connection

from core import changes
from core.choices import Role, Scope
from core.models import AuditEvent
from enforcement import services
from enforcement.choices import ComplaintState, ComplaintVerdict
from enforcement.models import Complaint
from supervision import services as sv
from tests.helpers import wait_for

URL = "/api/v1/complaints/"
REPORTER, PHONE, EMAIL = "热线来电人钱某某", "13698765432", "hotline-caller@example.com"
ORDER = "ZZ12345-20261122-0001"
EVENT_KEYS = {
    "tracking_no",
    "external_order_no",
    "action",
    "status",
    "status_label",
    "department",
    "deadline",
    "outcome",
}


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市中原区某某超市", registration_authority=dept_a)


@pytest.fixture
def hotline(api_key):
    """The 12345 hotline system: an API client with complaints:write."""
    client, key = api_key((Scope.COMPLAINTS_WRITE,))
    return client, key


def order(entity=None, **kw):
    data = {
        "channel": "12345",
        "external_order_no": ORDER,
        "entity_name": entity.name if entity else "某无名小吃摊",
        "entity_uscc": entity.uscc if entity else "",
        "content": "市民来电反映该超市销售过期牛奶。",
        "contact_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
    }
    data.update(kw)
    return data


def post(api, data, key=None):
    if key:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api.post(URL, data, format="json")


def reporter_free(text: str):
    assert REPORTER not in text and PHONE not in text and EMAIL not in text


# --- the scope matrix -------------------------------------------------------------------------------


def test_hotline_order_without_a_key_is_refused_400_naming_the_channel(api, entity, frozen_today):
    # For the public, 12345/12315 are no channels at all (as before issue 15): a 400 on the field.
    response = post(api, order(entity))
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["attr"] == "channel"
    assert "complaints:write" in error["detail"] and "web 或 api" in error["detail"]
    assert not Complaint.objects.exists()


def test_hotline_order_without_a_key_is_refused_before_its_body_is_checked(api, db):
    response = post(api, {"channel": "12315"})
    assert response.status_code == 400 and [e["attr"] for e in response.json()["errors"]] == ["channel"]
    assert not Complaint.objects.exists()


def test_hotline_order_with_a_key_lacking_complaints_write_is_403(api, api_key, entity, frozen_today):
    _client, key = api_key((Scope.CREDIT_READ, Scope.ENFORCEMENT_READ))
    response = post(api, order(entity), key)
    assert response.status_code == 403
    assert "complaints:write" in response.json()["errors"][0]["detail"]
    assert not Complaint.objects.exists()


def test_hotline_order_with_complaints_write_is_201_and_keeps_number_and_client(
    api, hotline, entity, dept_a, frozen_today
):
    client, key = hotline
    response = post(api, order(entity), key)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"tracking_no", "query_code", "external_order_no"} and data["external_order_no"] == ORDER
    assert response["Cache-Control"] == "no-store"
    complaint = Complaint.objects.get(tracking_no=data["tracking_no"])
    assert (complaint.channel, complaint.external_no, complaint.api_client, complaint.department) == (
        "12345",
        ORDER,
        client,
        dept_a,
    )
    assert complaint.contact_phone == PHONE  # kept for the handlers, confidential
    reporter_free(response.content.decode())
    # the audit names the filing system, with the reporter masked
    event = AuditEvent.objects.get(action="complaint.file")
    assert REPORTER not in json.dumps(event.after, ensure_ascii=False)
    # and the query code works on the public status endpoint like any filing's
    status = api.get(f"{URL}{data['tracking_no']}/", {"code": data["query_code"]})
    assert status.status_code == 200 and status.json()["status"] == "received"


def test_hotline_order_needs_its_order_number(api, hotline, entity, frozen_today):
    _client, key = hotline
    response = post(api, order(entity, external_order_no="  "), key)
    assert response.status_code == 400
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert "工单号" in errors["external_order_no"]
    assert not Complaint.objects.exists()


def test_public_filings_keep_working_without_a_key(api, entity, frozen_today):
    response = post(api, order(entity, channel="web", external_order_no=""))
    assert response.status_code == 201 and set(response.json()) == {"tracking_no", "query_code"}
    assert Complaint.objects.get().api_client is None


def test_unknown_channel_names_the_allowed_ones(api, hotline, entity):
    _client, key = hotline
    response = post(api, order(entity, channel="wechat"), key)
    assert response.status_code == 400
    assert "12345" in response.json()["errors"][0]["detail"]


# --- idempotency: (client, external_order_no) --------------------------------------------------------


def test_resend_of_a_work_order_returns_the_same_tracking_number_and_files_nothing(
    api, hotline, entity, frozen_today, django_assert_max_num_queries
):
    _client, key = hotline
    first = post(api, order(entity), key)
    assert first.status_code == 201
    with django_assert_max_num_queries(8):  # client, lock, the order, its throttling/idempotency reads
        again = post(api, order(entity), key)
    assert again.status_code == 200, again.content
    assert again.json() == {
        "tracking_no": first.json()["tracking_no"],
        "query_code": None,  # only its hash is kept: the first answer had it
        "external_order_no": ORDER,
    }
    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(action="complaint.file").count() == 1


def test_resend_with_other_content_under_the_same_number_is_409(api, hotline, entity, frozen_today):
    _client, key = hotline
    first = post(api, order(entity), key).json()
    response = post(api, order(entity, content="另一件事：该超市缺斤短两。"), key)
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"]) == ("external_order_no_reused", "external_order_no")
    assert first["tracking_no"] in error["detail"]
    assert Complaint.objects.count() == 1


def test_the_same_order_number_from_another_hotline_system_is_another_complaint(
    api, api_key, hotline, entity, dept_b, frozen_today
):
    _client, key = hotline
    _other, other_key = api_key((Scope.COMPLAINTS_WRITE,), department=dept_b)
    first = post(api, order(entity), key).json()
    second = post(api, order(entity, channel="12315"), other_key)
    assert second.status_code == 201 and second.json()["tracking_no"] != first["tracking_no"]
    assert Complaint.objects.count() == 2


def test_the_filing_system_reads_its_own_order_without_the_code_and_no_one_else_does(
    api, api_key, hotline, entity, dept_b, frozen_today, django_assert_max_num_queries
):
    _client, key = hotline
    number = post(api, order(entity), key).json()["tracking_no"]
    # the filing system, without the code (a resend no longer returns it)
    with django_assert_max_num_queries(2):  # the client, the complaint with its department
        mine = api.get(f"{URL}{number}/")
    assert mine.status_code == 200
    assert set(mine.json()) == {"tracking_no", "status", "status_label", "deadline", "outcome"}
    assert mine.json()["status"] == "received" and mine["Cache-Control"] == "no-store"
    reporter_free(mine.content.decode())
    # another hotline system: the same 404 as an unknown number
    _other, other_key = api_key((Scope.COMPLAINTS_WRITE,), department=dept_b)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert api.get(f"{URL}{number}/").status_code == 404
    # a client without complaints:write, and the public: the code is required
    _reader, reader_key = api_key((Scope.CREDIT_READ,))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {reader_key}")
    assert api.get(f"{URL}{number}/").status_code == 400
    api.credentials()
    assert api.get(f"{URL}{number}/").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_work_order_file_it_once(hotline, entity, frozen_today):
    client, _key = hotline
    barrier, results, errors = threading.Barrier(4), [], []

    def send():
        try:
            barrier.wait(timeout=10)
            complaint, _code, created = services.complaint_file_hotline(
                client=client,
                external_order_no=ORDER,
                channel="12345",
                entity_name=entity.name,
                entity_uscc=entity.uscc,
                content="市民来电反映该超市销售过期牛奶。",
            )
            results.append((complaint.tracking_no, created))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len({number for number, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert Complaint.objects.count() == 1


# --- 一号响应: every status change goes back to the filing client only ------------------------------


@pytest.fixture
def officers(make_official, dept_a):
    """Two certified enforcement officers of department A (a case needs two)."""
    people = []
    for i, name in enumerate(("王晓", "李军")):
        user = make_official(f"officer{i}", dept_a, role=Role.ENFORCEMENT_OFFICER, first_name=name)
        people.append(
            sv.inspector_save(
                actor="test",
                name=name,
                department=dept_a,
                certificate_no=f"豫41{i:06d}",
                certificate_valid_from=dt.date(2024, 1, 1),
                certificate_valid_to=dt.date(2028, 12, 31),
                user=user,
            )
        )
    return people


def events_for(client, expected=None):
    """The client's status events through the change feed reader. The feed shows an event once every
    transaction older than it has ended on the server (core.changes), so wait for the committed ones."""
    committed = changes.ChangeEvent.objects.filter(type=changes.ChangeType.COMPLAINT_STATUS_CHANGED).count()
    types = [changes.ChangeType.COMPLAINT_STATUS_CHANGED]
    found = wait_for(
        lambda: (
            (rows := changes.read_after(changes.Cursor(), audience=client, types=types)[0])
            and len(rows) >= (committed if expected is None else expected)
            and rows
        ),
        60,
    )
    return found or changes.read_after(changes.Cursor(), audience=client, types=types)[0]


def file_order(client, entity, **kw):
    fields = {
        "client": client,
        "external_order_no": ORDER,
        "channel": "12345",
        "entity_name": entity.name,
        "entity_uscc": entity.uscc,
        "content": "市民来电反映该超市销售过期牛奶。",
        "reporter_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
    }
    fields.update(kw)
    complaint, _code, _created = services.complaint_file_hotline(**fields)
    return complaint


@pytest.mark.django_db(transaction=True)
def test_each_status_change_is_sent_to_the_filing_client_without_personal_data(
    hotline, api_key, entity, alice, bob, dept_b, frozen_today
):
    client, _key = hotline
    other, _ = api_key((Scope.COMPLAINTS_WRITE, Scope.CREDIT_READ))
    # Given a 12345 work order filed by the hotline system
    complaint = file_order(client, entity)
    # When it is accepted, handed to another department (转办), accepted there and closed
    services.complaint_accept(actor=alice, complaint=complaint)
    services.complaint_assign(
        actor=alice, complaint=complaint, department=dept_b, reason="涉及医疗机构，属卫健部门职责"
    )
    services.complaint_accept(actor=bob, complaint=complaint)
    services.complaint_close(
        actor=bob, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome="经现场检查，未发现所反映问题。"
    )
    # Then the client gets one event per change, in order, addressed to it and not public
    found = events_for(client)
    assert [(e.data["action"], e.data["status"]) for e in found] == [
        ("filed", ComplaintState.RECEIVED),
        ("accepted", ComplaintState.HANDLING),
        ("assigned", ComplaintState.RECEIVED),
        ("accepted", ComplaintState.HANDLING),
        ("closed", ComplaintState.CLOSED),
    ]
    for event in found:
        assert (event.type, event.audience_id, event.public, event.ref) == (
            changes.ChangeType.COMPLAINT_STATUS_CHANGED,
            client.pk,
            False,
            ORDER,
        )
        assert set(event.data) == EVENT_KEYS
        assert event.data["tracking_no"] == complaint.tracking_no and event.data["external_order_no"] == ORDER
        reporter_free(json.dumps(event.data, ensure_ascii=False))
    assert found[0].data["status_label"] == "已登记" and found[0].data["deadline"] == complaint.due_on.isoformat()
    assert found[2].data["department"] == dept_b.name
    assert found[-1].data["outcome"] == "不属实：经现场检查，未发现所反映问题。" and found[-1].data["deadline"] is None
    # And no other client, and no client-less reader, ever sees them
    assert (
        changes.read_after(changes.Cursor(), audience=other, types=[changes.ChangeType.COMPLAINT_STATUS_CHANGED])[0]
        == []
    )
    assert changes.read_after(changes.Cursor(), types=[changes.ChangeType.COMPLAINT_STATUS_CHANGED])[0] == []
    # nor the public feed of the entity
    public, _ = changes.read_after(changes.Cursor(), uscc=entity.uscc, public_only=True, audience=client)
    assert public == []


@pytest.mark.django_db(transaction=True)
def test_conversion_to_a_case_is_sent_back_with_the_public_outcome(hotline, entity, alice, officers, frozen_today):
    client, _key = hotline
    complaint = file_order(client, entity)
    services.complaint_convert_to_case(actor=alice, complaint=complaint, handlers=officers, title="涉嫌经营过期食品")
    last = events_for(client)[-1]
    assert (last.data["action"], last.data["status"]) == ("converted", ComplaintState.CLOSED)
    assert last.data["outcome"].startswith("已转立案查处：经核查，已立案调查。")
    reporter_free(json.dumps(last.data, ensure_ascii=False))


@pytest.mark.django_db(transaction=True)
def test_a_refused_change_sends_nothing_and_a_resend_sends_nothing(hotline, entity, alice, frozen_today):
    client, _key = hotline
    complaint = file_order(client, entity)
    file_order(client, entity)  # the resend
    with pytest.raises(Exception, match="不得包含投诉举报人"):
        services.complaint_close(
            actor=alice, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome=f"已电话{PHONE}告知"
        )
    assert [e.data["action"] for e in events_for(client)] == ["filed"]


@pytest.mark.django_db(transaction=True)
def test_complaints_from_the_public_form_or_the_admin_send_no_events(entity, alice, frozen_today):
    # A 12345 order entered by an official in the admin has no filing client: no one to tell.
    complaint, _ = services.complaint_file(
        actor=alice, entity_name=entity.name, content="来电反映。", channel="12345", external_no="ZZ-ADMIN-1"
    )
    services.complaint_accept(actor=alice, complaint=complaint)
    assert not changes.ChangeEvent.objects.filter(type=changes.ChangeType.COMPLAINT_STATUS_CHANGED).exists()


# --- through real HTTP --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_hotline_order_over_real_http_is_filed_once_and_reported_back(live_server, hotline, entity, alice):
    client, key = hotline
    headers = {"Authorization": f"Bearer {key}"}
    first = requests.post(f"{live_server.url}{URL}", json=order(entity), headers=headers, timeout=30)
    again = requests.post(f"{live_server.url}{URL}", json=order(entity), headers=headers, timeout=30)
    anonymous = requests.post(f"{live_server.url}{URL}", json=order(entity), timeout=30)
    assert (first.status_code, again.status_code, anonymous.status_code) == (201, 200, 400)
    assert again.json()["tracking_no"] == first.json()["tracking_no"]
    complaint = Complaint.objects.get()
    services.complaint_accept(actor=alice, complaint=complaint)
    assert [e.data["status"] for e in events_for(client)] == ["received", "handling"]
