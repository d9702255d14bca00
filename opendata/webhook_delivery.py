"""Webhook delivery (issue 15 §4): the signature, the guarded HTTP client, the backoff schedule, and one
round of claiming due deliveries, sending them and recording every attempt.

**The signature.** Every POST carries ``X-Signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256 with the subscription's secret over ``f"{t}."`` followed by the exact body bytes. A receiver
verifies it like this (and refuses a ``t`` more than 5 minutes off its clock, against replays)::

    import hashlib, hmac, time

    def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
        fields = dict(part.split("=", 1) for part in header.split(","))
        expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) <= tolerance

``X-Event-Id`` is the event's id: a delivery is at least once, so a receiver that must not act twice
keeps the ids it has seen (a worker killed between the receiver's 2xx and our commit sends that one again).

**Claiming.** One statement leases up to ``limit`` due deliveries (``FOR UPDATE SKIP LOCKED``, so two
workers never take the same row) by moving ``next_attempt_at`` a lease ahead and counting the attempt.
The attempt count is the fencing token: an outcome is written only if the count is still the one this
worker claimed, so a worker that outlived its lease cannot overwrite a newer attempt's outcome. No
transaction is open while a request is in flight.

**A failing receiver.** While a subscription is failing (``failing_since`` set), a round sends it one
delivery only, the oldest due: a dead receiver costs one request per round, not one per event, and a
single event it refuses does not block the others (they go next round, and the first success clears
``failing_since``).
"""

import concurrent.futures
import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import threading
import time
import urllib.parse

from django.conf import settings
from django.db import connection, transaction

from opendata.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

# Issue 15 §4: failures are retried with exponential backoff for 24 hours.
RETRY_WINDOW = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(seconds=30)  # then 1 min, 2 min, 4 min … doubling
MAX_RETRY_DELAY = dt.timedelta(hours=1)  # the cap: hourly once the doubling reaches an hour
TIMEOUT_SECONDS = 5  # connect, and each read of the answer
LEASE = dt.timedelta(minutes=5)  # a claimed delivery is sent again after this if its worker died
MAX_ANSWER_BYTES = 64 * 1024  # the receiver's body is read (to reuse the connection) up to this, then dropped
USER_AGENT = "zhjg-portal-webhooks/1.0 (+/api/docs/)"


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, 4 min … capped at 1 hour."""
    return min(FIRST_RETRY * 2 ** (max(attempts, 1) - 1), MAX_RETRY_DELAY)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


# --- where a webhook may point (no SSRF probe through an API key) ---------------------------------


class HostRefused(Exception):
    """The URL's host is, or resolves to, an address a webhook may not reach."""


def address_allowed(address: str) -> bool:
    """Only global unicast addresses: never loopback, private, link-local (cloud metadata), shared or reserved."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[tuple]:
    """The addresses to connect to; raises HostRefused for a private one (unless the setting allows them)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostRefused(f"无法解析主机名“{host}”") from exc
    if not getattr(settings, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False):
        for info in infos:
            if not address_allowed(info[4][0]):
                raise HostRefused(f"“{host}”指向内网、本机或保留地址（{info[4][0]}），不能作为推送地址")
    return infos


def _connect(address, timeout, source_address=None, **kwargs):
    """http.client's connect, through ``resolve``: the address checked is the address connected to (no DNS rebinding)."""
    host, port = address
    error = None
    for family, socktype, proto, _name, sockaddr in resolve(host, port):
        sock = socket.socket(family, socktype, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"无法连接 {host}:{port}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


_local = threading.local()
_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor(threads: int) -> concurrent.futures.ThreadPoolExecutor:
    """The sending threads, kept for the process's life so their kept-alive connections serve the next round."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers != threads:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook")
        return _pool


def _connection(url: urllib.parse.SplitResult):
    """A kept-alive connection per thread and origin."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    key = (url.scheme, url.hostname, url.port)
    conn = pool.get(key)
    if conn is None:
        cls = _GuardedHTTPSConnection if url.scheme == "https" else _GuardedHTTPConnection
        conn = pool[key] = cls(url.hostname, url.port, timeout=TIMEOUT_SECONDS)
    return key, conn


def _drop(key) -> None:
    conn = _local.pool.pop(key, None)
    if conn is not None:
        conn.close()


def post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once, never following a redirect; ``(status, "")`` or ``(None, error)``."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    key, conn = _connection(parts)
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(MAX_ANSWER_BYTES)
        if not answer.isclosed():
            _drop(key)  # more than we read, or the receiver keeps it open: start afresh next time
        return answer.status, ""
    except HostRefused as exc:
        _drop(key)
        return None, str(exc)
    except (OSError, http.client.HTTPException) as exc:
        _drop(key)
        if isinstance(exc, TimeoutError | socket.timeout):
            return None, f"超时（{TIMEOUT_SECONDS} 秒内无应答）"
        return None, f"{type(exc).__name__}: {exc}"[:500]


def send(delivery: dict, url: str, secret: str) -> dict:
    """One attempt of one claimed delivery; runs in a sending thread (no database)."""
    body = body_of(delivery["payload"])
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Event-Id": str(delivery["event_id"]),
        "X-Event-Type": delivery["event_type"],
        "X-Delivery-Attempt": str(delivery["attempts"]),
        "X-Signature": sign(secret, int(time.time()), body),
    }
    started = time.monotonic()
    status, error = post(url, body, headers)
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return {
        **delivery,
        "status": status,
        "ok": status is not None and 200 <= status < 300,
        "error": error,
        "duration_ms": int((time.monotonic() - started) * 1000),
    }


