"""履职评估 runs (issue 17 §3): scores from value, target and direction; weighted totals over the scored
indicators; ranks within the same department level with ties; the indicator set frozen once used."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from oversight import services
from oversight.models import Directive, EvaluationResult, EvaluationTotal, Indicator, IndicatorSet
from tests.oversight.conftest import at
from tests.oversight.test_eval_metrics import complaint

pytestmark = pytest.mark.django_db

DECEMBER_10 = at(dt.date(2026, 12, 10))


def test_seeded_indicator_set_cites_its_sources_and_weights_sum_to_100():
    seeded = IndicatorSet.objects.get(version=1)
    indicators = list(seeded.indicators.all())
    assert len(indicators) == 10
    assert sum(i.weight for i in indicators) == 100
    assert all(i.source.strip() for i in indicators)
    disclosure = seeded.indicators.get(code="PEN_DISCLOSE_ON_TIME")
    assert "7个工作日" in disclosure.source and "国办发〔2018〕118号" in disclosure.source
    assert seeded.frozen_at is None


@pytest.mark.parametrize(
    ("direction", "target", "zero_at", "value", "score"),
    [
        ("higher", 100, 50, Decimal("75"), Decimal("50.00")),
        ("higher", 100, 50, Decimal("40"), Decimal("0.00")),  # below the zero point: no negative score
        ("higher", 30, 0, Decimal("45"), Decimal("100.00")),  # above the target: capped
        ("lower", 0, 4, Decimal("1"), Decimal("75.00")),
        ("lower", 0, 4, Decimal("9"), Decimal("0.00")),
        ("higher", 100, 70, None, None),  # nothing to measure: no score
    ],
)
def test_score_is_linear_between_zero_at_and_target(direction, target, zero_at, value, score):
    indicator = Indicator(direction=direction, target=Decimal(target), zero_at=Decimal(zero_at))
    assert services.score_of(indicator, value) == score


@pytest.fixture
def two_indicators(tree):
    """A version in force from 2026-11-01: complaints on time (60) and overdue 督办 (40)."""
    version = services.indicator_set_save(
        actor=tree.admin, version=2, name="测试体系", effective_from=dt.date(2026, 11, 1), source="测试依据"
    )
    common = {"actor": tree.admin, "indicator_set": version, "period_kinds": ["month"], "source": "测试依据"}
    services.indicator_save(
        **common, code="COMPLAINT", name="投诉按时办结率", metric="complaint_on_time", weight=60,
        direction="higher", target=100, zero_at=50, order=1,
    )  # fmt: skip
    services.indicator_save(
        **common, code="DIRECTIVE", name="督办逾期数", metric="directive_overdue", weight=40,
        direction="lower", target=0, zero_at=4, order=2,
    )  # fmt: skip
    return version


def overdue_directives(tree, department, n):
    for i in range(n):
        Directive.objects.create(
            kind="complaint",
            object_id=department.pk * 100 + i,
            department=department,
            issued_by=tree.p_official,
            issued_at=at(dt.date(2026, 11, 2)),
            reason="逾期",
            answer_working_days=5,
            answer_due_on=dt.date(2026, 11, 9),
        )


@pytest.fixture
def november(tree, two_indicators, make_department):
    """C: 1 of 2 complaints on time, no 督办; O and X (city): 2 of 2 on time, 2 overdue 督办; K: nothing."""
    x = make_department(name="安阳市市场监督管理局", code="AYSJ", parent=tree.p, region_code="410500")
    complaint(tree.c, closed=dt.date(2026, 11, 23))
    complaint(tree.c, closed=dt.date(2026, 11, 24))
    for department in (tree.o, x):
        complaint(department, closed=dt.date(2026, 11, 20))
        complaint(department, closed=dt.date(2026, 11, 23))
        overdue_directives(tree, department, 2)
    return x


def totals(evaluation):
    return {
        t.department.code: (t.total, t.rank, t.ranked_among) for t in evaluation.totals.select_related("department")
    }


def test_evaluation_scores_weights_and_ranks_within_the_same_level(tree, november):
    # When the platform admin evaluates November on 2026-12-10
    with time_machine.travel(DECEMBER_10):
        evaluation = services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)
    assert (evaluation.period_end, evaluation.as_of, evaluation.indicator_set.version) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 11, 30),
        2,
    )
    # Then C scores 0 on complaints (50 %) and 100 on 督办 (none overdue): (60×0 + 40×100) / 100 = 40
    # O and X score 100 and 50: (60×100 + 40×50) / 100 = 80, and share the first rank among cities
    # K has no complaints: only 督办 is scored, so its total is 100, first of the counties
    assert totals(evaluation) == {
        "LYSJ": (Decimal("40.00"), 3, 3),
        "KFSJ": (Decimal("80.00"), 1, 3),
        "AYSJ": (Decimal("80.00"), 1, 3),
        "LYXG": (Decimal("100.00"), 1, 1),
        "HNSJ": (Decimal("100.00"), 1, 1),
    }
    o = {r.indicator.code: r for r in EvaluationResult.objects.filter(evaluation=evaluation, department=tree.o)}
    assert (o["COMPLAINT"].value, o["COMPLAINT"].score, o["COMPLAINT"].weighted) == (
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("60.00"),
    )
    assert (o["DIRECTIVE"].value, o["DIRECTIVE"].score, o["DIRECTIVE"].weighted) == (
        2,
        Decimal("50.00"),
        Decimal("20.00"),
    )
    k = {r.indicator.code: r for r in EvaluationResult.objects.filter(evaluation=evaluation, department=tree.k)}
    assert (k["COMPLAINT"].value, k["COMPLAINT"].score, k["COMPLAINT"].weighted) == (None, None, None)
    assert k["DIRECTIVE"].weighted == Decimal("100.00")
    assert EvaluationTotal.objects.get(evaluation=evaluation, department=tree.k).scored_weight == 40
    # And the run is audited
    assert AuditEvent.objects.filter(action="evaluation.run", target_id=str(evaluation.pk)).exists()


def test_evaluation_with_subtrees_takes_in_the_county(tree, november):
    complaint(tree.k, closed=dt.date(2026, 11, 10))
    with time_machine.travel(DECEMBER_10):
        evaluation = services.evaluation_run(
            period_kind="month",
            start=dt.date(2026, 11, 1),
            actor=tree.admin,
            departments=[tree.c],
            include_subtree=True,
        )
    result = EvaluationResult.objects.get(evaluation=evaluation, department=tree.c, indicator__code="COMPLAINT")
    assert (result.numerator, result.denominator, result.value) == (2, 3, Decimal("66.67"))
    assert list(evaluation.totals.values_list("department_id", flat=True)) == [tree.c.pk]


def test_a_running_period_is_evaluated_as_of_today(tree, two_indicators):
    with time_machine.travel(at(dt.date(2026, 11, 22))):
        evaluation = services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)
    assert (evaluation.period_end, evaluation.as_of) == (dt.date(2026, 11, 30), dt.date(2026, 11, 22))


def test_a_used_version_is_frozen_and_a_change_is_a_new_version(tree, two_indicators):
    with time_machine.travel(DECEMBER_10):
        services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)
    two_indicators.refresh_from_db()
    assert two_indicators.frozen_at is not None
    indicator = two_indicators.indicators.get(code="COMPLAINT")
    # The service refuses in Chinese ...
    with pytest.raises(ValidationError, match="已被履职评估使用"):
        services.indicator_save(
            actor=tree.admin, indicator=indicator, indicator_set=two_indicators, **{
                f: getattr(indicator, f) for f in ("code", "name", "metric", "direction", "target", "zero_at",
                                                   "period_kinds", "source", "order")
            }, weight=70,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="已被履职评估使用"):
        services.indicator_delete(actor=tree.admin, obj=indicator)
    # ... and the database refuses whatever goes around it
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(weight=70)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorSet.objects.filter(pk=two_indicators.pk).update(name="改名")
    # A new version copies every indicator and is editable
    copy = services.indicator_set_new_version(
        actor=tree.admin, indicator_set=two_indicators, effective_from=dt.date(2027, 1, 1)
    )
    assert (copy.version, copy.frozen_at, copy.indicators.count()) == (3, None, 2)
    changed = copy.indicators.get(code="COMPLAINT")
    services.indicator_save(
        actor=tree.admin, indicator=changed, indicator_set=copy, **{
            f: getattr(changed, f) for f in ("code", "name", "metric", "direction", "target", "zero_at",
                                             "period_kinds", "source", "order")
        }, weight=70,
    )  # fmt: skip
    assert Indicator.objects.get(pk=changed.pk).weight == 70
    assert Indicator.objects.get(pk=indicator.pk).weight == 60


@pytest.mark.parametrize(
    ("kind", "start", "field", "message"),
    [
        ("quarter", dt.date(2026, 11, 1), "start", "季度评估的开始日期须为1月1日、4月1日、7月1日或10月1日"),
        ("month", dt.date(2026, 11, 15), "start", "月度评估的开始日期须为每月1日"),
        ("week", dt.date(2026, 11, 1), "period_kind", "评估周期须为月度、季度、半年度或年度"),
        ("month", dt.date(2027, 1, 1), "start", "评估周期尚未开始"),
    ],
)
def test_evaluation_refuses_a_bad_period_naming_the_field(tree, two_indicators, kind, start, field, message):
    with time_machine.travel(DECEMBER_10), pytest.raises(ValidationError) as refused:
        services.evaluation_run(period_kind=kind, start=start, actor=tree.admin)
    assert message in " ".join(refused.value.message_dict[field])


def test_only_the_platform_admin_runs_an_evaluation(tree, two_indicators):
    with time_machine.travel(DECEMBER_10):
        for user in (tree.c_official, tree.p_official, tree.auditor):
            with pytest.raises(ValidationError, match="只有平台管理员"):
                services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=user)


def test_indicator_save_checks_the_metric_and_the_direction(tree, two_indicators):
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(
            actor=tree.admin, indicator_set=two_indicators, code="X", name="X", metric="nope", weight=10,
            direction="lower", target=100, zero_at=50, period_kinds=["month"], source="依据", order=3,
        )  # fmt: skip
    errors = refused.value.message_dict
    assert "未知的计算口径" in errors["metric"][0]
    assert errors["zero_at"] == ["越低越好的指标，零分值须高于目标值（100）"]
