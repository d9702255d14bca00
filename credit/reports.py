"""Credit reports (公共信用信息报告): issue a PDF anyone can verify, and verify one (issue 4 §4).

A report is built from ``report_facts``: a canonical, JSON-ready snapshot of what the public may
know about an entity, read only through the public selectors (base data, grade, reasons, history,
public records, list entries, commitments). The risk class is internal and contact details are
confidential, so neither is ever read here. The SHA-256 of the canonical JSON of the facts is the
report's content hash; the SHA-256 of the PDF bytes is its file hash. Verification recomputes the
facts now: when they hash differently, the report is 已过期 (its facts have changed since).

The PDF uses the portal's PDF kit (``core.pdf``: the built-in CID font STSong-Light, Chinese line
breaking, styles and tables) and ``invariant=1``, so the same facts give the same bytes except for
the issue time and the serial.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import audit
from core.pdf import esc, kv_table, numbered_canvas, register_font, table
from core.pdf import styles as pdf_styles
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
from supervision.choices import EntityStatus, EntityType
from supervision.models import MarketEntity
from supervision.selectors import PUBLIC_ENTITY_FIELDS, public_entities

SERIAL_PREFIX = "XYBG"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
VERIFY_PATH = "/reports/verify/{serial}/"
FACTS_VERSION = 1
HISTORY_LIMIT = 100  # the latest grade changes; older ones stay on the entity page's data
TITLE = "公共信用信息报告"
DISCLAIMER = (
    "本报告依据出具时本平台依法公示的公共信用信息生成，不含个人隐私、联系方式及内部监管分类信息。"
    "报告内容以出具时间为准，可凭报告编号在核验地址查验真伪及是否为最新；信息变化后原报告显示为“已过期”。"
)
# Printed colours of the grade colour codes (the codes themselves are data in the evaluation model).
COLOUR_HEX = {Colour.GREEN: "#2e7d32", Colour.YELLOW: "#f0b400", Colour.RED: "#c62828", Colour.BLACK: "#1f1f1f"}


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
        }
        for r in rows
    ]
    # Grouped by category in the order of DOMAIN §3, newest first within a category (stable sort).
    records.sort(key=lambda r: order.get(r["category"], len(order)))
    return records


def _list_facts(code: str, today: dt.date) -> list:
    entries = selectors.public_list_entries(today=today).filter(entity_id=code).order_by("listed_on", "id")
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


# --- serial and URL -------------------------------------------------------------------------------


def new_serial(today: dt.date | None = None) -> str:
    """``XYBG`` + yyyymmdd + 8 random base32 characters (40 bits), e.g. ``XYBG20261122K7Q2M4ZA``."""
    today = today or timezone.localdate()
    return f"{SERIAL_PREFIX}{today:%Y%m%d}{''.join(secrets.choice(_BASE32) for _ in range(8))}"


def verification_url(serial: str) -> str:
    """Absolute with ``settings.PUBLIC_BASE_URL`` when it is set, else the site-relative path."""
    path = VERIFY_PATH.format(serial=serial)
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else path


# --- PDF ------------------------------------------------------------------------------------------


def _money(value: str | None) -> str:
    return "" if value is None else f"{value} 元"


def _plain_number(value: str | None) -> str:
    """``"3000.0000"`` → ``"3000"``, ``"12.5000"`` → ``"12.5"`` (display only; the facts keep the stored text)."""
    if not value:
        return ""
    return format(Decimal(value).normalize(), "f")


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M:%S")


def render_pdf(*, facts: dict, serial: str, issued_at: dt.datetime, content_hash: str) -> bytes:
    """The report as PDF bytes: the same arguments always give the same bytes (``invariant=1``)."""
    register_font()
    styles = pdf_styles()
    entity = facts["entity"]
    url = verification_url(serial)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{TITLE}（{entity['name']}）",
        author="综合监管平台",
        subject=serial,
        creator="综合监管平台",
        invariant=1,
    )
    width = doc.width

    def section(title: str) -> list:
        # A heading never ends a page: start a new one when less than 35 mm is left.
        return [CondPageBreak(35 * mm), Paragraph(title, styles["h2"])]

    story = [Paragraph(TITLE, styles["title"]), Paragraph(esc(entity["name"]), styles["subtitle"])]

    # Report identity and how to verify it, first, with a QR code of the verification URL.
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    side = 26 * mm
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    ident = kv_table(
        [
            ("报告编号", serial),
            ("出具时间", _local(issued_at)),
            ("内容哈希（SHA-256）", content_hash),
            ("核验地址", url),
        ],
        width - side - 4 * mm,
        styles,
    )
    head = Table([[ident, drawing]], colWidths=[width - side - 2 * mm, side + 2 * mm])
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [head, Spacer(1, 4 * mm)]

    story += section("一、基本信息")
    story.append(
        kv_table(
            [
                ("名称", entity["name"]),
                ("统一社会信用代码", entity["uscc"]),
                ("主体类型", entity["entity_type_label"]),
                ("法定代表人（负责人、经营者）", entity["legal_representative"]),
                ("住所（经营场所）", entity["registered_address"]),
                ("行政区划代码", entity["region_code"]),
                ("行业代码（GB/T 4754）", entity["industry_code"]),
                ("注册资本（万元）", _plain_number(entity["registered_capital"])),
                ("成立日期", entity["established_on"] or ""),
                ("登记状态", entity["status_label"]),
            ],
            width,
            styles,
        )
    )

    story += section("二、公共信用综合评价")
    grade = facts["grade"]
    if grade is None:
        story.append(Paragraph("暂无评价结果。", styles["body"]))
    else:
        hex_colour = COLOUR_HEX.get(grade["colour"], "#616e7c")
        badge_style = styles["badge"]
        if grade["colour"] == Colour.YELLOW:
            badge_style = styles["badge"].clone("badge_dark", textColor=colors.HexColor("#1f1f1f"))
        badge = Table(
            [
                [
                    Paragraph(esc(grade["label"]), badge_style),
                    Paragraph(
                        esc(
                            f"信用等级：{grade['label']}（{grade['colour_label']}）　信用分：{grade['score']}　评价模型：第 {grade['model_version']} 版"
                        ),
                        styles["body"],
                    ),
                ]
            ],
            colWidths=[32 * mm, width - 32 * mm],
        )
        badge.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(hex_colour)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(hex_colour)),
                    ("LEFTPADDING", (1, 0), (1, 0), 8),
                ]
            )
        )
        story.append(badge)
        story += [CondPageBreak(25 * mm), Paragraph("评价理由", styles["h3"])]
        rows = [["等级", "理由"]] + [[r["label"], r["text"]] for r in facts["reasons"]]
        story.append(table(rows, [24 * mm, width - 24 * mm], styles))

    story += section("三、信用等级变化记录")
    if facts["history"]:
        rows = [["变更时间", "等级", "信用分"]] + [
            [h["changed_at"].replace("T", " ")[:19], h["label"], h["score"]] for h in facts["history"]
        ]
        story.append(table(rows, [width * 0.5, width * 0.3, width * 0.2], styles))
        if len(facts["history"]) >= HISTORY_LIMIT:
            story.append(Paragraph(f"仅列最近 {HISTORY_LIMIT} 次变化。", styles["small"]))
    else:
        story.append(Paragraph("无。", styles["body"]))

    story += section("四、公示中的信用信息")
    records = facts["records"]
    if records:
        story.append(Paragraph(f"共 {len(records)} 条，按信息类别列示。", styles["small"]))
        widths = [w * width for w in (0.25, 0.08, 0.17, 0.2, 0.1, 0.1, 0.1)]
        for label in dict.fromkeys(r["category_label"] for r in records):
            group = [r for r in records if r["category_label"] == label]
            rows = [["标题", "性质/程度", "文号（编号）", "认定部门", "决定日期", "金额", "公示截止"]] + [
                [
                    r["title"],
                    r["severity_label"] or r["polarity_label"],
                    r["source_ref"],
                    r["department"],
                    r["decided_on"],
                    _money(r["amount"]),
                    r["publicity_ends_on"],
                ]
                for r in group
            ]
            story += [
                CondPageBreak(30 * mm),
                Paragraph(f"{esc(label)}（{len(group)} 条）", styles["h3"]),
                table(rows, widths, styles),
            ]
    else:
        story.append(Paragraph("无公示中的信用信息。", styles["body"]))

    story += section("五、名单信息")
    if facts["list_entries"]:
        rows = [["名单", "列入事由", "作出决定部门", "决定书文号", "列入日期", "法律依据"]] + [
            [e["list_label"], e["ground_label"], e["department"], e["decision_no"], e["listed_on"], e["legal_basis"]]
            for e in facts["list_entries"]
        ]
        story.append(table(rows, [w * width for w in (0.15, 0.22, 0.16, 0.15, 0.11, 0.21)], styles))
    else:
        story.append(
            Paragraph("未列入经营异常名录、严重违法失信名单、重点关注对象名单或守信激励对象名单。", styles["body"])
        )

    story += section("六、信用承诺")
    if facts["commitments"]:
        rows = [["承诺编号", "类型", "受理部门", "承诺内容", "作出日期", "履约期限", "状态"]] + [
            [
                c["tracking_no"],
                c["type_label"],
                c["department"],
                c["content"] + (f"（{c['matter']}）" if c["matter"] else ""),
                c["made_on"],
                c["due_on"],
                c["state_label"] + (f"（{c['resolved_on']}）" if c["resolved_on"] else ""),
            ]
            for c in facts["commitments"]
        ]
        story.append(table(rows, [w * width for w in (0.14, 0.1, 0.14, 0.3, 0.1, 0.1, 0.12)], styles))
    else:
        story.append(Paragraph("无。", styles["body"]))

    story += [Spacer(1, 6 * mm), Paragraph("说明", styles["h3"]), Paragraph(esc(DISCLAIMER), styles["small"])]
    footer = f"{TITLE}　报告编号 {serial}　核验：{url}"
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


# --- services -------------------------------------------------------------------------------------


def report_issue(*, entity, requested_via: str = "web", actor=None) -> tuple[CreditReport, bytes]:
    """Issue a report for an entity (a ``MarketEntity`` or its USCC): store its hashes, audit it.

    ``requested_via`` is ``"web"`` for the public site, or the API client's label; the audit actor
    is ``"public"`` or that label unless an ``actor`` (e.g. the ``ApiClient``) is given.
    Raises ``MarketEntity.DoesNotExist`` for a code not in the roster.
    """
    now = timezone.now()
    facts = report_facts(entity=entity, today=timezone.localdate(now))
    if facts is None:
        raise MarketEntity.DoesNotExist(f"未找到统一社会信用代码为 {getattr(entity, 'uscc', entity)} 的市场主体")
    content_hash = facts_hash(facts)
    serial = new_serial(timezone.localdate(now))
    while CreditReport.objects.filter(serial=serial).exists():  # 40 random bits: practically never
        serial = new_serial(timezone.localdate(now))
    pdf = render_pdf(facts=facts, serial=serial, issued_at=now, content_hash=content_hash)
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
            },
        )
    return report, pdf


@dataclass
class ReportVerification:
    """The answer to 'is this report genuine and still current?'."""

    found: bool
    report: CreditReport | None
    current: bool
    file_matches: bool | None
    current_hash: str

    @property
    def expired(self) -> bool:
        """已过期: genuine, but the entity's public facts have changed since it was issued."""
        return self.found and not self.current


def report_verify(*, serial: str, pdf_bytes: bytes | None = None) -> ReportVerification:
    """Look a serial up; recompute the entity's facts now; compare a file's hash when one is given."""
    serial = (serial or "").strip().upper()
    report = CreditReport.objects.filter(serial=serial).first() if serial else None
    if report is None:
        return ReportVerification(found=False, report=None, current=False, file_matches=None, current_hash="")
    facts = report_facts(entity=report.entity_id)
    current_hash = facts_hash(facts) if facts is not None else ""
    file_matches = None if pdf_bytes is None else hashlib.sha256(pdf_bytes).hexdigest() == report.pdf_sha256
    return ReportVerification(
        found=True,
        report=report,
        current=bool(current_hash) and current_hash == report.content_hash,
        file_matches=file_matches,
        current_hash=current_hash,
    )
