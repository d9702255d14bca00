"""The dashboard's charts (issue 17 §2): each one's numbers from ``oversight.dashboard``, drawn by ECharts
from the same series its table shows (for reading and for screen readers), every count in the table
linked to the rows behind it (``oversight.dashboard_links``)."""

import datetime as dt
from dataclasses import dataclass, field

from core import deadline_items
from core.deadline_items import Status
from credit.choices import Grade
from enforcement.choices import ComplaintChannel, ComplaintVerdict
from oversight import dashboard as figures
from oversight.dashboard_filters import INDUSTRY_SECTIONS, yesterday
from oversight.dashboard_links import (
    CHECK_LIST,
    COMPLAINT_CLOSED_LIST,
    COMPLAINT_FILED_LIST,
    FINDINGS_LIST,
    GRADE_LIST,
    ITEM_DEPARTMENT_LOOKUP,
    ITEM_LOOKUP,
    NEGATIVE_LIST,
    PLAN_LIST,
    PUBLISHED_LIST,
    RESULT_LIST,
    TASK_LIST,
    month_span,
)
from supervision.models import Department, SupervisionItem

CHART_SERIES_MAX = 8  # more departments or purposes than this: the rest drawn as one “其他” (the table has all)
CUT_LABELS = {"region": "行政区划", "industry": "行业门类"}
GRADE_COLOURS = {
    Grade.GOOD: "#2e7d32",
    Grade.WARNING: "#ef8f00",
    Grade.DISHONEST: "#d32f2f",
    Grade.SERIOUSLY_DISHONEST: "#6a1b1b",
}


@dataclass
class Cell:
    value: object  # int, a rate (float, 0–1) or None (no figures)
    url: str | None = None
    rate: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.1%}" if self.rate else f"{self.value:,}"


@dataclass
class Table:
    caption: str
    head: list
    rows: list = field(default_factory=list)  # [(label, [Cell])]


@dataclass
class Chart:
    code: str
    title: str
    kind: str  # "bar" (stacks by series' "stack") or "line"
    categories: list
    series: list  # [{"name", "data", "stack"?}]
    tables: list
    notes: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s["data"] if v)

    def spec(self) -> dict:
        return {
            "id": self.code,
            "title": self.title,
            "kind": self.kind,
            "categories": self.categories,
            "series": self.series,
        }


def _ratio(part, whole):
    return part / whole if whole else None


def _uncut_notes(metrics, f) -> list:
    return [f"本图的指标不按{CUT_LABELS[c]}细分，未按所选{CUT_LABELS[c]}筛选。" for c in figures.uncut(metrics, f)]


