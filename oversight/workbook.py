"""The XLSX workbook of an evaluation (issue 17 §3): one sheet of totals and ranks, one of every
indicator per department (with the counts behind each value), one of the 尽职免责 items left out, for
the departments the reader may see (or one department)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from oversight.models import EvaluationTotal
from oversight.report_data import evaluation_facts

HEADER_FILL = PatternFill("solid", fgColor="E4E7EB")


def _sheet(book, title, header, rows, widths):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _number(text):
    """A figure as a number in the cell (so it can be summed), blank where there is none."""
    if text in ("", None):
        return None
    return float(text)


def evaluation_workbook(evaluation, departments) -> bytes:
    """``departments``: the departments to include, in order (the caller scopes them)."""
    ids = [d.pk for d in departments]
    totals = list(
        EvaluationTotal.objects.filter(evaluation=evaluation, department_id__in=ids)
        .select_related("department")
        .order_by("level", "rank", "department__code")
    )
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        "综合得分与排名",
        ["部门", "层级", "综合得分", "同层级排名", "同层级参评部门数", "计分指标权重合计"],
        [
            [
                t.department.name,
                t.department.get_level_display(),
                _number(t.total),
                t.rank,
                t.ranked_among,
                float(t.scored_weight),
            ]
            for t in totals
        ],
        [30, 12, 10, 12, 16, 16],
    )
    details, exemptions = [], []
    for t in totals:
        facts = evaluation_facts(evaluation, t.department)
        for r in facts["rows"]:
            details.append(
                [
                    facts["department"],
                    r["code"],
                    r["name"],
                    r["unit"].strip(),
                    r["numerator"],
                    r["denominator"],
                    _number(r["value"]),
                    _number(r["target"]),
                    _number(r["score"]),
                    _number(r["weight"]),
                    _number(r["weighted"]),
                    r["exempted"],
                    r["source"],
                ]
            )
        for e in facts["exemptions"]:
            exemptions.append(
                [
                    e["department"],
                    e["kind"],
                    e["object_id"],
                    e["reason_kind"],
                    e["reason"],
                    e["decided_by"],
                    e["decided_at"],
                    e["note"],
                ]
            )
    _sheet(
        book,
        "指标明细",
        [
            "部门",
            "指标代码",
            "指标名称",
            "单位",
            "分子",
            "分母",
            "指标值",
            "目标值",
            "得分",
            "权重",
            "加权得分",
            "尽职免责剔除",
            "依据",
        ],
        details,
        [30, 20, 24, 6, 8, 8, 10, 10, 8, 8, 10, 12, 60],
    )
    _sheet(
        book,
        "尽职免责",
        ["责任部门", "事项类型", "事项编号", "免责事由", "情况说明", "认可人", "认可日期", "审核意见"],
        exemptions,
        [30, 16, 10, 18, 50, 14, 12, 30],
    )
    info = book.create_sheet("说明")
    for line in [
        ["评估", str(evaluation)],
        ["指标体系", str(evaluation.indicator_set)],
        ["数据截止", evaluation.as_of.isoformat()],
        ["统计范围", "含下级部门" if evaluation.include_subtree else "本部门"],
        [
            "计分规则",
            "得分按零分值与目标值之间线性计算（0–100，越低越好的指标反向）；本期无事项的指标不计分；综合得分为计分指标的加权平均",
        ],
    ]:
        info.append(line)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 12, 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
