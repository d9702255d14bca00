"""The indicator system as versioned data: a version is edited only until an evaluation uses it; then a
change is a new version (``indicator_set_new_version``). The database refuses the same (migration 0003
triggers), so these checks give the Chinese message and the trigger is the backstop."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core import audit
from oversight import metrics
from oversight.evaluation_models import Direction, PeriodKind
from oversight.models import Indicator, IndicatorSet

FROZEN = "该指标体系版本已被履职评估使用，不能再修改或删除；请用“复制为新版本”制定新版本"
INDICATOR_FIELDS = (
    "code",
    "name",
    "metric",
    "weight",
    "direction",
    "target",
    "zero_at",
    "period_kinds",
    "source",
    "order",
)


def _refuse_frozen(indicator_set: IndicatorSet) -> None:
    if IndicatorSet.objects.filter(pk=indicator_set.pk, frozen_at__isnull=False).exists():
        raise ValidationError(FROZEN)


@transaction.atomic
def indicator_set_save(
    *, actor, indicator_set=None, version: int, name: str, effective_from: dt.date, source: str, note: str = ""
) -> IndicatorSet:
    """Create a version, or change one no evaluation has used yet."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = "请填写指标体系名称"
    if not (source or "").strip():
        errors["source"] = "请填写制定依据"
    clash = IndicatorSet.objects.filter(effective_from=effective_from)
    version_clash = IndicatorSet.objects.filter(version=version)
    if indicator_set is not None:
        _refuse_frozen(indicator_set)
        clash, version_clash = clash.exclude(pk=indicator_set.pk), version_clash.exclude(pk=indicator_set.pk)
    if clash.exists():
        errors["effective_from"] = f"已有自 {effective_from} 起生效的版本"
    if version_clash.exists():
        errors["version"] = f"版本号 {version} 已存在"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(indicator_set) if indicator_set else None
    obj = indicator_set or IndicatorSet(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    obj.version, obj.name, obj.effective_from = version, name.strip(), effective_from
    obj.source, obj.note = source.strip(), (note or "").strip()
    obj.save()
    audit.record(
        actor=actor,
        action="indicator_set.change" if before else "indicator_set.create",
        target=obj,
        before=before,
        after=audit.snapshot(obj),
    )
    return obj


@transaction.atomic
def indicator_set_new_version(*, actor, indicator_set, effective_from: dt.date, note: str = "") -> IndicatorSet:
    """A new, editable version: a copy of ``indicator_set`` with all its indicators, in force from
    ``effective_from`` (later than the version it copies)."""
    if effective_from <= indicator_set.effective_from:
        raise ValidationError(
            {"effective_from": f"新版本的生效日期须晚于原版本的生效日期（{indicator_set.effective_from}）"}
        )
    version = (IndicatorSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    copy = indicator_set_save(
        actor=actor,
        version=version,
        name=indicator_set.name,
        effective_from=effective_from,
        source=indicator_set.source,
        note=note or f"由第 {indicator_set.version} 版复制",
    )
    Indicator.objects.bulk_create(
        [
            Indicator(indicator_set=copy, **{f: getattr(i, f) for f in INDICATOR_FIELDS})
            for i in indicator_set.indicators.all()
        ]
    )
    audit.record(
        actor=actor,
        action="indicator_set.new_version",
        target=copy,
        after={"copied_from": indicator_set.pk, "indicators": copy.indicators.count()},
    )
    return copy


def _clean_indicator(fields: dict) -> dict:
    errors = {}
    if fields["metric"] not in metrics.REGISTRY:
        errors["metric"] = f"未知的计算口径“{fields['metric']}”，可选：" + "、".join(metrics.REGISTRY)
    if not (fields.get("code") or "").strip():
        errors["code"] = "请填写指标代码"
    if not (fields.get("source") or "").strip():
        errors["source"] = "请写明指标依据（出处）"
    weight = Decimal(fields["weight"]) if fields.get("weight") is not None else None
    if weight is None or weight <= 0:
        errors["weight"] = "权重须大于 0"
    direction, target, zero_at = fields.get("direction"), fields.get("target"), fields.get("zero_at")
    if direction not in Direction.values:
        errors["direction"] = "请选择指标方向"
    elif target is not None and zero_at is not None:
        if direction == Direction.HIGHER and not zero_at < target:
            errors["zero_at"] = f"越高越好的指标，零分值须低于目标值（{target}）"
        if direction == Direction.LOWER and not zero_at > target:
            errors["zero_at"] = f"越低越好的指标，零分值须高于目标值（{target}）"
    kinds = list(fields.get("period_kinds") or [])
    if not kinds or any(k not in PeriodKind.values for k in kinds):
        errors["period_kinds"] = "请至少选择一个适用评估周期（月度、季度、半年度、年度）"
    if errors:
        raise ValidationError(errors)
    return {**fields, "code": fields["code"].strip(), "period_kinds": kinds}


@transaction.atomic
def indicator_save(*, actor, indicator=None, indicator_set, **fields) -> Indicator:
    """Add an indicator to a version, or change one, while no evaluation has used the version."""
    _refuse_frozen(indicator_set)
    if indicator is not None and indicator.indicator_set_id != indicator_set.pk:
        _refuse_frozen(indicator.indicator_set)
    fields = _clean_indicator({f: fields.get(f) for f in INDICATOR_FIELDS if f in fields})
    clash = Indicator.objects.filter(indicator_set=indicator_set, code=fields["code"])
    if indicator is not None:
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        raise ValidationError({"code": f"本版本已有指标代码“{fields['code']}”"})
    before = audit.snapshot(indicator) if indicator else None
    obj = indicator or Indicator()
    obj.indicator_set = indicator_set
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    audit.record(
        actor=actor,
        action="indicator.change" if before else "indicator.create",
        target=obj,
        before=before,
        after=audit.snapshot(obj),
    )
    return obj


@transaction.atomic
def indicator_delete(*, actor, obj: Indicator) -> None:
    _refuse_frozen(obj.indicator_set)
    before = audit.snapshot(obj)
    audit.record(actor=actor, action="indicator.delete", target=obj, before=before)
    obj.delete()
