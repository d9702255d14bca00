"""Atom feeds anyone can subscribe to (issue 15 §5): one entity's public changes, new penalties, new
list entries. Valid Atom, only public facts, never personal data, bounded queries, the public 404."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import requests
from django.core.cache import cache
from django.db import transaction

from core import changes
from core.changes import ChangeType
from core.choices import Scope
from credit import services as credit_services
from credit.choices import ListGround, ListType, RemovalReason
from tests.conftest import record_data, valid_uscc

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE, ID_NUMBER = "13838012345", "410105198801011234"
REF = "郑市监罚〔2026〕12号"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区好再来餐饮店", registration_authority=dept_a)


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("title", "id", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    return root


def entries(root) -> list[dict]:
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        summary = entry.find(f"{ATOM}summary")
        found.append(
            {
                "title": entry.findtext(f"{ATOM}title"),
                "id": entry.findtext(f"{ATOM}id"),
                "link": entry.find(f"{ATOM}link").get("href"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "summary": summary.text if summary is not None else "",
            }
        )
    return found


def emit(**kw):
    with transaction.atomic():
        return changes.emit(**kw)


def feed_url(uscc):
    return f"/entities/{uscc}/feed.atom"


# --- one entity's public changes ----------------------------------------------------------------------


def test_entity_feed_is_valid_atom_with_its_public_changes_newest_first(client, entity, dept_a):
    # Given a public record event, then a grade change of the entity
    record = emit(
        type=ChangeType.RECORD_CREATED,
        uscc=entity.uscc,
        ref=REF,
        department=dept_a,
        data={"category": "administrative_penalty", "state": "active", "public_now": True},
    )
    grade = emit(
        type=ChangeType.GRADE_CHANGED, uscc=entity.uscc, ref=entity.uscc, data={"from": "GOOD", "to": "WARNING"}
    )
    # When anyone reads its feed
    root = parse(client.get(feed_url(entity.uscc)))
    # Then it is the entity's feed, with both changes, newest first, each with a stable tag id
    assert root.findtext(f"{ATOM}title") == "郑州市金水区好再来餐饮店：信用变更"
    assert root.findtext(f"{ATOM}id").startswith("tag:") and entity.uscc in root.findtext(f"{ATOM}id")
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://testserver/entities/{entity.uscc}/"
    found = entries(root)
    assert [e["title"] for e in found] == ["信用等级变化：良好 → 警示", f"信用记录新增：{REF}"]
    assert [e["id"] for e in found] == [changes_tag(grade), changes_tag(record)]
    assert found[0]["link"] == f"http://testserver/entities/{entity.uscc}/#credit-title"
    assert found[1]["link"] == f"http://testserver/entities/{entity.uscc}/#records-title"
    assert "类别：行政处罚" in found[1]["summary"] and f"部门：{dept_a.name}" in found[1]["summary"]
    assert all(dt.datetime.fromisoformat(e["updated"]) for e in found)


def changes_tag(event) -> str:
    return f"tag:supervision-platform,2026:change/{event.pk}"


def test_entries_appear_after_the_change(client, entity, dept_a, push, frozen_today):
    assert entries(parse(client.get(feed_url(entity.uscc)))) == []
    # When a department pushes a penalty record about the entity (the real emission site)
    push(record_data(entity.uscc, REF, amount="5000.00"))
    titles = [e["title"] for e in entries(parse(client.get(feed_url(entity.uscc))))]
    # Then the feed carries the new record and the penalty summary it made public
    assert f"信用记录新增：{REF}" in titles and f"行政处罚公示：{REF}" in titles


def test_a_published_penalty_links_its_own_page(client, entity, push, frozen_today):
    push(record_data(entity.uscc, REF, amount="5000.00"))
    from enforcement.models import PenaltyDisclosure

    summary = PenaltyDisclosure.objects.get(number=REF)
    found = {e["title"]: e for e in entries(parse(client.get(feed_url(entity.uscc))))}
    assert found[f"行政处罚公示：{REF}"]["link"] == f"http://testserver/penalties/{summary.pk}/"


def test_list_entry_events_name_the_list(client, entity, dept_a, frozen_today):
    entry = add_abnormal(entity, dept_a, decision_no="郑市监异〔2026〕3号")
    credit_services.list_entry_remove(actor="test", entry=entry, reason=RemovalReason.DUTY_FULFILLED)
    found = entries(parse(client.get(feed_url(entity.uscc))))
    assert [e["title"] for e in found] == ["移出名单：郑市监异〔2026〕3号", "列入名单：郑市监异〔2026〕3号"]
    assert all("名单：经营异常名录" in e["summary"] for e in found)
    assert found[0]["link"].endswith("#lists-title")


def test_non_public_and_addressed_events_and_other_entities_are_absent(client, entity, make_entity, api_key):
    hotline, _key = api_key((Scope.COMPLAINTS_WRITE,))
    other = make_entity()
    emit(type=ChangeType.RECORD_EXPIRED, uscc=entity.uscc, ref="仅共享-1", public=False)
    emit(
        type=ChangeType.COMPLAINT_STATUS_CHANGED,
        uscc=entity.uscc,
        ref="ZZ12345-1",
        public=False,
        audience=hotline,
        data={"status": "received"},
    )
    emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref="误标公开-1", public=True, audience=hotline)
    emit(type=ChangeType.RECORD_CREATED, uscc=other.uscc, ref="他人记录-1")
    shown = emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref="公开记录-1")
    found = entries(parse(client.get(feed_url(entity.uscc))))
    assert [e["id"] for e in found] == [changes_tag(shown)]
    body = client.get(feed_url(entity.uscc)).content.decode()
    for hidden in ("仅共享-1", "ZZ12345-1", "误标公开-1", "他人记录-1"):
        assert hidden not in body


def test_entity_feed_never_carries_personal_data(client, entity, dept_a, push, frozen_today):
    # Given a pushed penalty whose content names a phone and an ID number (the public page masks them)
    push(
        record_data(
            entity.uscc,
            REF,
            amount="5000.00",
            content=f"经查，当事人（联系电话{PHONE}，身份证号{ID_NUMBER}）销售商品未明码标价。",
        )
    )
    # and an event whose data holds them (the feed shows an allow-listed part of data only)
    emit(
        type=ChangeType.RECORD_UPDATED,
        uscc=entity.uscc,
        ref="郑市监罚〔2026〕13号",
        data={"category": "administrative_penalty", "note": PHONE, "id_number": ID_NUMBER},
    )
    for url in (feed_url(entity.uscc), "/penalties/feed.atom"):
        body = client.get(url).content.decode()
        assert REF in body
        assert PHONE not in body and ID_NUMBER not in body, url


def test_entity_feed_caps_entries_and_keeps_its_query_budget(
    client, entity, dept_a, push, frozen_today, django_assert_max_num_queries
):
    push(record_data(entity.uscc, REF, amount="5000.00"))
    with transaction.atomic():
        for i in range(60):
            changes.emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref=f"批量-{i}", department=dept_a)
    with django_assert_max_num_queries(4):  # entity, events (with departments), penalty pages (published, withdrawn)
        response = client.get(feed_url(entity.uscc))
    found = entries(parse(response))
    assert len(found) == 50 and found[0]["title"] == "信用记录新增：批量-59"


def test_invalid_uscc_is_the_public_404(client, db):
    good = valid_uscc("91410100MA4XY1234")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    for code in (wrong, "123", "X" * 18):
        response = client.get(feed_url(code))
        assert response.status_code == 404, code
        assert response["Content-Type"].startswith("text/html")
        assert "统一社会信用代码有误" in response.content.decode()


def test_valid_but_unknown_entity_is_404(client, db):
    code = valid_uscc("91410100MA4XY1234")
    response = client.get(feed_url(code))
    assert response.status_code == 404 and f"未找到统一社会信用代码为 {code} 的市场主体" in response.content.decode()


def test_lower_case_uscc_redirects_to_the_canonical_feed(client, entity):
    response = client.get(feed_url(entity.uscc.lower()))
    assert response.status_code == 302 and response["Location"] == feed_url(entity.uscc)


# --- penalties newly in disclosure ------------------------------------------------------------------


def test_penalty_feed_lists_new_penalties_in_disclosure_newest_first(
    client, entity, make_entity, push, frozen_today, django_assert_max_num_queries
):
    other = make_entity(name="郑州市二七区某某超市")
    push(record_data(entity.uscc, REF, amount="5000.00"))
    push(record_data(other.uscc, "郑市监罚〔2026〕20号", amount="800.00", title="销售过期食品"))
    # a revoked one leaves disclosure
    push(record_data(other.uscc, "郑市监罚〔2026〕21号", amount="100.00"))
    from credit.models import CreditRecord

    revoked = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕21号")
    credit_services.credit_record_revoke(actor="test", record=revoked, reason="决定已撤销")
    with django_assert_max_num_queries(2):
        response = client.get("/penalties/feed.atom")
    root = parse(response)
    assert "max-age=60" in response["Cache-Control"]  # one rendering serves every reader for a minute
    found = entries(root)
    assert [e["title"] for e in found] == [
        "郑州市二七区某某超市：销售过期食品",
        "郑州市金水区好再来餐饮店：未按规定明码标价",
    ]
    assert "决定书文号：郑市监罚〔2026〕20号" in found[0]["summary"] and "罚款金额：800.00 元" in found[0]["summary"]
    assert found[0]["link"].startswith("http://testserver/penalties/") and found[0]["id"].startswith("tag:")
    assert "21号" not in client.get("/penalties/feed.atom").content.decode()


# --- new entries of a public list -------------------------------------------------------------------


def add_abnormal(entity, dept, **kw):
    return credit_services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept,
        decided_on=kw.pop("decided_on", dt.date(2026, 11, 20)),
        ground_established_on=dt.date(2026, 11, 18),
        **kw,
    )


def test_list_feed_carries_new_entries_of_that_list_only(
    client, entity, make_entity, dept_a, frozen_today, django_assert_max_num_queries
):
    second = make_entity(name="郑州市管城区某某商行")
    add_abnormal(entity, dept_a, decision_no="郑市监异〔2026〕3号", decided_on=dt.date(2026, 11, 18))
    add_abnormal(second, dept_a, decision_no="郑市监异〔2026〕4号")
    removed = add_abnormal(make_entity(name="已移出商行"), dept_a)
    credit_services.list_entry_remove(actor="test", entry=removed, reason=RemovalReason.DUTY_FULFILLED)
    with django_assert_max_num_queries(2):
        root = parse(client.get("/lists/abnormal/feed.atom"))
    assert root.findtext(f"{ATOM}title") == "经营异常名录：新列入"
    found = entries(root)
    assert [e["title"] for e in found] == [
        "郑州市管城区某某商行 列入经营异常名录",
        "郑州市金水区好再来餐饮店 列入经营异常名录",
    ]
    assert (
        f"统一社会信用代码：{second.uscc}" in found[0]["summary"] and "文号：郑市监异〔2026〕4号" in found[0]["summary"]
    )
    assert found[0]["link"] == f"http://testserver/entities/{second.uscc}/"
    assert entries(parse(client.get("/lists/red/feed.atom"))) == []


def test_unknown_list_is_the_public_404(client, db):
    for name in ("nonsense", "exit"):
        response = client.get(f"/lists/{name}/feed.atom")
        assert response.status_code == 404 and "未找到该名单" in response.content.decode()


# --- the pages link their feeds -----------------------------------------------------------------------


def test_pages_link_their_feeds(client, entity):
    page = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert f'<link rel="alternate" type="application/atom+xml" href="/entities/{entity.uscc}/feed.atom"' in page
    assert "订阅此主体的信用变更（Atom）" in page
    penalties = client.get("/penalties/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/penalties/feed.atom"' in penalties
    assert "订阅新公示的行政处罚（Atom）" in penalties
    listing = client.get("/lists/serious/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/lists/serious/feed.atom"' in listing
    assert "订阅本名单新列入（Atom）" in listing


# --- through real HTTP --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_entity_feed_over_real_http(live_server, make_entity, dept_a):
    entity = make_entity(registration_authority=dept_a)
    emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref=REF, department=dept_a)
    response = requests.get(f"{live_server.url}{feed_url(entity.uscc)}", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == f"信用记录新增：{REF}"
    assert entry.find(f"{ATOM}link").get("href") == f"{live_server.url}/entities/{entity.uscc}/#records-title"
    missing = requests.get(f"{live_server.url}{feed_url(valid_uscc('91410100MA4XY1234'))}", timeout=30)
    assert missing.status_code == 404
