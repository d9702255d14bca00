"""The outbound exchange to the provincial platform (issue 15 §6): new and changed 双公示 rows in numbered
batches, each with a receipt, retried until the other side has it.

**How.** ``run()`` (the task ``opendata.exchange_push``, every 10 minutes) does three things:
1. *Build.* The change-feed consumer ``"exchange"`` (``core.changes.FeedConsumer``) reads the events after its
   cursor (``penalty.published``/``withdrawn`` and ``record.created``/``updated``/``revoked``/``repaired``),
   reads the *current* state of each changed penalty summary, licence or act, and writes one ``ExchangeBatch``
   (its rows, their SHA-256 and the cursor range) while moving the cursor — in one transaction, so a crash
   loses nothing and builds nothing twice. The consumer row is locked with ``SKIP LOCKED``: a second worker
   leaves the building to the first.
2. *Send.* Pending and failed batches whose ``next_attempt_at`` is due are claimed one by one (``SKIP LOCKED``
   and a lease of ``SEND_LEASE_SECONDS``, so no transaction stays open during the network call) and handed
   to the connector. A failure is retried after ``retry_delay(attempts)``: 1, 2, 4, 8 … minutes, at most
   6 hours; a batch is never given up (the admin shows the backlog and its oldest age).
3. *Receipts.* Sent batches ask the connector for their receipt: accepted → 已回执, rejected → 对方拒收
   (with the reason; an official can send it again from the admin).

**The batch file** (one per batch: the folder connector's ``outbox/<batch_no>.json``, the HTTP connector's
request body), UTF-8 JSON::

    {"batch_no": "SGS2026112200000042", "created_at": "2026-11-22T10:00:00+08:00",
     "standard": "行政许可、行政处罚等信用信息数据标准（2021版）", "sender": "综合监管平台",
     "row_count": 2, "sha256": "<hex>",
     "rows": [{"op": "upsert", "kind": "penalty", "ref": "郑市监罚〔2026〕12号", "authority_uscc": "11410100MB…",
               "row": {"CF_XDR_MC": "…", "CF_WSH": "郑市监罚〔2026〕12号", …}},
              {"op": "withdraw", "kind": "licence", "ref": "…", "authority_uscc": "…", "reason": "已撤销：…"}]}

- ``op``: ``upsert`` (add or replace the row keyed by ``authority_uscc`` + ``ref``) or ``withdraw`` (take it
  off: revoked, withdrawn, repaired or stopped early, with ``reason``).
- ``kind``: ``penalty`` (``CF_*`` codes), ``licence`` (``XK_*``) or ``act`` (``XW_*``): ``opendata.shuanggongshi``.
- ``sha256``: hex SHA-256 of ``rows`` serialised as compact JSON (``sort_keys``, ``","``/``":"`` separators,
  UTF-8, non-ASCII as is), so the receiver can check what it got.
- A batch may be delivered more than once (a retry after a lost answer): receivers treat ``batch_no`` as
  idempotent.

**The receipt** (``receipts/<batch_no>.json`` in the folder, or the HTTP answer)::

    {"batch_no": "SGS2026112200000042", "status": "accepted" | "rejected", "reason": "…",
     "received_at": "…", "errors": [{"index": 0, "reason": "…"}]}

``status`` is required; the rest is kept as received and shown in the admin.
"""

import datetime as dt
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from core import audit
from core.changes import ChangeType, Cursor, CursorExpired, FeedConsumer, horizon, read_after
from credit.choices import RecordCategory, RecordState
from credit.models import CreditRecord
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from opendata import shuanggongshi as sgs
from opendata.exchange_connectors import ExchangeError, ReceiptError, connector, connector_class
from opendata.models import ExchangeBatch

CONSUMER = "exchange"
ACTOR = "task:opendata.exchange_push"
SENDER = "综合监管平台"
EVENTS_PER_BATCH = 500  # events read per batch; a batch has at most this many rows
BUILD_ROUNDS_PER_RUN = 20  # batches built per run at most (10,000 events); the rest waits for the next run
SEND_PER_RUN = 50
RECEIPTS_PER_RUN = 200
# Retries: exponential backoff from 1 minute, doubling, capped at 6 hours (issue 15 §6 "retries").
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
# A claimed batch is someone's for this long; if its worker dies mid-send, another worker takes it after.
SEND_LEASE_SECONDS = 300

