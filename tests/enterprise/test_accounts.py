"""Entity accounts (issue 14 §1): activation letters, activation, sign-in with lockout and TOTP,
liaisons, revocation, and the scope of the registration authority."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from enterprise import accounts
from enterprise.models import ActivationLetter, EntityAccount
from tests.credit.test_reports import pdf_text

PASSWORD = "Liaison-Secret-2026"
CODE_RE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def entity(make_entity, dept_a):
    """An entity registered by department A (alice's)."""
    return make_entity(registration_authority=dept_a)


@pytest.fixture
def letter(entity, alice):
    return accounts.letter_issue(entity=entity, actor=alice)


def activation_data(entity, code, **over):
    data = {
        "uscc": entity.uscc,
        "code": code,
        "username": "wang-liaison",
        "full_name": "王联络",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "mobile": "13800001111",
        "email": "wang@example.com",
    }
    return {**data, **over}


def actions():
    return set(AuditEvent.objects.values_list("action", flat=True))


# --- letters --------------------------------------------------------------------------------------


def test_activation_letter_valid_30_days():
    # Issue 14 §1: "a one-time code, valid 30 days".
    assert accounts.ACTIVATION_LETTER_VALID_DAYS == 30


def test_letter_issue_stores_only_a_hash_and_expires_in_30_days(entity, alice):
    with time_machine.travel(NOW, tick=False):
        letter, code = accounts.letter_issue(entity=entity, actor=alice)
    assert CODE_RE.fullmatch(code)
    assert not set(code) & set("01OIL")  # no look-alike characters
    assert letter.expires_at - letter.issued_at == dt.timedelta(days=30)
    stored = ActivationLetter.objects.values().get(pk=letter.pk)
    assert code not in str(stored) and code.replace("-", "") not in str(stored)
    assert accounts.code_matches(letter, code.lower().replace("-", " "))
    assert letter.department == entity.registration_authority
    assert "activation_letter.issue" in actions()


def test_admin_issues_the_letter_as_a_pdf_with_uscc_code_and_url(client, entity, alice, settings):
    settings.PUBLIC_BASE_URL = ""
    client.force_login(alice)
    page = client.get(f"/admin/enterprise/activationletter/add/?uscc={entity.uscc}")
    assert page.status_code == 200 and entity.uscc in page.content.decode()
    response = client.post("/admin/enterprise/activationletter/add/", {"uscc": entity.uscc})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert entity.uscc in text and entity.name in text
    assert "testserver/enterprise/activate/" in text
    code = CODE_RE.search(text).group()
    letter = ActivationLetter.objects.get(entity=entity)
    assert accounts.code_matches(letter, code)  # the code on the PDF is the one whose hash is kept
    # The letters' list never shows the code or its hash.
    listing = client.get("/admin/enterprise/activationletter/").content.decode()
    assert code not in listing and letter.code_hash not in listing
    detail = client.get(f"/admin/enterprise/activationletter/{letter.pk}/change/").content.decode()
    assert letter.code_hash not in detail and code not in detail


def test_public_base_url_in_the_letter(client, entity, alice, settings):
    settings.PUBLIC_BASE_URL = "https://xy.example.gov.cn/"
    client.force_login(alice)
    response = client.post("/admin/enterprise/activationletter/add/", {"uscc": entity.uscc})
    assert "https://xy.example.gov.cn/enterprise/activate/" in pdf_text(response.content)


def test_a_new_letter_voids_the_earlier_unused_one(client, entity, alice):
    first, code1 = accounts.letter_issue(entity=entity, actor=alice)
    second, _ = accounts.letter_issue(entity=entity, actor=alice)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    response = client.post("/enterprise/activate/", activation_data(entity, code1))
    assert accounts.CODE_VOID in response.content.decode()
    assert not EntityAccount.objects.exists()


def test_no_letter_while_the_entity_has_an_active_account(entity, alice, make_entity_user):
    make_entity_user(entity)
    with pytest.raises(accounts.ValidationError, match="注销全部账号"):
        accounts.letter_issue(entity=entity, actor=alice)


# --- activation -----------------------------------------------------------------------------------


def test_activation_happy_path(client, entity, letter):
    _, code = letter
    response = client.post("/enterprise/activate/", activation_data(entity, code.lower()))
    assert response.status_code == 302 and response["Location"] == reverse("enterprise:home")
    account = EntityAccount.objects.get(entity=entity)
    assert account.is_first_liaison and account.full_name == "王联络" and account.mobile == "13800001111"
    assert account.user.username == "wang-liaison" and not account.user.is_staff
    assert account.user.check_password(PASSWORD)
    used = ActivationLetter.objects.get(pk=letter[0].pk)
    assert used.used_at is not None and used.used_by == account
    assert client.get("/enterprise/").status_code == 200  # signed in
    assert "entity_account.activate" in actions()


def test_a_used_code_is_refused(client, entity, letter):
    _, code = letter
    client.post("/enterprise/activate/", activation_data(entity, code))
    client.logout()
    response = client.post("/enterprise/activate/", activation_data(entity, code, username="other"))
    assert accounts.CODE_USED in response.content.decode()
    assert EntityAccount.objects.count() == 1


def test_an_expired_code_is_refused_after_30_days(client, entity, alice):
    with time_machine.travel(NOW, tick=False):
        _, code = accounts.letter_issue(entity=entity, actor=alice)
    with time_machine.travel(NOW + dt.timedelta(days=30, seconds=1), tick=False):
        response = client.post("/enterprise/activate/", activation_data(entity, code))
    assert accounts.CODE_EXPIRED in response.content.decode()
    with time_machine.travel(NOW + dt.timedelta(days=29, hours=23), tick=False):
        response = client.post("/enterprise/activate/", activation_data(entity, code))
    assert response.status_code == 302


def test_a_wrong_code_is_refused_and_nothing_typed_is_lost(client, entity, letter):
    response = client.post("/enterprise/activate/", activation_data(entity, "AAAA-BBBB-CCCC-DDDD"))
    page = response.content.decode()
    assert accounts.CODE_WRONG in page
    for value in (entity.uscc, "AAAA-BBBB-CCCC-DDDD", "wang-liaison", "王联络", "13800001111", "wang@example.com"):
        assert value in page
    assert not EntityAccount.objects.exists()


def test_a_wrong_uscc_check_character_is_named(client, entity, letter):
    body = entity.uscc[:17]
    wrong = body + ("0" if entity.uscc[17] != "0" else "1")
    response = client.post("/enterprise/activate/", activation_data(entity, letter[1], uscc=wrong))
    page = response.content.decode()
    assert f"第18位应为“{entity.uscc[17]}”" in page
    assert not EntityAccount.objects.exists()


def test_activation_checks_password_with_djangos_validators_and_the_mobile(client, entity, letter):
    response = client.post(
        "/enterprise/activate/", activation_data(entity, letter[1], password1="12345678", password2="12345678")
    )
    page = response.content.decode()
    assert "密码" in page and not EntityAccount.objects.exists()
    response = client.post("/enterprise/activate/", activation_data(entity, letter[1], mobile="call me"))
    assert "请填写有效的联系电话" in response.content.decode()
    response = client.post("/enterprise/activate/", activation_data(entity, letter[1], password2="Other-Secret-2026"))
    assert "两次输入的密码不一致" in response.content.decode()
    assert not EntityAccount.objects.exists()


def test_activation_locks_out_after_axes_failure_limit_wrong_codes(client, entity, letter):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = client.post("/enterprise/activate/", activation_data(entity, "AAAA-BBBB-CCCC-DDDD"))
        assert response.status_code == 200
    response = client.post("/enterprise/activate/", activation_data(entity, "AAAA-BBBB-CCCC-DDDD"))
    assert response.status_code == 429
    # Locked: even the right code is not tried now.
    response = client.post("/enterprise/activate/", activation_data(entity, letter[1]))
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert not EntityAccount.objects.exists()


# --- sign-in --------------------------------------------------------------------------------------


def test_entity_user_signs_in(client, entity, make_entity_user):
    account = make_entity_user(entity)
    response = client.post("/enterprise/login/", {"username": account.user.username, "password": "Entity-Secret-123"})
    assert response.status_code == 302 and response["Location"] == "/enterprise/"
    assert client.get("/enterprise/").status_code == 200


def test_sign_in_locks_out_after_axes_failure_limit(client, entity, make_entity_user):
    account = make_entity_user(entity)
    creds = {"username": account.user.username, "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/enterprise/login/", creds).status_code == 200
    assert client.post("/enterprise/login/", creds).status_code == 429
    right = {"username": account.user.username, "password": "Entity-Secret-123"}
    assert client.post("/enterprise/login/", right).status_code == 429


def test_staff_are_refused_at_the_entity_sign_in(client, alice):
    response = client.post("/enterprise/login/", {"username": "alice", "password": "pw-Secret-123"})
    page = response.content.decode()
    assert response.status_code == 200 and "/admin/" in page and "工作人员账号不能在企业端登录" in page
    assert "_auth_user_id" not in client.session


def test_entity_user_never_reaches_admin(client, entity, make_entity_user):
    account = make_entity_user(entity)
    response = client.post("/admin/login/", {"username": account.user.username, "password": "Entity-Secret-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(account.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/enterprise/entityaccount/").status_code == 302


# --- two-factor -----------------------------------------------------------------------------------


def current_token(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_totp_two_factor_flow(client, entity, make_entity_user):
    account = make_entity_user(entity)
    client.force_login(account.user)
    with time_machine.travel(NOW, tick=False) as traveller:
        client.post("/enterprise/account/2fa/start/")
        device = TOTPDevice.objects.get(user=account.user, confirmed=False)
        page = client.get("/enterprise/account/").content.decode()
        assert "otpauth://totp/" in page and "<svg" in page
        assert "issuer=%E7%BB%BC%E5%90%88%E7%9B%91%E7%AE%A1%E5%B9%B3%E5%8F%B0" in page  # 综合监管平台
        response = client.post("/enterprise/account/2fa/confirm/", {"token": "000000"})
        assert response.status_code == 400 and accounts.TOKEN_WRONG in response.content.decode()
        traveller.shift(dt.timedelta(seconds=5))  # django-otp's throttle after a failure
        device.refresh_from_db()
        response = client.post("/enterprise/account/2fa/confirm/", {"token": current_token(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        client.post("/enterprise/logout/")

        # Sign-in now asks for the token after the password.
        traveller.shift(dt.timedelta(seconds=60))
        response = client.post(
            "/enterprise/login/", {"username": account.user.username, "password": "Entity-Secret-123"}
        )
        assert response.status_code == 302 and response["Location"] == "/enterprise/login/token/"
        assert client.get("/enterprise/").status_code == 302  # not signed in yet
        response = client.post("/enterprise/login/token/", {"token": "123"})
        assert "请输入6位数字验证码" in response.content.decode()
        response = client.post("/enterprise/login/token/", {"token": "000000"})
        assert accounts.TOKEN_WRONG in response.content.decode()
        traveller.shift(dt.timedelta(seconds=5))
        device.refresh_from_db()
        response = client.post("/enterprise/login/token/", {"token": current_token(device)})
        assert response.status_code == 302 and response["Location"] == "/enterprise/"
        assert client.get("/enterprise/").status_code == 200
        assert client.session.get("otp_device_id") == device.persistent_id
    assert {"entity_account.totp_start", "entity_account.totp_enable"} <= actions()


def test_totp_off_needs_the_password(entity_client):
    account = entity_client.account
    TOTPDevice.objects.create(user=account.user, name="x", confirmed=True)
    response = entity_client.post("/enterprise/account/2fa/off/", {"password": "wrong"})
    assert response.status_code == 400 and TOTPDevice.objects.filter(user=account.user).exists()
    response = entity_client.post("/enterprise/account/2fa/off/", {"password": "Entity-Secret-123"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=account.user).exists()
    assert "entity_account.totp_disable" in actions()


# --- account settings, liaisons -------------------------------------------------------------------


def test_own_details_and_password_change(entity_client):
    response = entity_client.post(
        "/enterprise/account/", {"full_name": "李联络", "mobile": "13900002222", "email": "li@example.com"}
    )
    assert response.status_code == 302
    account = EntityAccount.objects.get(pk=entity_client.account.pk)
    assert (account.full_name, account.mobile, account.email) == ("李联络", "13900002222", "li@example.com")
    response = entity_client.post(
        "/enterprise/account/password/",
        {"old_password": "Entity-Secret-123", "new_password1": "Brand-New-2026!", "new_password2": "Brand-New-2026!"},
    )
    assert response.status_code == 302
    account.user.refresh_from_db()
    assert account.user.check_password("Brand-New-2026!")
    assert entity_client.get("/enterprise/account/").status_code == 200  # still signed in
    assert {"entity_account.update", "entity_account.password_change"} <= actions()


def test_first_liaison_adds_and_removes_a_liaison(entity_client):
    client = Client()  # the new liaison's browser
    response = entity_client.post(
        "/enterprise/account/liaisons/",
        {"username": "zhao-liaison", "full_name": "赵联络", "mobile": "13700003333", "email": ""},
    )
    assert response.status_code == 302
    new = EntityAccount.objects.get(user__username="zhao-liaison")
    assert new.entity_id == entity_client.account.entity_id and not new.is_first_liaison
    assert new.created_by == entity_client.account.user
    page = entity_client.get("/enterprise/account/").content.decode()
    password = re.search(r'class="code-value">([^<]+)<', page).group(1)
    assert "code-value" not in entity_client.get("/enterprise/account/").content.decode()  # shown once
    assert new.user.check_password(password)

    # The new liaison signs in with it, but cannot add or remove liaisons.
    assert client.post("/enterprise/login/", {"username": "zhao-liaison", "password": password}).status_code == 302
    response = client.post(
        "/enterprise/account/liaisons/", {"username": "qian", "full_name": "钱", "mobile": "13700004444"}
    )
    assert response.status_code == 400 and "只有首位联络员" in response.content.decode()
    client.post(f"/enterprise/account/liaisons/{entity_client.account.pk}/remove/")
    assert EntityAccount.objects.get(pk=entity_client.account.pk).active
    assert not EntityAccount.objects.filter(user__username="qian").exists()

    # The first liaison removes them: their session ends.
    response = entity_client.post(f"/enterprise/account/liaisons/{new.pk}/remove/")
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.revoked_at is not None and not new.user.is_active
    assert client.get("/enterprise/").status_code == 302
    assert {"entity_account.liaison_add", "entity_account.liaison_remove"} <= actions()


def test_liaison_of_another_entity_cannot_be_removed(entity_client, make_entity, make_entity_user):
    other = make_entity_user(make_entity(), username="other-entity")
    response = entity_client.post(f"/enterprise/account/liaisons/{other.pk}/remove/")
    assert response.status_code == 404
    assert EntityAccount.objects.get(pk=other.pk).active


# --- revocation and scope -------------------------------------------------------------------------


def revoke_all(client, account_ids, reason="联络员离职，办理交接"):
    return client.post(
        "/admin/enterprise/entityaccount/",
        {"action": "revoke_all", "_selected_action": [str(pk) for pk in account_ids], "apply": "1", "reason": reason},
    )


def test_revoke_all_logs_out_and_blocks(client, entity, alice, make_entity_user):
    first = make_entity_user(entity)
    second = make_entity_user(entity, username="second", first=False)
    liaison = Client()
    liaison.force_login(second.user)
    assert liaison.get("/enterprise/").status_code == 200
    client.force_login(alice)
    response = revoke_all(client, [first.pk])
    assert response.status_code == 302
    for account in (first, second):
        account.refresh_from_db()
        assert account.revoked_at is not None and account.revoked_reason == "联络员离职，办理交接"
        assert not account.user.is_active
    assert liaison.get("/enterprise/").status_code == 302
    anonymous = Client()
    creds = {"username": "second", "password": "Entity-Secret-123"}
    response = anonymous.post("/enterprise/login/", creds)
    assert response.status_code == 200 and "_auth_user_id" not in anonymous.session
    assert AuditEvent.objects.filter(action="entity_account.revoke_all", target_id=str(entity.pk)).count() == 1
    # The entity then gets a new letter.
    letter, _ = accounts.letter_issue(entity=entity, actor=alice)
    assert letter.pk


def test_official_of_another_department_cannot_issue_or_revoke(client, entity, bob, make_entity_user):
    account = make_entity_user(entity)
    client.force_login(bob)
    response = client.post("/admin/enterprise/activationletter/add/", {"uscc": entity.uscc})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "无权办理" in response.content.decode()
    assert not ActivationLetter.objects.exists()
    assert account.full_name not in client.get("/admin/enterprise/entityaccount/").content.decode()
    response = revoke_all(client, [account.pk])
    account.refresh_from_db()
    assert account.active
    with pytest.raises(accounts.ValidationError):
        accounts.accounts_revoke(entity=entity, actor=bob, reason="x")


def test_official_of_a_parent_department_may_act_below_it(make_department, make_official, make_entity):
    city = make_department(name="市局")
    district = make_department(name="区局", parent=city)
    official = make_official("city-official", city)
    entity = make_entity(registration_authority=district)
    letter, _ = accounts.letter_issue(entity=entity, actor=official)
    assert letter.department == city
    assert accounts.may_manage(official, entity)
    assert not accounts.may_manage(make_official("district-official", district), make_entity())


def test_platform_admin_may_issue(entity, platform_admin):
    letter, _ = accounts.letter_issue(entity=entity, actor=platform_admin)
    assert letter.department == entity.registration_authority


def test_anonymous_cannot_reach_account_pages(client):
    assert client.get("/enterprise/account/")["Location"].startswith("/enterprise/login/")
    assert client.get("/admin/enterprise/activationletter/add/").status_code == 302


def test_account_page_in_admin_has_the_revoke_button_for_the_authority_only(
    client, entity, alice, bob, make_entity_user
):
    account = make_entity_user(entity)
    client.force_login(alice)
    page = client.get(f"/admin/enterprise/entityaccount/{account.pk}/change/").content.decode()
    assert "注销全部账号" in page and 'value="revoke_all"' in page
    assert "13800000000" in page  # the authority sees the liaison's mobile
    client.force_login(bob)
    response = client.get(f"/admin/enterprise/entityaccount/{account.pk}/change/")
    assert response.status_code == 302  # not in bob's scope: as if it did not exist


def test_admin_account_list_query_budget(
    client, alice, make_entity, dept_a, make_entity_user, django_assert_max_num_queries
):
    for n in range(5):
        make_entity_user(make_entity(registration_authority=dept_a), username=f"liaison-{n}")
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get("/admin/enterprise/entityaccount/")
    assert response.status_code == 200 and response.content.decode().count("liaison-") >= 5
