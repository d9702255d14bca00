"""履职评估 runs (issue 17 §3): every indicator's value, score and weighted contribution per department,
the weighted total, and the rank among the departments of the same level.

Scoring is documented on ``oversight.Indicator``: linear from ``zero_at`` (0 points) to ``target``
(100 points), clamped; no score where the value cannot be computed, and the total is the weighted mean
over the scored indicators. Ranking: within each ``Department.level``, by total, highest first; equal
totals share a rank (1, 1, 3), so the ranking does not depend on the order rows come back in; a
department with no scored indicator is not ranked.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.scoping import is_platform_admin
from oversight import metrics
from oversight.eval_scope import department_scope
from oversight.evaluation_models import PeriodKind
from oversight.models import Evaluation, EvaluationResult, EvaluationTotal, IndicatorSet
from oversight.scoring import CENT, indicator_set_in_force, period_bounds, score_of
from supervision.models import Department


def _rank(totals: list[EvaluationTotal]) -> None:
    by_level = {}
    for t in totals:
        by_level.setdefault(t.level, []).append(t)
    for group in by_level.values():
        scored = [t.total for t in group if t.total is not None]
        for t in group:
            t.ranked_among = len(scored)
            t.rank = None if t.total is None else 1 + sum(1 for other in scored if other > t.total)


@transaction.atomic
def evaluation_run(
    *, period_kind: str, start: dt.date, actor, departments=None, include_subtree: bool = False, indicator_set=None
) -> Evaluation:
    """Evaluate ``departments`` (default: every active department) over the period; returns the evaluation.

    A period not yet over is evaluated as of today (``as_of``). The indicator set is the version in
    force on the period's first day unless one is given; using it freezes it."""
    if getattr(actor, "is_authenticated", False) and not is_platform_admin(actor):
        raise ValidationError("只有平台管理员可以运行履职评估")
    start, end = period_bounds(period_kind, start)
    today = timezone.localdate()
    if start > today:
        raise ValidationError({"start": f"评估周期尚未开始（{start} 起）"})
    as_of = min(end, today)
    indicator_set = indicator_set or indicator_set_in_force(start)
    if indicator_set is None:
        raise ValidationError({"start": f"{start} 没有生效的评估指标体系，请先制定指标体系"})
    indicators = list(indicator_set.indicators.filter(period_kinds__contains=[period_kind]).order_by("order", "code"))
    if not indicators:
        raise ValidationError({"period_kind": f"{indicator_set}没有适用于{PeriodKind(period_kind).label}评估的指标"})
    if departments is None:
        chosen = list(Department.objects.filter(active=True).order_by("code"))
    else:
        ids = [d.pk if isinstance(d, Department) else int(d) for d in departments]
        chosen = list(Department.objects.filter(pk__in=ids).order_by("code"))
    if not chosen:
        raise ValidationError({"departments": "请至少选择一个参评部门"})
    now = timezone.now()
    IndicatorSet.objects.filter(pk=indicator_set.pk, frozen_at__isnull=True).update(frozen_at=now)
    user = actor if getattr(actor, "is_authenticated", False) else None
    evaluation = Evaluation.objects.create(
        period_kind=period_kind,
        period_start=start,
        period_end=end,
        as_of=as_of,
        indicator_set=indicator_set,
        include_subtree=include_subtree,
        run_at=now,
        run_by=user,
        run_label=user.get_username() if user else str(actor or "系统"),
        department_count=len(chosen),
    )
    scope = department_scope([d.pk for d in chosen], include_subtree)
    figures = {
        code: metrics.compute(code, start=start, end=as_of, scope=scope) for code in {i.metric for i in indicators}
    }
    results, totals = [], []
    for department in chosen:
        scored = []
        rows = []
        for indicator in indicators:
            figure = figures[indicator.metric][department.pk]
            score = score_of(indicator, figure.value)
            if score is not None:
                scored.append((indicator.weight, score))
            rows.append((indicator, figure, score))
        weight_sum = sum((w for w, _ in scored), Decimal(0))
        for indicator, figure, score in rows:
            weighted = None
            if score is not None and weight_sum:
                weighted = (indicator.weight * score / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP)
            results.append(
                EvaluationResult(
                    evaluation=evaluation,
                    department=department,
                    indicator=indicator,
                    numerator=figure.numerator,
                    denominator=figure.denominator,
                    value=figure.value,
                    score=score,
                    weighted=weighted,
                    exempted=figure.exempted,
                    links=figure.links,
                )
            )
        total = None
        if weight_sum:
            total = (sum((w * s for w, s in scored), Decimal(0)) / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP)
        totals.append(
            EvaluationTotal(
                evaluation=evaluation,
                department=department,
                level=department.level,
                total=total,
                scored_weight=weight_sum,
            )
        )
    _rank(totals)
    EvaluationResult.objects.bulk_create(results, batch_size=1000)
    EvaluationTotal.objects.bulk_create(totals)
    audit.record(
        actor=actor,
        action="evaluation.run",
        target=evaluation,
        after={
            **audit.snapshot(evaluation),
            "indicators": [i.code for i in indicators],
            "totals": {t.department_id: str(t.total) if t.total is not None else None for t in totals},
        },
    )
    return evaluation
