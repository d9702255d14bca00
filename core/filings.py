"""Public filings (公众申请): tracking numbers, query codes, lookup, and the registry of filing kinds.

A public filing (a complaint, an objection, a repair or list-exit application, a commitment …) gets a
tracking number ``<prefix><yyyymmdd>-<6 digits>`` and a 6-digit query code, shown once; the filer
tracks it at ``/track/`` and through the status endpoints with both. The code is kept keyed and the
number locks after 10 wrong codes (``core.query_codes``).

Each app registers its own kinds in its ``AppConfig.ready()``, the way netbox's ``netbox/registry.py``
collects what apps contribute, so core (and the track page) never imports a domain app::

    filings.register(prefix="TS", model=Complaint, label="投诉举报", status=complaint_status)

``status(obj)`` returns what the public may see of a filing's progress, as keys of ``filing_status``
(``status``, ``status_label``, ``deadline``, ``deadline_label``, ``provisional``, ``outcome``,
``facts``): never contact details, never who handled it. ``filing_status`` is the one public view,
shared by the track page and the API's status endpoints, so neither can show more than the other.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core.query_codes import (  # their public names are these (__all__)
    QueryCodeFields,
    filing_lookup,
    is_locked,
    new_tracking,
    query_code_digest,
    query_code_matches,
)

__all__ = [
    "FilingKind",
    "QueryCodeFields",
    "filing_find",
    "filing_kinds",
    "filing_lookup",
    "filing_model",
    "filing_status",
    "is_locked",
    "kind_of",
    "new_tracking",
    "query_code_digest",
    "query_code_matches",
    "register",
]


@dataclass(frozen=True)
class FilingKind:
    """One kind of public filing: its tracking-number prefix, model, Chinese name and public status."""

    prefix: str
    model: type
    label: str
    status: Callable[[object], dict]


_kinds: dict[str, FilingKind] = {}


def register(*, prefix: str, model: type, label: str, status: Callable[[object], dict]) -> FilingKind:
    """Register a kind of filing (from an app's ``ready()``). Registering the same kind again is harmless;
    a prefix taken by another model is a configuration error."""
    prefix = prefix.upper()
    known = _kinds.get(prefix)
    if known is not None and known.model is not model:
        raise ImproperlyConfigured(
            f"受理编号前缀 {prefix} 已由 {known.model.__name__} 使用，不能再用于 {model.__name__}"
        )
    kind = _kinds[prefix] = FilingKind(prefix=prefix, model=model, label=label, status=status)
    return kind


def filing_kinds() -> dict[str, FilingKind]:
    """Every registered kind, ``{prefix: FilingKind}``."""
    return dict(_kinds)


def _kind_for_number(tracking_no: str) -> FilingKind | None:
    return _kinds.get(str(tracking_no or "").strip().upper()[:2])


def filing_model(tracking_no: str):
    """The model a tracking number belongs to by its prefix, or None."""
    kind = _kind_for_number(tracking_no)
    return kind.model if kind else None


def kind_of(obj) -> FilingKind | None:
    """The registered kind of a filing object, or None."""
    return next((kind for kind in _kinds.values() if isinstance(obj, kind.model)), None)


def filing_find(tracking_no: str, code: str):
    """The filing with this number, of whichever kind, if ``code`` is its query code; else None (a wrong
    code, an unknown number and a locked number look the same)."""
    model = filing_model(tracking_no)
    return filing_lookup(model, tracking_no, code) if model else None


def _shown(value) -> str:
    """A fact as the track page prints it (dates the Chinese way)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def filing_status(obj) -> dict:
    """``{"tracking_no", "kind", "status", "status_label", "deadline", "deadline_label", "provisional", "outcome",
    "overdue", "facts"}`` as the public may see it: never contact details, never who handled it."""
    today = timezone.localdate()
    data = {
        "tracking_no": obj.tracking_no,
        "deadline": None,
        "deadline_label": "",
        "provisional": False,
        "outcome": "",
        "facts": [],
    }
    kind = kind_of(obj)
    if kind is not None:
        data["kind"] = kind.label
        data.update(kind.status(obj))
    data["overdue"] = bool(data["deadline"] and data["deadline"] < today)
    data["facts"] = [(label, _shown(value)) for label, value in data["facts"]]
    return data
