"""Writes for the steps between 案件审核 and 决定 (issue 12 §6): the proposed decision the 法制审核
reviews, and the party's answer to the 告知 (written waiver, statement, hearing request, hearing record).

Each is a keyword-only service that owns its transaction, is done by a handler or the 部门负责人
(enforcement.case_rules), writes a CaseEvent on the case's record (全程记录) and an audit event.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from credit.choices import PenaltyType
from enforcement.case_rules import answer_deadline, check_may_move
from enforcement.choices import CaseStage, Circumstance
from enforcement.models import Case, CaseProposal
from enforcement.services.actors import _user
from enforcement.services.cases import _event, _lock_case
from enforcement.services.decisions import fine_problem

PROPOSAL_STAGES = (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.LEGAL_REVIEW)


def latest_proposal(case: Case) -> CaseProposal | None:
    return case.proposals.order_by("-proposed_at", "-id").first()


def _amount(value, name: str, errors: dict) -> Decimal:
    try:
        amount = Decimal(str(value or 0))
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[name] = "金额应为不小于0的元数"
        return Decimal("0")
    return amount


@transaction.atomic
def case_proposal_record(
    *,
    actor,
    case: Case,
    penalty_types,
    legal_basis: str,
    fine_amount=0,
    confiscation_amount=0,
    circumstance: str = Circumstance.GENERAL,
    out_of_range_reason: str = "",
    note: str = "",
) -> CaseProposal:
    """拟处罚意见: what the handlers propose to decide, put to 法制审核 and stated in the 告知. A later
    proposal (e.g. after a review returned the case) replaces the earlier one; both stay on the record."""
    case = _lock_case(case)
    check_may_move(actor, case)
    if case.stage not in PROPOSAL_STAGES:
        raise ValidationError(
            f"案件当前处于“{case.get_stage_display()}”环节：拟处罚意见在调查取证、案件审核或法制审核环节提出"
        )
    errors = {}
    kinds = list(dict.fromkeys(penalty_types or []))
    unknown = [k for k in kinds if k not in PenaltyType.values]
    if not kinds or unknown:
        errors["penalty_types"] = "拟处罚种类须从《行政处罚法》第九条所列种类中选择"
    fine, confiscation = (
        _amount(fine_amount, "fine_amount", errors),
        _amount(confiscation_amount, "confiscation_amount", errors),
    )
    if PenaltyType.FINE in kinds and fine <= 0:
        errors["fine_amount"] = "拟处罚种类含罚款时须填写拟罚款金额"
    if PenaltyType.FINE not in kinds and fine > 0:
        errors["fine_amount"] = "未选择“罚款”时拟罚款金额应为0"
    if circumstance not in Circumstance.values:
        errors["circumstance"] = "请选择裁量情节（从轻、一般、从重）"
    if not str(legal_basis or "").strip():
        errors["legal_basis"] = "请填写处罚依据"
    if errors:
        raise ValidationError(errors)
    problem = fine_problem(case.standard, circumstance, fine) if PenaltyType.FINE in kinds else None
    if problem and not str(out_of_range_reason or "").strip():
        raise ValidationError({"fine_amount": problem, "out_of_range_reason": f"{problem}，须书面说明理由并经法制审核"})
    proposal = CaseProposal.objects.create(
        case=case,
        penalty_types=kinds,
        fine_amount=fine,
        confiscation_amount=confiscation,
        circumstance=circumstance,
        legal_basis=legal_basis.strip(),
        out_of_range_reason=str(out_of_range_reason or "").strip(),
        note=str(note or "").strip(),
        proposed_by=_user(actor),
        proposed_at=timezone.now(),
    )
    labels = "、".join(str(PenaltyType(k).label) for k in kinds)
    _event(
        case=case,
        actor=actor,
        action="proposal",
        from_stage=case.stage,
        to_stage=case.stage,
        note=f"拟处罚意见：{labels}"
        + (f"，罚款{fine}元" if fine else "")
        + (f"。{proposal.note}" if proposal.note else ""),
    )
    audit.record(
        actor=actor, action="case.proposal", target=case, after={**audit.snapshot(proposal), "case": case.number}
    )
    return proposal


# --- the party's answer to the 告知 ------------------------------------------------------------------


def _answer_day(case: Case, day, name: str) -> dt.date:
    day = day or timezone.localdate()
    if case.stage != CaseStage.NOTICE or case.notice_served_on is None:
        raise ValidationError(
            f"案件当前处于“{case.get_stage_display()}”环节：只有告知环节（告知书已送达）的案件可以登记当事人的陈述申辩或听证"
        )
    if day < case.notice_served_on or day > timezone.localdate():
        raise ValidationError({name: f"日期应在告知书送达日期（{case.notice_served_on}）至今天之间"})
    return day


def _answer(*, actor, case: Case, field: str, day, action: str, note: str, documents, audit_action: str) -> Case:
    setattr(case, field, day)
    case.save(update_fields=[field])
    _event(
        case=case,
        actor=actor,
        action=action,
        from_stage=case.stage,
        to_stage=case.stage,
        note=note,
        documents=documents,
    )
    audit.record(
        actor=actor,
        action=audit_action,
        target=case,
        before={field: None},
        after={field: day.isoformat(), "note": note},
    )
    return case


@transaction.atomic
def case_rights_waive(*, actor, case: Case, waived_on: dt.date | None = None, note: str = "", documents=()) -> Case:
    """The party's written waiver (书面放弃陈述、申辩和听证权利): the decision need not wait out the 5 working days."""
    case = _lock_case(case)
    check_may_move(actor, case)
    day = _answer_day(case, waived_on, "waived_on")
    if case.hearing_requested_on:
        raise ValidationError("当事人已申请听证：撤回听证申请的，请在听证笔录中记明")
    if not documents and not str(note or "").strip():
        raise ValidationError({"note": "请说明当事人书面放弃的情况，或附上其签署的放弃声明"})
    return _answer(
        actor=actor,
        case=case,
        field="rights_waived_on",
        day=day,
        action="answer:waiver",
        documents=documents,
        note=str(note or "").strip() or "当事人书面放弃陈述、申辩和听证权利",
        audit_action="case.rights_waive",
    )


