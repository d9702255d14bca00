"""Issue 15 §3, the change feed's cursor: a reader that goes on from its last cursor sees every
committed event exactly once, in cursor order, while writers commit concurrently and out of id
order; nothing of a rolled-back transaction; events are kept at least 90 days (whole months, issue 16 §5),
and an older cursor is refused (CursorExpired, 410 in the API).

The database server is shared: a transaction of another session anywhere on it holds the feed back
until it ends (core/changes.py), so the waits below are generous, never fixed sleeps.
"""

import datetime as dt
import importlib
import random
import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from core import changes, partitions
from core.changes import ChangeEvent, ChangeFeedHorizon, ChangeType, Cursor, CursorExpired
from core.retention import RetentionPolicy
from core.tasks import prune_change_events
from portal.celery import app
from tests.credit.test_regrade import broker_pointed_at_nothing
from tests.helpers import wait_for
from tests.worker import worker_start, worker_stop

pytestmark = pytest.mark.django_db(transaction=True)

VISIBLE_TIMEOUT = 300  # seconds: another session's open transaction on the shared server holds the feed back


def emit(ref: str):
    return changes.emit(type=ChangeType.RECORD_CREATED, uscc="91110000710926094P", ref=ref)


def visible(event) -> bool:
    """Whether a reader can see ``event`` now (its transaction is below every reader's horizon)."""
    return changes.latest_cursor() >= Cursor(event.txid, event.pk)


class Reader(threading.Thread):
    """Reads from its cursor in a loop, a few events at a time, until told to stop and drained."""

    def __init__(self, expected: int):
        super().__init__(daemon=True)
        self.cursor, self.seen, self.expected = Cursor(), [], expected
        self.stop, self.error = threading.Event(), None

    def run(self):
        try:
            while not (self.stop.is_set() and len(self.seen) >= self.expected):
                events, self.cursor = changes.read_after(self.cursor, limit=3)
                self.seen += [(e.txid, e.pk, e.ref) for e in events]
                if not events and self.stop.wait(0.02):
                    continue
        except Exception as exc:  # reported by the test
            self.error = exc
        finally:
            connection.close()


def writer(refs, *, hold: threading.Event | None = None, inserted: threading.Event | None = None, fail=False):
    """One transaction writing ``refs``; optionally held open after its first insert, or rolled back."""
    try:
        with transaction.atomic():
            for i, ref in enumerate(refs):
                emit(ref)
                if i == 0 and inserted is not None:
                    inserted.set()
                if i == 0 and hold is not None:
                    assert hold.wait(60), "never released"
            if fail:
                raise RuntimeError("rolled back on purpose")
    except RuntimeError:
        pass
    finally:
        connection.close()


