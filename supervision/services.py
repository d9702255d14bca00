"""Writes for 一单两库. Keyword-only, each owns its transaction and writes its audit event."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import audit, uscc
from core.scoping import is_platform_admin
from supervision.choices import DeadlineKind
from supervision.models import (
    Department,
    InspectionChecklist,
    Inspector,
    InspectorConflict,
    MarketEntity,
    ObservationPeriod,
    StatutoryDeadline,
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
    if creating or {k: v for k, v in before.items() if k not in auto_now} != {
        k: v for k, v in after.items() if k not in auto_now
    }:
        audit.record(
            actor=actor, action=f"{action}.{'create' if creating else 'update'}", target=obj, before=before, after=after
        )
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
        raise ValidationError(
            {"effective_from": f"生效日期须晚于已有版本 v{later.version} 的生效日期 {later.effective_from}"}
        )
    current = item.versions.filter(effective_to__isnull=True).first()
    if current is not None:
        before = {"effective_to": None}
        current.effective_to = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_to"])
        audit.record(
            actor=actor,
            action="supervision_item_version.close",
            target=current,
            before=before,
            after={"effective_to": current.effective_to},
        )
    number = (item.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = SupervisionItemVersion(item=item, version=number, effective_from=effective_from, **fields)
    version.full_clean()
    version.save()
    audit.record(actor=actor, action="supervision_item_version.create", target=version, after=audit.snapshot(version))
    return version


def item_version_on(item: SupervisionItem, day: dt.date) -> SupervisionItemVersion | None:
    """The version of ``item`` in force on ``day``."""
    return (
        item.versions.filter(effective_from__lte=day).exclude(effective_to__lt=day).order_by("-effective_from").first()
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
def inspector_conflict_declare(
    *, actor, inspector: Inspector, entity_uscc: str, reason: str, declared_on: dt.date
) -> InspectorConflict:
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

    industry_prefixes = [entity.industry_code[:n] for n in range(1, len(entity.industry_code) + 1)]
    return ObservationPeriod.objects.filter(
        Q(entity=entity) | Q(entity__isnull=True, industry_code__in=industry_prefixes),
        starts_on__lte=day,
        ends_on__gte=day,
    ).exists()


# --- statutory deadlines (法定时限, issue 12 §2) --------------------------------------------------------
# Versioned data: a rule once saved keeps its kind, scope, working days and start date, so a past
# deadline can be explained with the rule that applied then (DOMAIN preamble). A new figure is a new
# version; saving it ends the open version of the same kind, variant and scope the day before.

STATUTORY_DEADLINE_MAX_WORKING_DAYS = 365
_DEADLINE_CHANGEABLE = ("citation", "note", "effective_to")


def _deadline_errors(
    *, kind, variant, department, region_code, working_days, citation, effective_from, effective_to, note, today
) -> dict:
    errors = {}
    if kind not in DeadlineKind.values:
        errors["kind"] = "请选择时限类型"
    if len(variant) > 32:
        errors["variant"] = "细分不能超过32个字符"
    if department is not None and region_code:
        errors["region_code"] = "适用部门和适用行政区划只能填写一项（都不填为全国）"
    elif region_code and not (region_code.isdigit() and 2 <= len(region_code) <= 6):
        errors["region_code"] = "行政区划代码应为2至6位数字，如 410103（二七区）或 4101（郑州市）"
    if (
        not isinstance(working_days, int)
        or isinstance(working_days, bool)
        or not 1 <= working_days <= STATUTORY_DEADLINE_MAX_WORKING_DAYS
    ):
        errors["working_days"] = f"时限应为1至{STATUTORY_DEADLINE_MAX_WORKING_DAYS}个工作日"
    if not citation:
        errors["citation"] = "请写明依据：文件名称、文号和条款"
    elif len(citation) > 300:
        errors["citation"] = "依据不能超过300个字符"
    if len(note) > 200:
        errors["note"] = "说明不能超过200个字符"
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = "请填写生效日期"
    elif effective_from < today:
        errors["effective_from"] = "生效日期不能早于今天（已计算的期限按当时适用的规定，不能改写）"
    if effective_to is not None and (not isinstance(effective_to, dt.date) or effective_to < today):
        errors["effective_to"] = "失效日期不能早于今天"
    elif effective_to is not None and isinstance(effective_from, dt.date) and effective_to < effective_from:
        errors["effective_to"] = "失效日期不能早于生效日期"
    return errors


@transaction.atomic
def statutory_deadline_save(
    *,
    actor,
    rule: StatutoryDeadline | None = None,
    kind: str = "",
    working_days=None,
    citation: str = "",
    effective_from=None,
    effective_to=None,
    variant: str = "",
    department=None,
    region_code: str = "",
    note: str = "",
) -> StatutoryDeadline:
    """Add a new version of a statutory deadline, or correct an existing rule's citation, note or end date.

    Only a platform admin sets deadlines (they bind every department). A new version ends the open
    version of the same kind, variant and scope on the day before it takes effect; where rules of
    different scopes overlap, ``supervision.deadlines`` applies the shorter one.
    """
    if getattr(actor, "is_authenticated", False) and not is_platform_admin(actor):
        raise PermissionDenied("只有平台管理员可以设置法定时限")
    today = timezone.localdate()
    citation, note, variant, region_code = (str(v or "").strip() for v in (citation, note, variant, region_code))
    if rule is not None:
        rule = StatutoryDeadline.objects.select_for_update().get(pk=rule.pk)
        fields = {"citation": citation or rule.citation, "note": note, "effective_to": effective_to}
        errors = {}
        if len(fields["citation"]) > 300:
            errors["citation"] = "依据不能超过300个字符"
        if len(note) > 200:
            errors["note"] = "说明不能超过200个字符"
        earliest_end = max(today, rule.effective_from)
        if (
            effective_to != rule.effective_to
            and effective_to is not None
            and (not isinstance(effective_to, dt.date) or effective_to < earliest_end)
        ):
            errors["effective_to"] = f"失效日期不能早于 {earliest_end}（今天和生效日期）：已计算的期限按当时适用的规定"
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(rule)
        for name in _DEADLINE_CHANGEABLE:
            setattr(rule, name, fields[name])
        rule.save(update_fields=list(_DEADLINE_CHANGEABLE))
        audit.record(
            actor=actor, action="statutory_deadline.update", target=rule, before=before, after=audit.snapshot(rule)
        )
        return rule
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        working_days = 0
    errors = _deadline_errors(
        kind=kind,
        variant=variant,
        department=department,
        region_code=region_code,
        working_days=working_days,
        citation=citation,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note,
        today=today,
    )
    same = StatutoryDeadline.objects.select_for_update().filter(
        kind=kind, variant=variant, department=department, region_code=region_code
    )
    if not errors and same.filter(effective_from__gte=effective_from).exists():
        latest = same.order_by("-effective_from").first()
        errors["effective_from"] = f"该时限已有{latest.effective_from}起生效的版本，新版本的生效日期须晚于它"
    if errors:
        raise ValidationError(errors)
    ended = []
    for previous in same.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)):
        before = audit.snapshot(previous)
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        ended.append({"id": previous.pk, "before": before["effective_to"], "effective_to": previous.effective_to})
    rule = StatutoryDeadline.objects.create(
        kind=kind,
        variant=variant,
        department=department,
        region_code=region_code,
        working_days=working_days,
        citation=citation,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note,
    )
    audit.record(
        actor=actor,
        action="statutory_deadline.create",
        target=rule,
        after={**audit.snapshot(rule), "ended_versions": ended},
    )
    return rule
