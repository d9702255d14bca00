"""The annual report as a PDF (issue 14 §3): the evidence a late filing's list-exit application carries."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from core.pdf import esc, kv_table, register_font, styles
from supervision.annual_reports import public_view
from supervision.models_reports import AnnualReport


def report_pdf(report: AnnualReport) -> bytes:
    """The whole report (the entity's own figures included), with its corrections, as a PDF."""
    register_font()
    s, view = styles(), public_view(report, full=True)
    buffer = io.BytesIO()
    width = A4[0] - 36 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=f"{report.year}年度报告"
    )
    pairs = [("市场主体", f"{report.entity.name}（{report.entity_id}）"), ("报告类型", view["kind"])]
    pairs.append(
        ("报送时间", f"{timezone.localtime(report.filed_at):%Y-%m-%d %H:%M}{'（逾期补报）' if report.late else ''}")
    )
    for row in view["rows"]:
        pairs.append((row["label"], "\n".join(row["list"]) if row.get("columns") else row["text"]))
    pairs.append(("资产状况信息", "公示" if report.assets_public else "企业选择不公示"))
    story = [Paragraph(esc(f"{report.year}年度报告"), s["title"]), Spacer(1, 4 * mm), kv_table(pairs, width, s)]
    for correction in view["corrections"]:
        text = "；".join(f"{c['label']}：{c['before']} → {c['after']}" for c in correction["changes"])
        story.append(Paragraph(esc(f"{correction['on']:%Y-%m-%d} 更正：{text}"), s["small"]))
    doc.build(story)
    return buffer.getvalue()
