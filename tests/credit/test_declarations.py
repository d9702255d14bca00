"""信用信息注册 (issue 14 §3): self-declared information — services, the grade, the public page and the admin.

Users, each time (STYLE.md rule 13): alice (official of the entity's registration authority, dept_a),
bob (official of another department, dept_b), the anonymous public; platform_admin sees every department.
The liaison is an entity user (tests/enterprise/conftest.py's make_entity_user).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit import services
from credit.models import DeclarationKind, DeclarationState, EntityCredit, GradeHistory, SelfDeclaration
from tests.conftest import record_data
from tests.enterprise.conftest import make_entity_user  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("frozen_today")

ADMIN = "/admin/credit/selfdeclaration/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区自主填报测试商行", registration_authority=dept_a)


@pytest.fixture
def liaison(make_entity_user, entity):
    return make_entity_user(entity).user


def declare(actor, entity, kind=DeclarationKind.HONOUR, **kw):
    fields = {
        DeclarationKind.QUALIFICATION: {"title": "食品经营许可证", "issuer": "郑州市市场监督管理局"},
        DeclarationKind.HONOUR: {"title": "郑州市守合同重信用企业", "issuer": "郑州市工商业联合会"},
        DeclarationKind.STANDARD: {"title": "速冻水饺", "standard_no": "Q/ZZSM 0001S-2026"},
        DeclarationKind.WELFARE: {"title": "重阳节敬老院慰问活动", "description": "向敬老院捐赠米面油"},
    }[kind]
    return services.declaration_add(
        actor=actor, entity=entity, kind=kind, issued_on=kw.pop("issued_on", dt.date(2026, 5, 1)), **{**fields, **kw}
    )


def action(client, name, pks, **form):
    return client.post(ADMIN, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


# --- services -----------------------------------------------------------------------------------


def test_liaison_declares_each_kind_with_an_audit_event(liaison, entity):
    for kind in DeclarationKind.values:
        declaration = declare(liaison, entity, kind)
        assert declaration.state == DeclarationState.PUBLISHED
        assert declaration.created_by == liaison
        event = AuditEvent.objects.get(action="declaration.add", target_id=str(declaration.pk))
        assert event.actor_user_id == liaison.pk
        assert event.after["title"] == declaration.title
    assert SelfDeclaration.objects.filter(entity=entity).count() == 4


def test_standard_declaration_needs_its_number_and_honour_its_issuer(liaison, entity):
    # 《企业标准化促进办法》: a declared standard names its number and its name.
    with pytest.raises(ValidationError) as exc:
        declare(liaison, entity, DeclarationKind.STANDARD, standard_no="  ")
    assert exc.value.message_dict["standard_no"] == ["企业标准自我声明须填写标准编号"]
    with pytest.raises(ValidationError) as exc:
        declare(liaison, entity, DeclarationKind.HONOUR, issuer="")
    assert "issuer" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        declare(liaison, entity, issued_on=dt.date(2026, 11, 23))  # frozen today is 2026-11-22
    assert exc.value.message_dict["issued_on"] == ["日期不能晚于今天"]
    with pytest.raises(ValidationError) as exc:
        declare(liaison, entity, DeclarationKind.QUALIFICATION, valid_until=dt.date(2026, 4, 30))
    assert exc.value.message_dict["valid_until"] == ["有效期不能早于取得（发布）日期"]
    assert not SelfDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action="declaration.add").exists()


def test_an_official_cannot_declare_on_the_entitys_behalf(alice, entity):
    with pytest.raises(ValidationError, match="联络员"):
        declare(alice, entity)


def test_entity_withdraws_its_own_declaration_with_an_audit_event(liaison, entity, make_entity):
    declaration = declare(liaison, entity)
    with pytest.raises(ValidationError, match="只能撤回本企业"):
        services.declaration_withdraw(actor=liaison, entity=make_entity(), declaration=declaration)
    services.declaration_withdraw(actor=liaison, entity=entity, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.WITHDRAWN and declaration.withdrawn_at is not None
    event = AuditEvent.objects.get(action="declaration.withdraw", target_id=str(declaration.pk))
    assert event.before["state"] == "published" and event.after["state"] == "withdrawn"
    with pytest.raises(ValidationError, match="企业已撤回"):
        services.declaration_withdraw(actor=liaison, entity=entity, declaration=declaration)


def test_registration_authority_removes_with_reasons_and_another_department_cannot(
    liaison, entity, alice, bob, platform_admin
):
    declaration = declare(liaison, entity)
    with pytest.raises(ValidationError, match="登记机关"):
        services.declaration_remove(actor=bob, declaration=declaration, reason="内容虚假")
    with pytest.raises(ValidationError) as exc:
        services.declaration_remove(actor=alice, declaration=declaration, reason="  ")
    assert "reason" in exc.value.message_dict
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.PUBLISHED

    services.declaration_remove(actor=alice, declaration=declaration, reason="经核实该荣誉未曾授予，填报内容虚假")
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.REMOVED
    assert declaration.removed_by == alice and declaration.removal_reason == "经核实该荣誉未曾授予，填报内容虚假"
    event = AuditEvent.objects.get(action="declaration.remove", target_id=str(declaration.pk))
    assert event.actor_user_id == alice.pk and event.after["removal_reason"].startswith("经核实")

    # A platform administrator may remove any entity's declaration.
    other = declare(liaison, entity, DeclarationKind.WELFARE)
    services.declaration_remove(actor=platform_admin, declaration=other, reason="含广告推销内容")
    assert SelfDeclaration.objects.get(pk=other.pk).state == DeclarationState.REMOVED


# --- the grade ------------------------------------------------------------------------------------


def test_declarations_never_change_the_grade(liaison, entity, push, evaluate):
    push(record_data(entity.uscc, "郑市监罚〔2026〕7号", decided_on="2026-10-01"))
    evaluate([entity.uscc])
    before = EntityCredit.objects.get(entity_id=entity.uscc)
    history = GradeHistory.objects.filter(entity_id=entity.uscc).count()
    assert before.grade != "GOOD"  # a general negative record holds the grade down

    for kind in DeclarationKind.values:
        declare(liaison, entity, kind)
        declare(liaison, entity, kind, title=f"第二项{kind}")
    evaluate([entity.uscc])

    after = EntityCredit.objects.get(entity_id=entity.uscc)
    assert (after.grade, after.score, after.reasons) == (before.grade, before.score, before.reasons)
    assert GradeHistory.objects.filter(entity_id=entity.uscc).count() == history


# --- the public page ------------------------------------------------------------------------------


def test_public_page_shows_published_declarations_under_their_own_heading(client, liaison, entity, alice):
    shown = declare(liaison, entity, DeclarationKind.STANDARD)
    withdrawn = declare(liaison, entity, title="已撤回的荣誉称号")
    removed = declare(liaison, entity, title="虚假的荣誉称号")
    services.declaration_withdraw(actor=liaison, entity=entity, declaration=withdrawn)
    services.declaration_remove(actor=alice, declaration=removed, reason="内容虚假")

    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    section = html[html.index("data-self-declared") :]
    assert "企业自主填报信息" in section and "企业自主填报，未经核实" in section
    assert shown.title in section and "Q/ZZSM 0001S-2026" in section
    assert "已撤回的荣誉称号" not in html and "虚假的荣誉称号" not in html
    # After the official sections: the records' heading comes before it.
    assert html.index("公示中的信用信息") < html.index("data-self-declared")


def test_public_page_says_when_there_is_nothing_declared(client, entity):
    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert "企业自主填报，未经核实" in html and "该主体暂无自主填报信息。" in html


def test_attachment_never_reaches_the_public_page(client, liaison, entity):
    upload = SimpleUploadedFile("荣誉证书.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    declaration = declare(liaison, entity, attachment=upload)
    assert declaration.attachment.name
    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert declaration.title in html
    assert "荣誉证书" not in html and "declarations/" not in html


# --- the admin --------------------------------------------------------------------------------------


def test_admin_lists_only_the_registration_authoritys_entities(
    client, liaison, entity, alice, bob, platform_admin, make_entity, dept_b
):
    mine = declare(liaison, entity, title="甲局主体的荣誉")
    other_entity = make_entity(name="乙局登记的主体", registration_authority=dept_b)
    theirs = declare(liaison, other_entity, title="乙局主体的荣誉")

    client.force_login(alice)
    html = client.get(ADMIN).content.decode()
    assert mine.title in html and theirs.title not in html
    assert client.get(f"{ADMIN}{theirs.pk}/change/").status_code == 302  # not in scope: back to the list

    client.force_login(bob)
    html = client.get(ADMIN).content.decode()
    assert theirs.title in html and mine.title not in html

    client.force_login(platform_admin)  # every department, with the registration-authority filter
    html = client.get(ADMIN, {"entity__registration_authority__id__exact": dept_b.pk}).content.decode()
    assert theirs.title in html and mine.title not in html
    html = client.get(ADMIN).content.decode()
    assert theirs.title in html and mine.title in html


def test_admin_remove_action_asks_for_reasons_and_calls_the_service(client, liaison, entity, alice, bob):
    declaration = declare(liaison, entity)

    client.force_login(bob)  # another department: the row is not in bob's list, nothing happens
    response = action(client, "remove", [declaration.pk], apply="1", reason="内容虚假")
    assert response.status_code == 302
    assert SelfDeclaration.objects.get(pk=declaration.pk).state == DeclarationState.PUBLISHED

    client.force_login(alice)
    page = action(client, "remove", [declaration.pk], apply="1", reason="")
    assert page.status_code == 200 and "删除理由" in page.content.decode()  # the form again, nothing removed
    assert SelfDeclaration.objects.get(pk=declaration.pk).state == DeclarationState.PUBLISHED

    response = action(client, "remove", [declaration.pk], apply="1", reason="经核实荣誉称号不存在")
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.REMOVED and declaration.removal_reason == "经核实荣誉称号不存在"
    assert AuditEvent.objects.filter(action="declaration.remove", actor_user_id=alice.pk).count() == 1


def test_admin_is_read_only(client, liaison, entity, alice):
    declaration = declare(liaison, entity)
    client.force_login(alice)
    page = client.get(f"{ADMIN}{declaration.pk}/change/")
    assert page.status_code == 200 and "删除（说明理由）" in page.content.decode()
    assert client.get(f"{ADMIN}add/").status_code == 403
    response = client.post(f"{ADMIN}{declaration.pk}/change/", {"title": "改过的名称"})
    assert response.status_code == 403
    assert SelfDeclaration.objects.get(pk=declaration.pk).title == declaration.title
