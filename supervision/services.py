"""Writes for 一单两库. Keyword-only, each owns its transaction and writes its audit event."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core import audit, uscc
from supervision.models import (
    Department,
    InspectionChecklist,
    Inspector,
    InspectorConflict,
    MarketEntity,
    ObservationPeriod,
    SupervisionItem,
    SupervisionItemVersion,
)


def _save(*, actor, obj, action: str, fields: dict, exclude=None):
    """Validate and save ``obj`` with ``fields`` applied; audit before/after. Returns ``obj``."""
    creating = obj.pk is None
    auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    before = None if creating else audit.snapshot(type(obj).objects.get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=exclude)
    if creating:
        obj.save()
    else:
        obj.save(update_fields=[f for f in fields if f not in ("id", "pk")] + auto_now or None)
    after = audit.snapshot(obj)
    # A save that changed nothing but timestamps is not a change worth an event.
    if creating or {k: v for k, v in before.items() if k not in auto_now} != {k: v for k, v in after.items() if k not in auto_now}:
        audit.record(actor=actor, action=f"{action}.{'create' if creating else 'update'}", target=obj, before=before, after=after)
    return obj


@transaction.atomic
def department_save(*, actor, department: Department | None = None, **fields) -> Department:
    return _save(actor=actor, obj=department or Department(), action="department", fields=fields)


@transaction.atomic
def entity_save(*, actor, entity: MarketEntity | None = None, **fields) -> MarketEntity:
    """Create or change an entity; the entity type is derived from the code where it says one."""
    if "uscc" in fields:
        fields["uscc"] = uscc.normalize(fields["uscc"])
        if not fields.get("entity_type"):
            fields["entity_type"] = uscc.entity_type_from_code(fields["uscc"]) or "other"
    return _save(actor=actor, obj=entity or MarketEntity(), action="entity", fields=fields)


@transaction.atomic
def entity_upsert(*, actor, uscc_code: str, **fields) -> MarketEntity:
    """Create the entity with this USCC or update it (the registration import key)."""
    code = uscc.normalize(uscc_code)
    existing = MarketEntity.objects.select_for_update().filter(uscc=code).first()
    return entity_save(actor=actor, entity=existing, uscc=code, **fields)


@transaction.atomic
def item_save(*, actor, item: SupervisionItem | None = None, **fields) -> SupervisionItem:
    obj = item or SupervisionItem()
    parent = fields.get("parent", obj.parent if obj.pk else None)
    if parent is not None and parent.parent_id is not None:
        raise ValidationError({"parent": "子项的主项本身不能是子项"})
    return _save(actor=actor, obj=obj, action="supervision_item", fields=fields)


@transaction.atomic
def item_version_create(*, actor, item: SupervisionItem, effective_from: dt.date, **fields) -> SupervisionItemVersion:
    """Add a version from ``effective_from``; the version in force then ends the day before.

    Past versions are never edited, so a task that cited one can always be explained.
    """
    SupervisionItem.objects.select_for_update().get(pk=item.pk)
    later = item.versions.filter(effective_from__gte=effective_from).order_by("effective_from").first()
    if later is not None:
        raise ValidationError({"effective_from": f"生效日期须晚于已有版本 v{later.version} 的生效日期 {later.effective_from}"})
    current = item.versions.filter(effective_to__isnull=True).first()
    if current is not None:
        before = {"effective_to": None}
        current.effective_to = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_to"])
        audit.record(actor=actor, action="supervision_item_version.close", target=current, before=before, after={"effective_to": current.effective_to})
    number = (item.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = SupervisionItemVersion(item=item, version=number, effective_from=effective_from, **fields)
    version.full_clean()
    version.save()
    audit.record(actor=actor, action="supervision_item_version.create", target=version, after=audit.snapshot(version))
    return version


def item_version_on(item: SupervisionItem, day: dt.date) -> SupervisionItemVersion | None:
    """The version of ``item`` in force on ``day``."""
    return (
        item.versions.filter(effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .order_by("-effective_from")
        .first()
    )


def checklist_code_error(department, code: str) -> str | None:
    """Why ``code`` is not a valid checklist code for ``department``, or None (DOMAIN §2)."""
    code = uscc.normalize(code)
    if department is not None and not (len(code) == 19 and code[:18] == department.uscc and code[18] in "12345"):
        return f"检查实施清单编码应为实施部门统一社会信用代码 {department.uscc} 加一位数字 1–5"
    return None


@transaction.atomic
def checklist_save(*, actor, checklist: InspectionChecklist | None = None, **fields) -> InspectionChecklist:
    """The code is the implementing department's USCC plus one digit 1–5 (DOMAIN §2)."""
    obj = checklist or InspectionChecklist()
    department = fields.get("department") or (obj.department if obj.department_id else None)
    code = uscc.normalize(fields.get("code", obj.code))
    fields["code"] = code
    error = checklist_code_error(department, code)
    if error:
        raise ValidationError({"code": error})
    return _save(actor=actor, obj=obj, action="checklist", fields=fields)


@transaction.atomic
def inspector_save(*, actor, inspector: Inspector | None = None, **fields) -> Inspector:
    return _save(actor=actor, obj=inspector or Inspector(), action="inspector", fields=fields)


@transaction.atomic
def inspector_conflict_declare(*, actor, inspector: Inspector, entity_uscc: str, reason: str, declared_on: dt.date) -> InspectorConflict:
    """行政处罚法 第43条: an inspector with a conflict of interest must recuse."""
    code = uscc.validate_uscc(entity_uscc)
    conflict = InspectorConflict(inspector=inspector, entity_uscc=code, reason=reason, declared_on=declared_on)
    return _save(actor=actor, obj=conflict, action="inspector_conflict", fields={})


@transaction.atomic
def inspector_conflict_withdraw(*, actor, conflict: InspectorConflict) -> None:
    audit.record(actor=actor, action="inspector_conflict.withdraw", target=conflict, before=audit.snapshot(conflict))
    conflict.delete()


@transaction.atomic
def observation_period_save(*, actor, period: ObservationPeriod | None = None, **fields) -> ObservationPeriod:
    return _save(actor=actor, obj=period or ObservationPeriod(), action="observation_period", fields=fields)


@transaction.atomic
def record_delete(*, actor, obj) -> None:
    """Delete a roster row that nothing references (PROTECT keeps referenced rows)."""
    audit.record(actor=actor, action=f"{obj._meta.model_name}.delete", target=obj, before=audit.snapshot(obj))
    obj.delete()


def observation_period_applies(entity: MarketEntity, day: dt.date) -> bool:
    """首违不罚 applies when the entity or its industry is in an observation period on ``day``."""
    from django.db.models import Q

    industry_prefixes = [entity.industry_code[:n] for n in range(1, len(entity.industry_code) + 1)]
    return ObservationPeriod.objects.filter(
        Q(entity=entity) | Q(entity__isnull=True, industry_code__in=industry_prefixes), starts_on__lte=day, ends_on__gte=day
    ).exists()