def test_reader_sees_every_committed_event_exactly_once_in_cursor_order_with_concurrent_writers():
    # given a reader polling from the start, and a first writer A holding its transaction open
    # after its first insert (so A's first event has the lowest id but A commits last)
    committed = ["A1", "A2", "B1", "B2"]
    rng = random.Random(15)
    batches = [[f"W{w}-{t}-{i}" for i in range(rng.randint(1, 4))] for w in range(4) for t in range(5)]
    failing = set(rng.sample(range(len(batches)), 4))
    committed += [ref for k, batch in enumerate(batches) if k not in failing for ref in batch]
    reader = Reader(expected=len(committed))
    reader.start()
    release_a, a_inserted = threading.Event(), threading.Event()
    a = threading.Thread(target=writer, args=(["A1", "A2"],), kwargs={"hold": release_a, "inserted": a_inserted})
    a.start()
    assert a_inserted.wait(30)

    # when B inserts after A (higher id) and commits first
    writer(["B1", "B2"])
    b1 = ChangeEvent.objects.get(ref="B1")
    a1 = ChangeEvent.objects.filter(ref="A1").first()
    assert a1 is None  # A has not committed: its row is invisible (a bare "id > last seen" would skip it later)
    # then the reader does not see B yet: A, older, may still commit under it
    assert not any(ref.startswith("B") for _t, _i, ref in reader.seen)
    assert changes.latest_cursor() < Cursor(b1.txid, b1.pk)

    # and, while A is still open, many writers commit concurrently, some rolled back, in random order
    threads = [
        threading.Thread(target=writer, args=(batch,), kwargs={"fail": k in failing}) for k, batch in enumerate(batches)
    ]
    for thread in threads:
        thread.start()
    release_a.set()
    for thread in [a, *threads]:
        thread.join(60)
    reader.stop.set()
    reader.join(VISIBLE_TIMEOUT)
    assert not reader.is_alive(), f"reader saw {len(reader.seen)} of {len(committed)} events"
    assert reader.error is None, reader.error

    # then: every committed event exactly once, none rolled back, in cursor order (A before B: A's txid is lower)
    refs = [ref for _t, _i, ref in reader.seen]
    assert sorted(refs) == sorted(committed)
    assert len(refs) == len(set(refs))
    assert reader.seen == sorted(reader.seen)
    assert refs.index("A1") < refs.index("A2") < refs.index("B1") < refs.index("B2")
    a1 = ChangeEvent.objects.get(ref="A1")
    assert a1.pk < b1.pk and a1.txid < b1.txid  # commit order B, A; id order A, B; cursor order A, B
    # and a reader going on from the end finds nothing new: the same cursor back
    assert changes.read_after(reader.cursor) == ([], reader.cursor)


def test_events_of_one_transaction_keep_their_insertion_order_and_share_one_txid():
    with transaction.atomic():
        first, second = emit("T1"), emit("T2")
    assert first.txid == second.txid and first.pk < second.pk
    assert wait_for(lambda: visible(second), VISIBLE_TIMEOUT)
    events, cursor = changes.read_after(Cursor())
    assert [e.ref for e in events] == ["T1", "T2"] and cursor == Cursor(second.txid, second.pk)


def test_emit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="own transaction"):
        emit("no-transaction")


def backdate(event, when):
    ChangeEvent.objects.filter(pk=event.pk).update(occurred_at=when)


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 22, 2, 30, tzinfo=SHANGHAI)


@pytest.fixture
def retention_policies():
    """The seeded retention policies (a transactional test's flush empties their table)."""
    for policy in importlib.import_module("core.migrations.0010_g_partitions").POLICIES:
        RetentionPolicy.objects.update_or_create(code=policy["code"], defaults=policy)


def no_partition_for(*months):
    """Months whose events sit in the default partition (another test may have made their partitions)."""
    with connection.cursor() as cursor:
        for name in months:
            cursor.execute(f"DROP TABLE IF EXISTS core_changeevent_{name}")


def prune(now):
    return partitions.retention_apply(table=ChangeEvent._meta.db_table, now=now)["rows"]


def test_retention_keeps_events_at_least_90_days_and_a_stale_cursor_is_expired(retention_policies):
    # given events 90 days and a microsecond old in an expired month (July, no partition of its own: the
    # default partition's rows go by the exact cutoff), 90 days and a microsecond old in a month that is
    # not wholly expired (August: kept with its month, issue 16 §5), exactly 90 days old, and new
    cutoff = NOW - dt.timedelta(days=90)  # issue 15 §3: events are kept 90 days
    no_partition_for("p202607")
    with transaction.atomic():
        old = emit("old")
    with transaction.atomic():
        august = emit("august")
    with transaction.atomic():
        boundary = emit("boundary")
    with transaction.atomic():
        new = emit("new")
    backdate(old, dt.datetime(2026, 7, 31, 23, 0, tzinfo=SHANGHAI))
    backdate(august, cutoff - dt.timedelta(microseconds=1))
    backdate(boundary, cutoff)
    assert wait_for(lambda: visible(new), VISIBLE_TIMEOUT)
    stale = Cursor()  # a client that read nothing yet: it never read "old"
    before_old = Cursor(old.txid, old.pk - 1)
    at_old = Cursor(old.txid, old.pk)
    # when the retention runs
    assert prune(NOW) == 1
    # then only the event of the expired month is gone, and the horizon is at it
    assert list(ChangeEvent.objects.order_by("id").values_list("ref", flat=True)) == ["august", "boundary", "new"]
    assert changes.horizon() == at_old
    # a cursor before it missed it: expired; at it, nothing was missed
    with pytest.raises(CursorExpired):
        changes.read_after(before_old)
    assert [e.ref for e in changes.read_after(at_old)[0]] == ["august", "boundary", "new"]
    assert [e.ref for e in changes.read_after(stale)[0]] == [
        "august",
        "boundary",
        "new",
    ]  # from the start: what is kept
    # and a second run deletes nothing and keeps the horizon
    assert prune(NOW) == 0
    assert changes.horizon() == at_old


