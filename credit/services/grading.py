"""The evaluation model's versions and the catalogue rows a grade reads (industry risk, joint measures)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core import audit
from credit import regrade
from credit.choices import (
    GRADE_ORDER,
)
from credit.evaluation import DEFAULT_WEIGHTS
from credit.models import (
    EvaluationModel,
    GradeBand,
)
from credit.tasks import evaluate_all_entities as evaluate_all_entities_task

# --- evaluation model ---------------------------------------------------------------------------


def bands_problem(bands: list[dict]) -> str | None:
    """Bands must cover 0–1000 without gaps or overlaps, worse grades lower (DOMAIN §3 order)."""
    by_grade = {b["grade"]: b for b in bands}
    if set(by_grade) != {g.value for g in GRADE_ORDER}:
        return "须为四个等级（良好、警示、失信、严重失信）各设一个分数段"
    expected_min = 0
    for grade in GRADE_ORDER:
        band = by_grade[grade.value]
        if int(band["score_min"]) != expected_min or int(band["score_max"]) < int(band["score_min"]):
            return f"分数段须从 0 连续覆盖到 1000，且按 严重失信 < 失信 < 警示 < 良好 排列：“{band['label']}”应从 {expected_min} 分开始"
        expected_min = int(band["score_max"]) + 1
    if expected_min != 1001:
        return "“良好”的分数上限须为 1000"
    return None


@transaction.atomic
def evaluation_model_create(
    *, actor, effective_from: dt.date, bands: list[dict], weights: dict | None = None, note: str = ""
) -> EvaluationModel:
    """A new version of the evaluation model (an edit never changes a past version)."""
    problem = bands_problem(bands)
    if problem:
        raise ValidationError({"bands": problem})
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    bad = [k for k, v in weights.items() if k not in DEFAULT_WEIGHTS or not isinstance(v, int) or v < 0]
    if bad:
        raise ValidationError(
            {"weights": f"权重须为非负整数，且只能是：{'、'.join(DEFAULT_WEIGHTS)}；有误：{'、'.join(bad)}"}
        )
    if EvaluationModel.objects.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": f"{effective_from} 已有生效的模型版本，请另选生效日期"})
    number = (EvaluationModel.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    model = EvaluationModel.objects.create(
        version=number,
        effective_from=effective_from,
        weights=weights,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    GradeBand.objects.bulk_create(
        GradeBand(
            model=model,
            **{k: b[k] for k in ("grade", "label", "colour", "score_min", "score_max")},
            description=b.get("description", ""),
        )
        for b in bands
    )
    audit.record(
        actor=actor,
        action="evaluation_model.create",
        target=model,
        after={"version": number, "effective_from": effective_from, "bands": bands, "weights": weights},
    )
    return model


@transaction.atomic
def simple_save(*, actor, obj, action: str, **fields):
    """Create or change a catalogue row (industry risk, joint measure); audited."""
    creating = obj.pk is None
    before = None if creating else audit.snapshot(type(obj).objects.get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit.record(
        actor=actor,
        action=f"{action}.{'create' if creating else 'update'}",
        target=obj,
        before=before,
        after=audit.snapshot(obj),
    )
    if action == "industry_risk":
        regrade.regrade_mark_industries([obj.industry_prefix, (before or {}).get("industry_prefix")])
        transaction.on_commit(lambda: regrade.publish(evaluate_all_entities_task))
    return obj
