"""Privilege changes are audited with before and after (issue 11 §3), and only a superuser may grant
superuser. Given/when/then, through the admin where officials make these changes.

The three kinds of user: a platform administrator of the owning department (may manage accounts),
an official of another department without account permissions, and an anonymous visitor.
"""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from core import accounts, services
from core.choices import Role
from core.models import ApiClient, AuditEvent, User

PASSWORD_CHANGED = "N3w-Passw0rd-for-alice"


@pytest.fixture
def root(db, dept_a):
    return User.objects.create_superuser(username="root", password="pw-Secret-123", department=dept_a)


def events(action, target):
    return list(
        AuditEvent.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        ).order_by("id")
    )


def user_form(user, **overrides) -> dict:
    """The admin change form of ``user`` as posted unchanged, with ``overrides``."""
    joined = user.date_joined.astimezone()
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [str(g) for g in user.groups.values_list("pk", flat=True)],
        "user_permissions": [str(p) for p in user.user_permissions.values_list("pk", flat=True)],
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "last_login_0": "",
        "last_login_1": "",
        "department": str(user.department_id or ""),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


def change_url(user):
    return f"/admin/core/user/{user.pk}/change/"


@pytest.mark.django_db
def test_superuser_grant_audited_with_before_and_after(client, root, alice):
    # Given a superuser; when they make alice a superuser in the admin
    client.force_login(root)
    response = client.post(change_url(alice), user_form(alice, is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    # Then the change is stored and audited with before and after, by root
    alice.refresh_from_db()
    assert alice.is_superuser
    [event] = events("user.privileges_change", alice)
    assert (event.before, event.after) == ({"is_superuser": False}, {"is_superuser": True})
    assert event.actor_user_id == root.pk


@pytest.mark.django_db
def test_group_change_audited(client, root, alice, platform_admin):
    # Given alice, a 部门监管人员; when a platform administrator moves her to 执法人员 with the m2m widget
    client.force_login(platform_admin)
    officer = Group.objects.get(name=Role.ENFORCEMENT_OFFICER)
    response = client.post(change_url(alice), user_form(alice, groups=[str(officer.pk)], is_staff=""))
    assert response.status_code == 302
    # Then one event holds what changed, before and after
    [event] = events("user.privileges_change", alice)
    assert event.before == {"groups": [Role.DEPARTMENT_OFFICIAL], "is_staff": True}
    assert event.after == {"groups": [Role.ENFORCEMENT_OFFICER], "is_staff": False}
    assert list(alice.groups.values_list("name", flat=True)) == [Role.ENFORCEMENT_OFFICER]

    # When a superuser adds a permission to a role in the group admin (a platform administrator may not)
    assert (
        client.post(f"/admin/auth/group/{officer.pk}/change/", {"name": officer.name, "permissions": []}).status_code
        == 403
    )
    client.force_login(root)
    extra = Permission.objects.get(content_type__app_label="core", codename="view_auditevent")
    before = sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in officer.permissions.select_related("content_type")
    )
    ids = [str(pk) for pk in officer.permissions.values_list("pk", flat=True)] + [str(extra.pk)]
    response = client.post(f"/admin/auth/group/{officer.pk}/change/", {"name": officer.name, "permissions": ids})
    assert response.status_code == 302
    # Then the role's permissions are audited with before and after
    [event] = events("group.permissions_change", officer)
    assert event.before == {"permissions": before}
    assert event.after == {"permissions": sorted([*before, "core.view_auditevent"])}


@pytest.mark.django_db
def test_department_permissions_and_deactivation_audited(client, platform_admin, alice, dept_b):
    client.force_login(platform_admin)
    perm = Permission.objects.get(content_type__app_label="core", codename="view_auditevent")
    response = client.post(
        change_url(alice), user_form(alice, department=str(dept_b.pk), user_permissions=[str(perm.pk)], is_active="")
    )
    assert response.status_code == 302
    [event] = events("user.privileges_change", alice)
    assert event.before == {"department": alice.department_id, "user_permissions": [], "is_active": True}
    assert event.after == {"department": dept_b.pk, "user_permissions": ["core.view_auditevent"], "is_active": False}


@pytest.mark.django_db
def test_unchanged_save_writes_no_privilege_event_and_profile_change_is_audited(client, platform_admin, alice):
    # The admin's date fields carry whole seconds
    User.objects.filter(pk=alice.pk).update(date_joined=alice.date_joined.replace(microsecond=0))
    alice.refresh_from_db()
    client.force_login(platform_admin)
    assert client.post(change_url(alice), user_form(alice)).status_code == 302
    assert events("user.privileges_change", alice) == [] and events("user.update", alice) == []
    assert client.post(change_url(alice), user_form(alice, last_name="张")).status_code == 302
    assert [(e.before, e.after) for e in events("user.update", alice)] == [({"last_name": ""}, {"last_name": "张"})]


@pytest.mark.django_db
def test_user_created_in_admin_is_audited(client, platform_admin, dept_a):
    client.force_login(platform_admin)
    group = Group.objects.get(name=Role.DEPARTMENT_OFFICIAL)
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "erin",
            "usable_password": "true",
            "password1": PASSWORD_CHANGED,
            "password2": PASSWORD_CHANGED,
            "department": str(dept_a.pk),
            "groups": [str(group.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    erin = User.objects.get(username="erin")
    assert erin.check_password(PASSWORD_CHANGED) and list(erin.groups.all()) == [group]
    [event] = events("user.create", erin)
    assert event.after["groups"] == [Role.DEPARTMENT_OFFICIAL] and event.after["department"] == dept_a.pk
    assert event.after["has_usable_password"] is True
    assert "pbkdf2" not in json.dumps(event.after)


@pytest.mark.django_db
def test_password_reset_by_another_audited_without_hash(client, platform_admin, alice):
    # Given a platform administrator; when they set alice's password in the admin's password form
    client.force_login(platform_admin)
    response = client.post(
        f"/admin/core/user/{alice.pk}/password/",
        {
            "usable_password": "true",
            "password1": PASSWORD_CHANGED,
            "password2": PASSWORD_CHANGED,
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD_CHANGED)
    # Then the event says who did it and that it was someone else, and never holds the hash
    [event] = events("user.password_set", alice)
    assert event.actor_user_id == platform_admin.pk
    assert event.after == {"has_usable_password": True, "password_changed": True, "by_another": True}
    stored = json.dumps([event.before, event.after], ensure_ascii=False)
    assert alice.password not in stored and "pbkdf2" not in stored and PASSWORD_CHANGED not in stored


@pytest.mark.django_db
def test_only_superuser_may_grant_superuser(client, root, platform_admin, alice, bob):
    # A platform administrator (not a superuser) sees no editable is_superuser, and a forged field is ignored
    client.force_login(platform_admin)
    page = client.get(change_url(alice))
    assert page.status_code == 200
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert client.post(change_url(alice), user_form(alice, is_superuser="on")).status_code == 302
    alice.refresh_from_db()
    assert not alice.is_superuser
    assert events("user.privileges_change", alice) == []
    # The service refuses, in Chinese, whoever calls it
    with pytest.raises(PermissionDenied, match="只有超级管理员"):
        accounts.user_privileges_change(actor=platform_admin, user=alice, is_superuser=True)
    # Nor may a platform administrator edit a superuser, or set a superuser's password
    assert client.post(change_url(root), user_form(root, is_staff="")).status_code == 403
    assert (
        client.post(
            f"/admin/core/user/{root.pk}/password/",
            {
                "usable_password": "true",
                "password1": PASSWORD_CHANGED,
                "password2": PASSWORD_CHANGED,
            },
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        accounts.user_password_set(actor=platform_admin, user=root, password=PASSWORD_CHANGED)
    root.refresh_from_db()
    assert root.is_staff and not root.check_password(PASSWORD_CHANGED)
    # An official of another department has no access to accounts; an anonymous visitor is sent to log in
    client.force_login(bob)
    assert client.post(change_url(alice), user_form(alice, is_superuser="on")).status_code == 403
    client.logout()
    response = client.post(change_url(alice), user_form(alice, is_superuser="on"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    alice.refresh_from_db()
    assert not alice.is_superuser
    # A superuser may
    accounts.user_privileges_change(actor=root, user=alice, is_superuser=True)
    assert User.objects.get(pk=alice.pk).is_superuser


@pytest.mark.django_db
def test_api_client_scope_change_and_revocation_audited(client, platform_admin, bob, dept_a):
    # Created by the command: audited, the key's hash never in the trail
    call_command("create_api_client", "政府采购系统", department=dept_a.code, scopes="credit:read")
    api_client = ApiClient.objects.get(name="政府采购系统")
    [created] = events("api_client.create", api_client)
    assert created.before is None and created.after["scopes"] == ["credit:read"]
    assert api_client.key_hash not in json.dumps(created.after)

    # An official of another department without the permission, and an anonymous visitor, change nothing
    url = f"/admin/core/apiclient/{api_client.pk}/change/"
    form = {"name": api_client.name, "scopes": "credit:read,records:write"}
    client.force_login(bob)
    assert client.post(url, form).status_code == 403
    client.logout()
    assert client.post(url, form).status_code == 302 and ApiClient.objects.get(pk=api_client.pk).scopes == [
        "credit:read"
    ]

    # A platform administrator widens the scopes in the admin: before and after
    client.force_login(platform_admin)
    assert client.post(url, form).status_code == 302
    [changed] = events("api_client.scopes_change", api_client)
    assert (changed.before, changed.after) == (
        {"scopes": ["credit:read"]},
        {"scopes": ["credit:read", "records:write"]},
    )

    # and revokes it with the admin action
    response = client.post("/admin/core/apiclient/", {"action": "revoke", "_selected_action": [str(api_client.pk)]})
    assert response.status_code == 302
    [revoked] = events("api_client.revoke", api_client)
    assert revoked.before["revoked_at"] is None and revoked.after["revoked_at"]
    assert ApiClient.objects.get(pk=api_client.pk).revoked_at is not None
    # A revoked client's scopes no longer change
    client.post(url, {"name": api_client.name, "scopes": "credit:read"})
    assert ApiClient.objects.get(pk=api_client.pk).scopes == ["credit:read", "records:write"]
    assert services.api_client_revoke(actor="test", client=api_client).revoked_at is not None
    assert len(events("api_client.revoke", api_client)) == 1


@pytest.mark.django_db
def test_user_deletion_audited_and_superusers_kept_from_non_superusers(client, root, platform_admin, bob):
    client.force_login(platform_admin)
    assert client.post(f"/admin/core/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(f"/admin/core/user/{bob.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=bob.pk).exists() and User.objects.filter(pk=root.pk).exists()
    [event] = AuditEvent.objects.filter(action="user.delete", target_id=str(bob.pk))
    assert (
        event.before["username"] == "bob"
        and event.before["groups"] == [Role.DEPARTMENT_OFFICIAL]
        and event.after is None
    )
