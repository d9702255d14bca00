"""The change feed (issue 15 §3): every change to a public or shared fact is a ``ChangeEvent``.

An event is written in the same transaction as the change it describes, by ``emit`` (one row) or
``emit_select`` (set-based ``INSERT … SELECT``, for jobs over the whole population). Readers page
through the feed with an opaque cursor (``read_after``); the change feed API, webhooks, the outbound
exchange and the Atom feeds are all readers.

**Why not a bare sequence.** Ids are handed out when a row is inserted, but transactions commit in
another order: a reader that saw id 11 may later see id 10 appear, and a cursor "after 11" would
miss it. Each event therefore also stores the 64-bit id of the transaction that wrote it
(``pg_current_xact_id()``), and a reader returns only events of transactions older than its
snapshot's ``xmin``: every such transaction has ended, so nothing can ever be inserted behind the
cursor ``(txid, id)``. The horizon is taken from the same statement's snapshot
(``pg_current_snapshot()`` is the active snapshot), so the rows and the horizon agree. The price: a
long-running transaction anywhere on the server holds the feed back until it ends (events wait, they
are never lost). All events of one transaction have one txid and keep their insertion order.

Events are kept 90 days (issue 15 §3; a ``core.retention.RetentionPolicy`` since issue 16 §5): the
table is partitioned by month of ``occurred_at`` and the nightly 分区维护 job (``core.partitions.retention_apply``) drops whole
months past retention and raises the horizon below which a cursor is refused (410 in the API). ``read_after`` checks the horizon *after* reading, in a
later statement: a prune that committed between its check and its read would otherwise delete events
under a reader that was told its cursor is fine (the prune moves the horizon in the same transaction
as its delete, so a later statement sees both or neither). ``prune`` deletes only events of ended
transactions (below the read horizon), so an event still being written can never land under the
retention horizon.

**Visibility.** ``public`` says whether the event may appear on public feeds (Atom): the fact was or
becomes shown on public pages with this change. ``public=False`` marks a fact shared with keyed
readers only (e.g. an aged-out 公示期满 record, still readable through ``credit:read``). Facts that are
neither public nor shared (an unpublished 轻微 record: ``credit.selectors.shareable_records`` leaves it
out of the keyed API too) are not emitted at all.

**Waking the webhooks.** The first emission of a transaction registers one ``on_commit`` callback
that sends the Celery task ``opendata.deliver_webhooks`` by name (core imports no app): deliveries
go out seconds after the commit, one kick per second at most however many transactions commit
(``_kick_deliveries``). A broker failure is logged and swallowed; the every-minute beat job is the
safety net.
"""

import base64
import binascii
import logging
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.functions import Cast, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import pagecache
from core.choices import Scope

RETENTION_DAYS = 90  # issue 15 §3: events are kept 90 days (the seeded RetentionPolicy; core.partitions drops them)
DELIVER_TASK = "opendata.deliver_webhooks"
KICK_WINDOW = 1  # seconds: at most one on-commit kick of the webhook fan-out per window
KICK_CACHE_KEY = "core.changes.kick"

logger = logging.getLogger(__name__)


class ChangeType(models.TextChoices):
    RECORD_CREATED = "record.created", _("信用记录新增")
    RECORD_UPDATED = "record.updated", _("信用记录更新")
    RECORD_REVOKED = "record.revoked", _("信用记录撤销")
    RECORD_EXPIRED = "record.expired", _("信用记录公示期满")
    RECORD_REPAIRED = "record.repaired", _("信用记录修复")
    GRADE_CHANGED = "grade.changed", _("信用等级变化")
    LIST_ENTRY_ADDED = "list_entry.added", _("列入名单")
    LIST_ENTRY_REMOVED = "list_entry.removed", _("移出名单")
    PENALTY_PUBLISHED = "penalty.published", _("行政处罚公示")
    PENALTY_WITHDRAWN = "penalty.withdrawn", _("行政处罚撤回")
    INSPECTION_RESULT_PUBLISHED = "inspection_result.published", _("抽查结果公示")
    # 一号响应 (issue 15 §6): a hotline work order's status, sent back only to the client that filed it.
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("投诉举报办理状态变化")


