"""Reading the daily figures for the dashboard (issue 17 §2): the one module that names the metric codes of
``oversight.figures`` as the dashboard reads them, so a renamed metric changes here only.

Only the ``DailyFigure`` snapshots are read, never the facts. Each chart is one aggregate query on the
``(metric, day)`` index, with ``department_id IN (subtree)`` when the viewer does not see everything,
and the region and industry filters applied to the metrics that carry those cuts. A flow is summed over
the period; a stock is read on the last day with figures at the end of each month or week (entities by
grade) or of the period (open and overdue deadline items).

Row counts at 1,000,000 entities: ``entities_by_grade`` has at most departments × regions × industries
× 4 grades rows a day; since an entity's registration department is in its region, that is about
departments × 20 sections × 4 (a city of 15 departments: 1,200 rows a day; 12 month-ends: 14,400 rows
read). The flows hold only the combinations that occurred: a year of negative records is at most the
number of records decided that year (far less once grouped by department, region, industry and key).
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncMonth

from oversight.figures import METRICS
from oversight.models import DailyFigure

GRADES = "entities_by_grade"
NEGATIVE = "negative_records"
DEADLINE_FLOWS = ("deadline_opened", "deadline_closed", "deadline_on_time", "deadline_late", "deadline_late_exempted")
DEADLINE_STOCKS = ("deadline_open", "deadline_overdue")
PLANS, DRAWN, INSPECTED, PUBLISHED = "plans_started", "entities_drawn", "entities_inspected", "results_published"
INSPECTED_BY_ITEM, FINDINGS_BY_ITEM = "inspected_by_item", "findings_by_item"
COMPLAINTS_FILED, COMPLAINTS_CLOSED = "complaints_filed", "complaints_closed"
CREDIT_CHECKS = "credit_checks"
JOINT = "joint"  # the key of a 部门联合 plan or draw (the other is "single")


def _cut_q(metrics, f) -> Q:
    """The region and industry filters, on the metrics that are cut by them (the others are not)."""
    q = Q()
    for cut, value, column in (("region", f.region, "region_code"), ("industry", f.industry, "industry")):
        if not value:
            continue
        cut_metrics = [m for m in metrics if cut in METRICS[m].cuts]
        other = [m for m in metrics if cut not in METRICS[m].cuts]
        q &= Q(metric__in=cut_metrics, **{column: value}) | Q(metric__in=other)
    return q


def _figures(f, metrics, days_q: Q):
    qs = DailyFigure.objects.filter(days_q, metric__in=list(metrics))
    if f.department_ids is not None:
        qs = qs.filter(department_id__in=f.department_ids)
    return qs.filter(_cut_q(metrics, f))


def _period(f) -> Q:
    return Q(day__gte=f.start, day__lte=f.end)


def uncut(metrics, f) -> list[str]:
    """The filters (``"region"``, ``"industry"``) set but not applicable to any of ``metrics``."""
    return [
        cut
        for cut, value in (("region", f.region), ("industry", f.industry))
        if value and not any(cut in METRICS[m].cuts for m in metrics)
    ]


def last_day_with_figures(metric: str, on_or_before: dt.date) -> dt.date | None:
    """The last day ≤ ``on_or_before`` the job wrote ``metric`` for (a backward scan of the index)."""
    return DailyFigure.objects.filter(metric=metric, day__lte=on_or_before).aggregate(d=Max("day"))["d"]


def regions_with_figures(on_or_before: dt.date, department_ids) -> set:
    """The region codes of the latest day's grade figures in scope (the entities' regions, for the filter)."""
    last = last_day_with_figures(GRADES, on_or_before)
    if last is None:
        return set()
    qs = DailyFigure.objects.filter(metric=GRADES, day=last)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return set(qs.exclude(region_code="").values_list("region_code", flat=True).distinct())


# --- the charts -------------------------------------------------------------------------------------


def stock_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The end of each week (Sunday) of a period up to 92 days, else of each month; the last one is ``end``."""
    days, weekly = [], (end - start).days < 92
    day = start
    while day < end:
        week_end = day + dt.timedelta(days=6 - day.weekday())
        month_end = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1) - dt.timedelta(days=1)
        bucket_end = week_end if weekly else month_end
        if bucket_end >= end:
            break
        days.append(bucket_end)
        day = bucket_end + dt.timedelta(days=1)
    return [*days, end]