def _department_names(ids) -> dict:
    names = dict(Department.objects.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", "name"))
    names[None] = "未指定部门"
    return names


def _months(f) -> list:
    months, month = [], dt.date(f.start.year, f.start.month, 1)
    while month <= f.end:
        months.append(month)
        month = month_span(month)[1] + dt.timedelta(days=1)
    return months


def _top_series(totals: dict, names: dict, per_category, categories, stack=None) -> list:
    """One series per key of ``totals`` (largest first), the ones after CHART_SERIES_MAX merged as “其他”."""
    ranked = sorted(totals, key=lambda k: -totals[k])
    series = []
    for key in ranked[:CHART_SERIES_MAX]:
        series.append({"name": names[key], "data": [per_category(key, c) for c in categories]})
    rest = ranked[CHART_SERIES_MAX:]
    if rest:
        series.append({"name": "其他", "data": [sum(per_category(k, c) for k in rest) for c in categories]})
    for s in series:
        if stack:
            s["stack"] = stack
    return series


# --- 1. entities by grade -------------------------------------------------------------------------------


def grades_chart(f, linker) -> Chart:
    data = figures.entities_by_grade(f)
    grades = list(Grade)
    extra = sorted({k for day in data["values"].values() for k in day} - set(Grade.values))
    labels = {**{g.value: str(g.label) for g in grades}, **{k: k for k in extra}}
    keys = [g.value for g in grades] + extra
    latest = figures.last_day_with_figures(figures.GRADES, f.end)
    table = Table("各信用等级主体数（期末存量）", ["日期", *[labels[k] for k in keys], "合计"])
    series = {k: [] for k in keys}
    for bucket_end, read in data["days"]:
        day = data["values"].get(read) if read else None  # None: no figures that day
        # Today's grades are the list's: only the latest day's figures can link to it.
        live = read is not None and read == latest and read >= yesterday()
        cells = []
        for k in keys:
            n = day.get(k, 0) if day is not None else None
            series[k].append(n)
            url = linker.list_url(GRADE_LIST, department_ids=linker.departments(), grade=k) if live else None
            cells.append(Cell(n, url))
        total = sum(c.value for c in cells) if day is not None else None
        cells.append(Cell(total, linker.list_url(GRADE_LIST, department_ids=linker.departments()) if live else None))
        label = bucket_end.isoformat() + (f"（{read.isoformat()}数据）" if read and read != bucket_end else "")
        table.rows.append((label, cells))
    notes = [
        "期末存量：每周（期间不超过3个月）或每月最后一日的主体数；“良好”按右侧坐标轴，其他等级按左侧坐标轴。",
        "最近一日的数字链接到当前的主体信用评价列表。",
    ]
    if latest is None or latest < f.start:
        notes.append("所选期间没有统计数据。")
    return Chart(
        "grades",
        "各信用等级主体数（按期末）",
        "line",
        [d.isoformat() for d, _ in data["days"]],
        [
            # 良好 is most entities: on its own (right) axis, so the other grades' trends stay readable
            {
                "name": f"{labels[k]}（右轴）" if k == Grade.GOOD else labels[k],
                "data": series[k],
                "color": GRADE_COLOURS.get(k),
                "axis": 1 if k == Grade.GOOD else 0,
            }
            for k in keys
        ],
        [table],
        notes,
    )


# --- 2. negative records by department and month ----------------------------------------------------------


def negative_chart(f, linker) -> Chart:
    data = figures.negative_records_by_department_month(f)
    months = _months(f)
    depts = {d for d, _ in data}
    names = _department_names(depts)
    totals = {d: sum(n for (dd, _), n in data.items() if dd == d) for d in depts}
    order = sorted(depts, key=lambda d: (-totals[d], names[d]))
    head = ["部门", *[m.strftime("%Y-%m") for m in months], "合计"]
    table = Table("新增失信（负面）记录：部门 × 月份", head)
    for d in order:
        cells = []
        for m in months:
            start, end = month_span(m)
            url = linker.list_url(NEGATIVE_LIST, department_ids=(d,), start=start, end=end)
            cells.append(Cell(data.get((d, m), 0), url))
        cells.append(Cell(totals[d], linker.list_url(NEGATIVE_LIST, department_ids=(d,))))
        table.rows.append((names[d], cells))
    if order:
        cells = []
        for m in months:
            start, end = month_span(m)
            n = sum(data.get((d, m), 0) for d in depts)
            cells.append(
                Cell(n, linker.list_url(NEGATIVE_LIST, department_ids=linker.departments(), start=start, end=end))
            )
        cells.append(Cell(sum(totals.values()), linker.list_url(NEGATIVE_LIST, department_ids=linker.departments())))
        table.rows.append(("合计", cells))
    series = _top_series(totals, names, lambda d, m: data.get((d, m), 0), months, stack="negative")
    return Chart(
        "negative",
        "新增失信（负面）记录（按部门、月份）",
        "bar",
        head[1:-1],
        series,
        [table],
        _uncut_notes([figures.NEGATIVE], f),
    )


# --- 3. timeliness per deadline kind ----------------------------------------------------------------------

TIMELINESS_COLUMNS = (
    ("deadline_opened", Status.OPENED, "期间新增"),
    ("deadline_closed", Status.CLOSED, "期间办结"),
    ("deadline_on_time", Status.ON_TIME, "按时办结"),
    ("deadline_late", Status.LATE, "超期办结"),
    ("deadline_late_exempted", None, "其中尽职免责"),
    ("rate", None, "按时办结率"),
    ("deadline_open", Status.OPEN, "期末未办结"),
    ("deadline_overdue", Status.OVERDUE, "其中已逾期"),
)


def timeliness_chart(f, linker) -> Chart:
    data = figures.timeliness(f)
    values, as_of = data["values"], data["as_of"]
    registered = [s.kind for s in deadline_items.specs()]
    kinds = registered + sorted({k for _, k in values} - set(registered))
    labels = {s.kind: s.label for s in deadline_items.specs()}
    table = Table("办理时限（按事项类型）", ["事项类型", *[c[2] for c in TIMELINESS_COLUMNS]])
    for kind in kinds:
        cells = []
        for metric, status, _ in TIMELINESS_COLUMNS:
            if metric == "rate":
                on_time = values.get(("deadline_on_time", kind), 0)
                counted = (
                    on_time + values.get(("deadline_late", kind), 0) - values.get(("deadline_late_exempted", kind), 0)
                )
                cells.append(Cell(_ratio(on_time, counted), rate=True))
                continue
            stock = metric in figures.DEADLINE_STOCKS
            n = values.get((metric, kind), 0) if (as_of or not stock) else None
            end = as_of if stock else None
            linked = status is not None and n is not None
            url = linker.deadline_url(kind, status, end=end, department_ids=linker.departments()) if linked else None
            cells.append(Cell(n, url))
        table.rows.append((labels.get(kind, kind), cells))
    categories = [labels.get(k, k) for k in kinds]

    def column(metric):
        return [values.get((metric, k), 0) for k in kinds]

    not_yet_due = [o - d for o, d in zip(column("deadline_open"), column("deadline_overdue"), strict=True)]
    series = [
        {"name": "按时办结", "data": column("deadline_on_time"), "stack": "closed", "color": "#2e7d32"},
        {"name": "超期办结", "data": column("deadline_late"), "stack": "closed", "color": "#ef8f00"},
        {"name": "期末未到期未办结", "data": not_yet_due, "stack": "open", "color": "#8fa9c4"},
        {"name": "期末逾期未办结", "data": column("deadline_overdue"), "stack": "open", "color": "#c62828"},
    ]
    notes = [
        "按时办结率 = 按时办结 ÷（按时办结 + 超期办结 − 已认可尽职免责的超期办结）。",
        f"期末未办结、已逾期为 {as_of.isoformat()} 日末的数字。" if as_of else "所选期间没有期末存量数据。",
        *_uncut_notes(figures.DEADLINE_FLOWS, f),
    ]
    return Chart("timeliness", "办理时限：按时、超期与未办结", "bar", categories, series, [table], notes)


# --- 4. inspection coverage against plan, and the joint share ------------------------------------------


def coverage_chart(f, linker) -> Chart:
    data = figures.inspection_coverage(f)
    depts = {d for _, _, d in data}
    names = _department_names(depts)

    def total(metric, d=..., key=None):
        return sum(
            n for (m, k, dd), n in data.items() if m == metric and (d is ... or dd == d) and (key is None or k == key)
        )

    order = sorted(depts, key=lambda d: (-total(figures.DRAWN, d), names[d]))
    head = [
        "部门",
        "抽查计划",
        "其中部门联合",
        "联合抽查占比",
        "抽取主体",
        "完成检查",
        "检查完成率",
        "结果公示",
        "公示率",
    ]
    table = Table("双随机抽查：计划、抽取、检查与公示", head)

    def row(d):
        ids = (d,) if d is not ... else linker.departments()
        plans, joint = total(figures.PLANS, d), total(figures.PLANS, d, figures.JOINT)
        drawn, inspected, published = total(figures.DRAWN, d), total(figures.INSPECTED, d), total(figures.PUBLISHED, d)
        return [
            Cell(plans, linker.list_url(PLAN_LIST, department_ids=ids)),
            Cell(joint, linker.list_url(PLAN_LIST, department_ids=ids, departments__isnull="0")),
            Cell(_ratio(joint, plans), rate=True),
            Cell(drawn, linker.list_url(TASK_LIST, department_ids=ids)),
            Cell(inspected, linker.list_url(RESULT_LIST, department_ids=ids)),
            Cell(_ratio(inspected, drawn), rate=True),
            Cell(published, linker.list_url(PUBLISHED_LIST, department_ids=ids)),
            Cell(_ratio(published, inspected), rate=True),
        ]

    for d in order:
        table.rows.append((names[d], row(d)))
    if order:
        table.rows.append(("合计", row(...)))
    categories = [names[d] for d in order]
    series = [
        {"name": "抽取主体", "data": [total(figures.DRAWN, d) for d in order]},
        {"name": "完成检查", "data": [total(figures.INSPECTED, d) for d in order]},
        {"name": "结果公示", "data": [total(figures.PUBLISHED, d) for d in order]},
    ]
    notes = [
        "计划、抽取按牵头部门统计，检查、公示按检查部门统计；联合抽查占比 = 部门联合抽查计划 ÷ 全部抽查计划。",
        *_uncut_notes([figures.DRAWN], f),
    ]
    return Chart("coverage", "抽查覆盖：抽取、检查与公示", "bar", categories, series, [table], notes)


# --- 5. findings rate by item or industry ---------------------------------------------------------------


def findings_chart(f, linker) -> Chart:
    per_department = figures.findings(f)
    data, departments = {}, {}
    for (metric, g, d), n in per_department.items():
        data[(metric, g)] = data.get((metric, g), 0) + n
        departments.setdefault(g, set()).add(d)
    groups = sorted({g for _, g in data}, key=lambda g: (-data.get((figures.INSPECTED_BY_ITEM, g), 0), g))
    by_item = f.findings_by == "item"
    if by_item:
        names = dict(SupervisionItem.objects.filter(catalogue_code__in=groups).values_list("catalogue_code", "name"))
        label = {g: f"{names.get(g, '')}（{g}）" if names.get(g) else (g or "未指定事项") for g in groups}
    else:
        label = {g: f"{g} {INDUSTRY_SECTIONS.get(g, '')}".strip() if g else "未登记行业" for g in groups}
    table = Table(
        "检查发现问题率（按监管事项）" if by_item else "检查发现问题率（按行业门类）",
        ["监管事项" if by_item else "行业门类", "事项检查（次）", "发现问题（次）", "发现问题率"],
    )
    for g in groups:
        # The departments with figures for the group: the figure counts a result under the items its own
        # department checks in the task (the plan item's department), so the list takes the results of
        # those departments whose task has the item for one of them (both lookups join one task item).
        ids = tuple(sorted(departments[g], key=lambda d: (d is None, d or 0)))
        lookups = (
            {ITEM_LOOKUP: g, ITEM_DEPARTMENT_LOOKUP: ",".join(map(str, ids))}
            if by_item
            else {FINDINGS_LIST.industry: g}
        )
        extra = lookups if g else None
        inspected = data.get((figures.INSPECTED_BY_ITEM, g), 0)
        found = data.get((figures.FINDINGS_BY_ITEM, g), 0)
        table.rows.append(
            (
                label[g],
                [
                    Cell(inspected, linker.list_url(FINDINGS_LIST, department_ids=ids, **extra) if extra else None),
                    Cell(
                        found,
                        linker.list_url(FINDINGS_LIST, department_ids=ids, finding="yes", **extra) if extra else None,
                    ),
                    Cell(_ratio(found, inspected), rate=True),
                ],
            )
        )
    shown = groups[:15]
    series = [
        {
            "name": "发现问题率（%）",
            "data": [
                round(
                    100
                    * (
                        _ratio(data.get((figures.FINDINGS_BY_ITEM, g), 0), data.get((figures.INSPECTED_BY_ITEM, g), 0))
                        or 0
                    ),
                    1,
                )
                for g in shown
            ],
        },
    ]
    notes = [
        "发现问题：检查结果含须记入信用记录的情形（发现问题待后续处理、经责令已改正、未按规定公示、弄虚作假、无法联系、不配合检查、违反其他部门规定）。",
        "一户检查多个事项的，每个事项各计1次；按行业汇总时，点击数字列出的是这些检查结果（一户一条）。",
        *(["图中为完成检查最多的15项，表中为全部。"] if len(groups) > 15 else []),
        *_uncut_notes([figures.INSPECTED_BY_ITEM], f),
    ]
    title = "随机抽查发现问题率（按监管事项）" if by_item else "随机抽查发现问题率（按行业）"
    return Chart("findings", title, "bar", [label[g] for g in shown], series, [table], notes)


# --- 6. complaints by channel and outcome ---------------------------------------------------------------


def complaints_chart(f, linker) -> Chart:
    data = figures.complaints(f)
    channel_label = {c.value: str(c.label) for c in ComplaintChannel}
    verdict_label = {v.value: str(v.label) for v in ComplaintVerdict} | {"": "未填写结论"}
    closed = {}
    for (metric, key), n in data.items():
        if metric == figures.COMPLAINTS_CLOSED:
            channel, _, verdict = key.partition("|")
            closed[(channel, verdict)] = closed.get((channel, verdict), 0) + n
    filed = {k: n for (m, k), n in data.items() if m == figures.COMPLAINTS_FILED}
    channels = [c for c in channel_label if c in filed or any(ch == c for ch, _ in closed)]
    channels += sorted({*filed, *(c for c, _ in closed)} - set(channels))
    verdicts = [v for v in verdict_label if any(vv == v for _, vv in closed)]
    verdicts += sorted({v for _, v in closed} - set(verdicts))
    head = ["渠道", "登记", "办结", *[verdict_label.get(v, v) for v in verdicts]]
    table = Table("投诉举报：渠道 × 办理结果", head)
    ids = linker.departments()
    for c in channels:
        cells = [
            Cell(filed.get(c, 0), linker.list_url(COMPLAINT_FILED_LIST, department_ids=ids, channel=c)),
            Cell(
                sum(n for (ch, _), n in closed.items() if ch == c),
                linker.list_url(COMPLAINT_CLOSED_LIST, department_ids=ids, channel=c),
            ),
        ]
        for v in verdicts:
            # A complaint closed without a verdict cannot be selected by the list's filters: no link.
            url = linker.list_url(COMPLAINT_CLOSED_LIST, department_ids=ids, channel=c, verdict=v) if v else None
            cells.append(Cell(closed.get((c, v), 0), url))
        table.rows.append((channel_label.get(c, c), cells))
    categories = [channel_label.get(c, c) for c in channels]
    series = [{"name": "登记", "data": [filed.get(c, 0) for c in channels], "stack": "filed"}]
    series += [
        {
            "name": f"办结：{verdict_label.get(v, v)}",
            "data": [closed.get((c, v), 0) for c in channels],
            "stack": "closed",
        }
        for v in verdicts
    ]
    notes = ["登记按登记日、办结按办结日计入期间；按承办部门统计。", *_uncut_notes([figures.COMPLAINTS_FILED], f)]
    return Chart("complaints", "投诉举报：渠道与办理结果", "bar", categories, series, [table], notes)


# --- 7. credit-check usage --------------------------------------------------------------------------------


def checks_chart(f, linker) -> Chart:
    data = figures.credit_checks(f)
    depts = {d for d, _ in data}
    names = _department_names(depts)
    by_dept = {d: sum(n for (dd, _), n in data.items() if dd == d) for d in depts}
    by_purpose = {}
    for (_, p), n in data.items():
        by_purpose[p] = by_purpose.get(p, 0) + n
    order = sorted(depts, key=lambda d: (-by_dept[d], names[d]))
    ids = linker.departments()
    dept_table = Table("信用核查次数（按核查部门）", ["部门", "核查次数"])
    for d in order:
        dept_table.rows.append((names[d], [Cell(by_dept[d], linker.list_url(CHECK_LIST, department_ids=(d,)))]))
    if order:
        dept_table.rows.append(("合计", [Cell(sum(by_dept.values()), linker.list_url(CHECK_LIST, department_ids=ids))]))
    purpose_table = Table("信用核查次数（按办理事项）", ["办理事项", "核查次数"])
    for p in sorted(by_purpose, key=lambda p: (-by_purpose[p], p)):
        url = linker.list_url(CHECK_LIST, department_ids=ids, purpose=p) if p else None
        purpose_table.rows.append((p or "未填写", [Cell(by_purpose[p], url)]))
    purpose_names = {p: p or "未填写" for p in by_purpose}
    series = _top_series(by_purpose, purpose_names, lambda p, d: data.get((d, p), 0), order, stack="checks")
    notes = [
        "逢办必查：各部门办理事项时查询市场主体信用的次数（按查询部门统计）。",
        *_uncut_notes([figures.CREDIT_CHECKS], f),
    ]
    return Chart(
        "checks",
        "信用核查使用情况（逢办必查）",
        "bar",
        [names[d] for d in order],
        series,
        [dept_table, purpose_table],
        notes,
    )


def all_charts(f, linker) -> list:
    return [
        grades_chart(f, linker),
        negative_chart(f, linker),
        timeliness_chart(f, linker),
        coverage_chart(f, linker),
        findings_chart(f, linker),
        complaints_chart(f, linker),
        checks_chart(f, linker),
    ]
