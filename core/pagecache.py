"""The page cache of the public pages under load (issue 16 §1): rendered pages in Redis (Django's cache).

**What is cached.** Anonymous GET/HEAD answers with status 200 of the views that opt in (``cached`` on a
function view, ``serve`` inside an API view): the public entity page, the list pages, ``/penalties/`` and
the open API's entity profile. A request with a session cookie is served uncached and never stored
(nothing personal can be shared); an answer that set a cookie, used the CSRF token, touched the session
or says ``private``/``no-store`` is never stored. A request inside an open transaction (a test's, or a
view under ``atomic``) bypasses the cache: what it sees may never commit.

**Keys.** Kind, the active language (``request.LANGUAGE_CODE``, from the cookie or Accept-Language:
``core.middleware.ChineseFirstLocaleMiddleware``), today's date (records leave the pages by date, without
an event) and the path with its sorted query string (search and page number).

**Freshness: generations, checked on every hit.** Each entry stores the generation tokens of what it
was built from, read *before* it was built: the global one (``pc:g``), the entity's (``pc:e:<USCC>``) for
entity pages and profiles, the lists' or the penalties' for those pages. A hit is one ``MGET`` of the
entry and its generations; any token changed means a rebuild. Tokens are random (never counters), and a
missing token is created before building, so an evicted or flushed key can never make an old entry
valid again (no ABA). Whatever slipped through every hook below is still bounded by
``PAGE_CACHE_SECONDS`` (the entry's age is checked too).

**Bumps, from any process (web, worker, commands), after the commit.** Hooks collect what a
transaction changed and one ``on_commit`` callback per transaction writes new tokens:

- ``core.changes.emit`` (USCC known): the entity; a list or penalty event also the lists'/penalties'.
- ``core.changes.emit_select`` (set-based): after the commit the transaction's events are read back by
  its txid (the ``change_cursor`` index), at most ``MAX_ENTITY_BUMPS`` + 1 rows: each entity is bumped,
  or past that (a whole-population job) the global generation.
- **Facts without change events** (entity base data, annual reports, objections, commitments,
  declarations, verified complaints, departments' names, the grade model, the publicity rule, plan
  names …): every change writes an audit event (DESIGN.md), so the audit event is the hook. A
  ``supervision.marketentity`` target bumps that entity and the lists (names show there); a target type
  in ``AUDIT_TARGETS_NOT_SHOWN`` (covered by change events, or never on a cached page) bumps nothing;
  any other type bumps the global generation (safe by default: a new model is covered without a change
  here).
- ``post_migrate`` (also after a test's flush) bumps the global generation.

**Redis down.** Every cache call is guarded: an error opens an in-process breaker for
``BREAKER_SECONDS`` (requests then skip Redis at once instead of each waiting for the socket timeout),
the page is built uncached, never an error. A bump that failed, or any failure at all seen by this
process, is followed by a global bump on the first call that succeeds again: a bump lost while Redis was
down (here or in a process that saw the same outage) cannot leave an old entry trusted afterwards.
"""

import functools
import hashlib
import logging
import secrets
import threading
import time
import zlib
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

GLOBAL = "pc:g"
LISTS = "pc:lists"
PENALTIES = "pc:pen"
KINDS = {
    "entity": (GLOBAL,),  # plus the entity's own generation
    "profile": (GLOBAL,),  # plus the entity's own generation
    "lists": (GLOBAL, LISTS),
    "penalties": (GLOBAL, PENALTIES),
}
LIST_TYPES = ("list_entry.added", "list_entry.removed")
PENALTY_TYPES = ("penalty.published", "penalty.withdrawn")
ENTRY_FORMAT = 2  # in every page key: a deploy that changes what an entry holds never reads an old one
MAX_ENTITY_BUMPS = 5000  # more entities changed in one transaction: one global bump instead
BREAKER_SECONDS = 2.0
# Audit targets whose changes never alter a cached page by themselves: covered by change events in the same
# transaction (records, list entries, grades, penalty summaries, inspection results), or never shown there.
AUDIT_TARGETS_NOT_SHOWN = frozenset(
    {
        "credit.creditrecord",
        "credit.listentry",
        "credit.entitycredit",
        "credit.gradehistory",
        "enforcement.penaltydisclosure",
        "inspections.inspectionresult",
        "core.user",
        "core.apiclient",
        "core.auditanchor",
        "core.idempotencykey",
        "core.feedconsumer",
        "core.changefeedhorizon",
        "axes.accessattempt",
        "supervision.inspector",
        "supervision.inspectorconflict",
        "credit.creditcheck",
        "credit.creditreport",
        "credit.riskwarning",
        "credit.riskscanrun",
        "credit.industryrisk",
        "credit.regrademark",
        "credit.listproposal",
        "credit.listremovalproposal",
        "credit.repairapplication",
        "credit.repairevidence",
        "credit.listexitapplication",
        "credit.listexitevidence",
        "inspections.draw",
        "inspections.drawcommitment",
        "inspections.drawselection",
        "inspections.inspectiontask",
        "inspections.teammember",
        "inspections.resultevidence",
        "inspections.correctionorder",
        "inspections.correctionresponse",
        "inspections.correctionevidence",
        "enforcement.case",
        "enforcement.casehandler",
        "enforcement.caseevent",
        "enforcement.casedocument",
        "enforcement.caseproposal",
        "enforcement.legalreview",
        "enforcement.documentsequence",
        "enforcement.penaltydecision",
        "enforcement.earlystopapplication",
        "enforcement.earlystopevidence",
        "enforcement.complaintattachment",
        "enterprise.entityaccount",
        "enterprise.activationletter",
        "enterprise.message",
        "enterprise.emaildelivery",
        "enterprise.inboxcursor",
        "opendata.opendatafile",
        "opendata.exchangebatch",
        "opendata.webhooksubscription",
        "opendata.webhookdelivery",
        "opendata.webhookattempt",
    }
)
ENTITY_TARGET = "supervision.marketentity"


