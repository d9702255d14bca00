"""Every write of the oversight app goes through a service here (DESIGN.md: keyword-only, one transaction,
one audit event)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from oversight import aggregates
from oversight.models import DailyFigure

# pg_advisory_xact_lock key: one computation of daily figures at a time (the nightly job, a retry of it
# and a backfill would otherwise delete and insert the same days side by side).
FIGURES_LOCK = 0x4F564647  # "OVFG"


@transaction.atomic
def daily_figures_compute(*, start: dt.date, end: dt.date, actor, metrics=None) -> aggregates.Result:
    """Recompute the daily figures of the local days ``start``–``end`` (inclusive) from the stored facts.

    The range's rows of the metrics (default: every metric of ``oversight.figures.METRICS``) are
    deleted and written again in this transaction, so a rerun over the same facts gives the same rows.
    Only days that have ended can be computed."""
    if start > end:
        raise ValidationError({"start": f"开始日期 {start} 晚于结束日期 {end}"})
    today = timezone.localdate()
    if end >= today:
        raise ValidationError(
            {"end": f"结束日期 {end} 尚未结束（只能统计 {today - dt.timedelta(days=1)} 及以前的日期）"}
        )
    try:
        aggregates.metric_codes(metrics)
    except ValueError as error:
        raise ValidationError({"metrics": f"未知的统计指标：{error}"}) from error
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FIGURES_LOCK])
    result = aggregates.compute(start=start, end=end, metrics=metrics)
    audit.record(
        actor=actor,
        action="daily_figures.compute",
        target=(DailyFigure._meta.label_lower, f"{start.isoformat()}..{end.isoformat()}"),
        target_label=f"每日统计 {start.isoformat()} 至 {end.isoformat()}",
        after={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
            "rows": result.rows,
            "total": result.total,
        },
    )
    return result
