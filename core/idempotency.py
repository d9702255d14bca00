"""``Idempotency-Key`` on the public filing APIs (issue 12 §6: one submission, one filing).

A client that sends ``Idempotency-Key: <16–128 characters of A–Z a–z 0–9 - _ . :>`` with a
``POST`` may resend it, after a timeout or a dropped connection, as often as it likes:

- same key, same body → the first 201 answer again (same ``tracking_no`` and ``query_code``, header
  ``Idempotent-Replayed: true``); nothing is filed a second time;
- same key, another body → 422 ``idempotency_key_reused``; nothing is filed;
- a request that failed (400, 429 …) keeps nothing: the key may be used again for the corrected body.

Decisions (see /work/notes/page.md):

- **Scope**: the endpoint, plus the API client when a key was sent; anonymous filers share one
  scope per endpoint, not one per IP. A retry is exactly the moment an IP changes (a phone moving
  from Wi-Fi to 4G, a NAT pool), and a per-IP key would file twice then. The key is a client-made
  random value (a UUID is 36 characters); the 16-character minimum makes a collision or a guess
  unlikely, and even a collision only replays an answer to someone who sent the identical body.
- **Storage: PostgreSQL, not Redis.** The key row is written in the filing's own transaction, so
  "filed" and "key taken" commit together or not at all; a concurrent request with the same key
  waits on the unique index until the first commits, then replays its answer. Redis could lose the
  key after the filing committed (or keep it for a filing that rolled back).
- **Retention**: 48 hours (≥ 24 h asked); older rows are ignored and purged in small batches.
- **The query code is never stored readable.** The database keeps only a keyed hash of the filing's
  code (core.query_codes); here the code is sealed with a pad derived from ``QUERY_CODE_KEY``, the
  Idempotency-Key and the body's hash (HMAC-SHA256 as a PRF in counter mode, XOR). A copy of the
  database alone opens nothing; only a request with the same key and the same body (that is, the
  filer's own retry) gets the code back. The key is stored only as an HMAC too.

Use: decorate the view's ``post`` with ``@idempotent`` (one line).
"""

import datetime as dt
import functools
import hashlib
import hmac
import json
import re

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.query_codes import query_code_key

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{16,128}$")
RETENTION = dt.timedelta(hours=48)
SEALED_FIELDS = ("query_code",)
PURGE_BATCH = 200


class IdempotencyKey(models.Model):
    """A public filing request's Idempotency-Key and the first answer, replayed to its retries."""

    scope = models.CharField(_("作用范围"), max_length=200)
    key_digest = models.CharField(_("幂等键摘要"), max_length=64)
    request_digest = models.CharField(_("请求体摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"), default=0)
    response = models.JSONField(_("首次答复（查询码已加密）"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), db_index=True)

    class Meta:
        app_label = "core"
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["scope", "key_digest"], name="idempotency_key_unique")]

    def __str__(self):
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def _mac(*parts: str) -> bytes:
    return hmac.new(query_code_key(), "\x1f".join(parts).encode(), hashlib.sha256).digest()


def _pad(seed: bytes, name: str, length: int) -> bytes:
    out, counter = b"", 0
    while len(out) < length:
        out += hmac.new(seed, f"{name}:{counter}".encode(), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def seal(body: dict, seed: bytes) -> dict:
    """The answer as stored: each sealed field XORed with its pad, in hex."""
    kept = {k: v for k, v in body.items() if k not in SEALED_FIELDS}
    sealed = {}
    for name in SEALED_FIELDS:
        if isinstance(body.get(name), str):
            raw = body[name].encode()
            sealed[name] = bytes(a ^ b for a, b in zip(raw, _pad(seed, name, len(raw)), strict=True)).hex()
    return {"body": kept, "sealed": sealed}


def unseal(stored: dict, seed: bytes) -> dict:
    body = dict(stored.get("body") or {})
    for name, value in (stored.get("sealed") or {}).items():
        raw = bytes.fromhex(value)
        body[name] = bytes(a ^ b for a, b in zip(raw, _pad(seed, name, len(raw)), strict=True)).decode()
    return body


def request_digest(data) -> str:
    """The body's meaning, not its bytes: key order and whitespace do not make another request."""
    if hasattr(data, "lists"):  # a QueryDict (form-encoded body)
        data = {k: v for k, v in data.lists()}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _scope(view, request) -> str:
    client = request.auth.pk if getattr(request.auth, "pk", None) else "public"
    return f"{type(view).__module__}.{type(view).__name__}:{client}"[:200]


def _purge(now) -> None:
    # SKIP LOCKED: concurrent purges never wait on (or deadlock over) each other's rows.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {IdempotencyKey._meta.db_table} WHERE id IN (SELECT id FROM {IdempotencyKey._meta.db_table} "  # noqa: S608 - constant table
            "WHERE created_at < %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)",
            [now - RETENTION, PURGE_BATCH],
        )


def _replay(row: IdempotencyKey, seed: bytes) -> Response:
    return Response(
        unseal(row.response, seed),
        status=row.status_code,
        headers={"Cache-Control": "no-store", "Idempotent-Replayed": "true"},
    )


def idempotent(post):
    """Decorate an APIView's ``post``: honour ``Idempotency-Key`` as the module says."""

    @functools.wraps(post)
    def wrapper(self, request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None:
            return post(self, request, *args, **kwargs)
        key = raw.strip()
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError(
                {HEADER: "Idempotency-Key 须为16至128个字符（字母、数字及 - _ . :），建议每次新的提交使用一个新的 UUID"}
            )
        try:
            data = request.data
        except exceptions.APIException:
            return post(self, request, *args, **kwargs)  # the view refuses the malformed body; nothing is filed
        scope, digest = _scope(self, request), request_digest(data)
        key_digest = _mac("idempotency-key", scope, key).hex()
        seed = _mac("idempotency-seal", scope, key, digest)
        now = timezone.now()
        with transaction.atomic():
            _purge(now)
            IdempotencyKey.objects.filter(scope=scope, key_digest=key_digest, created_at__lt=now - RETENTION).delete()
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        scope=scope, key_digest=key_digest, request_digest=digest, created_at=now
                    )
            except IntegrityError:
                # Taken: by a committed request, or one that just committed while this insert waited on the index.
                row = IdempotencyKey.objects.get(scope=scope, key_digest=key_digest)
                if row.request_digest != digest:
                    raise KeyReused(
                        {
                            HEADER: "该 Idempotency-Key 已用于另一内容不同的提交（48小时内有效），未重复受理；新的提交请使用新的 Idempotency-Key"
                        }
                    ) from None
                return _replay(row, seed)
            response = post(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300 and isinstance(response.data, dict):
                row.status_code, row.response = response.status_code, seal(response.data, seed)
                row.save(update_fields=["status_code", "response"])
            else:
                transaction.set_rollback(True)  # a refusal keeps nothing: the key may carry the corrected body
        return response

    return wrapper
