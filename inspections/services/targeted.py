"""Writes of targeted inspections (专项检查, issue 17 §5): an entity put on its department's list outside
the random draw, e.g. from a risk warning (纳入抽查), and the record that it was inspected."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core import uscc as uscc_mod
from core.scoping import owns
from inspections.choices import TargetedCheckState
from inspections.models import TargetedCheck

REASON_MAX = 500


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def targeted_check_add(
    *, actor, department, entity_uscc: str, reason: str, due_on: dt.date | None = None, source_warning=None
) -> TargetedCheck:
    """Put an entity on the department's targeted inspection list (one pending check per entity)."""
    errors = {}
    code = ""
    try:
        code = uscc_mod.validate_uscc(entity_uscc or "")
    except ValidationError:
        errors["entity_uscc"] = uscc_mod.problems(uscc_mod.normalize(entity_uscc or "")) or "请填写统一社会信用代码"
    if not str(reason or "").strip():
        errors["reason"] = "请填写纳入专项检查的原因"
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = f"纳入原因不能超过{REASON_MAX}个字符"
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        errors["due_on"] = "检查期限不能早于今天"
    if source_warning is not None and source_warning.department_id != department.pk:
        errors["source_warning"] = "只能依据本部门的风险预警纳入专项检查"
    if errors:
        raise ValidationError(errors)
    if TargetedCheck.objects.filter(department=department, entity_id=code, state=TargetedCheckState.PENDING).exists():
        raise ValidationError({"entity_uscc": f"{code} 已在本部门的专项检查名单中待检查"})
    try:
        with transaction.atomic():
            check = TargetedCheck.objects.create(
                department=department,
                entity_id=code,
                reason=reason.strip(),
                source_warning=source_warning,
                due_on=due_on,
                added_by=_user(actor),
                added_at=timezone.now(),
            )
    except IntegrityError as exc:  # the same entity added at the same moment by another official
        raise ValidationError({"entity_uscc": f"{code} 已在本部门的专项检查名单中待检查"}) from exc
    audit.record(actor=actor, action="targeted_check.add", target=check, after=audit.snapshot(check))
    return check


@transaction.atomic
def targeted_check_complete(*, actor, check: TargetedCheck, inspected_on: dt.date, note: str) -> TargetedCheck:
    """Record that the entity was inspected, when and what was found."""
    check = TargetedCheck.objects.select_for_update().get(pk=check.pk)
    if getattr(actor, "is_authenticated", False) and not owns(actor, check):
        raise ValidationError("只能登记本部门的专项检查")
    if check.state != TargetedCheckState.PENDING:
        raise ValidationError("该专项检查已登记检查情况")
    errors = {}
    if inspected_on is None:
        errors["inspected_on"] = "请填写检查日期"
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天"
    if not str(note or "").strip():
        errors["note"] = "请填写检查情况"
    if errors:
        raise ValidationError(errors)
    check.state, check.inspected_on, check.outcome_note = TargetedCheckState.DONE, inspected_on, note.strip()[:500]
    check.save(update_fields=["state", "inspected_on", "outcome_note"])
    audit.record(
        actor=actor, action="targeted_check.complete", target=check, after={"inspected_on": inspected_on, "note": note}
    )
    return check
