"""Credit reports (公共信用信息报告): issue a signed PDF anyone can verify, and verify one (issue 4 §4,
issue 18 §1.1).

A report is built from ``report_facts``: a canonical, JSON-ready snapshot of what the public may
know about an entity, read only through the public selectors (base data, grade, reasons, history,
public records, list entries, commitments, open objections). The risk class is internal and contact
details are confidential, so neither is ever read here. The SHA-256 of the canonical JSON of the
facts is the report's content hash; the SHA-256 of the signed PDF bytes, exactly as served, is its
file hash. Verification recomputes the facts now: when they hash differently, the report is 已过期
(its facts have changed since). The PDF (``credit.report_pdf``) is printed in Chinese or English from
the same facts, then signed (PAdES, ``core.pdf_signing``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from core import audit, pdf_signing
from credit import selectors
from credit.choices import (
    Colour,
    CommitmentState,
    CommitmentType,
    Grade,
    ListGround,
    ListType,
    Polarity,
    RecordCategory,
    Severity,
)
from credit.models import CreditReport
from credit.report_pdf import HISTORY_LIMIT, LANGUAGES, render_pdf, title, verification_url
from supervision.choices import EntityStatus, EntityType
from supervision.models import MarketEntity
from supervision.selectors import PUBLIC_ENTITY_FIELDS, public_entities

__all__ = ["render_pdf", "report_facts", "report_issue", "report_verify", "verification_url"]

SERIAL_PREFIX = "XYBG"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
FACTS_VERSION = 1
LOCATION = "中国"

# --- facts ----------------------------------------------------------------------------------------


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _decimal(value) -> str | None:
    return None if value is None else format(value, "f")


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _public_entity(entity) -> MarketEntity | None:
    code = entity if isinstance(entity, str) else entity.uscc
    # Reloaded through the public selector: only public columns are in memory, whatever was passed in.
    return public_entities().filter(uscc=code).first()


def _base_facts(entity: MarketEntity) -> dict:
    base = {}
    for name in PUBLIC_ENTITY_FIELDS:
        if name == "id":
            continue
        value = getattr(entity, name)
        if isinstance(value, dt.date):
            value = _date(value)
        elif name == "registered_capital":
            value = _decimal(value)
        base[name] = value
    base["entity_type_label"] = _label(EntityType.choices, entity.entity_type)
    base["status_label"] = _label(EntityStatus.choices, entity.status)
    return base


def _grade_facts(code: str) -> tuple[dict | None, list]:
    credit = selectors.entity_credit(code)
    badge = selectors.grade_badge(credit)
    if badge is None:
        return None, []
    bands = {b.grade: b for b in credit.model.bands.all()}
    reasons = []
    for reason in credit.reasons or []:
        reason = reason if isinstance(reason, dict) else {"text": str(reason)}
        band = bands.get(reason.get("level"))
        reasons.append(
            {"level": reason.get("level") or "", "label": band.label if band else "", "text": reason.get("text", "")}
        )
    grade = {**badge, "colour_label": _label(Colour.choices, badge["colour"]), "model_version": credit.model.version}
    return grade, reasons


def _history_facts(code: str) -> list:
    rows = list(
        selectors.grade_history(code).order_by("-changed_at", "-id").prefetch_related("model__bands")[:HISTORY_LIMIT]
    )
    rows.reverse()
    history = []
    for row in rows:
        band = next((b for b in row.model.bands.all() if b.grade == row.grade), None)
        history.append(
            {
                "changed_at": timezone.localtime(row.changed_at).replace(microsecond=0).isoformat(),
                "grade": row.grade,
                "label": band.label if band else _label(Grade.choices, row.grade),
                "colour": band.colour if band else "",
                "score": row.score,
            }
        )
    return history


def _objection_mark(open_objection: bool) -> dict:
    """``{"under_objection": True}`` while an objection to the record or entry is being handled, else nothing.

    The mark is a fact of the report and the content hash covers it: the entity page shows 异议处理中
    to everyone at issue time (DOMAIN §3), so it is public, and a report printed before an objection
    was filed (or after it was decided) no longer says what the public sees now: it verifies as 已过期
    and a new report carries the mark. The key is absent, not ``False``, when there is no objection,
    so the facts (and hashes) of reports without one are what they were before the mark existed and
    those reports still verify as current (no ``FACTS_VERSION`` bump needed).
    """
    return {"under_objection": True} if open_objection else {}


def _record_facts(code: str, today: dt.date) -> list:
    fields = (
        "category",
        "polarity",
        "severity",
        "title",
        "source_ref",
        "department__name",
        "decided_on",
        "publicity_ends_on",
        "amount",
    )
    order = {value: i for i, (value, _label_) in enumerate(RecordCategory.choices)}
    rows = selectors.public_records(today).filter(entity_id=code).order_by("-decided_on", "-id").values("id", *fields)
    rows = list(rows)
    objected = selectors.records_under_objection(r["id"] for r in rows) if rows else set()
    records = [
        {
            "category": r["category"],
            "category_label": _label(RecordCategory.choices, r["category"]),
            "polarity": r["polarity"],
            "polarity_label": _label(Polarity.choices, r["polarity"]),
            "severity": r["severity"],
            "severity_label": _label(Severity.choices, r["severity"]) if r["severity"] else "",
            "title": r["title"],
            "source_ref": r["source_ref"],
            "department": r["department__name"],
            "decided_on": _date(r["decided_on"]),
            "publicity_ends_on": _date(r["publicity_ends_on"]),
            "amount": _decimal(r["amount"]),
            **_objection_mark(r["id"] in objected),
        }
        for r in rows
    ]
    # Grouped by category in the order of DOMAIN §3, newest first within a category (stable sort).
    records.sort(key=lambda r: order.get(r["category"], len(order)))
    return records


def _list_facts(code: str, today: dt.date) -> list:
    entries = list(selectors.public_list_entries(today=today).filter(entity_id=code).order_by("listed_on", "id"))
    objected = selectors.entries_under_objection(e.pk for e in entries) if entries else set()
    return [
        {
            "list_type": e.list_type,
            "list_label": _label(ListType.choices, e.list_type),
            "ground": e.ground,
            "ground_label": _label(ListGround.choices, e.ground),
            "department": e.department.name,
            "decision_no": e.decision_no,
            "legal_basis": e.legal_basis,
            "decided_on": _date(e.decided_on),
            "listed_on": _date(e.listed_on),
            **_objection_mark(e.pk in objected),
        }
        for e in entries
    ]


def _commitment_facts(code: str) -> list:
    return [
        {
            "tracking_no": c.tracking_no,
            "commitment_type": c.commitment_type,
            "type_label": _label(CommitmentType.choices, c.commitment_type),
            "department": c.department.name,
            "content": c.content,
            "matter": c.matter,
            "made_on": _date(c.made_on),
            "due_on": _date(c.due_on),
            "state": c.state,
            "state_label": _label(CommitmentState.choices, c.state),
            "resolved_on": _date(c.resolved_on),
        }
        for c in selectors.public_commitments(code).order_by("-made_on", "-id")
    ]


def report_facts(*, entity, today: dt.date | None = None) -> dict | None:
    """What the public may know about an entity now, as canonical JSON-ready data (None if unknown).

    Labels are taken in Chinese whatever the request's language, so the hash depends on the facts
    only. Nothing here depends on the clock except which records and entries are public today.
    """
    today = today or timezone.localdate()
    found = _public_entity(entity)
    if found is None:
        return None
    code = found.uscc
    with translation.override("zh-hans"):
        grade, reasons = _grade_facts(code)
        return {
            "version": FACTS_VERSION,
            "entity": _base_facts(found),
            "grade": grade,
            "reasons": reasons,
            "history": _history_facts(code),
            "records": _record_facts(code, today),
            "list_entries": _list_facts(code, today),
            "commitments": _commitment_facts(code),
        }


def canonical_json(facts: dict) -> str:
    return json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def facts_hash(facts: dict) -> str:
    return hashlib.sha256(canonical_json(facts).encode("utf-8")).hexdigest()


# --- serial ---------------------------------------------------------------------------------------


def new_serial(today: dt.date | None = None) -> str:
    """``XYBG`` + yyyymmdd + 8 random base32 characters (40 bits), e.g. ``XYBG20261122K7Q2M4ZA``."""
    today = today or timezone.localdate()
    return f"{SERIAL_PREFIX}{today:%Y%m%d}{''.join(secrets.choice(_BASE32) for _ in range(8))}"


# --- services -------------------------------------------------------------------------------------


def report_issue(
    *, entity, requested_via: str = "web", actor=None, language: str = "zh-hans"
) -> tuple[CreditReport, bytes]:
    """Issue a report for an entity (a ``MarketEntity`` or its USCC): sign it, store its hashes, audit it.

    ``language`` (``zh-hans`` or ``en``) is the language of the printed labels only: the facts and
    their content hash are the same in both. ``requested_via`` is ``"web"`` for the public site, or the
    API client's label; the audit actor is ``"public"`` or that label unless an ``actor`` (e.g. the
    ``ApiClient``) is given. Raises ``MarketEntity.DoesNotExist`` for a code not in the roster.
    """
    language = language if language in LANGUAGES else "zh-hans"
    now = timezone.now()
    facts = report_facts(entity=entity, today=timezone.localdate(now))
    if facts is None:
        raise MarketEntity.DoesNotExist(f"未找到统一社会信用代码为 {getattr(entity, 'uscc', entity)} 的市场主体")
    content_hash = facts_hash(facts)
    serial = new_serial(timezone.localdate(now))
    while CreditReport.objects.filter(serial=serial).exists():  # 40 random bits: practically never
        serial = new_serial(timezone.localdate(now))
    unsigned = render_pdf(facts=facts, serial=serial, issued_at=now, content_hash=content_hash, language=language)
    with translation.override(language):
        reason = f"{title()} {serial}"
    # The file hash is of the signed bytes, exactly what is served: a downloaded file verifies as is.
    pdf = pdf_signing.sign_pdf(unsigned, reason=reason, location=LOCATION)
    via = (requested_via or "web")[:40]
    with transaction.atomic():
        report = CreditReport.objects.create(
            serial=serial,
            entity_id=facts["entity"]["uscc"],
            issued_at=now,
            content_hash=content_hash,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            facts=facts,
            requested_via=via,
            language=language,
            signer_fingerprint=pdf_signing.certificate_fingerprint(),
        )
        audit.record(
            actor=actor if actor is not None else ("public" if via == "web" else via),
            action="credit_report.issue",
            target=report,
            after={
                "serial": serial,
                "entity": report.entity_id,
                "content_hash": content_hash,
                "pdf_sha256": report.pdf_sha256,
                "requested_via": via,
                "language": language,
                "signer_fingerprint": report.signer_fingerprint,
            },
        )
    return report, pdf


# --- verification ---------------------------------------------------------------------------------


class Verdict:
    """The one verdict the verify page shows (issue 18 §1.1: never 真实有效 beside 文件不一致).

    Without a file the serial's report is judged; with a file, the file is, and a file that is not the
    issued one is never called genuine whatever the serial's state.
    """

    NOT_FOUND = "not_found"  # no report with this serial
    CURRENT = "current"  # genuine, its facts are still what the public sees
    EXPIRED = "expired"  # genuine, the facts have changed since
    FILE_CURRENT = "file_current"  # the uploaded file is the issued one, byte for byte; facts current
    FILE_EXPIRED = "file_expired"  # the uploaded file is the issued one; facts changed since
    SIGNATURE_INVALID = "signature_invalid"  # signed, but changed after signing (or the signature fails)
    FILE_OTHER = "file_other_report"  # validly signed by the portal, but not the report with this serial
    FILE_DIFFERS = "file_differs"  # neither the issued file nor signed by the portal (or not a PDF)

    GENUINE = (CURRENT, EXPIRED, FILE_CURRENT, FILE_EXPIRED)


@dataclass
class ReportVerification:
    """The answer to 'is this report genuine and still current?', and to 'is this file the issued one?'."""

    found: bool
    report: CreditReport | None
    current: bool
    file_matches: bool | None
    current_hash: str
    signature: pdf_signing.SignatureCheck | None = None
    verdict: str = Verdict.NOT_FOUND
    portal_fingerprints: tuple = ()  # the certificates the portal signs (and signed this report) with

    @property
    def expired(self) -> bool:
        """已过期: genuine, but the entity's public facts have changed since it was issued."""
        return self.found and not self.current

    @property
    def signed_by_portal(self) -> bool:
        return bool(self.signature and self.signature.valid and self.signature.fingerprint in self.portal_fingerprints)


