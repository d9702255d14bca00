"""The catalogue of daily figures (issue 17 §1): the contract between the 03:00 job that writes
``DailyFigure`` rows (``oversight.aggregates``) and the dashboard that reads them.

A *flow* counts what happened on the day (sum it over a period). A *stock* is the state at the end of
the day (read the last day of a period). ``key`` is the metric's own dimension. The ``cuts`` say which
of department, region and industry a metric is split by; an empty cut is stored as "" (region,
industry) or NULL (department). ``industry`` is the GB/T 4754 section letter (门类, the first character
of ``MarketEntity.industry_code``).
"""

from dataclasses import dataclass

FLOW, STOCK = "flow", "stock"


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    kind: str  # FLOW or STOCK
    key: str  # what ``key`` holds, for people
    department: str  # which department the row belongs to, for people
    cuts: tuple = ("department",)


METRICS = {
    m.code: m
    for m in [
        # 信用
        Metric(
            "entities_by_grade",
            "各信用等级主体数",
            STOCK,
            "信用等级代码",
            "登记机关",
            ("department", "region", "industry"),
        ),
        Metric(
            "negative_records",
            "新增失信（负面）记录",
            FLOW,
            "类别|严重程度",
            "认定部门",
            ("department", "region", "industry"),
        ),
        Metric("list_entries", "列入名单", FLOW, "名单类型", "作出决定部门", ("department", "region", "industry")),
        Metric("list_removals", "移出名单", FLOW, "名单类型", "作出决定部门", ("department", "region", "industry")),
        # 办理时限 (core.deadline_items: the same rule as the admin's 办理时限 filter)
        Metric("deadline_opened", "期限事项：新增", FLOW, "事项类型", "责任部门"),
        Metric("deadline_closed", "期限事项：办结", FLOW, "事项类型", "责任部门"),
        Metric("deadline_on_time", "期限事项：按时办结", FLOW, "事项类型", "责任部门"),
        Metric("deadline_late", "期限事项：超期办结", FLOW, "事项类型", "责任部门"),
        Metric("deadline_late_exempted", "期限事项：超期办结但已认可尽职免责", FLOW, "事项类型", "责任部门"),
        Metric("deadline_became_overdue", "期限事项：转为逾期", FLOW, "事项类型", "责任部门"),
        Metric("deadline_open", "期限事项：未办结（日末）", STOCK, "事项类型", "责任部门"),
        Metric("deadline_overdue", "期限事项：逾期未办结（日末）", STOCK, "事项类型", "责任部门"),
        # 双随机抽查
        Metric("plans_started", "抽查计划（开始检查）", FLOW, "joint=部门联合, single=单部门", "牵头部门"),
        Metric("entities_drawn", "抽取主体", FLOW, "joint|single", "牵头部门", ("department", "region", "industry")),
        Metric(
            "entities_inspected", "完成检查", FLOW, "joint|single", "检查部门", ("department", "region", "industry")
        ),
        Metric("results_published", "结果公示", FLOW, "joint|single", "检查部门", ("department", "region", "industry")),
        Metric(
            "inspected_by_item", "按监管事项：完成检查", FLOW, "监管事项编码", "检查部门", ("department", "industry")
        ),
        Metric(
            "findings_by_item", "按监管事项：发现问题", FLOW, "监管事项编码", "检查部门", ("department", "industry")
        ),
        # 投诉举报
        Metric("complaints_filed", "投诉举报：登记", FLOW, "渠道", "承办部门"),
        Metric("complaints_closed", "投诉举报：办结", FLOW, "渠道|核查结论", "承办部门"),
        # 信用应用 (seed 000: 逢办必查)
        Metric("credit_checks", "信用核查次数", FLOW, "办理事项", "核查部门"),
    ]
}
