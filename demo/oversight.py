"""The oversight demo (issue 17): a year of daily figures up to yesterday, so the dashboard shows the
demo city on the first ``make run`` rather than waiting for the 03:00 job, and the 履职评估 of last
month. Seeding again recomputes the same figures and adds no second evaluation."""

import datetime as dt

from django.utils import timezone

from demo.city import ACTOR
from oversight.evaluation_models import Evaluation, PeriodKind
from oversight.services import daily_figures_compute, evaluation_run

FIGURE_DAYS = 365


def seed_oversight_demo(*, stdout=None) -> dict:
    today = timezone.localdate()
    end = today - dt.timedelta(days=1)
    figures = daily_figures_compute(start=end - dt.timedelta(days=FIGURE_DAYS - 1), end=end, actor=ACTOR)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    evaluated = 0
    if not Evaluation.objects.filter(period_kind=PeriodKind.MONTH, period_start=last_month).exists():
        evaluation_run(period_kind=PeriodKind.MONTH, start=last_month, actor=ACTOR)
        evaluated = 1
    if stdout is not None:
        stdout.write(f"  每日统计快照：近 {FIGURE_DAYS} 日，共 {figures.total} 行")
        stdout.write(f"  履职评估：{last_month:%Y年%m月}（新增 {evaluated}）")
    return {"figure_rows": figures.total, "evaluations": evaluated}