def _file_verdict(result: ReportVerification) -> str:
    if result.file_matches:
        return Verdict.FILE_CURRENT if result.current else Verdict.FILE_EXPIRED
    if result.signed_by_portal:
        return Verdict.FILE_OTHER
    if result.signature is not None and result.signature.state == pdf_signing.SignatureState.INVALID:
        return Verdict.SIGNATURE_INVALID
    return Verdict.FILE_DIFFERS


def report_verify(*, serial: str, pdf_bytes: bytes | None = None) -> ReportVerification:
    """Look a serial up; recompute the entity's facts now; with a file, compare its hash and check its
    PAdES signature (intact, covering the whole file, and by the portal's certificate)."""
    serial = (serial or "").strip().upper()
    report = CreditReport.objects.filter(serial=serial).first() if serial else None
    if report is None:
        return ReportVerification(found=False, report=None, current=False, file_matches=None, current_hash="")
    facts = report_facts(entity=report.entity_id)
    current_hash = facts_hash(facts) if facts is not None else ""
    result = ReportVerification(
        found=True,
        report=report,
        current=bool(current_hash) and current_hash == report.content_hash,
        file_matches=None,
        current_hash=current_hash,
    )
    if pdf_bytes is None:
        result.verdict = Verdict.CURRENT if result.current else Verdict.EXPIRED
        return result
    result.file_matches = hashlib.sha256(pdf_bytes).hexdigest() == report.pdf_sha256
    result.signature = pdf_signing.check_signature(pdf_bytes)
    # The portal's certificates: the one signing now, and the one that signed this report (a rotated
    # certificate keeps its reports verifying).
    result.portal_fingerprints = tuple(
        f for f in (pdf_signing.certificate_fingerprint(), report.signer_fingerprint) if f
    )
    result.verdict = _file_verdict(result)
    return result
