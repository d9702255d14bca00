"""The party's link to a record (当事人告知链接): how an entity reaches a record about it that the
public cannot browse, to object to it or apply to repair it (DOMAIN §3, issue 12 §3).

An entity can object to or repair any record about it, published or not. An unpublished record
(轻微 by default) is on no public page, so the deciding department hands the entity a link with
its notice; the link opens the objection and repair forms for that one record. Without the link,
an unpublished record is answered exactly like an unknown one: nothing tells that it exists.

Design: a signature, not a stored token. The link is ``django.core.signing`` (HMAC-SHA256 under
``SECRET_KEY``, with a salt used for nothing else) over the record's id. Why:

- the admin shows the link, and can print it again on every reprint of the notice: a stored
  random token kept only as a hash could be shown once, then never again;
- no table or column, and nothing in the database to steal: a copy of the database gives no link;
- ``SECRET_KEY_FALLBACKS`` keeps issued links working while ``SECRET_KEY`` is rotated; a new salt
  version (``SALT``) withdraws every issued link at once if that is ever needed.

What a link may do is narrow: it opens the record's two filings, whose own rules (the services)
still apply, and shows the record to its holder. It does not expire while the record exists: an
objection is possible as long as the record is, and a repair as long as it is in force.
"""

from urllib.parse import unquote, urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from credit.models import CreditRecord
from credit.selectors import public_records

SALT = "credit.record_links.party_notice.v1"
TOKEN_MAX_LENGTH = 300  # the token, or the whole link pasted
INVALID_LINK = "告知链接无效：请核对认定部门送达的告知书上的链接（须完整复制）"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def record_token(record: CreditRecord) -> str:
    """The capability of one record, e.g. ``"1234:Qm…"`` (id, then its HMAC)."""
    return _signer().sign(str(record.pk))


def record_from_token(token) -> CreditRecord | None:
    """The record a genuine link names, or None (forged, truncated or altered: never an error)."""
    token = str(token or "").strip()
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    if "/" in token:  # the whole link pasted: the token is its last path segment
        token = unquote(token.rstrip("/").rsplit("/", 1)[-1])
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    return CreditRecord.objects.select_related("department").filter(pk=int(value)).first()


def record_link_path(record: CreditRecord) -> str:
    return reverse("record-notice", args=[record_token(record)])


def record_link_url(record: CreditRecord) -> str:
    """Absolute with ``settings.PUBLIC_BASE_URL`` when it is set (as the credit report's 核验地址), else the path."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{record_link_path(record)}"


MAX_PK = 2**63 - 1


def filing_record(params) -> tuple[CreditRecord | None, str]:
    """The record a public filing form is about, and the query string that names it again on POST.

    ``?record_token=…`` (the party's link) reaches any record about the entity; ``?record=<id>``
    reaches public records only, so an unpublished id is answered as an unknown one."""

    if "record_token" in params:
        record = record_from_token(params.get("record_token"))
        return record, (urlencode({"record_token": record_token(record)}) if record else "")
    raw = str(params.get("record", "")).strip()
    pk = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_PK else None
    record = public_records().filter(pk=pk).first() if pk else None
    return record, (f"record={record.pk}" if record else "")