# --- one round: claim, send, record ---------------------------------------------------------------

CLAIM_SQL = """
WITH probes AS (
    SELECT p.id FROM opendata_webhooksubscription s
    CROSS JOIN LATERAL (
        SELECT d.id FROM opendata_webhookdelivery d
        WHERE d.subscription_id = s.id AND d.state = 'pending' AND d.next_attempt_at <= %(now)s
        ORDER BY d.next_attempt_at, d.id LIMIT 1
    ) p
    WHERE s.failing_since IS NOT NULL AND s.disabled_at IS NULL
), due AS (
    SELECT d.id FROM opendata_webhookdelivery d
    JOIN opendata_webhooksubscription s ON s.id = d.subscription_id
    WHERE d.state = 'pending' AND d.next_attempt_at <= %(now)s AND s.disabled_at IS NULL
      AND (s.failing_since IS NULL OR d.id IN (SELECT id FROM probes))
    ORDER BY d.next_attempt_at, d.id
    LIMIT %(limit)s
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE opendata_webhookdelivery d SET attempts = d.attempts + 1, next_attempt_at = %(lease_until)s
FROM due WHERE d.id = due.id
RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.payload, d.attempts, d.created_at
"""


def claim(*, now, limit: int) -> list[dict]:
    """Lease up to ``limit`` due deliveries (committed at once: no transaction spans the sending)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, {"now": now, "limit": limit, "lease_until": now + LEASE})
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        if isinstance(row["payload"], str):
            row["payload"] = json.loads(row["payload"])
    return rows


def record(outcomes: list[dict], *, now, on_exhausted) -> dict:
    """Write the outcomes of a batch in one transaction: attempts, delivery states, subscription health.

    ``on_exhausted(subscription_ids, now)`` disables the subscriptions failing for 24 hours (the service,
    in this transaction)."""
    counts = {"delivered": 0, "failed": 0, "gave_up": 0}
    if not outcomes:
        return counts
    with transaction.atomic():
        WebhookAttempt.objects.bulk_create(
            WebhookAttempt(
                delivery_id=o["id"], status_code=o["status"], error=o["error"][:500], duration_ms=o["duration_ms"]
            )
            for o in outcomes
        )
        ok = [o for o in outcomes if o["ok"]]
        failed = [o for o in outcomes if not o["ok"]]
        with connection.cursor() as cursor:
            if ok:
                # The attempt count fences a worker that outlived its lease: its outcome no longer applies.
                cursor.execute(
                    "UPDATE opendata_webhookdelivery d SET state = 'delivered', delivered_at = %s "
                    "FROM unnest(%s::bigint[], %s::int[]) v(id, attempts) "
                    "WHERE d.id = v.id AND d.attempts = v.attempts AND d.state = 'pending'",
                    [now, [o["id"] for o in ok], [o["attempts"] for o in ok]],
                )
                counts["delivered"] = cursor.rowcount
                WebhookSubscription.objects.filter(pk__in={o["subscription_id"] for o in ok}).update(
                    last_success_at=now, failing_since=None
                )
            if failed:
                states, nexts = [], []
                for o in failed:
                    deadline = o["created_at"] + RETRY_WINDOW
                    if now >= deadline:
                        states.append(WebhookDelivery.State.GAVE_UP)
                        nexts.append(now)
                    else:
                        states.append(WebhookDelivery.State.PENDING)
                        nexts.append(min(now + retry_delay(o["attempts"]), deadline))
                cursor.execute(
                    "UPDATE opendata_webhookdelivery d SET state = v.state, next_attempt_at = v.next_at "
                    "FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::timestamptz[]) v(id, attempts, state, next_at) "
                    "WHERE d.id = v.id AND d.attempts = v.attempts AND d.state = 'pending' RETURNING d.state",
                    [[o["id"] for o in failed], [o["attempts"] for o in failed], states, nexts],
                )
                written = [row[0] for row in cursor.fetchall()]
                counts["failed"] = written.count(WebhookDelivery.State.PENDING)
                counts["gave_up"] = written.count(WebhookDelivery.State.GAVE_UP)
                failing = {o["subscription_id"] for o in failed} - {o["subscription_id"] for o in ok}
                # failing_since is the first failed attempt's time (the round's clock, like every time here).
                WebhookSubscription.objects.filter(pk__in=failing, failing_since__isnull=True).update(failing_since=now)
                exhausted = list(
                    WebhookSubscription.objects.filter(
                        pk__in=failing, disabled_at__isnull=True, failing_since__lte=now - RETRY_WINDOW
                    ).values_list("pk", flat=True)
                )
                if exhausted:
                    on_exhausted(exhausted, now)
    return counts


def deliver_round(*, now, limit: int, threads: int, on_exhausted) -> dict:
    """Claim up to ``limit`` due deliveries, send them on ``threads`` threads, and record each outcome as it
    comes back (a killed worker loses at most the requests in flight)."""
    claimed = claim(now=now, limit=limit)
    totals = {"claimed": len(claimed), "delivered": 0, "failed": 0, "gave_up": 0}
    if not claimed:
        return totals
    targets = {
        pk: (url, secret)
        for pk, url, secret in WebhookSubscription.objects.filter(
            pk__in={c["subscription_id"] for c in claimed}
        ).values_list("pk", "url", "secret")
    }
    pool = _executor(threads)
    pending = {pool.submit(send, c, *targets[c["subscription_id"]]) for c in claimed}
    while pending:
        done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
        counts = record([f.result() for f in done], now=now, on_exhausted=on_exhausted)
        for key, value in counts.items():
            totals[key] += value
    return totals
