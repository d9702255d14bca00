"""Writes for core models. Each service owns its transaction and writes its audit event."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, uscc
from core.choices import Scope
from core.models import ApiClient, HolidayOverride, UsccException

KEY_PREFIX_LEN = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, actor, name: str, department, scopes: list[str]) -> tuple[ApiClient, str]:
    """Create a client and return it with its key; only the key's hash is kept."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError({"scopes": f"未知的权限范围：{', '.join(unknown)}；可选：{', '.join(Scope.values)}"})
    if not name.strip():
        raise ValidationError({"name": "名称不能为空"})
    prefix = secrets.token_hex(KEY_PREFIX_LEN // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name.strip(), department=department, scopes=sorted(set(scopes)), key_prefix=prefix, key_hash=hash_key(key)
    )
    after = audit.snapshot(client, ["name", "department", "scopes", "key_prefix"])
    audit.record(actor=actor, action="api_client.create", target=client, before=None, after=after)
    return client, key


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    """Revoke a client's key at once; audited with before and after."""
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is None:
        before = {"revoked_at": None, "scopes": locked.scopes}
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_client.revoke",
            target=locked,
            before=before,
            after={"revoked_at": locked.revoked_at, "scopes": locked.scopes},
        )
    client.revoked_at = locked.revoked_at
    return locked


@transaction.atomic
def api_client_scopes_change(*, actor, client: ApiClient, scopes: list[str], name: str | None = None) -> ApiClient:
    """Change what a client may do (and, optionally, its name); audited with before and after."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError({"scopes": f"未知的权限范围：{', '.join(unknown)}；可选：{', '.join(Scope.values)}"})
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        raise ValidationError("该客户端的密钥已吊销，不能再修改权限范围")
    before = audit.snapshot(locked, ["name", "scopes"])
    locked.scopes = sorted(set(scopes))
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "名称不能为空"})
        locked.name = name.strip()
    locked.save(update_fields=["name", "scopes"])
    after = audit.snapshot(locked, ["name", "scopes"])
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit.record(
            actor=actor,
            action="api_client.scopes_change" if "scopes" in changed else "api_client.update",
            target=locked,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    client.name, client.scopes = locked.name, locked.scopes
    return locked


@transaction.atomic
def uscc_exception_register(*, actor, code: str, holder_name: str, evidence: str, evidence_file=None) -> UsccException:
    """Register a verified code that fails the check (DOMAIN §1); it needs evidence."""
    code = uscc.normalize(code)
    if len(code) != 18:
        raise ValidationError({"code": f"统一社会信用代码应为18位，“{code}”为{len(code)}位。"})
    if not evidence.strip():
        raise ValidationError({"evidence": "登记例外代码必须提供核实依据"})
    exc, _ = UsccException.objects.update_or_create(
        code=code,
        defaults={
            "holder_name": holder_name,
            "evidence": evidence,
            "active": True,
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    if evidence_file:
        exc.evidence_file = evidence_file
        exc.save(update_fields=["evidence_file"])
    audit.record(actor=actor, action="uscc_exception.register", target=exc, after=audit.snapshot(exc))
    return exc


@transaction.atomic
def uscc_exception_deactivate(*, actor, exception: UsccException) -> UsccException:
    exception.active = False
    exception.save(update_fields=["active"])
    audit.record(actor=actor, action="uscc_exception.deactivate", target=exception, after={"active": False})
    return exception


@transaction.atomic
def holiday_override_set(*, actor, day, kind: str, note: str = "") -> HolidayOverride:
    existing = HolidayOverride.objects.filter(day=day).first()
    before = audit.snapshot(existing) if existing else None
    obj, _ = HolidayOverride.objects.update_or_create(day=day, defaults={"kind": kind, "note": note})
    audit.record(actor=actor, action="holiday_override.set", target=obj, before=before, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def holiday_override_delete(*, actor, override: HolidayOverride) -> None:
    before = audit.snapshot(override)
    audit.record(actor=actor, action="holiday_override.delete", target=override, before=before)
    override.delete()
