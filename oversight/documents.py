"""The PDFs of 履职评估 (issue 17 §3): a department's evaluation report, and the half-year report (seed
004), in the portal's reportlab style (``core.pdf``: STSong-Light, the same paragraph styles and
tables as the credit reports and the decision documents; ``invariant=1``, so the same facts give the
same bytes). A draft half-year report is marked 草稿 on every page.
"""

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer

from core.pdf import FONT, esc, kv_table, numbered_canvas, register_font, table
from core.pdf import styles as pdf_styles

AUTHOR = "综合监管平台"


def _document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=AUTHOR,
        creator=AUTHOR,
        invariant=1,
    )


def _draft_canvas(footer: str):
    """The numbered canvas, with 草稿 across each page."""
    base = numbered_canvas(footer)

    class DraftCanvas(base):
        def showPage(self):
            self.saveState()
            self.setFont(FONT, 72)
            self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.12))
            width, height = self._pagesize
            self.translate(width / 2, height / 2)
            self.rotate(35)
            self.drawCentredString(0, 0, "草稿")
            self.restoreState()
            super().showPage()

    return DraftCanvas


def _figure(row) -> str:
    if row["value"] == "":
        return "不适用（本期无事项）"
    return f"{row['value']}{row['unit']}"


def _indicator_story(facts: dict, width, styles, with_weighted: bool) -> list:
    story = []
    rows = [
        ["指标", "权重", "目标", "分子/分母", "指标值", "得分", *(["加权得分"] if with_weighted else []), "免责剔除"]
    ]
    for r in facts["rows"]:
        ratio = f"{r['numerator']}/{r['denominator']}" if r["denominator"] is not None else str(r["numerator"])
        rows.append(
            [
                f"{r['name']}（{r['direction']}）",
                r["weight"],
                f"{r['target']}{r['unit']}",
                ratio,
                _figure(r),
                r["score"] or "—",
                *([r["weighted"] or "—"] if with_weighted else []),
                str(r["exempted"]),
            ]
        )
    shares = (
        (0.3, 0.07, 0.1, 0.12, 0.15, 0.08, 0.09, 0.09) if with_weighted else (0.33, 0.08, 0.11, 0.13, 0.17, 0.09, 0.09)
    )
    story.append(table(rows, [w * width for w in shares], styles))
    story += [CondPageBreak(30 * mm), Paragraph("指标口径与依据", styles["h3"])]
    story.append(
        table(
            [["指标", "计算口径", "依据"]] + [[r["name"], r["definition"], r["source"]] for r in facts["rows"]],
            [0.18 * width, 0.47 * width, 0.35 * width],
            styles,
        )
    )
    return story


def _exemption_story(facts: dict, width, styles) -> list:
    if not facts["exemptions"]:
        return [Paragraph("本期无经认可的尽职免责事项。", styles["body"])]
    rows = [["事项", "责任部门", "免责事由", "情况说明", "认可（日期）", "审核意见"]] + [
        [
            f"{e['kind']} #{e['object_id']}",
            e["department"],
            e["reason_kind"],
            e["reason"],
            f"{e['decided_by']}（{e['decided_at']}）",
            e["note"],
        ]
        for e in facts["exemptions"]
    ]
    return [table(rows, [w * width for w in (0.15, 0.15, 0.13, 0.27, 0.14, 0.16)], styles)]


def _directive_story(facts: dict, width, styles) -> list:
    if not facts["directives"]:
        return [Paragraph("无未办结的督办。", styles["body"])]
    rows = [["事项", "责任部门", "督办事由", "答复期限", "状态"]] + [
        [
            f"{d['kind']} #{d['object_id']}",
            d["department"],
            d["reason"],
            d["answer_due_on"] + ("（已逾期）" if d["overdue"] else ""),
            d["state"],
        ]
        for d in facts["directives"]
    ]
    return [table(rows, [w * width for w in (0.16, 0.17, 0.37, 0.17, 0.13)], styles)]


