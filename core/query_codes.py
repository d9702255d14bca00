"""Query codes (查询码) of public filings: the 6 digits a filer keeps to track a filing by number.

Stored keyed. A plain hash of 6 digits is reversed by trying all 10^6 codes in a second, so a copy
of the database must not be enough: the stored value is an HMAC-SHA256 under ``QUERY_CODE_KEY``,
which lives in the environment, never in the database.

The key is ``QUERY_CODE_KEY``, or, when that is unset, a key derived from ``SECRET_KEY``.

Scheme ``qc1$``: ``HMAC-SHA256(key, SHA-256("<tracking_no>:<code>"))``, in hex. The inner SHA-256 is
what was stored before (issue 11), so the migration wraps every old value without knowing any code,
and old and new rows verify the same way. Changing ``QUERY_CODE_KEY`` makes every issued code
unusable; rotating it needs a new scheme tag.

Lockout: after 10 wrong codes a number is locked for an hour. The count lives on the filing's own
row (read anyway by the lookup), so it holds whether or not Redis is up.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCHEME = "qc1$"
MAX_FAILURES = 10
LOCK_SECONDS = 3600
STORED_LENGTH = 80


def query_code_key() -> bytes:
    if settings.QUERY_CODE_KEY:
        return str(settings.QUERY_CODE_KEY).encode()
    # Unset: a key of its own derived from SECRET_KEY, so that a deployment is keyed without one more
    # variable; set QUERY_CODE_KEY to be free to rotate SECRET_KEY.
    return hmac.new(settings.SECRET_KEY.encode(), b"core.query_codes", hashlib.sha256).hexdigest().encode()


def legacy_hash(tracking_no: str, code: str) -> str:
    """The unkeyed hash stored before scheme qc1 (kept only as the inner step of the HMAC)."""
    return hashlib.sha256(f"{tracking_no}:{code}".encode()).hexdigest()


def wrap(inner: str) -> str:
    return SCHEME + hmac.new(query_code_key(), inner.encode(), hashlib.sha256).hexdigest()


def query_code_digest(tracking_no: str, code: str) -> str:
    """The value stored for ``code`` of filing ``tracking_no``."""
    return wrap(legacy_hash(tracking_no, code))


def query_code_matches(stored: str, tracking_no: str, code: str) -> bool:
    if not stored or not stored.startswith(SCHEME):
        return False
    return hmac.compare_digest(stored, query_code_digest(tracking_no, code))


def new_tracking(model, prefix: str) -> tuple[str, str]:
    """A tracking number such as XF20261122-483920 and a 6-digit query code (only its digest is kept)."""
    day = timezone.localdate()
    while True:
        number = f"{prefix}{day:%Y%m%d}-{secrets.randbelow(10**6):06d}"
        if not model.objects.filter(tracking_no=number).exists():
            return number, f"{secrets.randbelow(10**6):06d}"


class QueryCodeFields(models.Model):
    """The keyed query code of a public filing and its wrong-code count (the lockout)."""

    query_code_hash = models.CharField(_("查询码摘要"), max_length=STORED_LENGTH, editable=False)
    query_failures = models.PositiveSmallIntegerField(_("查询码错误次数"), default=0, editable=False)
    query_failures_since = models.DateTimeField(_("首次查询码错误时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=LOCK_SECONDS)


def is_locked(obj, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = obj.query_failures_since
    return obj.query_failures >= MAX_FAILURES and since is not None and since > _window_start(now)


def _count_failure(model, pk, now: dt.datetime) -> None:
    # One statement, so concurrent wrong codes all count: a count older than the window starts again.
    fresh = Q(query_failures_since__isnull=True) | Q(query_failures_since__lte=_window_start(now))
    model.objects.filter(pk=pk).update(
        query_failures=Case(When(fresh, then=Value(1)), default=F("query_failures") + 1),
        query_failures_since=Case(When(fresh, then=Value(now)), default=F("query_failures_since")),
    )


def filing_lookup(model, tracking_no: str, code: str):
    """The filing with this number if ``code`` is its query code; else None (a wrong code, an
    unknown number and a locked number look the same, API.md)."""
    number = str(tracking_no or "").strip().upper()
    obj = model.objects.filter(tracking_no=number).first() if number else None
    if obj is None or not code or not obj.query_code_hash:
        return None
    now = timezone.now()
    # A 6-digit code could be guessed from many addresses: after 10 wrong codes a number is locked for an hour.
    if is_locked(obj, now):
        return None
    if query_code_matches(obj.query_code_hash, number, str(code).strip()):
        return obj
    _count_failure(model, obj.pk, now)
    return None


def rewrap_legacy(model) -> int:
    """Migration step: wrap every unkeyed stored hash in the HMAC (scheme qc1). Safe to run again."""
    changed, batch = 0, []
    rows = (
        model.objects.exclude(query_code_hash="")
        .exclude(query_code_hash__startswith=SCHEME)
        .only("pk", "query_code_hash")
    )
    for row in rows.iterator(chunk_size=2000):
        row.query_code_hash = wrap(row.query_code_hash)
        batch.append(row)
        if len(batch) == 2000:
            changed += len(model.objects.bulk_update(batch, ["query_code_hash"]) or batch)
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["query_code_hash"])
        changed += len(batch)
    return changed


def unwrap_to_nothing(model) -> None:
    """Reverse migration: a keyed value cannot be turned back into the plain hash; refuse."""
    if model.objects.filter(query_code_hash__startswith=SCHEME).exists():
        raise RuntimeError("查询码已加密存储（qc1），无法回退为不加密的哈希")
