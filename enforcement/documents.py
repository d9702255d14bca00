"""The decision document (行政处罚决定书) as PDF, with reportlab and the STSong-Light CID font.

Its contents follow 行政处罚法 第59条: the party (name, USCC, address, legal representative), the
facts and evidence, the penalty type and legal basis, the penalty, how and when to perform it, the
review and litigation rights and deadlines, the authority and the date. This is the internal
document with the full data (the admin prints it for its own department); the public sees only the
redacted summary (``PenaltyDisclosure``). The PDF helpers are the portal's (``core.pdf``). The
printed document is signed (PAdES, ``core.pdf_signing``; issue 18 §1.1), so the party's PDF reader
shows who issued it and that it is unchanged.
"""

import datetime as dt
import io
import re
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from core import pdf_signing
from core.pdf import esc, kv_table, numbered_canvas, register_font
from core.pdf import styles as pdf_styles
from credit.choices import PenaltyType
from enforcement.choices import DecisionState
from enforcement.models import PenaltyDecision

TITLE = "行政处罚决定书"
CN_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: dt.date) -> str:
    """2026-11-22 → 二〇二六年十一月二十二日 (the form used on official documents)."""

    def number(n: int) -> str:
        if n < 10:
            return CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"

    return f"{''.join(CN_DIGITS[int(c)] for c in str(day.year))}年{number(day.month)}月{number(day.day)}日"


def _amount(value: Decimal) -> str:
    return f"{format(Decimal(value).quantize(Decimal('0.01')), ',f')}元"


def states_amount(text: str, value: Decimal) -> bool:
    """Does the officer's 处罚内容 already state ``value`` (500, 500.00, 5,000, 10万)? Then the document
    does not state it a second time."""
    digits = re.sub(r"[,，\s]", "", text or "")
    value = Decimal(value)
    forms = {f"{value:.2f}", f"{value.normalize():f}"}
    if value == value.to_integral_value():
        forms.add(f"{int(value)}")
        if value % 10000 == 0:
            forms.add(f"{int(value) // 10000}万")
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", digits) for form in forms)


def decision_facts(decision: PenaltyDecision) -> dict:
    """What the document states, in order (one place for the PDF and its tests)."""
    case = decision.case
    standard = case.standard
    kinds = "、".join(str(PenaltyType(k).label) for k in decision.penalty_types)
    # The amounts once: appended only when the 处罚内容 (the officer's text) does not already state them.
    amounts = []
    if decision.fine_amount and not states_amount(decision.penalty_content, decision.fine_amount):
        amounts.append(f"罚款{_amount(decision.fine_amount)}")
    if decision.confiscation_amount and not states_amount(decision.penalty_content, decision.confiscation_amount):
        amounts.append(f"没收{_amount(decision.confiscation_amount)}")
    return {
        "authority": decision.department.name,
        "authority_uscc": decision.department.uscc,
        "number": decision.number,
        "party": [
            ("当事人", decision.party_name),
            ("统一社会信用代码", decision.entity_id or "（无）"),
            ("住所（地址）", decision.party_address or "（未载明）"),
            ("法定代表人（负责人）", decision.legal_representative or "（无）"),
        ],
        "intro": (
            f"{decision.party_name}{case.title}一案，本机关于{chinese_date(case.filed_on)}立案调查（案件编号：{case.number}）。"
            f"本机关已依法告知当事人拟作出行政处罚的事实、理由、依据及其依法享有的陈述、申辩（听证）权利。现查明："
        ),
        "sections": [
            ("一、违法事实", decision.facts),
            ("二、相关证据", decision.evidence),
            (
                "三、违法行为类型及处罚依据",
                "；".join(
                    p
                    for p in (
                        f"违法行为类型：{decision.violation_type}",
                        f"违法依据：{standard.violation_basis}" if standard else "",
                        f"处罚依据：{decision.legal_basis}",
                        f"裁量情节：{decision.get_circumstance_display()}"
                        + (f"（适用裁量基准 {standard.code}）" if standard else ""),
                        f"超出裁量基准的理由：{decision.out_of_range_reason}" if decision.out_of_range_reason else "",
                    )
                    if p
                ),
            ),
            (
                "四、处罚种类和内容",
                f"处罚种类：{kinds}。{decision.penalty_content}" + (f"（{'，'.join(amounts)}）" if amounts else ""),
            ),
            ("五、履行方式和期限", decision.performance),
            ("六、救济途径和期限", decision.remedies),
        ],
        "procedure": decision.get_procedure_display(),
        "date": chinese_date(decision.decided_on),
        "state_note": (
            ""
            if decision.state == DecisionState.EFFECTIVE
            else f"注意：本决定已于{decision.revoked_on}{str(decision.get_state_display()).removeprefix('已')}，理由：{decision.revoked_reason}"
        ),
    }


def decision_pdf(decision: PenaltyDecision) -> bytes:
    """The 行政处罚决定书 as PDF bytes (the same decision always gives the same bytes: ``invariant=1``)."""
    register_font()
    facts = decision_facts(decision)
    styles = pdf_styles()
    body = ParagraphStyle("decision_body", parent=styles["body"], fontSize=11, leading=19, firstLineIndent=22)
    heading = ParagraphStyle("decision_h", parent=styles["h3"], fontSize=11.5, leading=19, spaceBefore=6)
    right = ParagraphStyle("decision_right", parent=styles["body"], fontSize=11, leading=19, alignment=2)
    centre = ParagraphStyle("decision_centre", parent=styles["subtitle"], fontSize=11, textColor=colors.black)
    warning = ParagraphStyle(
        "decision_warning", parent=styles["body"], textColor=colors.HexColor("#ba2121"), fontSize=11, leading=17
    )

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{TITLE} {facts['number']}",
        author=facts["authority"],
        subject=facts["number"],
        creator="综合监管平台",
        invariant=1,
    )
    story = [
        Paragraph(esc(facts["authority"]), styles["title"]),
        Paragraph(TITLE, styles["title"]),
        Paragraph(esc(facts["number"]), centre),
        Spacer(1, 4 * mm),
    ]
    if facts["state_note"]:
        story += [Paragraph(esc(facts["state_note"]), warning), Spacer(1, 2 * mm)]
    story += [kv_table(facts["party"], doc.width, styles), Spacer(1, 4 * mm), Paragraph(esc(facts["intro"]), body)]
    for title, text in facts["sections"]:
        story.append(Paragraph(esc(title), heading))
        story += [Paragraph(esc(line), body) for line in str(text).splitlines() if line.strip()] or [
            Paragraph("（无）", body)
        ]
    # The authority, seal and date sign the document as one block: never split across pages (the
    # date alone on page 2 left page 1 unsigned).
    story.append(
        KeepTogether(
            [
                Spacer(1, 8 * mm),
                Paragraph(esc(facts["authority"]), right),
                Paragraph("（印章）", right),
                Paragraph(esc(facts["date"]), right),
            ]
        )
    )
    story += [
        Spacer(1, 4 * mm),
        Paragraph(esc(f"本文书一式两份，一份送达当事人，一份归档。适用程序：{facts['procedure']}。"), styles["small"]),
    ]
    doc.build(story, canvasmaker=numbered_canvas(f"{TITLE}　{facts['number']}"))
    return buffer.getvalue()


def signed_decision_pdf(decision: PenaltyDecision) -> bytes:
    """The 行政处罚决定书 as served: ``decision_pdf`` with the portal's PAdES signature appended."""
    return pdf_signing.sign_pdf(
        decision_pdf(decision), reason=f"{TITLE} {decision.number}", location=decision.department.name
    )
