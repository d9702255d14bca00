"""Thin Celery tasks of the oversight app."""

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="oversight.daily_figures", acks_late=True)
def daily_figures(days: int = 1) -> dict:
    """Nightly at 03:00 (beat 每日统计快照): the figures of the day that ended (``days`` > 1 also redoes
    the days before it, e.g. to take in facts recorded late). Idempotent: a rerun, or a run after a
    crash halfway, replaces the same days' rows in one transaction."""
    from oversight.services import daily_figures_compute

    end = timezone.localdate() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=max(1, int(days)) - 1)
    result = daily_figures_compute(start=start, end=end, actor="task:daily_figures")
    return {"start": start.isoformat(), "end": end.isoformat(), "rows": result.total}
