"""The oversight part of ``manage.py seed_demo`` (issue 17): the dashboard has a year of the demo city's
figures on the first ``make run``, and last month's 履职评估 is there; seeding again adds nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from oversight.evaluation_models import Evaluation
from oversight.models import DailyFigure

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_figures_and_last_months_evaluation(seeded_demo, frozen_today):
    # Given the demo seeded on 2026-11-22: figures up to the day before, a year back
    days = DailyFigure.objects.dates("day", "day")
    assert days.last() == dt.date(2026, 11, 21) and days.first() >= dt.date(2025, 11, 22)
    # with the demo's backdated facts in them (its grades start on the seeding day: in tomorrow's figures)
    assert DailyFigure.objects.filter(metric="negative_records").exists()
    assert DailyFigure.objects.filter(metric="deadline_opened").exists()
    # and October's 履职评估, one
    assert list(Evaluation.objects.values_list("period_kind", "period_start")) == [("month", dt.date(2026, 10, 1))]
    assert "每日统计快照" in seeded_demo and "履职评估：2026年10月" in seeded_demo

    # When seeding again, then the figures are the same rows and no second evaluation is added
    before = set(
        DailyFigure.objects.values_list("day", "metric", "department_id", "region_code", "industry", "key", "value")
    )
    call_command("seed_demo", stdout=io.StringIO())
    after = set(
        DailyFigure.objects.values_list("day", "metric", "department_id", "region_code", "industry", "key", "value")
    )
    assert after == before
    assert Evaluation.objects.count() == 1