@transaction.atomic
def case_statement_record(*, actor, case: Case, stated_on: dt.date | None = None, note: str, documents=()) -> Case:
    """The party's statement and defence (陈述、申辩), recorded with the handlers' review of it (复核)."""
    case = _lock_case(case)
    check_may_move(actor, case)
    day = _answer_day(case, stated_on, "stated_on")
    if not str(note or "").strip():
        raise ValidationError({"note": "请记录当事人陈述、申辩的内容及复核意见"})
    return _answer(
        actor=actor,
        case=case,
        field="statement_on",
        day=day,
        action="answer:statement",
        documents=documents,
        note=note.strip(),
        audit_action="case.statement_record",
    )


@transaction.atomic
def case_hearing_request(
    *, actor, case: Case, requested_on: dt.date | None = None, note: str = "", documents=()
) -> Case:
    """The party asks for a hearing (行政处罚法 第六十四条第（一）项: within 5 days of the notice): the decision waits for the 听证笔录."""
    case = _lock_case(case)
    check_may_move(actor, case)
    day = _answer_day(case, requested_on, "requested_on")
    if case.hearing_requested_on:
        raise ValidationError(f"当事人已于{case.hearing_requested_on}申请听证")
    if case.rights_waived_on:
        raise ValidationError(f"当事人已于{case.rights_waived_on}书面放弃陈述、申辩和听证权利")
    deadline = answer_deadline(case)
    if day > deadline.date:
        raise ValidationError(
            {"requested_on": f"听证应在告知后五个工作日内（至{deadline}）提出；逾期未提出的，视为放弃"}
        )
    return _answer(
        actor=actor,
        case=case,
        field="hearing_requested_on",
        day=day,
        action="answer:hearing_request",
        documents=documents,
        note=str(note or "").strip() or "当事人申请听证",
        audit_action="case.hearing_request",
    )


@transaction.atomic
def case_hearing_record_file(*, actor, case: Case, filed_on: dt.date | None = None, note: str, documents=()) -> Case:
    """The 听证笔录 is filed (行政处罚法 第六十四条第（八）项: a hearing has its record): the decision may follow."""
    case = _lock_case(case)
    check_may_move(actor, case)
    day = _answer_day(case, filed_on, "filed_on")
    if not case.hearing_requested_on:
        raise ValidationError("当事人未申请听证，无听证笔录可归档")
    if case.hearing_record_on:
        raise ValidationError(f"听证笔录已于{case.hearing_record_on}归档")
    if day < case.hearing_requested_on:
        raise ValidationError({"filed_on": f"听证笔录归档日期不能早于听证申请日期（{case.hearing_requested_on}）"})
    if not documents and not str(note or "").strip():
        raise ValidationError({"note": "请附上听证笔录，或记录听证的情况"})
    return _answer(
        actor=actor,
        case=case,
        field="hearing_record_on",
        day=day,
        action="answer:hearing_record",
        documents=documents,
        note=str(note or "").strip(),
        audit_action="case.hearing_record",
    )
