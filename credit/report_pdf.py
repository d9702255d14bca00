"""The credit report as PDF, in Chinese or English (issue 4 §4, issue 18 §1.1 and §2).

Rendered from the facts of ``credit.reports.report_facts``. The facts are language-free (their codes
decide; the stored Chinese labels are what the hash covers), so the same facts give the same content
hash in both languages: only the printed labels follow ``language``. What registered data says stays
as recorded (entity and department names, titles, document numbers); grade reasons built from the
evaluation's templates read in English (``credit.display_text.reason_text``), a reason an official typed
stays as entered. The English report says that the Chinese version is authoritative.

The PDF uses the portal's PDF kit (``core.pdf``: the built-in CID font STSong-Light, Chinese line
breaking, styles and tables) and ``invariant=1``, so the same facts give the same bytes except for
the issue time and the serial (the signature, ``core.pdf_signing``, is added afterwards).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import esc, kv_table, numbered_canvas, register_font, table
from core.pdf import styles as pdf_styles
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
from credit.display_text import reason_text
from supervision.choices import EntityStatus, EntityType

VERIFY_PATH = "/reports/verify/{serial}/"
LANGUAGES = ("zh-hans", "en")
HISTORY_LIMIT = 100  # the latest grade changes; older ones stay on the entity page's data
# Printed colours of the grade colour codes (the codes themselves are data in the evaluation model).
COLOUR_HEX = {Colour.GREEN: "#2e7d32", Colour.YELLOW: "#f0b400", Colour.RED: "#c62828", Colour.BLACK: "#1f1f1f"}
LINK_BLUE = "#0b5cad"


def verification_url(serial: str) -> str:
    """Absolute with ``settings.PUBLIC_BASE_URL`` (``make run`` sets its own), else the site-relative path."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{VERIFY_PATH.format(serial=serial)}"


def title() -> str:
    return _("公共信用信息报告")


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _english() -> bool:
    return translation.get_language() == "en"


def _money(value: str | None) -> str:
    return "" if value is None else _("%(amount)s 元") % {"amount": value}


def _plain_number(value: str | None) -> str:
    """``"3000.0000"`` → ``"3000"``, ``"12.5000"`` → ``"12.5"`` (display only; the facts keep the stored text)."""
    if not value:
        return ""
    return format(Decimal(value).normalize(), "f")


def _local(value: dt.datetime) -> str:
    if _english():
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S (UTC+8)")
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M:%S")


def _objection(text: str, under_objection: bool) -> str:
    # DOMAIN §3: a record or list entry with an objection being handled is marked 异议处理中.
    return f"{text}{_('（异议处理中）')}" if under_objection else text


def _grade_label(grade: dict) -> str:
    """The band's label (data, Chinese) in Chinese; the fixed grade name in English."""
    return _label(Grade.choices, grade["code"]) if _english() else grade["label"]


def _qr(url: str, side: float) -> Drawing:
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    return drawing


def _link(url: str, styles) -> Paragraph:
    """The 核验地址 as a clickable link: reportlab writes a /Link annotation with a /URI action."""
    return Paragraph(f'<a href="{esc(url)}" color="{LINK_BLUE}"><u>{esc(url)}</u></a>', styles["cell"])


def _identity(*, serial, issued_at, content_hash, url, width, styles) -> Table:
    side = 26 * mm
    ident = kv_table(
        [
            (_("报告编号"), serial),
            (_("出具时间"), _local(issued_at)),
            (_("内容哈希（SHA-256）"), content_hash),
            (_("核验地址"), _link(url, styles)),
        ],
        width - side - 4 * mm,
        styles,
    )
    head = Table([[ident, _qr(url, side)]], colWidths=[width - side - 2 * mm, side + 2 * mm])
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return head


def _base_rows(entity: dict) -> list:
    return [
        (_("名称"), entity["name"]),
        (_("统一社会信用代码"), entity["uscc"]),
        (_("主体类型"), _label(EntityType.choices, entity["entity_type"])),
        (_("法定代表人（负责人、经营者）"), entity["legal_representative"]),
        (_("住所（经营场所）"), entity["registered_address"]),
        (_("行政区划代码"), entity["region_code"]),
        (_("行业代码（GB/T 4754）"), entity["industry_code"]),
        (_("注册资本（万元）"), _plain_number(entity["registered_capital"])),
        (_("成立日期"), entity["established_on"] or ""),
        (_("登记状态"), _label(EntityStatus.choices, entity["status"])),
    ]