def entities_by_grade(f) -> dict:
    """``{"days": [(bucket end, day read)], "values": {day read: {grade: n}}}``: each bucket's end is read
    on the last day with figures on or before it (a bucket after the last figures has none)."""
    last = last_day_with_figures(GRADES, f.end)
    days = []
    for bucket_end in stock_days(f.start, f.end):
        read = min(bucket_end, last) if last else None
        days.append((bucket_end, read if read and read >= f.start else None))
    wanted = sorted({read for _, read in days if read})
    values = defaultdict(dict)
    if wanted:
        rows = _figures(f, [GRADES], Q(day__in=wanted)).values("day", "key").annotate(n=Sum("value"))
        for row in rows:
            values[row["day"]][row["key"]] = row["n"]
    return {"days": days, "values": values}


def negative_records_by_department_month(f) -> dict:
    """``{(department_id, first day of month): n}``."""
    rows = (
        _figures(f, [NEGATIVE], _period(f))
        .annotate(month=TruncMonth("day"))
        .values("department_id", "month")
        .annotate(n=Sum("value"))
    )
    return {(r["department_id"], r["month"]): r["n"] for r in rows}


def timeliness(f) -> dict:
    """``{"as_of": day, "values": {(metric, kind): n}}``: the flows over the period, the stocks (open,
    overdue) on the last day with figures at its end."""
    as_of = last_day_with_figures(DEADLINE_STOCKS[0], f.end)
    days = _period(f) & Q(metric__in=DEADLINE_FLOWS)
    if as_of and as_of >= f.start:
        days |= Q(day=as_of, metric__in=DEADLINE_STOCKS)
    else:
        as_of = None
    rows = _figures(f, DEADLINE_FLOWS + DEADLINE_STOCKS, days).values("metric", "key").annotate(n=Sum("value"))
    return {"as_of": as_of, "values": {(r["metric"], r["key"]): r["n"] for r in rows}}


def inspection_coverage(f) -> dict:
    """``{(metric, key, department_id): n}`` for plans started, entities drawn, inspected and published."""
    rows = (
        _figures(f, (PLANS, DRAWN, INSPECTED, PUBLISHED), _period(f))
        .values("metric", "key", "department_id")
        .annotate(n=Sum("value"))
    )
    return {(r["metric"], r["key"], r["department_id"]): r["n"] for r in rows}


def findings(f) -> dict:
    """``{(metric, group, department_id): n}``: inspected and with findings, grouped by supervision item
    code or by industry section (``f.findings_by``), per department (the drill-down needs which ones)."""
    group = "key" if f.findings_by == "item" else "industry"
    rows = (
        _figures(f, (INSPECTED_BY_ITEM, FINDINGS_BY_ITEM), _period(f))
        .values("metric", group, "department_id")
        .annotate(n=Sum("value"))
    )
    return {(r["metric"], r[group], r["department_id"]): r["n"] for r in rows}


def complaints(f) -> dict:
    """``{(metric, key): n}``: filed by channel; closed by ``channel|verdict``."""
    rows = (
        _figures(f, (COMPLAINTS_FILED, COMPLAINTS_CLOSED), _period(f)).values("metric", "key").annotate(n=Sum("value"))
    )
    return {(r["metric"], r["key"]): r["n"] for r in rows}


def credit_checks(f) -> dict:
    """``{(department_id, purpose): n}``."""
    rows = _figures(f, [CREDIT_CHECKS], _period(f)).values("department_id", "key").annotate(n=Sum("value"))
    return {(r["department_id"], r["key"]): r["n"] for r in rows}