def entity_key(uscc: str) -> str:
    return f"pc:e:{uscc}"


# --- Redis, guarded ---------------------------------------------------------------------------------


class _Breaker:
    """In-process: after a failure, skip Redis for BREAKER_SECONDS; after any failure, bump all once back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.owe_global_bump = False


_breaker = _Breaker()


def _guarded(op, default=None):
    """Run one cache operation; None (or ``default``) instead of an error, at once while the breaker is open."""
    if time.monotonic() < _breaker.open_until:
        return default
    try:
        if _breaker.owe_global_bump:
            cache.set(GLOBAL, _token(), timeout=None)
            _breaker.owe_global_bump = False
        return op()
    except Exception:  # any Redis or connection error: the page is built uncached
        with _breaker.lock:
            if time.monotonic() >= _breaker.open_until:
                logger.warning("页面缓存不可用（Redis 连接失败），%s 秒内直接生成页面", BREAKER_SECONDS, exc_info=True)
            _breaker.open_until = time.monotonic() + BREAKER_SECONDS
            _breaker.owe_global_bump = True
        return default


def _token() -> str:
    """A new generation: when it was made (see ``_replica_may_lag``) and a random part (never reused)."""
    return f"{time.time():.3f}-{secrets.token_hex(6)}"


def _replica_may_lag(tokens: tuple) -> bool:
    """With a read replica (issue 16 §5), a page built just after a bump may have read the replica before it
    replayed the change: such a page is served but not stored (the router's lag bound, plus a second)."""
    if "replica" not in settings.DATABASES:
        return False
    horizon = time.time() - getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5) - 1
    for token in tokens:
        try:
            if float(str(token).split("-", 1)[0]) > horizon:
                return True
        except ValueError:
            return True
    return False


def _bump(keys) -> None:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    token = _token()
    if _guarded(lambda: cache.set_many(dict.fromkeys(keys, token), timeout=None) or True) is None:
        _breaker.owe_global_bump = True  # lost: whatever entry this was meant to retire goes with the next success


def bump_all() -> None:
    """Retire every cached page (e.g. after loading data around the services)."""
    _bump([GLOBAL])


# --- serving ----------------------------------------------------------------------------------------


def _page_key(request, kind: str) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    raw = f"{request.path}?{query}".encode("utf-8", "surrogateescape")
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"pc:p{ENTRY_FORMAT}:{kind}:{language}:{timezone.localdate().isoformat()}:{hashlib.sha256(raw).hexdigest()[:32]}"


def _bypass(request) -> bool:
    return (
        not settings.PAGE_CACHE_SECONDS
        or request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or transaction.get_connection().in_atomic_block
    )


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and (session.accessed or session.modified))
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "cookie" not in response.get("Vary", "").lower()
    )


def _replay(entry: dict) -> HttpResponse:
    response = HttpResponse(zlib.decompress(entry["body"]), status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def _generations(deps: list[str], got: dict) -> tuple | None:
    """The tokens of ``deps``; missing ones are created first (never build under a missing token)."""
    tokens = tuple(got.get(d) for d in deps)
    if None not in tokens:
        return tokens
    missing = [d for d, t in zip(deps, tokens, strict=True) if t is None]
    for key in missing:
        if _guarded(lambda key=key: cache.add(key, _token(), timeout=None) or True) is None:
            return None
    again = _guarded(lambda: cache.get_many(deps))
    tokens = tuple((again or {}).get(d) for d in deps)
    return None if None in tokens else tokens


def serve(request, *, kind: str, build, uscc: str = ""):
    """The cached answer, or ``build()``'s (stored when it may be shared)."""
    if _bypass(request):
        response = build()
        response["X-Page-Cache"] = "bypass"
        return response
    key = _page_key(request, kind)
    deps = [*KINDS[kind], *([entity_key(uscc)] if uscc else [])]
    got = _guarded(lambda: cache.get_many([key, *deps]))
    tokens = None
    if got is not None:
        entry = got.get(key)
        current = tuple(got.get(d) for d in deps)
        if (
            entry
            and None not in current
            and entry["gens"] == current
            and time.time() - entry["at"] <= settings.PAGE_CACHE_SECONDS
        ):
            try:
                return _replay(entry)
            except (KeyError, TypeError, ValueError, zlib.error):  # an unreadable entry is a miss, never an error
                logger.warning("页面缓存条目无法读取，重新生成：%s", key, exc_info=True)
        tokens = _generations(deps, got)  # read before building: a change committed meanwhile retires it
    response = build()
    if tokens is not None and _storable(request, response) and not _replica_may_lag(tokens):
        entry = {
            "gens": tokens,
            "at": time.time(),
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "vary")],
            # Compressed: a 230 KB page (200 records) is a tenth of that to read from Redis on every hit.
            "body": zlib.compress(response.content, 1),
        }
        _guarded(lambda: cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS))
        response["X-Page-Cache"] = "miss"
    else:
        response["X-Page-Cache"] = "bypass"
    return response


