"""Admin scoping: the owning department's official (alice), another's (bob), and anonymous."""

import datetime as dt

import pytest

from core.models import AuditEvent
from supervision import services
from supervision.models import Inspector


@pytest.fixture
def inspector_a(dept_a):
    return services.inspector_save(
        actor="test",
        name="李明",
        department=dept_a,
        certificate_no="41010023000001",
        certificate_valid_from=dt.date(2024, 1, 1),
        certificate_valid_to=dt.date(2028, 12, 31),
    )


@pytest.fixture
def item_a(dept_a):
    return services.item_save(
        actor="test", catalogue_code="11410100000001", name="食品经营许可事项监督检查", department=dept_a
    )


def test_owner_can_change_own_inspector(client, alice, inspector_a):
    client.force_login(alice)
    assert client.get(f"/admin/supervision/inspector/{inspector_a.pk}/change/").status_code == 200
    data = {
        "name": "李明明",
        "department": inspector_a.department_id,
        "certificate_no": inspector_a.certificate_no,
        "certificate_valid_from": "2024-01-01",
        "certificate_valid_to": "2028-12-31",
        "specialities": "食品安全",
        "active": "on",
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/supervision/inspector/{inspector_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspector_a.refresh_from_db()
    assert inspector_a.name == "李明明"
    assert AuditEvent.objects.filter(action="inspector.update", actor_user=alice).exists()


def test_other_department_cannot_see_or_change_inspector(client, bob, inspector_a):
    client.force_login(bob)
    assert "李明" not in client.get("/admin/supervision/inspector/").content.decode()
    response = client.get(f"/admin/supervision/inspector/{inspector_a.pk}/change/")
    assert response.status_code in (302, 403, 404)
    response = client.post(f"/admin/supervision/inspector/{inspector_a.pk}/delete/", {"post": "yes"})
    assert Inspector.objects.filter(pk=inspector_a.pk).exists()


def test_other_department_sees_item_but_cannot_change_it(client, bob, item_a):
    client.force_login(bob)
    assert "食品经营许可事项监督检查" in client.get("/admin/supervision/supervisionitem/").content.decode()
    page = client.get(f"/admin/supervision/supervisionitem/{item_a.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view-only
    data = {"name": "改名", "catalogue_code": item_a.catalogue_code, "department": item_a.department_id}
    response = client.post(f"/admin/supervision/supervisionitem/{item_a.pk}/change/", data)
    assert response.status_code == 403
    item_a.refresh_from_db()
    assert item_a.name == "食品经营许可事项监督检查"


def test_official_creating_an_inspector_gets_own_department(client, alice, dept_b):
    client.force_login(alice)
    data = {
        "name": "王芳",
        "department": dept_b.pk,  # tries another department
        "certificate_no": "41010023000099",
        "certificate_valid_from": "2024-01-01",
        "certificate_valid_to": "2027-12-31",
        "specialities": "",
        "active": "on",
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
    }
    client.post("/admin/supervision/inspector/add/", data)
    assert not Inspector.objects.filter(certificate_no="41010023000099", department=dept_b).exists()


def test_entities_readable_by_officials_changed_only_by_platform_admin(client, alice, platform_admin, make_entity):
    entity = make_entity(name="郑州只读测试有限公司")
    client.force_login(alice)
    assert "郑州只读测试有限公司" in client.get("/admin/supervision/marketentity/").content.decode()
    assert 'name="_save"' not in client.get(f"/admin/supervision/marketentity/{entity.pk}/change/").content.decode()
    client.force_login(platform_admin)
    assert 'name="_save"' in client.get(f"/admin/supervision/marketentity/{entity.pk}/change/").content.decode()


def test_admin_entity_search_uses_the_name_index(client, alice, make_entity):
    make_entity(name="郑州市二七区张记胡辣汤店")
    client.force_login(alice)
    html = client.get("/admin/supervision/marketentity/", {"q": "胡辣汤"}).content.decode()
    assert "郑州市二七区张记胡辣汤店" in html


def test_anonymous_is_sent_to_login(client, inspector_a):
    response = client.get("/admin/supervision/inspector/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_pages_are_in_chinese(client, alice):
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    assert "综合监管平台" in html
    assert "执法检查人员名录库" in html


def test_checklist_code_must_be_department_uscc_plus_digit(client, alice, item_a, dept_a):
    client.force_login(alice)
    data = {
        "item": item_a.pk,
        "department": dept_a.pk,
        "code": dept_a.uscc + "7",
        "name": "检查表",
        "content": "检查内容",
        "method": "on_site",
    }
    response = client.post("/admin/supervision/inspectionchecklist/add/", data)
    assert response.status_code == 200
    assert "加一位数字 1–5" in response.content.decode()
    data["code"] = dept_a.uscc.lower() + "1"
    assert client.post("/admin/supervision/inspectionchecklist/add/", data).status_code == 302


def test_admin_stays_chinese_for_an_english_browser(client, alice):
    client.force_login(alice)
    html = client.get("/admin/supervision/inspector/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "选择" in html and "Select" not in html
