"""The audit trail (全程留痕): every service calls ``audit.record`` inside its transaction.

Each event carries the hash of the previous one. Writers take a transaction-level advisory lock,
so the chain is linear even under concurrency; ``verify_chain`` finds the first broken link.

The hash is keyed (issue 11 §3): HMAC-SHA256 with ``AUDIT_KEY``, a secret kept outside the
database, so whoever can rewrite the table cannot recompute a valid chain after an edit. Events
written before the key existed keep their plain SHA-256 (``scheme`` = ``sha256``) and verify as
before; the chain continues keyed from the first new event. Legacy events are accepted only up to
the head that the upgrade migration anchored outside the database (core.anchors), so rewriting
later events as "legacy" is caught too.
"""

import contextvars
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from core.choices import ActorType, HashScheme
from core.models import ApiClient, AuditEvent

GENESIS = "0" * 64
# An arbitrary, fixed key for pg_advisory_xact_lock: serialises appends to the chain.
CHAIN_LOCK = 0x41554449  # "AUDI"

request_id_var = contextvars.ContextVar("request_id", default="")
client_ip_var = contextvars.ContextVar("client_ip", default=None)


def _jsonable(value):
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


def snapshot(obj, fields=None) -> dict:
    """A JSON-ready dict of a model instance's concrete fields (for before/after)."""
    data = model_to_dict(obj, fields=fields)
    for f in obj._meta.concrete_fields:
        if (fields is None or f.name in fields) and f.name not in data:
            data[f.name] = f.value_from_object(obj)
    for key, value in list(data.items()):
        if hasattr(value, "pk"):
            data[key] = value.pk
        elif isinstance(value, list | tuple) and value and hasattr(value[0], "pk"):
            data[key] = [v.pk for v in value]
        elif isinstance(value, FieldFile):
            data[key] = value.name or ""
    return _jsonable(data)


def _actor_fields(actor) -> dict:

    if actor is None:
        return {"actor_type": ActorType.SYSTEM, "actor_label": "系统"}
    if isinstance(actor, ApiClient):
        return {"actor_type": ActorType.API_CLIENT, "actor_client_id": actor.pk, "actor_label": f"接口:{actor.name}"}
    if isinstance(actor, str):
        if actor.startswith("task:"):
            return {"actor_type": ActorType.TASK, "actor_label": actor}
        if actor.startswith("public"):
            return {"actor_type": ActorType.PUBLIC, "actor_label": actor}
        return {"actor_type": ActorType.SYSTEM, "actor_label": actor}
    if getattr(actor, "is_authenticated", False):
        return {"actor_type": ActorType.USER, "actor_user_id": actor.pk, "actor_label": actor.get_username()}
    return {"actor_type": ActorType.PUBLIC, "actor_label": "公众"}


def _canonical(fields: dict, scheme: str = HashScheme.HMAC_SHA256) -> str:
    occurred = fields["occurred_at"].astimezone(dt.UTC).isoformat()
    data = {k: fields.get(k) for k in HASHED_FIELDS}
    if scheme == HashScheme.HMAC_SHA256 and fields.get("client_ip") is not None:
        data["client_ip"] = fields["client_ip"]  # sealed when known (events from requests)
    data["occurred_at"] = occurred
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


HASHED_FIELDS = (
    "occurred_at",
    "actor_type",
    "actor_user_id",
    "actor_client_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "before",
    "after",
    "request_id",
)
# Keyed events (issue 11) also seal the client's address where a request gave one; legacy events never had it.
KEYED_HASHED_FIELDS = (*HASHED_FIELDS, "client_ip")


def event_hash(prev_hash: str, fields: dict, scheme: str = HashScheme.HMAC_SHA256, key: str | None = None) -> str:
    """The hash of one link. ``key`` defaults to settings.AUDIT_KEY (tests pass a wrong one)."""
    message = (prev_hash + _canonical(fields, scheme)).encode()
    if scheme == HashScheme.SHA256:
        return hashlib.sha256(message).hexdigest()
    if scheme == HashScheme.HMAC_SHA256:
        return hmac.new((settings.AUDIT_KEY if key is None else key).encode(), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown audit hash scheme {scheme!r}")


def record(*, actor, action: str, target, before=None, after=None, target_label: str | None = None):
    """Append one event. Call inside the service's transaction (it opens one if needed)."""

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        if isinstance(target, tuple):
            target_type, target_id = target
        else:
            target_type, target_id = target._meta.label_lower, target.pk
            if target_label is None:
                target_label = str(target)
        fields = {
            "occurred_at": timezone.now(),
            "actor_user_id": None,
            "actor_client_id": None,
            **_actor_fields(actor),
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "target_label": (target_label or "")[:300],
            "before": _jsonable(before),
            "after": _jsonable(after),
            "request_id": request_id_var.get(),
            "client_ip": client_ip_var.get(),
        }
        fields["actor_type"] = str(fields["actor_type"])
        scheme = HashScheme.HMAC_SHA256
        return AuditEvent.objects.create(
            prev_hash=prev, hash=event_hash(prev, fields, scheme), scheme=str(scheme), **fields
        )


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    head_id: int | None = None
    legacy: int = 0  # events still on plain SHA-256 (before AUDIT_KEY)

    @property
    def ok(self):
        return self.broken_at is None


def verify_chain(*, legacy_until: int | None = None) -> ChainReport:
    """Recompute every link in id order; stop at the first that does not match.

    ``legacy_until``: the last event id allowed on plain SHA-256 (None: not checked here; the
    full check in core.anchors passes the id the upgrade anchored, or 0 when it anchored none).
    Whatever it is, a legacy event after a keyed one is a downgrade.
    """

    prev = GENESIS
    checked = legacy = 0
    keyed_seen = False
    head = None
    columns = ("id", "prev_hash", "hash", "scheme", *KEYED_HASHED_FIELDS)
    for row in AuditEvent.objects.order_by("id").values_list(*columns).iterator(chunk_size=5000):
        event = dict(zip(columns, row, strict=True))
        checked += 1
        if event["prev_hash"] != prev:
            return ChainReport(checked, event["id"], "前一事件哈希与链不一致（事件被删除或插入）", event["id"], legacy)
        if event["scheme"] == HashScheme.SHA256:
            legacy += 1
            if keyed_seen or (legacy_until is not None and event["id"] > legacy_until):
                return ChainReport(
                    checked, event["id"], "事件在启用密钥后仍用无密钥哈希（链被降级重算）", event["id"], legacy
                )
        else:
            keyed_seen = True
        try:
            expected = event_hash(prev, event, event["scheme"])
        except ValueError:
            return ChainReport(
                checked, event["id"], f"未知的哈希算法 {event['scheme']!r}（内容被篡改）", event["id"], legacy
            )
        if not hmac.compare_digest(expected, event["hash"]):
            return ChainReport(checked, event["id"], "事件内容与其哈希不一致（内容被篡改）", event["id"], legacy)
        prev = event["hash"]
        head = event["id"]
    return ChainReport(checked, head_id=head, legacy=legacy)
