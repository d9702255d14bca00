"""Closing a risk warning (预警) with a disposition and a note (issue 17 §5).

No warning is closed without saying what was done: 已立案, 纳入抽查, 已约谈或提醒, 转交其他部门 or 核实无问题
(a database check holds it too). The dispositions that create work keep a link to what they created
(``led_to``): the case or the targeted inspection, opened by the apps above credit in the same
transaction (``oversight.services.warnings``), or the warning handed to another department, which
credit makes itself (``risk_warning_transfer``).
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core import audit
from core.scoping import owns
from credit.choices import WarningDisposition, WarningState
from credit.models import RiskWarning
from supervision.models import Department

NOTE_MAX = 300
# What each work-creating disposition leads to ("<app_label>.<model>"): set only with that record.
LEADS_TO = {
    WarningDisposition.CASE_OPENED: "enforcement.case",
    WarningDisposition.ADDED_TO_INSPECTION: "inspections.targetedcheck",
    WarningDisposition.TRANSFERRED: "credit.riskwarning",
}
# Dispositions an official records with a note alone.
NOTE_ONLY = (WarningDisposition.INTERVIEWED, WarningDisposition.NO_ISSUE)


def may_dispose(user, warning: RiskWarning) -> bool:
    """The warning's own department (or a platform administrator) disposes of it; a parent department
    presses it with a 督办 instead."""
    return owns(user, warning)


def _is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _check(actor, warning: RiskWarning, note: str) -> None:
    errors = {}
    if not str(note or "").strip():
        errors["note"] = "请填写处置说明（做了什么、结论是什么）"
    elif len(note.strip()) > NOTE_MAX:
        errors["note"] = f"处置说明不能超过{NOTE_MAX}个字符"
    if errors:
        raise ValidationError(errors)
    if warning.state != WarningState.OPEN:
        raise ValidationError(f"该预警已处置（{warning.get_disposition_display()}），不能再次处置")
    if _is_user(actor) and not may_dispose(actor, warning):
        raise ValidationError("只能处置本部门的预警；上级部门可对其督办")


@transaction.atomic
def risk_warning_dispose(
    *, actor, warning: RiskWarning, disposition: str, note: str, led_to: models.Model | None = None
) -> RiskWarning:
    """Close an open warning with its disposition and note; ``led_to`` is the case, targeted
    inspection or warning it led to (required for exactly those dispositions)."""
    if disposition not in LEADS_TO and disposition not in NOTE_ONLY:
        raise ValidationError(
            {"disposition": "请选择处置方式：已立案、纳入抽查、已约谈或提醒、转交其他部门或核实无问题"}
        )
    expected = LEADS_TO.get(disposition)
    if expected and (led_to is None or led_to._meta.label_lower != expected):
        raise ValidationError(
            {"disposition": f"“{WarningDisposition(disposition).label}”须在预警页面一步办理并关联所建事项"}
        )
    if not expected and led_to is not None:
        raise ValidationError({"disposition": "该处置方式不关联其他事项"})
    warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
    _check(actor, warning, note)
    before = {"state": warning.state}
    warning.state = WarningState.HANDLED
    warning.disposition = disposition
    warning.handling_note = note.strip()
    warning.handled_at = timezone.now()
    warning.handled_by = actor if _is_user(actor) else None
    warning.led_to_model = expected or ""
    warning.led_to_id = led_to.pk if led_to is not None else None
    warning.save(
        update_fields=[
            "state",
            "disposition",
            "handling_note",
            "handled_at",
            "handled_by",
            "led_to_model",
            "led_to_id",
        ]
    )
    audit.record(
        actor=actor,
        action="risk_warning.dispose",
        target=warning,
        before=before,
        after={
            "state": warning.state,
            "disposition": disposition,
            "note": warning.handling_note,
            "led_to": f"{warning.led_to_model}#{warning.led_to_id}" if expected else "",
        },
    )
    return warning


@transaction.atomic
def risk_warning_transfer(*, actor, warning: RiskWarning, department: Department | None, note: str) -> RiskWarning:
    """转交: hand the warning to another department. It gets a new warning in its inbox (same rule,
    entity and message, ``transferred_from`` the original); the original is closed as transferred and
    leads to the new one. Returns the new warning."""
    if department is None:
        raise ValidationError({"department": "请选择接收部门"})
    if department.pk == warning.department_id:
        raise ValidationError({"department": "接收部门不能是本部门"})
    locked = RiskWarning.objects.select_for_update().get(pk=warning.pk)
    _check(actor, locked, note)
    handed = RiskWarning.objects.create(
        rule_code=locked.rule_code,
        # One transfer per warning: it is closed by it, so the key is unique.
        dedupe_key=f"transfer:{locked.pk}",
        entity_id=locked.entity_id,
        department=department,
        message=locked.message,
        created_at=timezone.now(),
        transferred_from=locked,
        handling_note="",
    )
    audit.record(
        actor=actor,
        action="risk_warning.transfer",
        target=handed,
        after={"from": locked.pk, "department": department.pk, "note": note.strip()},
    )
    risk_warning_dispose(
        actor=actor, warning=locked, disposition=WarningDisposition.TRANSFERRED, note=note, led_to=handed
    )
    return handed
