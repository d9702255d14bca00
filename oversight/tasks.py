"""Thin Celery tasks of the oversight app: they call a service and are safe to run twice."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from oversight import services


@shared_task(name="oversight.daily_figures", acks_late=True)
def daily_figures(days: int = 1) -> dict:
    """Nightly at 03:00 (beat 每日统计快照): the figures of the day that ended (``days`` > 1 also redoes
    the days before it, e.g. to take in facts recorded late). Idempotent: a rerun, or a run after a
    crash halfway, replaces the same days' rows in one transaction."""
    end = timezone.localdate() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=max(1, int(days)) - 1)
    result = services.daily_figures_compute(start=start, end=end, actor="task:daily_figures")
    return {"start": start.isoformat(), "end": end.isoformat(), "rows": result.total}


@shared_task(name="oversight.prepare_half_year_reports", acks_late=True)
def prepare_half_year_reports() -> dict:
    """Daily: in the 5 working days before 25 June and 25 December (seed 004), a pre-filled draft
    half-year report for every active department that has none yet."""
    return services.half_year_drafts_prepare(actor="task:prepare_half_year_reports")
