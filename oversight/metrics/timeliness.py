"""Timeliness metrics: on-time rates and overdue counts of deadline-bearing items.

They count with ``core.deadline_items`` (``spec.annotated`` and ``spec.status_q``), the one rule the
daily aggregates and the admin's 办理时限 filter use too, so a figure and its drill-down list agree:

- *on-time rate* = on time ÷ (on time + late + overdue), where *on time* and *late* are the items closed
  in the period on or before / after their due day, and *overdue* the items still open after their due
  day at the end of the period. An item is in at most one of the three (closed in the period, or open
  at its end). An item excused under 尽职免责 (an ``accepted`` ``DutyExemption``) is left out of
  *late* and *overdue*, and counted as ``exempted`` for the report; a rejected or pending reason changes
  nothing.
- *overdue count* = the items still open after their due day at the end of the period, less those
  excused; the denominator shown beside it is every item open at the end of the period.
"""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from core.deadline_items import Status, spec
from oversight.metrics.base import COUNT, RATE, Figure, MetricSpec, members_of, rate, register, roots_of
from oversight.models import DutyExemption
from oversight.models import ExemptionState as State


def _counts(kind: str, start, end, scope) -> dict:
    """``{member department id: {on_time, late, overdue, open, exempted, exempted_ids}}`` in one query."""
    s = spec(kind)
    excused = Exists(DutyExemption.objects.filter(kind=kind, object_id=OuterRef("pk"), state=State.ACCEPTED))
    dept = f"{s.department}_id"
    late, overdue = s.status_q(Status.LATE, start, end), s.status_q(Status.OVERDUE, start, end)
    rows = (
        s.annotated()
        .filter(**{f"{dept}__in": members_of(scope)})
        .annotate(excused=excused)
        .values(dept)
        .annotate(
            on_time=Count("pk", filter=s.status_q(Status.ON_TIME, start, end)),
            late=Count("pk", filter=late & Q(excused=False)),
            overdue=Count("pk", filter=overdue & Q(excused=False)),
            open=Count("pk", filter=s.status_q(Status.OPEN, start, end)),
            exempted=Count("pk", filter=(late | overdue) & Q(excused=True)),
            exempted_ids=ArrayAgg("pk", filter=(late | overdue) & Q(excused=True), default=[]),
        )
        .order_by()
    )
    return {row[dept]: row for row in rows}


def _by_root(kind, start, end, scope) -> dict:
    """The member counts summed for each evaluated department (an item has one department)."""
    totals = {root: {"on_time": 0, "late": 0, "overdue": 0, "open": 0, "exempted": 0, "ids": []} for root in scope}
    roots = roots_of(scope)
    for member, row in _counts(kind, start, end, scope).items():
        for root in roots.get(member, []):
            total = totals[root]
            for key in ("on_time", "late", "overdue", "open", "exempted"):
                total[key] += row[key]
            total["ids"].extend(row["exempted_ids"])
    return totals


def exemption_url(kind, department_ids, object_ids) -> str:
    ids = ",".join(str(i) for i in sorted(object_ids)) or "0"
    depts = ",".join(str(i) for i in department_ids)
    return (
        f"{reverse('admin:oversight_dutyexemption_changelist')}"
        f"?kind={kind}&state={State.ACCEPTED}&department__id__in={depts}&object_id__in={ids}"
    )


def on_time_rate(kind: str):
    def compute(start, end, scope):
        s = spec(kind)
        figures = {}
        for root, t in _by_root(kind, start, end, scope).items():
            members = scope[root]
            denominator = t["on_time"] + t["late"] + t["overdue"]
            figure = Figure(t["on_time"], denominator, rate(t["on_time"], denominator), t["exempted"])
            figure.link("按时办结", t["on_time"], s.drill_url(Status.ON_TIME, start, end, members))
            figure.link("超期办结", t["late"], s.drill_url(Status.LATE, start, end, members))
            figure.link("逾期未办结", t["overdue"], s.drill_url(Status.OVERDUE, start, end, members))
            figure.link("尽职免责剔除", t["exempted"], exemption_url(kind, members, t["ids"]), kind=kind, ids=t["ids"])
            figures[root] = figure
        return figures

    return compute


def overdue_count(kind: str):
    def compute(start, end, scope):
        s = spec(kind)
        figures = {}
        for root, t in _by_root(kind, start, end, scope).items():
            members = scope[root]
            figure = Figure(t["overdue"], t["open"], t["overdue"], t["exempted"])
            figure.value = figure.numerator
            figure.link("逾期未办结", t["overdue"], s.drill_url(Status.OVERDUE, start, end, members))
            figure.link("期末未办结", t["open"], s.drill_url(Status.OPEN, start, end, members))
            figure.link("尽职免责剔除", t["exempted"], exemption_url(kind, members, t["ids"]), kind=kind, ids=t["ids"])
            figures[root] = figure
        return figures

    return compute


ON_TIME_DEFINITION = (
    "按时办结数 ÷（按时办结数 + 超期办结数 + 期末逾期未办结数）×100%。按时、超期指期间内办结且在期限当日或之前、之后办结；"
    "逾期未办结指期末仍未办结且已过期限。已认可尽职免责的事项不计入超期和逾期，单独列示。"
)

register(
    MetricSpec(
        "penalty_disclosure_on_time",
        "行政处罚决定按时公示率",
        RATE,
        "行政处罚决定作出之日起7个工作日内公示（依规不予公示的除外）。" + ON_TIME_DEFINITION,
        on_time_rate("penalty_disclosure"),
    )
)
register(
    MetricSpec(
        "result_publication_on_time",
        "抽查检查结果按时公示率",
        RATE,
        "检查结果在检查之日起20个工作日内（地方规定7个工作日的从其规定）公示。" + ON_TIME_DEFINITION,
        on_time_rate("result_publication"),
    )
)
register(
    MetricSpec(
        "objection_on_time",
        "异议申诉按时办结率",
        RATE,
        "异议申诉在20个工作日内办结。" + ON_TIME_DEFINITION,
        on_time_rate("objection"),
    )
)
register(
    MetricSpec(
        "complaint_on_time",
        "投诉举报按时办结率",
        RATE,
        "投诉举报在渠道规定的期限内办结。" + ON_TIME_DEFINITION,
        on_time_rate("complaint"),
    )
)
register(
    MetricSpec(
        "correction_overdue",
        "责令改正逾期未改正数",
        COUNT,
        "期末已过改正期限仍未改正的责令改正件数（已认可尽职免责的除外）；分母为期末未改正的全部件数，仅供参考。",
        overdue_count("correction_order"),
    )
)
