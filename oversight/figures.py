"""The catalogue of daily figures (issue 17 §1): the contract between the 03:00 job that writes
``DailyFigure`` rows (``oversight.aggregates``) and the dashboard that reads them.

A *flow* counts what happened on the day (sum it over a period). A *stock* is the state at the end of
the day (read the last day of a period). ``key`` is the metric's own dimension. The ``cuts`` say which
of department, region and industry a metric is split by; an empty cut is stored as "" (region,
industry) or NULL (department). ``industry`` is the GB/T 4754 section letter (门类, the first character
of ``MarketEntity.industry_code``).

``note`` says, for people, which day a flow counts on and what exactly it counts (``oversight.aggregates``
computes it; tests/oversight/test_aggregates.py holds the known answers). Days are local
(Asia/Shanghai). A row whose value is 0 is not written: a missing row means 0. Region and industry are
the entity's current ones (the roster keeps no history of them); a fact about a USCC not in the roster
counts under its department, with region and industry "".
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
    note: str = ""  # which day a flow counts on and what it counts, for people


ALL_CUTS = ("department", "region", "industry")

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
            ALL_CUTS,
            "日末存量：每个主体按信用等级历史中当日（含）以前最后一条的等级计1；从未评价的主体不计",
        ),
        Metric(
            "negative_records",
            "新增失信（负面）记录",
            FLOW,
            "类别|严重程度",
            "认定部门",
            ALL_CUTS,
            "按决定（认定）日期计：性质为负面且未被撤销的信用记录",
        ),
        Metric("list_entries", "列入名单", FLOW, "名单类型", "作出决定部门", ALL_CUTS, "按列入日期计"),
        Metric("list_removals", "移出名单", FLOW, "名单类型", "作出决定部门", ALL_CUTS, "按移出日期计"),
        # 办理时限 (core.deadline_items: the same rule as the admin's 办理时限 filter)
        Metric("deadline_opened", "期限事项：新增", FLOW, "事项类型", "责任部门", note="按事项开始日期计"),
        Metric("deadline_closed", "期限事项：办结", FLOW, "事项类型", "责任部门", note="按办结日期计"),
        Metric(
            "deadline_on_time",
            "期限事项：按时办结",
            FLOW,
            "事项类型",
            "责任部门",
            note="按办结日期计：办结日不晚于期限日",
        ),
        Metric(
            "deadline_late", "期限事项：超期办结", FLOW, "事项类型", "责任部门", note="按办结日期计：办结日晚于期限日"
        ),
        Metric(
            "deadline_late_exempted",
            "期限事项：超期办结但已认可尽职免责",
            FLOW,
            "事项类型",
            "责任部门",
            note="按办结日期计：超期办结、计算时已有“已认可”的尽职免责说明的事项（事后认可的，重算该日的本指标）",
        ),
        Metric(
            "deadline_became_overdue",
            "期限事项：转为逾期",
            FLOW,
            "事项类型",
            "责任部门",
            note="按期限日的次日计：期限日以前开始、期限日当日仍未办结的事项",
        ),
        Metric(
            "deadline_open",
            "期限事项：未办结（日末）",
            STOCK,
            "事项类型",
            "责任部门",
            note="日末存量：已开始、日末仍未办结",
        ),
        Metric(
            "deadline_overdue",
            "期限事项：逾期未办结（日末）",
            STOCK,
            "事项类型",
            "责任部门",
            note="日末存量：日末仍未办结且已过期限日",
        ),
        # 双随机抽查
        Metric(
            "plans_started",
            "抽查计划（开始检查）",
            FLOW,
            "joint=部门联合, single=单部门",
            "牵头部门",
            note="按计划的检查开始日期计，草稿不计；有牵头部门以外的参与部门即为部门联合",
        ),
        Metric(
            "entities_drawn",
            "抽取主体",
            FLOW,
            "joint|single",
            "牵头部门",
            ALL_CUTS,
            "按摇号日期计：未被重新摇号取代的摇号所摇中的主体",
        ),
        Metric(
            "entities_inspected",
            "完成检查",
            FLOW,
            "joint|single",
            "检查部门",
            ALL_CUTS,
            "按检查日期计：每个部门各自录入的检查结果计1（联合抽查一户两部门各计1）",
        ),
        Metric(
            "results_published",
            "结果公示",
            FLOW,
            "joint|single",
            "检查部门",
            ALL_CUTS,
            "按公示日期计：已公示的检查结果",
        ),
        Metric(
            "inspected_by_item",
            "按监管事项：完成检查",
            FLOW,
            "监管事项编码",
            "检查部门",
            ("department", "industry"),
            "按检查日期计：检查结果所属部门在该任务中的每个抽查事项各计1",
        ),
        Metric(
            "findings_by_item",
            "按监管事项：发现问题",
            FLOW,
            "监管事项编码",
            "检查部门",
            ("department", "industry"),
            "按检查日期计：检查结果含发现问题类结论时，该部门在该任务中的每个抽查事项各计1（结果按户记录，不分事项）",
        ),
        # 投诉举报
        Metric("complaints_filed", "投诉举报：登记", FLOW, "渠道", "承办部门", note="按登记日期计"),
        Metric(
            "complaints_closed",
            "投诉举报：办结",
            FLOW,
            "渠道|核查结论",
            "承办部门",
            note="按办结日期计；核查结论未填的为“渠道|”",
        ),
        # 信用应用 (seed 000: 逢办必查)
        Metric(
            "credit_checks",
            "信用核查次数",
            FLOW,
            "办理事项（前80字）",
            "核查部门",
            note="按查询日期计：每查询一个统一社会信用代码计1",
        ),
    ]
}
