"""Credit repair (信用修复): applications and decisions; an approved repair takes the record off every public page."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.filings import new_tracking, query_code_digest
from credit.choices import (
    NON_REPAIRABLE_PENALTIES,
    CommitmentType,
    PenaltyType,
    Polarity,
    RecordState,
    RepairState,
    Severity,
)
from credit.models import (
    CreditRecord,
    RepairApplication,
    RepairEvidence,
)
from credit.services.commitments import COMMITMENT_TEMPLATES, commitment_make
from credit.services.filings import check_deciding_department, public_snapshot, require_fields
from credit.services.records import (
    _set_state,
)
from supervision.models import MarketEntity

# --- repair (信用修复) ---------------------------------------------------------------------------

REPAIR_COMMITMENT_MONTHS = 12


def repair_problems(record: CreditRecord, *, commitment_accepted: bool, today: dt.date | None = None) -> list[str]:
    """Why a repair application for ``record`` cannot succeed (DOMAIN §3), as exact Chinese reasons."""
    today = today or timezone.localdate()
    problems = []
    if record.polarity != Polarity.NEGATIVE:
        problems.append("只有失信（负面）信息可以申请信用修复")
    if record.state != RecordState.ACTIVE:
        problems.append(f"该记录当前状态为“{record.get_state_display()}”，不在公示期内，无需修复")
    blocked = [str(PenaltyType(p).label) for p in record.penalty_types if p in NON_REPAIRABLE_PENALTIES]
    if blocked:
        problems.append(f"该行政处罚包含“{'、'.join(blocked)}”，依据《信用修复管理办法》不得提前停止公示，不予修复")
    # 轻微: repairable once the obligations are met; otherwise only after the minimum window.
    if record.severity != Severity.MINOR and today < record.repairable_from:
        problems.append(
            f"最短公示期未满：该信息自 {record.decided_on} 起公示，{record.repairable_from} 起方可申请信用修复"
        )
    if not commitment_accepted:
        problems.append("申请信用修复须作出信用修复承诺（commitment_accepted 须为 true）")
    open_app = RepairApplication.objects.filter(record=record, state="submitted").first()
    if open_app is not None:
        problems.append("该记录已有待审核的修复申请，请凭原受理编号和查询码查询进度")
    return problems


@transaction.atomic
def repair_apply(
    *,
    actor,
    record: CreditRecord,
    applicant_name: str,
    contact_phone: str,
    reason: str,
    commitment_accepted: bool,
    contact_email: str = "",
    evidence_files=(),
    channel: str = "web",
):
    """Apply to repair a record. Refused with the exact reason when it cannot succeed. Returns
    ``(application, query_code)``; the public commitment (信用修复型) is made with it."""
    record = CreditRecord.objects.select_for_update().select_related("department").get(pk=record.pk)
    errors = {}
    require_fields(errors, applicant_name=applicant_name, contact_phone=contact_phone, reason=reason)
    if errors:
        raise ValidationError(errors)
    problems = repair_problems(record, commitment_accepted=commitment_accepted is True)
    if problems:
        raise ValidationError({"record_id": problems})
    if not MarketEntity.objects.filter(uscc=record.entity_id).exists():
        raise ValidationError({"record_id": "该记录对应的主体不在名录库中，请先核实主体登记信息"})
    today = timezone.localdate()
    commitment, _code = commitment_make(
        actor=actor,
        entity_uscc=record.entity_id,
        commitment_type=CommitmentType.REPAIR,
        department=record.department,
        content=COMMITMENT_TEMPLATES["repair"],
        signatory=applicant_name,
        due_on=today + relativedelta(months=REPAIR_COMMITMENT_MONTHS),
        made_on=today,
        related_record=record,
        contact_phone=contact_phone,
        channel=channel,
    )
    number, code = new_tracking(RepairApplication, "XF")
    application = RepairApplication.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, code),
        applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        filed_at=timezone.now(),
        channel=channel,
        record=record,
        entity_id=record.entity_id,
        department=record.department,
        reason=reason.strip(),
        commitment=commitment,
    )
    for upload in evidence_files:
        RepairEvidence.objects.create(application=application, file=upload)
    audit.record(actor=actor, action="repair.apply", target=application, after=public_snapshot(application))
    return application, code


def _repair_decide(*, actor, application, approve: bool, reason: str):
    application = RepairApplication.objects.select_for_update().select_related("record").get(pk=application.pk)
    if application.state != RepairState.SUBMITTED:
        raise ValidationError(f"该申请已{application.get_state_display()}")
    if not reason.strip():
        raise ValidationError({"reason": "须写明决定理由"})
    check_deciding_department(actor, application.department)
    before = public_snapshot(application)
    if approve:
        problems = [
            p for p in repair_problems(application.record, commitment_accepted=True) if "待审核的修复申请" not in p
        ]
        if problems:
            raise ValidationError({"reason": problems})
        # The record leaves every public page and the public API; the grade is re-evaluated.
        record = CreditRecord.objects.select_for_update().get(pk=application.record_id)
        _set_state(
            actor=actor,
            record=record,
            state=RecordState.REPAIRED,
            reason=f"信用修复（{application.tracking_no}）：{reason.strip()}"[:300],
            action="credit_record.repair",
        )
    application.state = RepairState.APPROVED if approve else RepairState.REJECTED
    application.decided_at, application.decision_reason = timezone.now(), reason.strip()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save(update_fields=["state", "decided_at", "decision_reason", "decided_by"])
    audit.record(
        actor=actor,
        action=f"repair.{'approve' if approve else 'reject'}",
        target=application,
        before=before,
        after=public_snapshot(application),
    )
    return application


@transaction.atomic
def repair_approve(*, actor, application, reason: str):
    return _repair_decide(actor=actor, application=application, approve=True, reason=reason)


@transaction.atomic
def repair_reject(*, actor, application, reason: str):
    return _repair_decide(actor=actor, application=application, approve=False, reason=reason)
