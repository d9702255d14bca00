"""信用信息注册 on the entity side (issue 14 §3): list, add (PRG; a refusal keeps the input), withdraw;
another entity's declaration is a 404 at every URL, like one that does not exist."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit import services
from credit.models import DeclarationKind, DeclarationState, SelfDeclaration
from supervision.services import entity_save

pytestmark = pytest.mark.usefixtures("frozen_today")

LIST = "/enterprise/declarations/"
NEW = "/enterprise/declarations/new/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def standard_form(**overrides):
    return {
        "kind": DeclarationKind.STANDARD,
        "title": "速冻水饺",
        "standard_no": "Q/ZZSM 0001S-2026",
        "issuer": "",
        "issued_on": "2026-05-01",
        "valid_until": "",
        "description": "执行本企业标准生产速冻水饺",
        **overrides,
    }


@pytest.fixture
def other_declaration(make_entity, make_entity_user):
    """A declaration of another entity, made by that entity's own liaison."""
    other = make_entity(name="另一家企业")
    liaison = make_entity_user(other, username="other-liaison").user
    return services.declaration_add(
        actor=liaison,
        entity=other,
        kind=DeclarationKind.HONOUR,
        title="另一家企业的荣誉",
        issuer="郑州市总工会",
        issued_on=dt.date(2026, 1, 1),
    )


def test_sign_in_is_required(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")


def test_home_links_to_declarations(entity_client):
    html = entity_client.get("/enterprise/").content.decode()
    assert 'id="home-declarations"' in html and LIST in html


def test_add_standard_declaration_redirects_and_lists_it(entity_client):
    response = entity_client.post(NEW, standard_form())
    assert response.status_code == 302 and response["Location"] == LIST
    declaration = SelfDeclaration.objects.get()
    assert declaration.entity_id == entity_client.account.entity_id
    assert declaration.created_by == entity_client.account.user
    assert (declaration.kind, declaration.standard_no, declaration.issued_on) == (
        "standard",
        "Q/ZZSM 0001S-2026",
        dt.date(2026, 5, 1),
    )
    assert AuditEvent.objects.filter(action="declaration.add", target_id=str(declaration.pk)).exists()
    html = entity_client.get(LIST).content.decode()
    assert "速冻水饺" in html and "Q/ZZSM 0001S-2026" in html and 'data-declaration-state="published"' in html


def test_refused_input_is_kept_with_the_error_on_its_field(entity_client):
    response = entity_client.post(NEW, standard_form(standard_no="", description="保留我写的说明"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "企业标准自我声明须填写标准编号" in html
    assert 'value="速冻水饺"' in html and "保留我写的说明" in html and 'value="2026-05-01"' in html
    assert not SelfDeclaration.objects.exists()


def test_bad_date_and_missing_kind_are_field_errors_not_500(entity_client):
    response = entity_client.post(NEW, standard_form(kind="", issued_on="2026-13-45"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "field--error" in html and 'value="速冻水饺"' in html
    assert not SelfDeclaration.objects.exists()


def test_attachment_follows_the_evidence_rules_and_only_its_entity_downloads_it(entity_client, client):
    fake = SimpleUploadedFile("证书.pdf", b"not a pdf at all", content_type="application/pdf")
    response = entity_client.post(NEW, {**standard_form(), "attachment": fake})
    assert response.status_code == 200 and "内容与文件类型不符" in response.content.decode()
    assert not SelfDeclaration.objects.exists()

    two = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf"),
        SimpleUploadedFile("b.pdf", b"%PDF-1.4 b", content_type="application/pdf"),
    ]
    response = entity_client.post(NEW, {**standard_form(), "attachment": two})
    assert response.status_code == 200 and "只能上传1个附件" in response.content.decode()

    real = SimpleUploadedFile("证书.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    assert entity_client.post(NEW, {**standard_form(), "attachment": real}).status_code == 302
    declaration = SelfDeclaration.objects.get()
    download = entity_client.get(f"{LIST}{declaration.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 certificate"


def test_withdraw_takes_it_off_the_public_page(entity_client, client):
    entity_client.post(NEW, standard_form())
    declaration = SelfDeclaration.objects.get()
    uscc = entity_client.account.entity_id
    assert "速冻水饺" in client.get(f"/entities/{uscc}/").content.decode()

    response = entity_client.post(f"{LIST}{declaration.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == LIST
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.WITHDRAWN
    assert AuditEvent.objects.filter(action="declaration.withdraw", target_id=str(declaration.pk)).exists()
    assert "速冻水饺" not in client.get(f"/entities/{uscc}/").content.decode()
    # Withdrawing twice is a message, not an error page.
    again = entity_client.post(f"{LIST}{declaration.pk}/withdraw/", follow=True)
    assert again.status_code == 200 and "无需撤回" in again.content.decode()


def test_withdraw_is_post_only(entity_client):
    entity_client.post(NEW, standard_form())
    declaration = SelfDeclaration.objects.get()
    assert entity_client.get(f"{LIST}{declaration.pk}/withdraw/").status_code == 405
    assert SelfDeclaration.objects.get().state == DeclarationState.PUBLISHED


def test_another_entitys_declaration_is_404_at_every_url(entity_client, other_declaration):
    pk = other_declaration.pk
    assert entity_client.post(f"{LIST}{pk}/withdraw/").status_code == 404
    assert entity_client.get(f"{LIST}{pk}/attachment/").status_code == 404
    assert "另一家企业的荣誉" not in entity_client.get(LIST).content.decode()
    assert SelfDeclaration.objects.get(pk=pk).state == DeclarationState.PUBLISHED


def test_removal_reason_is_shown_to_the_entity(entity_client, alice, dept_a):
    entity_save(actor="test", entity=entity_client.account.entity, registration_authority=dept_a)
    entity_client.post(NEW, standard_form())
    declaration = SelfDeclaration.objects.get()
    services.declaration_remove(actor=alice, declaration=declaration, reason="标准编号与公共服务平台不一致")
    html = entity_client.get(LIST).content.decode()
    assert 'data-declaration-state="removed"' in html and "标准编号与公共服务平台不一致" in html
    assert f"{LIST}{declaration.pk}/withdraw/" not in html


def test_staff_never_reach_the_entity_side(client, alice):
    client.force_login(alice)
    assert client.get(LIST).status_code == 302
    assert client.post(NEW, standard_form()).status_code == 302
    assert not SelfDeclaration.objects.exists()