EXCHANGE_TYPES = [
    ChangeType.PENALTY_PUBLISHED,
    ChangeType.PENALTY_WITHDRAWN,
    ChangeType.RECORD_CREATED,
    ChangeType.RECORD_UPDATED,
    ChangeType.RECORD_REVOKED,
    ChangeType.RECORD_REPAIRED,
    # record.expired is not sent: the end of a publicity window is not a change of the decision, and the
    # receiving platform holds 公示截止期 itself.
]
PENALTY_EVENT_TYPES = {ChangeType.PENALTY_PUBLISHED.value, ChangeType.PENALTY_WITHDRAWN.value}
WITHDRAWN_PENALTY_STATES = {DisclosureState.WITHDRAWN, DisclosureState.ENDED, DisclosureState.EARLY_STOPPED}
SHARED_RECORD_STATES = {RecordState.ACTIVE, RecordState.EXPIRED}
UNACKNOWLEDGED = [ExchangeBatch.State.PENDING, ExchangeBatch.State.SENT, ExchangeBatch.State.FAILED]


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: 60 s × 2^(attempts − 1), at most RETRY_MAX_SECONDS."""
    return dt.timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def canonical(rows: list) -> bytes:
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def envelope(batch: ExchangeBatch) -> bytes:
    """The batch file (see the module's note)."""
    body = {
        "batch_no": batch.batch_no,
        "created_at": timezone.localtime(batch.created_at).isoformat(),
        "standard": sgs.STANDARD,
        "sender": SENDER,
        "row_count": batch.rows,
        "sha256": batch.sha256,
        "rows": batch.payload,
    }
    return json.dumps(body, ensure_ascii=False, indent=None).encode()


def backlog(now=None) -> dict:
    """What the admin shows above the batches: counts per state and the oldest unacknowledged batch's age."""
    now = now or timezone.now()
    counts = dict.fromkeys(ExchangeBatch.State.values, 0)
    for state, n in ExchangeBatch.objects.order_by().values_list("state").annotate(n=Count("id")):
        counts[state] = n
    oldest = ExchangeBatch.objects.filter(state__in=UNACKNOWLEDGED).aggregate(t=Min("created_at"))["t"]
    return {**counts, "oldest_unacknowledged": oldest, "oldest_age": (now - oldest) if oldest else None}


# --- 1. build: change events → rows → one batch, cursor moved in the same transaction ------------------


def _matches(rows, keys, ref_field):
    """Rows whose (department, ref) was named by an event; an event without a department matches any."""
    wanted = {(d, r) for d, r in keys}
    any_department = {r for d, r in keys if d is None}
    return [v for v in rows if (v["department_id"], v[ref_field]) in wanted or v[ref_field] in any_department]


def _penalty_item(v: dict) -> dict | None:
    key = {"kind": sgs.Kind.PENALTY, "ref": v["number"], "authority_uscc": v["dept_uscc"]}
    if v["state"] == DisclosureState.PUBLISHED:
        return {"op": "upsert", **key, "row": sgs.penalty_row(v)}
    if v["state"] in WITHDRAWN_PENALTY_STATES:
        reason = v["withdraw_reason"] or str(DisclosureState(v["state"]).label)
        return {"op": "withdraw", **key, "reason": reason}
    return None  # pending or not public: nothing was sent, nothing to send


def _record_item(v: dict, kind: str) -> dict | None:
    key = {"kind": kind, "ref": v["source_ref"], "authority_uscc": v["dept_uscc"]}
    if v["state"] in SHARED_RECORD_STATES:
        return {"op": "upsert", **key, "row": sgs.ROW_BUILDERS[kind](v)}
    label = str(RecordState(v["state"]).label)
    return {"op": "withdraw", **key, "reason": f"{label}：{v['state_reason']}" if v["state_reason"] else label}


def items_for(events) -> list[dict]:
    """The rows to send for ``events``: the current state of each changed object, once per object, in the
    order of its last event. Penalties are keyed by decision number: a pushed 行政处罚 record's events reach
    its mirrored summary (``enforcement.pushed_penalties``), so no penalty travels twice."""
    record_keys, penalty_keys, order = set(), set(), {}
    for n, e in enumerate(events):
        key = (e.department_id, e.ref)
        if e.type in PENALTY_EVENT_TYPES:
            penalty_keys.add(key)
        else:
            record_keys.add(key)
        order[key] = n
    items = []
    if record_keys:
        refs = {r for _d, r in record_keys}
        records = sgs.record_values(
            CreditRecord.objects.filter(source_ref__in=refs, category__in=[RecordCategory.LICENCE, *sgs.ACT_CATEGORIES])
        )
        for v in _matches(list(records), record_keys, "source_ref"):
            item = _record_item(v, sgs.kind_of_category(v["category"]))
            items.append((order.get((v["department_id"], v["source_ref"]), order.get((None, v["source_ref"]))), item))
        # A pushed 行政处罚 record's change is its mirrored summary's change.
        penalty_keys |= {(d, r[:64]) for d, r in record_keys}
    if penalty_keys:
        refs = {r for _d, r in penalty_keys}
        summaries = sgs.penalty_values(PenaltyDisclosure.objects.filter(number__in=refs))
        for v in _matches(list(summaries), penalty_keys, "number"):
            item = _penalty_item(v)
            if item is not None:
                items.append((order.get((v["department_id"], v["number"]), order.get((None, v["number"]), 0)), item))
    items.sort(key=lambda pair: pair[0] if pair[0] is not None else 0)
    return [item for _n, item in items if item is not None]


def _next_batch_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [ExchangeBatch._meta.db_table])
        return cursor.fetchone()[0]