def _grade_story(facts: dict, width, styles) -> list:
    grade = facts["grade"]
    if grade is None:
        return [Paragraph(_("暂无评价结果。"), styles["body"])]
    hex_colour = COLOUR_HEX.get(grade["colour"], "#616e7c")
    badge_style = styles["badge"]
    if grade["colour"] == Colour.YELLOW:
        badge_style = styles["badge"].clone("badge_dark", textColor=colors.HexColor("#1f1f1f"))
    summary = _("信用等级：%(label)s（%(colour)s）　信用分：%(score)s　评价模型：第 %(version)s 版") % {
        "label": _grade_label(grade),
        "colour": _label(Colour.choices, grade["colour"]),
        "score": grade["score"],
        "version": grade["model_version"],
    }
    badge = Table(
        [[Paragraph(esc(_grade_label(grade)), badge_style), Paragraph(esc(summary), styles["body"])]],
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
    by_code = {g.value: g.label for g in Grade}
    rows = [[_("等级"), _("理由")]] + [
        # A reason built from the evaluation's templates reads in English; a note an official typed stays as entered.
        [str(by_code[r["level"]]) if _english() and r["level"] in by_code else r["label"], reason_text(r["text"])]
        for r in facts["reasons"]
    ]
    return [
        badge,
        CondPageBreak(25 * mm),
        Paragraph(_("评价理由"), styles["h3"]),
        table(rows, [24 * mm, width - 24 * mm], styles),
    ]


def _history_story(facts: dict, width, styles) -> list:
    if not facts["history"]:
        return [Paragraph(_("无。"), styles["body"])]
    by_code = {g.value: g.label for g in Grade}
    rows = [[_("变更时间"), _("等级"), _("信用分")]] + [
        [
            h["changed_at"].replace("T", " ")[:19],
            str(by_code.get(h["grade"], h["label"])) if _english() else h["label"],
            h["score"],
        ]
        for h in facts["history"]
    ]
    story = [table(rows, [width * 0.5, width * 0.3, width * 0.2], styles)]
    if len(facts["history"]) >= HISTORY_LIMIT:
        story.append(Paragraph(_("仅列最近 %(n)s 次变化。") % {"n": HISTORY_LIMIT}, styles["small"]))
    return story


def _records_story(facts: dict, width, styles) -> list:
    records = facts["records"]
    if not records:
        return [Paragraph(_("无公示中的信用信息。"), styles["body"])]
    story = [Paragraph(_("共 %(n)s 条，按信息类别列示。") % {"n": len(records)}, styles["small"])]
    widths = [w * width for w in (0.25, 0.08, 0.17, 0.2, 0.1, 0.1, 0.1)]
    header = [_("标题"), _("性质/程度"), _("文号（编号）"), _("认定部门"), _("决定日期"), _("金额"), _("公示截止")]
    for category in dict.fromkeys(r["category"] for r in records):
        group = [r for r in records if r["category"] == category]
        rows = [header] + [
            [
                _objection(r["title"], r.get("under_objection", False)),
                _label(Severity.choices, r["severity"]) if r["severity"] else _label(Polarity.choices, r["polarity"]),
                r["source_ref"],
                r["department"],
                r["decided_on"],
                _money(r["amount"]),
                r["publicity_ends_on"],
            ]
            for r in group
        ]
        heading = _("%(category)s（%(n)s 条）") % {
            "category": _label(RecordCategory.choices, category),
            "n": len(group),
        }
        story += [CondPageBreak(30 * mm), Paragraph(esc(heading), styles["h3"]), table(rows, widths, styles)]
    return story


def _lists_story(facts: dict, width, styles) -> list:
    if not facts["list_entries"]:
        return [
            Paragraph(_("未列入经营异常名录、严重违法失信名单、重点关注对象名单或守信激励对象名单。"), styles["body"])
        ]
    rows = [[_("名单"), _("列入事由"), _("作出决定部门"), _("决定书文号"), _("列入日期"), _("法律依据")]] + [
        [
            _objection(_label(ListType.choices, e["list_type"]), e.get("under_objection", False)),
            _label(ListGround.choices, e["ground"]),
            e["department"],
            e["decision_no"],
            e["listed_on"],
            e["legal_basis"],
        ]
        for e in facts["list_entries"]
    ]
    return [table(rows, [w * width for w in (0.15, 0.22, 0.16, 0.15, 0.11, 0.21)], styles)]


def _commitments_story(facts: dict, width, styles) -> list:
    if not facts["commitments"]:
        return [Paragraph(_("无。"), styles["body"])]
    rows = [[_("承诺编号"), _("类型"), _("受理部门"), _("承诺内容"), _("作出日期"), _("履约期限"), _("状态")]] + [
        [
            c["tracking_no"],
            _label(CommitmentType.choices, c["commitment_type"]),
            c["department"],
            c["content"] + (f"（{c['matter']}）" if c["matter"] else ""),
            c["made_on"],
            c["due_on"],
            _label(CommitmentState.choices, c["state"]) + (f"（{c['resolved_on']}）" if c["resolved_on"] else ""),
        ]
        for c in facts["commitments"]
    ]
    return [table(rows, [w * width for w in (0.14, 0.1, 0.14, 0.3, 0.1, 0.1, 0.12)], styles)]


def _notes(facts: dict, styles) -> list:
    marked = any(r.get("under_objection") for r in facts["records"] + facts["list_entries"])
    notes = [
        _(
            "本报告依据出具时本平台依法公示的公共信用信息生成，不含个人隐私、联系方式及内部监管分类信息。"
            "报告内容以出具时间为准，可凭报告编号在核验地址查验真伪及是否为最新；信息变化后原报告显示为“已过期”。"
        ),
        _("本报告附有数字签名：在 PDF 阅读器中可查看签发者，并确认报告出具后未被修改。"),
    ]
    if marked:
        notes.append(_("标注“异议处理中”的信息，当事人已提出异议，认定部门正在核查，结论以核查结果为准。"))
    if _english():
        notes.append(
            "This is a translation. The Chinese version of this report is authoritative. Names, titles and "
            "document numbers are shown as registered, in Chinese."
        )
    return [Paragraph(_("说明"), styles["h3"])] + [Paragraph(esc(n), styles["small"]) for n in notes]


def render_pdf(*, facts: dict, serial: str, issued_at: dt.datetime, content_hash: str, language="zh-hans") -> bytes:
    """The report as PDF bytes: the same arguments always give the same bytes (``invariant=1``)."""
    with translation.override(language if language in LANGUAGES else "zh-hans"):
        return _render(facts=facts, serial=serial, issued_at=issued_at, content_hash=content_hash)


def _render(*, facts: dict, serial: str, issued_at: dt.datetime, content_hash: str) -> bytes:
    register_font()
    styles = pdf_styles()
    if _english():
        # Western line breaking: at spaces, and a Chinese name or title with none is split where it must
        # be (reportlab's splitLongWords). The CJK mode would break English words anywhere.
        for style in styles.values():
            style.wordWrap, style.splitLongWords = None, 1
    entity = facts["entity"]
    url = verification_url(serial)
    buffer = io.BytesIO()
    platform = _("综合监管平台")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{title()}（{entity['name']}）",
        author=platform,
        subject=serial,
        creator=platform,
        lang="en" if _english() else "zh-CN",
        invariant=1,
    )
    width = doc.width

    def section(heading: str) -> list:
        # A heading never ends a page: start a new one when less than 35 mm is left.
        return [CondPageBreak(35 * mm), Paragraph(esc(heading), styles["h2"])]

    story = [Paragraph(esc(title()), styles["title"]), Paragraph(esc(entity["name"]), styles["subtitle"])]
    if _english():
        story.append(Paragraph("The Chinese version of this report is authoritative.", styles["subtitle"]))
    story += [
        _identity(serial=serial, issued_at=issued_at, content_hash=content_hash, url=url, width=width, styles=styles),
        Spacer(1, 4 * mm),
    ]
    story += [*section(_("一、基本信息")), kv_table(_base_rows(entity), width, styles)]
    story += section(_("二、公共信用综合评价")) + _grade_story(facts, width, styles)
    story += section(_("三、信用等级变化记录")) + _history_story(facts, width, styles)
    story += section(_("四、公示中的信用信息")) + _records_story(facts, width, styles)
    story += section(_("五、名单信息")) + _lists_story(facts, width, styles)
    story += section(_("六、信用承诺")) + _commitments_story(facts, width, styles)
    story += [Spacer(1, 6 * mm), *_notes(facts, styles)]
    footer = _("%(title)s　报告编号 %(serial)s　核验：%(url)s") % {"title": title(), "serial": serial, "url": url}
    doc.build(story, canvasmaker=numbered_canvas(footer, page_label=_("第 %(number)s 页 共 %(total)s 页")))
    return buffer.getvalue()
