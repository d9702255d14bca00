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
    audit.record(actor=actor, action="api_client.create", target=client, after=audit.snapshot(client, ["name", "department", "scopes", "key_prefix"]))
    return client, key


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_client.revoke", target=client, after={"revoked_at": client.revoked_at})
    return client


@transaction.atomic
def api_client_update(*, actor, client: ApiClient, name: str, scopes: list[str]) -> ApiClient:
    before = audit.snapshot(client, ["name", "scopes"])
    client.name, client.scopes = name, sorted(set(scopes))
    client.full_clean(exclude=["key_hash", "department"])
    client.save(update_fields=["name", "scopes"])
    audit.record(actor=actor, action="api_client.update", target=client, before=before, after=audit.snapshot(client, ["name", "scopes"]))
    return client


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
        defaults={"holder_name": holder_name, "evidence": evidence, "active": True, "created_by": actor if getattr(actor, "pk", None) else None},
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