def cached(kind: str, *, entity_arg: str | None = None):
    """Decorate a public function view; ``entity_arg`` names the USCC argument of entity pages (taken as
    it is: the page answers 200 only on its canonical address, anything else redirects and is not stored)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            code = str(kwargs.get(entity_arg) or "") if entity_arg else ""
            return serve(request, kind=kind, uscc=code, build=lambda: view(request, *args, **kwargs))

        return wrapper

    return decorate


# --- invalidation hooks -----------------------------------------------------------------------------


class _Pending:
    """What one transaction changed; called once, after its commit."""

    def __init__(self):
        self.keys: set[str] = set()
        self.txid: int | None = None

    def add_event(self, uscc: str, type_: str) -> None:
        if uscc:
            self.keys.add(entity_key(uscc))
        if type_ in LIST_TYPES:
            self.keys.add(LISTS)
        if type_ in PENALTY_TYPES:
            self.keys.add(PENALTIES)

    def __call__(self):
        if self.txid is not None:
            self._read_back()
        if any(k.startswith("pc:e:") for k in self.keys) and len(self.keys) > MAX_ENTITY_BUMPS:
            self.keys = {GLOBAL}
        _bump(sorted(self.keys))

    def _read_back(self):
        try:
            rows = list(
                apps.get_model("core", "ChangeEvent")  # core.changes imports this module
                .objects.filter(txid=self.txid)
                .order_by("txid", "id")
                .values_list("uscc", "type")[: MAX_ENTITY_BUMPS + 1]
            )
        except DatabaseError:
            logger.warning("读取本事务的变更事件失败，清除全部页面缓存", exc_info=True)
            rows = None
        if rows is None or len(rows) > MAX_ENTITY_BUMPS:
            self.keys.add(GLOBAL)
            return
        for uscc, type_ in rows:
            self.add_event(uscc, type_)


def _pending() -> _Pending:
    conn = transaction.get_connection()
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _Pending):
            return func
    pending = _Pending()
    transaction.on_commit(pending, robust=True)
    return pending


def note_event(*, uscc: str, type: str) -> None:
    """``core.changes.emit`` wrote one event in the current transaction."""
    if settings.PAGE_CACHE_SECONDS:
        _pending().add_event(uscc, str(type))


def note_events_written() -> None:
    """``core.changes.emit_select`` wrote events in the current transaction: read back after the commit."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    pending = _pending()
    if pending.txid is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            pending.txid = cursor.fetchone()[0]


def retire_entities(usccs) -> None:
    """Facts of these entities changed in the current transaction without a change event of their own (a
    first grade, a score or its reasons: credit.evaluation): retire their pages after the commit.
    ``None`` means every entity (a full evaluation)."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    pending = _pending()
    codes = None if usccs is None else list(usccs)
    if codes is None or len(codes) > MAX_ENTITY_BUMPS:
        pending.keys.add(GLOBAL)
    else:
        pending.keys.update(entity_key(code) for code in codes)


def _audit_written(sender, instance, created, raw=False, **kwargs):
    """A fact changed (DESIGN.md: every change writes an audit event): retire the pages that may show it."""
    if not created or raw or not settings.PAGE_CACHE_SECONDS:
        return
    target = instance.target_type
    if target in AUDIT_TARGETS_NOT_SHOWN:
        return
    pending = _pending()
    # The entity's snapshots name its USCC (before and after: a corrected code retires both pages).
    codes = {(data or {}).get("uscc") for data in (instance.before, instance.after)} - {None, ""}
    if target == ENTITY_TARGET and codes:
        pending.keys.update({*(entity_key(c) for c in codes), LISTS, PENALTIES})
    else:
        pending.keys.add(GLOBAL)


def _migrated(sender, **kwargs):
    if settings.PAGE_CACHE_SECONDS and sender.name == "core":
        bump_all()


post_save.connect(_audit_written, sender="core.AuditEvent", dispatch_uid="core.pagecache.audit")
post_migrate.connect(_migrated, dispatch_uid="core.pagecache.migrate")
