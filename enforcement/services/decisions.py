"""Penalty decisions (行政处罚决定): issue with the next gap-free number, revoke, change (变更), the fine's
discretion-benchmark check, and proposing the serious list after a heavy penalty.

Objections (formerly ``enforcement.objections``): an objection (异议) about a decision's credit record is
corrected through the decision (issue 12 §7).

Found: after an objection was closed as 更正 on the record of a decision issued here, the record said
20,000 元 and the decision and its public summary 200,000.00 元. The decision is the legal act
(行政处罚法 第59条: its content is what the document states) and the record its copy, so the only
way to change the amount is 变更决定: the old decision is withdrawn from publication with the reason
(DOMAIN §5) and a new decision with a new number replaces it; its summary and record follow. Credit
refuses to correct such a record by itself (credit.record_producers) and points here; this service
makes the change and closes the objection as 更正 in the same transaction.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from credit.choices import ListGround, ListType, ObjectionOutcome, ObjectionState, PenaltyType
from credit.models import CreditRecord, Objection
from credit.services import list_proposal_raise, objection_decide
from enforcement.case_rules import check_may_move, decision_wait_problem
from enforcement.choices import CaseStage, Circumstance, DecisionState, Procedure
from enforcement.disclosure_period import restriction_problem
from enforcement.models import Case, PenaltyDecision, PenaltyDisclosure
from enforcement.services.actors import _user
from enforcement.services.cases import _check_handlers, _event, _lock_case, passed_review
from enforcement.services.disclosure import HEAVY_PENALTIES, _disclosure_prepare, disclosure_withdraw, person_names
from enforcement.services.numbering import document_number, next_number
from supervision.models import MarketEntity

DEFAULT_REMEDIES = (
    "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
    "申请行政复议或者提起行政诉讼的，不停止本决定的执行，法律另有规定的除外。"
)


# --- decisions (行政处罚决定) -----------------------------------------------------------------------


def fine_problem(standard, circumstance: str, fine_amount: Decimal) -> str | None:
    """Why a fine is outside the discretion benchmark for the circumstance (None when inside)."""
    if standard is None:
        return None
    low, high = standard.fine_range(circumstance)
    if low <= fine_amount <= high:
        return None
    return (
        f"罚款{fine_amount}元超出裁量基准“{standard.code} {standard.violation_type}”{Circumstance(circumstance).label}情形的幅度"
        f"（{low}元至{high}元）"
    )


@transaction.atomic
def penalty_decision_issue(
    *,
    actor,
    case: Case,
    penalty_types,
    facts: str,
    evidence: str,
    legal_basis: str,
    penalty_content: str,
    performance: str,
    fine_amount: Decimal = Decimal("0"),
    confiscation_amount: Decimal = Decimal("0"),
    circumstance: str = Circumstance.GENERAL,
    violation_type: str = "",
    out_of_range_reason: str = "",
    procedure: str = Procedure.GENERAL,
    decided_on: dt.date | None = None,
    remedies: str = DEFAULT_REMEDIES,
    party_address: str | None = None,
    legal_representative: str | None = None,
    replaces=None,
    other_persons=(),
    restriction_ends_on: dt.date | None = None,
) -> PenaltyDecision:
    """决定: issue the decision (行政处罚法 第59条 contents) with the next gap-free number."""
    case = _lock_case(case)
    decided_on = decided_on or timezone.localdate()
    fine_amount, confiscation_amount = Decimal(str(fine_amount or 0)), Decimal(str(confiscation_amount or 0))
    penalty_types = list(dict.fromkeys(penalty_types or []))
    if replaces is None and case.stage != CaseStage.NOTICE:
        if case.stage in (CaseStage.FILED, CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.LEGAL_REVIEW):
            # 行政处罚法 第44条/第45条: the party is told the facts and its rights before any decision.
            raise ValidationError("作出处罚决定前须先告知当事人拟作出的处罚及其陈述、申辩（听证）权利")
        raise ValidationError(f"案件当前处于“{case.get_stage_display()}”环节，不能作出处罚决定")
    if replaces is None and not case.events.filter(to_stage=CaseStage.NOTICE).exists():
        raise ValidationError("作出处罚决定前须先告知当事人拟作出的处罚及其陈述、申辩（听证）权利")
    if replaces is None:
        check_may_move(actor, case)
        wait = decision_wait_problem(case, today=timezone.localdate(), decided_on=decided_on)
        if wait:
            raise ValidationError(wait)
    errors = {}
    for name, value in (
        ("facts", facts),
        ("evidence", evidence),
        ("legal_basis", legal_basis),
        ("penalty_content", penalty_content),
        ("performance", performance),
        ("remedies", remedies),
    ):
        if not str(value or "").strip():
            errors[name] = "决定书须载明此项（《行政处罚法》第五十九条）"
    unknown = [t for t in penalty_types if t not in PenaltyType.values]
    if not penalty_types or unknown:
        errors["penalty_types"] = (
            f"处罚种类须从《行政处罚法》第九条所列种类中选择{'：不认识 ' + '、'.join(unknown) if unknown else ''}"
        )
    if PenaltyType.FINE in penalty_types and fine_amount <= 0:
        errors["fine_amount"] = "处罚种类含罚款时须填写罚款金额"
    if PenaltyType.FINE not in penalty_types and fine_amount > 0:
        errors["fine_amount"] = "未选择“罚款”时罚款金额应为0"
    if fine_amount < 0 or confiscation_amount < 0:
        errors["fine_amount"] = "金额不能为负数"
    if circumstance not in Circumstance.values:
        errors["circumstance"] = "请选择裁量情节（从轻、一般、从重）"
    if procedure not in Procedure.values:
        errors["procedure"] = "请选择程序"
    if problem := restriction_problem(penalty_types, restriction_ends_on, decided_on):
        errors["restriction_ends_on"] = problem
    if errors:
        raise ValidationError(errors)
    _check_handlers(case, decided_on)
    review = passed_review(case)
    if case.is_major and review is None:
        raise ValidationError("重大执法决定未经法制审核或审核未通过，不得作出决定")
    problem = fine_problem(case.standard, circumstance, fine_amount) if PenaltyType.FINE in penalty_types else None
    if problem and not out_of_range_reason.strip():
        # Next to the amount as well as the reason: the fine is what is out of range (issue 12 §6).
        raise ValidationError({"fine_amount": problem, "out_of_range_reason": f"{problem}，须书面说明理由并经法制审核"})
    if problem and review is None:
        raise ValidationError(f"{problem}，须经法制审核通过")
    entity = MarketEntity.objects.filter(uscc=case.entity_id).first() if case.entity_id else None
    year = decided_on.year
    sequence = next_number(department=case.department, kind="罚", year=year)

    # A number the department already used before this system (pushed as a credit record through the
    # API) is taken: skip it, or publishing would overwrite that record (same department and source_ref).
    while CreditRecord.objects.filter(
        department=case.department, source_ref=document_number(case.department, "罚", year, sequence)
    ).exists():
        sequence = next_number(department=case.department, kind="罚", year=year)
    decision = PenaltyDecision.objects.create(
        case=case,
        department=case.department,
        number=document_number(case.department, "罚", year, sequence),
        year=year,
        sequence=sequence,
        entity_id=case.entity_id,
        party_name=case.party_name,
        party_address=party_address if party_address is not None else (entity.registered_address if entity else ""),
        legal_representative=legal_representative
        if legal_representative is not None
        else (entity.legal_representative if entity else ""),
        party_is_minor=case.party_is_minor,
        violation_type=(violation_type or (case.standard.violation_type if case.standard else case.title)).strip(),
        facts=facts.strip(),
        evidence=evidence.strip(),
        legal_basis=legal_basis.strip(),
        penalty_types=penalty_types,
        penalty_content=penalty_content.strip(),
        fine_amount=fine_amount,
        confiscation_amount=confiscation_amount,
        circumstance=circumstance,
        out_of_range_reason=out_of_range_reason.strip(),
        procedure=procedure,
        performance=performance.strip(),
        remedies=remedies.strip(),
        decided_on=decided_on,
        issued_by=_user(actor),
        replaces=replaces,
        other_persons=person_names(other_persons),
        restriction_ends_on=restriction_ends_on or None,
    )
    if case.stage != CaseStage.DECISION:
        before = case.stage
        # A changed decision after 结案 reopens the case: the new decision is served and executed again.
        case.stage, case.outcome, case.closed_on = CaseStage.DECISION, "", None
        case.save(update_fields=["stage", "outcome", "closed_on"])
    else:
        before = case.stage
    _event(
        case=case,
        actor=actor,
        action="decide",
        from_stage=before,
        to_stage=CaseStage.DECISION,
        note=f"作出行政处罚决定 {decision.number}",
    )
    audit.record(actor=actor, action="penalty_decision.issue", target=decision, after=audit.snapshot(decision))
    _disclosure_prepare(decision, actor=actor)
    if circumstance == Circumstance.HEAVIER and set(penalty_types) & (
        HEAVY_PENALTIES | set(case.standard.heavy_penalty_types if case.standard else ())
    ):
        _propose_serious_list(actor=actor, decision=decision)
    return decision


def _propose_serious_list(*, actor, decision: PenaltyDecision) -> None:
    """从重 with a heavy penalty: propose 严重违法失信名单; an official confirms it with prior notice."""

    if not decision.entity_id or not MarketEntity.objects.filter(uscc=decision.entity_id).exists():
        return
    kinds = set(decision.penalty_types)
    if PenaltyType.REVOKE_LICENCE in kinds:
        ground = ListGround.LICENCE_REVOKED
    elif kinds & {PenaltyType.RESTRICT_BUSINESS, PenaltyType.SUSPEND_BUSINESS, PenaltyType.CLOSE}:
        ground = ListGround.BUSINESS_RESTRICTED
    else:
        ground = ListGround.HEAVY_FINE
    list_proposal_raise(
        actor=actor,
        entity_uscc=decision.entity_id,
        list_type=ListType.SERIOUS,
        ground=ground,
        department=decision.department,
        source_ref=decision.number,
        reason=f"{decision.number}：{decision.violation_type}，从重处罚（{'、'.join(str(PenaltyType(k).label) for k in decision.penalty_types)}）",
    )


@transaction.atomic
def decision_revoke(
    *, actor, decision: PenaltyDecision, reason: str, changed: bool = False, revoked_on: dt.date | None = None
) -> PenaltyDecision:
    """撤销 (or mark 变更) a decision: its public summary and credit record are withdrawn at once
    (DOMAIN §5: within 3 working days), with the reason."""
    decision = PenaltyDecision.objects.select_for_update().get(pk=decision.pk)
    # Locked before the audit chain is, as the publisher does (row, then chain), so the two never deadlock.
    disclosure = PenaltyDisclosure.objects.select_for_update().filter(decision=decision).first()
    if decision.state != DecisionState.EFFECTIVE:
        raise ValidationError(f"该决定已{decision.get_state_display()}")
    if not str(reason or "").strip():
        raise ValidationError({"reason": "撤销或变更决定须说明理由"})
    decision.state = DecisionState.CHANGED if changed else DecisionState.REVOKED
    decision.revoked_on = revoked_on or timezone.localdate()
    decision.revoked_reason = reason.strip()
    decision.save(update_fields=["state", "revoked_on", "revoked_reason"])
    _event(
        case=decision.case,
        actor=actor,
        action="revoke_decision",
        from_stage=decision.case.stage,
        to_stage=decision.case.stage,
        note=f"{decision.number}已{decision.get_state_display()}：{decision.revoked_reason}",
    )
    audit.record(
        actor=actor,
        action="penalty_decision.revoke",
        target=decision,
        before={"state": DecisionState.EFFECTIVE},
        after={"state": decision.state, "reason": decision.revoked_reason},
    )
    if disclosure is not None:
        prefix = "处罚决定已变更" if changed else "处罚决定已撤销"
        disclosure_withdraw(actor=actor, disclosure=disclosure, reason=f"{prefix}：{decision.revoked_reason}")
    return decision


@transaction.atomic
def decision_change(*, actor, decision: PenaltyDecision, reason: str, **fields) -> PenaltyDecision:
    """变更: the old decision is withdrawn and a new one, with a new number, replaces it."""
    _lock_case(decision.case)  # lock order case → audit chain → number, as in penalty_decision_issue
    decision_revoke(actor=actor, decision=decision, reason=reason, changed=True)
    current = {
        f: getattr(decision, f)
        for f in (
            "penalty_types",
            "facts",
            "evidence",
            "legal_basis",
            "penalty_content",
            "performance",
            "fine_amount",
            "confiscation_amount",
            "circumstance",
            "violation_type",
            "out_of_range_reason",
            "procedure",
            "remedies",
            "party_address",
            "legal_representative",
            "other_persons",
            "restriction_ends_on",
        )
    }
    current.update(fields)
    return penalty_decision_issue(actor=actor, case=decision.case, replaces=decision, **current)


# --- objections (异议) about a decision's credit record: corrected through the decision (issue 12 §7) ---


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
def decision_change_on_objection(
    *, actor, decision: PenaltyDecision, objection, reason: str, **fields
) -> PenaltyDecision:
    """变更决定 because ``objection`` (accepted, about this decision's record) was found right: the
    decision, its summary and its record change together, and the objection is closed as 更正."""
    if objection.record_id is None or record_decision(objection.record) != decision:
        raise ValidationError(
            {"objection_no": f"异议 {objection.tracking_no} 针对的不是决定 {decision.number} 的信用记录"}
        )
    if objection.state != ObjectionState.ACCEPTED:
        raise ValidationError(
            {
                "objection_no": f"异议 {objection.tracking_no} 当前为“{objection.get_state_display()}”：须先受理，才能依异议更正"
            }
        )
    if not str(reason or "").strip():
        raise ValidationError({"reason": "变更决定须说明理由"})
    new = decision_change(
        actor=actor, decision=decision, reason=f"依异议 {objection.tracking_no} 更正：{reason.strip()}", **fields
    )
    objection_decide(
        actor=actor, objection=objection, outcome=ObjectionOutcome.CORRECTED, reason=reason, corrected_by=new.number
    )
    return new


def decision_change_by_objection_no(
    *, actor, decision: PenaltyDecision, objection_no: str, reason: str, **fields
) -> PenaltyDecision:
    """The admin's 变更决定 form with 依异议更正 filled in: the objection by its tracking number."""
    number = str(objection_no or "").strip().upper()
    objection = Objection.objects.filter(tracking_no=number).select_related("record").first()
    if objection is None:
        raise ValidationError({"objection_no": f"未找到受理编号为 {number} 的异议"})
    return decision_change_on_objection(actor=actor, decision=decision, objection=objection, reason=reason, **fields)