# "Clients see only the events their scopes allow" (issue 15 §3).
SCOPE_OF_TYPE = {
    ChangeType.RECORD_CREATED: Scope.CREDIT_READ,
    ChangeType.RECORD_UPDATED: Scope.CREDIT_READ,
    ChangeType.RECORD_REVOKED: Scope.CREDIT_READ,
    ChangeType.RECORD_EXPIRED: Scope.CREDIT_READ,
    ChangeType.RECORD_REPAIRED: Scope.CREDIT_READ,
    ChangeType.GRADE_CHANGED: Scope.CREDIT_READ,
    ChangeType.LIST_ENTRY_ADDED: Scope.CREDIT_READ,
    ChangeType.LIST_ENTRY_REMOVED: Scope.CREDIT_READ,
    ChangeType.PENALTY_PUBLISHED: Scope.ENFORCEMENT_READ,
    ChangeType.PENALTY_WITHDRAWN: Scope.ENFORCEMENT_READ,
    ChangeType.INSPECTION_RESULT_PUBLISHED: Scope.INSPECTIONS_READ,
    ChangeType.COMPLAINT_STATUS_CHANGED: Scope.COMPLAINTS_WRITE,
}


# Events of these types are for their audience only (a hotline's own work orders): never read by anyone
# else, even if one were ever written without an audience.
ADDRESSED_TYPES = (ChangeType.COMPLAINT_STATUS_CHANGED,)


def types_for_scopes(scopes) -> list[str]:
    return [str(t) for t, scope in SCOPE_OF_TYPE.items() if scope in scopes]


_TXID = Cast(
    Cast(models.Func(function="pg_current_xact_id", output_field=models.TextField()), models.TextField()),
    models.BigIntegerField(),
)


