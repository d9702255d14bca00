"""An objection (异议) about a decision's credit record is corrected through the decision (issue 12 §7).

Found: after an objection was closed as 更正 on the record of a decision issued here, the record said
20,000 元 and the decision and its public summary 200,000.00 元. The decision is the legal act
(行政处罚法 第59条: its content is what the document states) and the record its copy, so the only
way to change the amount is 变更决定: the old decision is withdrawn from publication with the reason
(DOMAIN §5) and a new decision with a new number replaces it; its summary and record follow. Credit
refuses to correct such a record by itself (credit.record_producers) and points here; this service
makes the change and closes the objection as 更正 in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from credit.choices import ObjectionOutcome, ObjectionState
from credit.models import Objection
from credit.services import objection_decide
from enforcement.models import PenaltyDecision, PenaltyDisclosure
from enforcement.services import decision_change


def record_decision(record) -> PenaltyDecision | None:
    """The decision issued here whose publication made ``record``, or None (a pushed or own record)."""
    disclosure = (
        PenaltyDisclosure.objects.filter(decision__isnull=False)
        .filter(Q(credit_record=record) | Q(department_id=record.department_id, number=record.source_ref))
        .select_related("decision__case")
        .first()
    )
    return disclosure.decision if disclosure else None


def producer_of(record) -> dict | None:
    """EnforcementConfig.credit_record_producer: how credit tells the official where to correct."""
    decision = record_decision(record)
    if decision is None:
        return None
    return {
        "label": f"行政处罚决定 {decision.number}",
        "how": f"在案件 {decision.case.number} 中对该决定执行“变更决定”，并在“依异议更正”一栏填写本异议的受理编号",
    }


@transaction.atomic
def decision_change_on_objection(*, actor, decision: PenaltyDecision, objection, reason: str, **fields) -> PenaltyDecision:
    """变更决定 because ``objection`` (accepted, about this decision's record) was found right: the
    decision, its summary and its record change together, and the objection is closed as 更正."""
    if objection.record_id is None or record_decision(objection.record) != decision:
        raise ValidationError({"objection_no": f"异议 {objection.tracking_no} 针对的不是决定 {decision.number} 的信用记录"})
    if objection.state != ObjectionState.ACCEPTED:
        raise ValidationError({"objection_no": f"异议 {objection.tracking_no} 当前为“{objection.get_state_display()}”：须先受理，才能依异议更正"})
    if not str(reason or "").strip():
        raise ValidationError({"reason": "变更决定须说明理由"})
    new = decision_change(actor=actor, decision=decision, reason=f"依异议 {objection.tracking_no} 更正：{reason.strip()}", **fields)
    objection_decide(actor=actor, objection=objection, outcome=ObjectionOutcome.CORRECTED, reason=reason, corrected_by=new.number)
    return new


def decision_change_by_objection_no(*, actor, decision: PenaltyDecision, objection_no: str, reason: str, **fields) -> PenaltyDecision:
    """The admin's 变更决定 form with 依异议更正 filled in: the objection by its tracking number."""
    number = str(objection_no or "").strip().upper()
    objection = Objection.objects.filter(tracking_no=number).select_related("record").first()
    if objection is None:
        raise ValidationError({"objection_no": f"未找到受理编号为 {number} 的异议"})
    return decision_change_on_objection(actor=actor, decision=decision, objection=objection, reason=reason, **fields)