def batch_create(*, items: list[dict], start: Cursor, end: Cursor) -> ExchangeBatch:
    """One batch of ``items`` covering the feed range (start, end]; called inside the build's transaction."""
    pk = _next_batch_id()
    batch = ExchangeBatch.objects.create(
        pk=pk,
        connector=connector_class().name,
        batch_no=f"SGS{timezone.localdate():%Y%m%d}{pk:08d}",
        from_txid=start.txid,
        from_event_id=start.event_id,
        to_txid=end.txid,
        to_event_id=end.event_id,
        rows=len(items),
        sha256=hashlib.sha256(canonical(items)).hexdigest(),
        payload=items,
        state=ExchangeBatch.State.PENDING,
        next_attempt_at=timezone.now(),
    )
    audit.record(
        actor=ACTOR,
        action="opendata.exchange_batch_created",
        target=batch,
        after={"rows": batch.rows, "sha256": batch.sha256, "connector": batch.connector},
    )
    return batch


def build() -> int:
    """Turn the change events after the consumer's cursor into batches; returns how many were built."""
    FeedConsumer.objects.get_or_create(name=CONSUMER)
    built = 0
    for _round in range(BUILD_ROUNDS_PER_RUN):
        with transaction.atomic():
            consumer = FeedConsumer.objects.select_for_update(skip_locked=True).filter(name=CONSUMER).first()
            if consumer is None:
                return built  # another worker is building
            start = consumer.cursor
            try:
                events, end = read_after(start, limit=EVENTS_PER_BATCH, types=[str(t) for t in EXCHANGE_TYPES])
            except CursorExpired:
                # Off for longer than the feed keeps events: what was pruned can only be resent by a full
                # export; the exchange carries on from the oldest event kept, and the gap is on record.
                end = horizon()
                audit.record(
                    actor=ACTOR,
                    action="opendata.exchange_cursor_expired",
                    target=consumer,
                    before={"txid": start.txid, "event_id": start.event_id},
                    after={"txid": end.txid, "event_id": end.event_id},
                )
                events = None
            if events == []:
                return built
            if events:
                items = items_for(events)
                if items:
                    batch_create(items=items, start=start, end=end)
                    built += 1
            consumer.cursor_txid, consumer.cursor_id = end.txid, end.event_id
            consumer.save(update_fields=["cursor_txid", "cursor_id", "updated_at"])
    return built


# --- 2. send: claim (SKIP LOCKED + lease), hand over outside any transaction, record the outcome --------


