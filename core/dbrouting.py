"""The read replica (issue 16 §5): which database a query goes to.

With ``DATABASE_REPLICA_URL`` unset there is one database and nothing here changes a query. With it
set, settings add the ``replica`` alias and ``ReplicaRouter``:

- every write goes to ``default`` (the primary), and migrations run only there;
- a read goes to ``replica`` only inside a request that ``core.replica_middleware`` marked as a public
  read (``use_replica()``), and only while the replica is reachable and its lag is under
  ``REPLICA_MAX_LAG_SECONDS``. Anything else (Celery tasks, management commands, tests, the admin,
  the keyed API, filings) reads from the primary, because the context variable is off there;
- once a request has written, or opened a transaction on the primary, its later reads go to the
  primary too (read-your-writes inside the request; across requests, the middleware's pin cookie).

The replica's state is checked at most once a second per process (``replica_state``): its lag is
``now() - pg_last_xact_replay_timestamp()`` while WAL it has received is still waiting to be
replayed, else 0. A replica that does not answer is left alone for ``REPLICA_RETRY_SECONDS``.
"""

import contextvars
import dataclasses
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction

logger = logging.getLogger("core.dbrouting")

PRIMARY, REPLICA = "default", "replica"

OK, LAGGING, DETACHED, DOWN = "ok", "lagging", "detached", "down"

# The replica's lag, in seconds: 0 when everything it received is replayed, else the age of the last
# transaction it replayed (NULL, nothing replayed since its start while WAL waits: lagging). Whether
# it streams from the primary at all: a replica cut off from a live primary replays nothing and looks
# current, so it is used only while the primary itself is down (``detached``).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
       END,
       pg_last_wal_replay_lsn()::text,
       pg_last_xact_replay_timestamp()
"""


@dataclasses.dataclass
class RequestRouting:
    """What the current request may read from; ``wrote`` once it wrote to (or opened a transaction on) the primary."""

    use_replica: bool = False
    wrote: bool = False


_routing: contextvars.ContextVar[RequestRouting | None] = contextvars.ContextVar("db_routing", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def begin_request(*, use_replica: bool) -> contextvars.Token:
    return _routing.set(RequestRouting(use_replica=use_replica))


def end_request(token: contextvars.Token) -> RequestRouting:
    routing = _routing.get() or RequestRouting()
    _routing.reset(token)
    return routing


def current() -> RequestRouting | None:
    return _routing.get()


# SQLSTATE of "the server is not there": class 08 (connection exception), 57P01–57P03 (shutting down,
# crashed, cannot connect now). A connection refused or timed out has no SQLSTATE at all.
_UNAVAILABLE_CODES = ("57P01", "57P02", "57P03")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says a database cannot be reached (not that a query failed on it)."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    code = getattr(exc.__cause__, "pgcode", None)
    return code is None or code.startswith("08") or code in _UNAVAILABLE_CODES


# --- the replica's state, cached per process -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReplicaState:
    status: str  # OK, LAGGING or DOWN
    lag_seconds: float | None
    checked_at: float  # time.monotonic()
    replay_lsn: str | None = None
    replayed_at: str | None = None
    in_recovery: bool | None = None

    @property
    def usable(self) -> bool:
        return self.status == OK


_state_lock = threading.Lock()
_state: ReplicaState | None = None


def _max_lag() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 2))


def check_replica() -> ReplicaState:
    """Ask the replica now (no cache): reachable, in recovery, and how far behind."""
    conn = connections[REPLICA]
    try:
        # A read-only transaction of its own: the 1 s bound ends with it, not on the kept connection.
        with transaction.atomic(using=REPLICA), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', '1s', true)")
            cursor.execute(LAG_SQL)
            in_recovery, streaming, lag, lsn, replayed_at = cursor.fetchone()
    except Exception as exc:  # any failure of the replica means "read from the primary", never an error
        logger.warning("只读副本不可用，改从主库读取：%s", exc)
        try:
            conn.close()
        except Exception:  # noqa: S110 (a broken connection may refuse its goodbye)
            pass
        return ReplicaState(DOWN, None, time.monotonic())
    lag = None if lag is None else float(lag)
    status = LAGGING
    if in_recovery and not streaming:
        status = DETACHED
    elif lag is not None and lag <= _max_lag():
        status = OK
    return ReplicaState(
        status,
        lag,
        time.monotonic(),
        replay_lsn=lsn,
        replayed_at=replayed_at.isoformat() if replayed_at else None,
        in_recovery=in_recovery,
    )


def replica_state() -> ReplicaState:
    """The replica's state, asked at most once per ``REPLICA_CHECK_SECONDS`` (1 s) per process; one
    thread asks while the others use the previous answer."""
    global _state
    state = _state
    now = time.monotonic()
    ttl = float(getattr(settings, "REPLICA_CHECK_SECONDS", 1))
    if state is not None and state.status == DOWN:
        ttl = max(ttl, float(getattr(settings, "REPLICA_RETRY_SECONDS", 5)))
    if state is not None and now - state.checked_at < ttl:
        return state
    if not _state_lock.acquire(blocking=state is None):
        return state
    try:
        if _state is not None and time.monotonic() - _state.checked_at < ttl:
            return _state
        _state = check_replica()
        return _state
    finally:
        _state_lock.release()


def forget_replica_state() -> None:
    """Drop the cached state: the next request asks the replica again."""
    global _state
    _state = None


_primary_lock = threading.Lock()
_primary_down: tuple[bool, float] | None = None  # (down, checked_at)


def primary_unavailable() -> bool:
    """Whether the primary cannot be reached, asked at most once a second per process (once every
    ``REPLICA_RETRY_SECONDS`` while it is down). Only asked when a public read would otherwise go to
    the primary: with it down, a lagging, cut-off or pinned reader is served by the replica rather
    than refused."""
    global _primary_down
    known = _primary_down
    now = time.monotonic()
    if known is not None:
        ttl = float(getattr(settings, "REPLICA_RETRY_SECONDS", 5)) if known[0] else 1.0
        if now - known[1] < ttl:
            return known[0]
    with _primary_lock:
        try:
            with connections[PRIMARY].cursor() as cursor:
                cursor.execute("SELECT 1")
            down = False
        except Exception as exc:  # a failure of any kind here is answered by routing, never raised
            down = database_unavailable(exc)
            try:
                connections[PRIMARY].close()
            except Exception:  # noqa: S110
                pass
        _primary_down = (down, time.monotonic())
        return down


def reads_from_replica(*, public_read: bool, pinned: bool) -> bool:
    """The request's choice: the replica while it is current and the browser has not just written; a
    replica that lags, is cut off, or a pinned browser's reads go to the primary unless it is down."""
    if not public_read or not replica_configured():
        return False
    state = replica_state()
    if state.status == DOWN:
        return False
    if state.usable and not pinned:
        return True
    return primary_unavailable()


# --- the router --------------------------------------------------------------------------------------


class ReplicaRouter:
    """Reads of a public request from the replica, everything else from and to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or not routing.use_replica or routing.wrote:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            # A transaction on the primary reads what it writes: its reads stay with it.
            routing.wrote = True
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
