"""The dispositions of a risk warning that create work (issue 17 §5), in one step from its page:

- 立案: a case of the warning's department against the warned entity, its source the warning (linked
  both ways, the rule and message as the source note);
- 纳入抽查: the entity put on the department's targeted inspection list (专项检查对象);
- 转交 and the note-only dispositions are credit's own (``credit.services.warnings``).

Credit may not import enforcement or inspections (DESIGN.md), so the orchestration lives here. The
case or check and the closed warning are written in one transaction: if closing fails, nothing is
created.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from credit import services as credit_services
from credit.choices import WarningDisposition, WarningState
from credit.models import RiskWarning
from credit.scan import RULES
from credit.services.warnings import NOTE_MAX, NOTE_ONLY, may_dispose
from enforcement import services as enforcement_services
from enforcement.choices import CaseSource
from inspections import services as inspection_services
from supervision.models import MarketEntity


def _precheck(actor, warning: RiskWarning, note: str) -> None:
    """The warning's own refusals first, so nothing is built for a warning that cannot be closed."""
    errors = {}
    if not str(note or "").strip():
        errors["note"] = "请填写处置说明（做了什么、结论是什么）"
    elif len(note.strip()) > NOTE_MAX:
        errors["note"] = f"处置说明不能超过{NOTE_MAX}个字符"
    if errors:
        raise ValidationError(errors)
    if warning.state != WarningState.OPEN:
        raise ValidationError(f"该预警已处置（{warning.get_disposition_display()}），不能再次处置")
    if getattr(actor, "is_authenticated", False) and not may_dispose(actor, warning):
        raise ValidationError("只能处置本部门的预警；上级部门可对其督办")


def rule_description(code: str) -> str:
    return next((r.description for r in RULES if r.code == code), code)


@transaction.atomic
def warning_to_case(*, actor, warning: RiskWarning, title: str, handlers, note: str, lead=None, is_major=False):
    """已立案: open a case on the warned entity from the warning, and close the warning leading to it."""
    warning = RiskWarning.objects.select_for_update().select_related("department").get(pk=warning.pk)
    _precheck(actor, warning, note)
    party = MarketEntity.objects.filter(uscc=warning.entity_id).values_list("name", flat=True).first()
    case = enforcement_services.case_open(
        actor=actor,
        department=warning.department,
        party_name=party or warning.entity_id,
        entity_uscc=warning.entity_id,
        title=title,
        source=CaseSource.WARNING,
        source_warning=warning,
        source_note=f"风险预警 #{warning.pk}（{rule_description(warning.rule_code)}）：{warning.message}"[:300],
        handlers=handlers,
        lead=lead,
        is_major=is_major,
        note=note.strip(),
    )
    credit_services.risk_warning_dispose(
        actor=actor, warning=warning, disposition=WarningDisposition.CASE_OPENED, note=note, led_to=case
    )
    return case


@transaction.atomic
def warning_to_targeted_check(*, actor, warning: RiskWarning, note: str, due_on=None):
    """纳入抽查: put the warned entity on its department's targeted inspection list, and close the
    warning leading to it."""
    warning = RiskWarning.objects.select_for_update().select_related("department").get(pk=warning.pk)
    _precheck(actor, warning, note)
    check = inspection_services.targeted_check_add(
        actor=actor,
        department=warning.department,
        entity_uscc=warning.entity_id,
        reason=f"风险预警 #{warning.pk}（{rule_description(warning.rule_code)}）：{note.strip()}"[:500],
        due_on=due_on,
        source_warning=warning,
    )
    credit_services.risk_warning_dispose(
        actor=actor, warning=warning, disposition=WarningDisposition.ADDED_TO_INSPECTION, note=note, led_to=check
    )
    return check


def warning_dispose(*, actor, warning: RiskWarning, disposition: str, note: str, **details):
    """The warning page's one form: dispatch to the disposition's service. Returns what the warning
    led to (the case, the targeted check or the new warning), or the closed warning itself."""
    if disposition == WarningDisposition.CASE_OPENED:
        return warning_to_case(
            actor=actor,
            warning=warning,
            title=details.get("title") or "",
            handlers=details.get("handlers") or [],
            lead=details.get("lead"),
            is_major=bool(details.get("is_major")),
            note=note,
        )
    if disposition == WarningDisposition.ADDED_TO_INSPECTION:
        return warning_to_targeted_check(actor=actor, warning=warning, note=note, due_on=details.get("due_on"))
    if disposition == WarningDisposition.TRANSFERRED:
        return credit_services.risk_warning_transfer(
            actor=actor, warning=warning, department=details.get("department"), note=note
        )
    if disposition in NOTE_ONLY:
        return credit_services.risk_warning_dispose(actor=actor, warning=warning, disposition=disposition, note=note)
    raise ValidationError({"disposition": "请选择处置方式"})
