"""Who may do what: every change of an official's privileges, and of a role's permissions, is a
service that writes an AuditEvent with before and after in its own transaction.

等保2.0 (GB/T 22239-2019) 8.1.4.3 安全审计: changes of accounts and privileges are audited events.
Only a superuser may grant superuser, or change anything about a superuser's account. The audit data
never holds a password hash: a password change is recorded as the fact that it happened.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import audit

# The privileges of an account, besides its password.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "is_active", "department")
PRIVILEGE_M2M = ("groups", "user_permissions")
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "last_login", "date_joined")

SUPERUSER_ONLY = "只有超级管理员可以授予或取消超级管理员权限，或修改超级管理员的账号"


def _permission_labels(permissions) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)


def user_privileges(user) -> dict:
    """The account's privileges as the audit records them (groups by name, permissions as app.codename)."""
    return {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "department": user.department_id,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": _permission_labels(user.user_permissions.select_related("content_type")),
    }


def _is_superuser_actor(actor) -> bool:
    # Commands and tasks (actor given as a string or None) run as the platform itself.
    if actor is None or isinstance(actor, str):
        return True
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_superuser", False)
        and isinstance(actor, get_user_model())
    )


def _require_superuser_for(actor, *, target_is_superuser: bool, grants_superuser: bool) -> None:
    if (target_is_superuser or grants_superuser) and not _is_superuser_actor(actor):
        raise PermissionDenied(SUPERUSER_ONLY)


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _locked(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_create(
    *, actor, username: str, password: str | None, department=None, is_staff: bool = False, groups=(), **profile
):
    """Create an official's account. ``password=None`` leaves it without a usable password."""
    User = get_user_model()
    if not str(username or "").strip():
        raise ValidationError({"username": "用户名不能为空"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = User(
        username=username,
        department=department,
        is_staff=is_staff,
        **{k: v for k, v in profile.items() if k in PROFILE_FIELDS},
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if groups:
        user.groups.set(groups)
    after = {"username": user.username, **user_privileges(user), "has_usable_password": user.has_usable_password()}
    audit.record(actor=actor, action="user.create", target=user, after=after)
    return user


@transaction.atomic
def user_profile_update(*, actor, user, **fields):
    """Change an account's name, e-mail or dates (not its privileges); audited when anything changed."""
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationError(f"不能通过此操作修改：{', '.join(unknown)}")
    locked = _locked(user)
    _require_superuser_for(actor, target_is_superuser=locked.is_superuser, grants_superuser=False)
    changed = [
        name for name, value in fields.items() if getattr(locked, name) != value
    ]  # compared as values, not as text
    if not changed:
        return locked
    before = audit.snapshot(locked, changed)
    for name in changed:
        setattr(locked, name, fields[name])
    locked.full_clean(exclude=[f.name for f in locked._meta.fields if f.name not in changed])
    locked.save(update_fields=changed)
    audit.record(actor=actor, action="user.update", target=locked, before=before, after=audit.snapshot(locked, changed))
    return locked


@transaction.atomic
def user_privileges_change(*, actor, user, **changes):
    """Change any of ``is_superuser``, ``is_staff``, ``is_active``, ``department``, ``groups`` and
    ``user_permissions``. One audit event holds the before and after of what changed."""
    unknown = sorted(set(changes) - set(PRIVILEGE_FIELDS) - set(PRIVILEGE_M2M))
    if unknown:
        raise ValidationError(f"不是账号权限字段：{', '.join(unknown)}")
    locked = _locked(user)
    before = user_privileges(locked)
    grants = bool(changes.get("is_superuser", locked.is_superuser)) and not locked.is_superuser
    _require_superuser_for(actor, target_is_superuser=locked.is_superuser, grants_superuser=grants)
    scalar = [f for f in PRIVILEGE_FIELDS if f in changes]
    for name in scalar:
        setattr(locked, name, changes[name])
    if scalar:
        locked.save(update_fields=scalar)
    if "groups" in changes:
        locked.groups.set(changes["groups"])
    if "user_permissions" in changes:
        locked.user_permissions.set(changes["user_permissions"])
    before, after = _changed(before, user_privileges(locked))
    if after:
        audit.record(actor=actor, action="user.privileges_change", target=locked, before=before, after=after)
    for name in scalar:  # the caller's instance shows the stored values
        setattr(user, name, getattr(locked, name))
    return locked


@transaction.atomic
def user_password_set(*, actor, user, password: str | None):
    """Set (or, with ``None``, disable) an account's password. The audit says who did it, never the hash."""
    locked = _locked(user)
    _require_superuser_for(actor, target_is_superuser=locked.is_superuser, grants_superuser=False)
    before = {"has_usable_password": locked.has_usable_password()}
    if password:
        locked.set_password(password)
    else:
        locked.set_unusable_password()
    locked.save(update_fields=["password"])
    by_other = getattr(actor, "pk", None) != locked.pk
    after = {"has_usable_password": locked.has_usable_password(), "password_changed": True, "by_another": by_other}
    audit.record(actor=actor, action="user.password_set", target=locked, before=before, after=after)
    user.password = locked.password
    return locked


@transaction.atomic
def user_delete(*, actor, user) -> None:
    locked = _locked(user)
    _require_superuser_for(actor, target_is_superuser=locked.is_superuser, grants_superuser=False)
    before = {"username": locked.username, **user_privileges(locked)}
    audit.record(actor=actor, action="user.delete", target=locked, before=before)
    locked.delete()


def group_state(group) -> dict:
    return {"name": group.name, "permissions": _permission_labels(group.permissions.select_related("content_type"))}


@transaction.atomic
def group_save(*, actor, group: Group | None, name: str, permissions) -> Group:
    """Create a role (group) or change its name and permissions; audited with before and after."""
    name = str(name or "").strip()
    if not name:
        raise ValidationError({"name": "角色名称不能为空"})
    if group is None or group.pk is None:
        group, before = Group.objects.create(name=name), None
    else:
        group = Group.objects.select_for_update().get(pk=group.pk)
        before = group_state(group)
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
    group.permissions.set(permissions)
    after = group_state(group)
    if before is None:
        audit.record(actor=actor, action="group.create", target=group, after=after)
    else:
        before, after = _changed(before, after)
        if after:
            audit.record(actor=actor, action="group.permissions_change", target=group, before=before, after=after)
    return group


@transaction.atomic
def group_delete(*, actor, group: Group) -> None:
    group = Group.objects.select_for_update().get(pk=group.pk)
    before = {**group_state(group), "members": sorted(group.user_set.values_list("username", flat=True))}
    audit.record(actor=actor, action="group.delete", target=group, before=before)
    group.delete()


def permissions_by_label(labels) -> list[Permission]:
    """``["core.view_user", ...]`` as Permission rows (for commands and tests)."""
    found = []
    for label in labels:
        app_label, _, codename = label.partition(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found