def _head(facts: dict, width, styles, extra=()) -> list:
    period = facts["period"]
    pairs = [
        ("部门", f"{facts['department']}（{facts['level']}）"),
        ("评估周期", f"{period['kind']}：{period['start']} 至 {period['end']}（数据截止 {period['as_of']}）"),
        ("统计范围", "含下级部门" if facts["include_subtree"] else "本部门"),
        ("指标体系", facts["indicator_set"] or "—"),
        *extra,
    ]
    return [kv_table(pairs, width, styles), Spacer(1, 4 * mm)]


def evaluation_pdf(facts: dict) -> bytes:
    """A department's 履职评估 report for one evaluation."""
    register_font()
    styles = pdf_styles()
    buffer = io.BytesIO()
    title = "监管履职评估报告"
    doc = _document(buffer, f"{title}（{facts['department']}）")
    width = doc.width
    rank = (
        f"第 {facts['rank']} 名（同层级共 {facts['ranked_among']} 个部门）" if facts["rank"] else "未排名（无计分指标）"
    )
    story = [Paragraph(title, styles["title"]), Paragraph(esc(facts["department"]), styles["subtitle"])]
    story += _head(
        facts, width, styles, [("综合得分", facts["total"] or "—"), ("同层级排名", rank), ("评估时间", facts["run_at"])]
    )
    story += [Paragraph("一、指标得分", styles["h2"])]
    story += _indicator_story(facts, width, styles, with_weighted=True)
    story += [CondPageBreak(35 * mm), Paragraph("二、尽职免责（已认可，不计入按时率）", styles["h2"])]
    story += _exemption_story(facts, width, styles)
    story += [CondPageBreak(35 * mm), Paragraph("三、未办结督办", styles["h2"])]
    story += _directive_story(facts, width, styles)
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            esc(
                "说明：得分按指标目标值（满分）与零分值之间线性计算，越低越好的指标反向；本期无事项的指标不计分，"
                "综合得分为计分指标的加权平均。各项数值可在管理后台逐项查看对应明细。"
            ),
            styles["small"],
        ),
    ]
    doc.build(
        story,
        canvasmaker=numbered_canvas(
            f"{title}　{facts['department']}　{facts['period']['start']}–{facts['period']['end']}"
        ),
    )
    return buffer.getvalue()


def half_year_pdf(report) -> bytes:
    """The half-year report: the pre-filled figures and the three sections; 草稿 until signed."""
    register_font()
    styles = pdf_styles()
    facts = report.figures
    buffer = io.BytesIO()
    title = f"{report.year}年{report.get_half_display()}事中事后监管工作报告"
    doc = _document(buffer, f"{title}（{report.department.name}）")
    width = doc.width
    signed = report.state == "signed"
    signature = (
        f"{report.signer_name}（{timezone.localtime(report.signed_at).strftime('%Y-%m-%d %H:%M')}）"
        if signed
        else "未签发（草稿）"
    )
    story = [Paragraph(esc(title), styles["title"]), Paragraph(esc(report.department.name), styles["subtitle"])]
    story += _head(facts, width, styles, [("报送期限", report.due_on.isoformat()), ("签发", signature)])
    for number, (label, text) in enumerate(
        [("工作开展情况", report.summary), ("存在的问题", report.problems), ("下一步工作打算", report.next_steps)]
    ):
        story += [CondPageBreak(30 * mm), Paragraph(f"{'一二三'[number]}、{label}", styles["h2"])]
        paragraphs = [p for p in (text or "").splitlines() if p.strip()] or ["（未填写）"]
        story += [Paragraph(esc(p), styles["body"]) for p in paragraphs]
    story += [CondPageBreak(35 * mm), Paragraph("四、履职评估指标（预填数据）", styles["h2"])]
    story += _indicator_story(facts, width, styles, with_weighted=False)
    story += [CondPageBreak(35 * mm), Paragraph("五、尽职免责（已认可）", styles["h2"])]
    story += _exemption_story(facts, width, styles)
    story += [CondPageBreak(35 * mm), Paragraph("六、未办结督办", styles["h2"])]
    story += _directive_story(facts, width, styles)
    footer = f"{title}　{report.department.name}　{'已签发' if signed else '草稿'}"
    doc.build(story, canvasmaker=numbered_canvas(footer) if signed else _draft_canvas(footer))
    return buffer.getvalue()