def _due(now) -> Q:
    return Q(state__in=[ExchangeBatch.State.PENDING, ExchangeBatch.State.FAILED]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


@transaction.atomic
def _claim(pk: int, now) -> ExchangeBatch | None:
    batch = ExchangeBatch.objects.select_for_update(skip_locked=True).filter(_due(now), pk=pk).first()
    if batch is None:
        return None
    batch.attempts += 1
    batch.next_attempt_at = now + dt.timedelta(seconds=SEND_LEASE_SECONDS)
    batch.save(update_fields=["attempts", "next_attempt_at"])
    return batch


@transaction.atomic
def _record_sent(batch: ExchangeBatch, receipt: dict | None) -> str | None:
    """SENT, or the receipt's state when the answer carried one; None when the batch was no longer ours."""
    now = timezone.now()
    mine = ExchangeBatch.objects.filter(
        pk=batch.pk, attempts=batch.attempts, state__in=[ExchangeBatch.State.PENDING, ExchangeBatch.State.FAILED]
    )
    if not mine.update(state=ExchangeBatch.State.SENT, sent_at=now, next_attempt_at=None, last_error=""):
        return None  # the lease ran out and another worker took the batch over
    audit.record(actor=ACTOR, action="opendata.exchange_batch_sent", target=batch, after={"attempt": batch.attempts})
    if receipt is not None:
        return _record_receipt(batch, receipt)
    return ExchangeBatch.State.SENT


@transaction.atomic
def _record_failure(batch: ExchangeBatch, error: str) -> bool:
    now = timezone.now()
    retry_at = now + retry_delay(batch.attempts)
    mine = ExchangeBatch.objects.filter(
        pk=batch.pk, attempts=batch.attempts, state__in=[ExchangeBatch.State.PENDING, ExchangeBatch.State.FAILED]
    )
    if not mine.update(state=ExchangeBatch.State.FAILED, next_attempt_at=retry_at, last_error=error[:500]):
        return False
    audit.record(
        actor=ACTOR,
        action="opendata.exchange_batch_failed",
        target=batch,
        after={"attempt": batch.attempts, "error": error[:500], "next_attempt_at": retry_at},
    )
    return True


def _counts() -> dict:
    return {"sent": 0, "failed": 0, "acknowledged": 0, "rejected": 0}


def _count(counts: dict, state: str | None) -> None:
    if state == ExchangeBatch.State.ACKNOWLEDGED:
        counts["acknowledged"] += 1
    elif state == ExchangeBatch.State.REJECTED:
        counts["rejected"] += 1


def send_due(now=None) -> dict:
    now = now or timezone.now()
    counts = _counts()
    due = ExchangeBatch.objects.filter(_due(now)).order_by("id").values_list("id", flat=True)[:SEND_PER_RUN]
    for pk in list(due):
        batch = _claim(pk, now)
        if batch is None:
            continue  # another worker has it
        try:
            sent = connector(batch.connector).send(batch.batch_no, envelope(batch))
        except ExchangeError as exc:
            counts["failed"] += _record_failure(batch, str(exc))
            continue
        state = _record_sent(batch, sent.receipt)
        counts["sent"] += state is not None
        _count(counts, state)
    return counts


# --- 3. receipts --------------------------------------------------------------------------------------


def _record_receipt(batch: ExchangeBatch, receipt: dict) -> str | None:
    accepted = receipt["status"] == "accepted"
    state = ExchangeBatch.State.ACKNOWLEDGED if accepted else ExchangeBatch.State.REJECTED
    reason = "" if accepted else str(receipt.get("reason") or "对方未说明理由")[:500]
    with transaction.atomic():
        done = ExchangeBatch.objects.filter(pk=batch.pk, state=ExchangeBatch.State.SENT).update(
            state=state, receipt=receipt, receipt_at=timezone.now(), last_error=reason
        )
        if not done:
            return None
        audit.record(
            actor=ACTOR,
            action=f"opendata.exchange_batch_{'acknowledged' if accepted else 'rejected'}",
            target=batch,
            after={"receipt": receipt},
        )
    return state


def read_receipts() -> dict:
    counts = _counts()
    for batch in ExchangeBatch.objects.filter(state=ExchangeBatch.State.SENT).order_by("id")[:RECEIPTS_PER_RUN]:
        try:
            receipt = connector(batch.connector).receipt(batch.batch_no)
        except ReceiptError as exc:
            ExchangeBatch.objects.filter(pk=batch.pk, state=ExchangeBatch.State.SENT).update(last_error=str(exc)[:500])
            continue
        if receipt is not None:
            _count(counts, _record_receipt(batch, receipt))
    return counts


def run() -> dict:
    """The task's body: build, send what is due, read receipts. Safe to run in two workers at once."""
    built = build()
    sent, receipts = send_due(), read_receipts()
    return {"built": built, **{key: sent[key] + receipts[key] for key in sent}}


# --- officials' action --------------------------------------------------------------------------------

RETRYABLE = [ExchangeBatch.State.FAILED, ExchangeBatch.State.REJECTED, ExchangeBatch.State.PENDING]


@transaction.atomic
def batch_retry(*, actor, batch: ExchangeBatch) -> ExchangeBatch:
    """Send a failed or rejected batch again at the next run (the admin's 立即重新发送)."""
    batch = ExchangeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in RETRYABLE:
        raise ValidationError(f"批次 {batch.batch_no} 当前状态为“{batch.get_state_display()}”，不能重新发送")
    before = {"state": batch.state, "next_attempt_at": batch.next_attempt_at, "receipt": batch.receipt}
    batch.state = ExchangeBatch.State.PENDING
    batch.next_attempt_at = timezone.now()
    batch.receipt = batch.receipt_at = None  # the old answer is in the audit event; the new one will come
    batch.save(update_fields=["state", "next_attempt_at", "receipt", "receipt_at"])
    audit.record(
        actor=actor,
        action="opendata.exchange_batch_retry",
        target=batch,
        before=before,
        after={"state": batch.state, "next_attempt_at": batch.next_attempt_at},
    )
    return batch