def test_latest_cursor_skips_what_is_there_and_reads_what_comes(frozen_today):
    with transaction.atomic():
        first = emit("before-sync")
    assert wait_for(lambda: visible(first), VISIBLE_TIMEOUT)
    latest = changes.latest_cursor()
    with transaction.atomic():
        second = emit("after-sync")
    assert wait_for(lambda: visible(second), VISIBLE_TIMEOUT)
    assert [e.ref for e in changes.read_after(latest)[0]] == ["after-sync"]


@pytest.mark.slow
def test_prune_beat_task_runs_through_a_real_worker(frozen_today, retention_policies):
    # given an event of a month wholly older than 90 days (on the shared clock of the test and the worker:
    # 2026-11-22) and a new one
    no_partition_for("p202607")
    with transaction.atomic():
        old = emit("old")
    with transaction.atomic():
        new = emit("new")
    backdate(old, dt.datetime(2026, 7, 1, tzinfo=SHANGHAI))
    assert wait_for(lambda: visible(new), VISIBLE_TIMEOUT)
    proc = worker_start()
    try:
        result = prune_change_events.delay().get(timeout=VISIBLE_TIMEOUT)
    except Exception:
        print(worker_stop(proc))
        raise
    worker_stop(proc)
    # then the worker deleted the old one and moved the horizon; a cursor before it is refused
    assert result == {"deleted": 1}
    assert list(ChangeEvent.objects.values_list("ref", flat=True)) == ["new"]
    assert ChangeFeedHorizon.objects.get().event_id == old.pk
    with pytest.raises(CursorExpired):
        changes.read_after(Cursor(old.txid, old.pk - 1))


# --- the on-commit kick of the webhook fan-out ------------------------------------------------------


def kicks() -> int:
    """``opendata.deliver_webhooks`` messages waiting on the real broker (default queue)."""
    # Through Celery's own connection: the broker may be the embedded Redis on a unix socket (redis+socket://).
    with app.connection_for_read() as connection:
        queue = connection.default_channel.client
        return sum(b'"task": "opendata.deliver_webhooks"' in m for m in queue.lrange("celery", 0, -1))


def test_one_kick_per_transaction_sends_the_webhook_task_by_name():
    cache.delete(changes.KICK_CACHE_KEY)
    before = kicks()
    with transaction.atomic():
        emit("K1")
        emit("K2")
        changes.emit_select(
            "SELECT 'record.created', '', 'K3', NULL::bigint, true, NULL::bigint, NULL::bigint, '{}'::jsonb"
        )
        assert sum(func is changes._kick_deliveries for _s, func, _r in connection.run_on_commit) == 1
    assert kicks() == before + 1
    # another commit within the window shares that kick
    with transaction.atomic():
        emit("K4")
    assert kicks() == before + 1
    # a rolled-back transaction sends nothing
    cache.delete(changes.KICK_CACHE_KEY)
    with pytest.raises(RuntimeError), transaction.atomic():
        emit("K5")
        raise RuntimeError
    assert kicks() == before + 1


def test_a_broker_that_is_down_never_fails_the_commit(caplog):
    cache.delete(changes.KICK_CACHE_KEY)
    with broker_pointed_at_nothing(), transaction.atomic():
        event = emit("committed-anyway")
    assert ChangeEvent.objects.filter(pk=event.pk).exists()
    assert "定时任务兜底" in caplog.text