class ChangeEvent(models.Model):
    """One change to a public or shared fact (变更事件), written in the change's own transaction."""

    txid = models.BigIntegerField(_("事务号"), db_default=_TXID, editable=False)
    occurred_at = models.DateTimeField(_("发生时间"), db_default=Now(), editable=False)
    type = models.CharField(_("事件类型"), max_length=40, choices=ChangeType.choices)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_collation="C")
    # The changed object's public reference: a record's source_ref, a decision number, a list entry's id …
    ref = models.CharField(_("公开编号"), max_length=200, blank=True)
    object_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    # False for shared-but-not-public facts (an unpublished 轻微 record): keyed readers only, never a public feed.
    public = models.BooleanField(_("公开"), default=True)
    department = models.ForeignKey(
        settings.DEPARTMENT_MODEL,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Set for events meant for one client only (a hotline work order's status); None means every client in scope.
    audience = models.ForeignKey(
        "core.ApiClient",
        verbose_name=_("限定接收方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Small public payload (e.g. {"from": "GOOD", "to": "WARNING"}); never personal data.
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("变更事件")
        verbose_name_plural = _("变更事件")
        indexes = [
            models.Index(fields=["txid", "id"], name="change_cursor"),
            models.Index(fields=["uscc", "txid", "id"], name="change_entity_cursor"),
            models.Index(fields=["occurred_at"], name="change_occurred"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.uscc} {self.ref}"


class FeedConsumer(models.Model):
    """A server-side reader of the change feed (webhook fan-out, outbound exchange) and where it stands."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    cursor_txid = models.BigIntegerField(_("事务号"), default=0)
    cursor_id = models.BigIntegerField(_("事件编号"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "core"
        verbose_name = _("变更订阅进度")
        verbose_name_plural = _("变更订阅进度")

    def __str__(self):
        return self.name

    @property
    def cursor(self):
        return Cursor(self.cursor_txid, self.cursor_id)


class ChangeFeedHorizon(models.Model):
    """The highest cursor position pruned so far (one row): a cursor below it has missed events (410)."""

    txid = models.BigIntegerField(default=0)
    event_id = models.BigIntegerField(default=0)
    pruned_at = models.DateTimeField(null=True)

    class Meta:
        app_label = "core"
        verbose_name = _("变更事件保留边界")
        verbose_name_plural = _("变更事件保留边界")

    def __str__(self):
        return f"{self.txid}:{self.event_id}"


@dataclass(frozen=True, order=True)
class Cursor:
    txid: int = 0
    event_id: int = 0

    def encode(self) -> str:
        raw = f"v1:{self.txid}:{self.event_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> "Cursor":
        """The empty cursor is the start of the feed; anything unreadable raises ValueError."""
        if not text:
            return cls()
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            version, txid, event_id = raw.split(":")
            if version != "v1":
                raise ValueError(version)
            cursor = cls(int(txid), int(event_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("游标无效") from exc
        if cursor.txid < 0 or cursor.event_id < 0:
            raise ValueError("游标无效")
        return cursor


class CursorExpired(Exception):
    """The cursor points before the retention horizon: events after it were pruned."""


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change events are written inside the change's own transaction")


def _kick_deliveries() -> None:
    """On commit: wake the webhook fan-out within seconds; never raise (the beat job runs every minute anyway).

    Under a stream of commits one kick serves them all: a kick is sent at most once per
    ``KICK_WINDOW`` seconds (a cache key), and runs ``KICK_WINDOW`` seconds later, so every commit
    of its window is in before the fan-out looks. A kick still queued after a minute is dropped by
    the worker (``expires``): the beat job has run by then, and a worker coming back after an outage
    does not replay thousands of them."""
    try:
        if cache.add(KICK_CACHE_KEY, 1, timeout=KICK_WINDOW):
            current_app.send_task(DELIVER_TASK, ignore_result=True, countdown=KICK_WINDOW, expires=60)
    except Exception:  # any broker or connection error: the committed change must not fail for it
        logger.warning("变更事件推送任务未能入队（消息队列不可用）；由每分钟的定时任务兜底", exc_info=True)


def _kick_on_commit() -> None:
    """One callback per transaction, however many events it writes (a rolled-back savepoint drops its own)."""
    conn = transaction.get_connection()
    if not any(func is _kick_deliveries for _sids, func, _robust in conn.run_on_commit):
        transaction.on_commit(_kick_deliveries)


def emit(*, type, uscc="", ref="", object_id=None, public=True, department=None, audience=None, data=None):
    """Write one event in the caller's transaction and return it."""
    _require_transaction()
    event = ChangeEvent.objects.create(
        type=type,
        uscc=uscc or "",
        ref=(ref or "")[:200],
        object_id=object_id,
        public=public,
        department=department,
        audience=audience,
        data=data or {},
    )
    _kick_on_commit()
    pagecache.note_event(uscc=event.uscc, type=event.type)  # retire the pages showing it, on commit (issue 16 §1)
    return event


EMIT_COLUMNS = ("type", "uscc", "ref", "object_id", "public", "department_id", "audience_id", "data")


def emit_select(select_sql: str, params=()) -> int:
    """Set-based emission: ``select_sql`` yields the columns of ``EMIT_COLUMNS``, in that order.

    ``data`` is jsonb (``'{}'::jsonb`` or ``jsonb_build_object(…)``); txid and occurred_at come from
    the database. Events come out in the SELECT's order (give it an ORDER BY when that matters).
    Returns the number of events written.
    """
    _require_transaction()
    table = ChangeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(EMIT_COLUMNS)}) {select_sql}", params)
        written = cursor.rowcount
    if written:
        _kick_on_commit()
        pagecache.note_events_written()  # retire the pages showing them, on commit (issue 16 §1)
    return written


def horizon() -> Cursor:
    row = ChangeFeedHorizon.objects.order_by("pk").first()
    return Cursor(row.txid, row.event_id) if row else Cursor()


# Transactions older than the statement's snapshot xmin have all ended: nothing can appear below it.
_READ_HORIZON = "(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)"


def latest_cursor() -> Cursor:
    """The position of the newest event a reader can see now (or the retention horizon, if later):
    reading after it yields only what is committed from now on. For a client that has just synced
    in full (the 410's advice)."""
    table = ChangeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT txid, id FROM {table} WHERE txid < {_READ_HORIZON} ORDER BY txid DESC, id DESC LIMIT 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return max(Cursor(*row) if row else Cursor(), horizon())


def read_after(cursor: Cursor, *, limit=500, types=None, audience=None, uscc=None, public_only=False):
    """Events after ``cursor`` that no running transaction can still precede, in cursor order.

    Returns ``(events, next_cursor)``; ``next_cursor`` equals ``cursor`` when nothing new is visible.
    ``types`` limits the event types; ``audience`` is the reading client (events addressed to another
    client are left out). Raises CursorExpired for a cursor below the retention horizon.
    """
    where = ["(e.txid, e.id) > (%s, %s)", f"e.txid < {_READ_HORIZON}"]
    params = [cursor.txid, cursor.event_id]
    if types is not None:
        where.append("e.type = ANY(%s)")
        params.append(list(types))
    addressed = [str(t) for t in ADDRESSED_TYPES]
    if audience is not None:
        where.append("(e.audience_id IS NULL OR e.audience_id = %s)")
        where.append("(e.type <> ALL(%s) OR e.audience_id = %s)")
        params += [audience.pk, addressed, audience.pk]
    else:
        where.append("e.audience_id IS NULL")
        where.append("e.type <> ALL(%s)")
        params.append(addressed)
    if uscc is not None:
        where.append("e.uscc = %s")
        params.append(uscc)
    if public_only:
        where.append("e.public")
    table = ChangeEvent._meta.db_table
    # The clauses are fixed strings above; every value is a parameter.
    sql = f"SELECT e.* FROM {table} e WHERE {' AND '.join(where)} ORDER BY e.txid, e.id LIMIT %s"  # noqa: S608
    params.append(limit)
    events = list(ChangeEvent.objects.raw(sql, params))
    # Checked after the read, in a later statement: a prune that deleted under this read is seen here.
    if cursor != Cursor() and cursor < horizon():
        raise CursorExpired
    if not events:
        return events, cursor
    last = events[-1]
    return events, Cursor(last.txid, last.pk)


def last_cursor_where(where: str, params) -> Cursor | None:
    """The highest cursor among the events matching ``where`` (a fixed SQL condition on ``e``'s
    columns), or None when one of them belongs to a transaction still running (it cannot go yet)."""
    table = ChangeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT txid, id, txid < {_READ_HORIZON} FROM {table} WHERE {where} ORDER BY txid DESC, id DESC LIMIT 1",  # noqa: S608
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return Cursor()
    return Cursor(row[0], row[1]) if row[2] else None


def delete_where(table: str, where: str, params) -> tuple[int, Cursor]:
    """Delete the events of ended transactions matching ``where`` from ``table`` (the change events or one
    of their partitions); returns the count and the highest cursor deleted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH gone AS (DELETE FROM {table} WHERE {where} AND txid < {_READ_HORIZON} RETURNING txid, id)
                SELECT count(*), (SELECT txid FROM gone ORDER BY txid DESC, id DESC LIMIT 1),
                       (SELECT id FROM gone ORDER BY txid DESC, id DESC LIMIT 1) FROM gone""",  # noqa: S608
            params,
        )
        deleted, last_txid, last_id = cursor.fetchone()
    return deleted, Cursor(last_txid or 0, last_id or 0)


def horizon_raise(last: Cursor) -> Cursor:
    """In the dropping transaction: the horizon becomes ``last`` if that is higher (it never goes down)."""
    row, _created = ChangeFeedHorizon.objects.select_for_update().get_or_create(pk=1)
    if last > Cursor(row.txid, row.event_id):
        row.txid, row.event_id, row.pruned_at = last.txid, last.event_id, timezone.now()
        row.save(update_fields=["txid", "event_id", "pruned_at"])
    return Cursor(row.txid, row.event_id)
