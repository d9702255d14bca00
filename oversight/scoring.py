"""Periods and scores of 履职评估 (the rule is documented on ``oversight.Indicator``)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from oversight.evaluation_models import PeriodKind
from oversight.models import IndicatorSet

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
PERIOD_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
PERIOD_STARTS = {
    PeriodKind.MONTH: "每月1日",
    PeriodKind.QUARTER: "1月1日、4月1日、7月1日或10月1日",
    PeriodKind.HALF: "1月1日或7月1日",
    PeriodKind.YEAR: "1月1日",
}


def period_bounds(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """``(first day, last day)`` of the month, quarter, half-year or year starting on ``start``."""
    if kind not in PERIOD_MONTHS:
        raise ValidationError({"period_kind": "评估周期须为月度、季度、半年度或年度"})
    months = PERIOD_MONTHS[kind]
    if start.day != 1 or (start.month - 1) % months:
        raise ValidationError(
            {"start": f"{PeriodKind(kind).label}评估的开始日期须为{PERIOD_STARTS[kind]}，而不是 {start}"}
        )
    return start, start + relativedelta(months=months) - dt.timedelta(days=1)


def score_of(indicator, value) -> Decimal | None:
    """0–100, linear between ``zero_at`` and ``target`` (see ``oversight.Indicator``)."""
    if value is None:
        return None
    share = (Decimal(value) - indicator.zero_at) / (indicator.target - indicator.zero_at)
    share = min(Decimal(1), max(Decimal(0), share))
    return (share * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def indicator_set_in_force(day: dt.date) -> IndicatorSet | None:
    return IndicatorSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
