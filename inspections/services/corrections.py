"""Writes of 双随机、一公开: correction orders (责令改正) and the entity's answers to them (issue 14 §3).

An order is made by ``results.result_submit`` (未按规定公示 → 责令改正 with the correction period of
``supervision.deadlines``) and closed as 已改正 by the issuing department, either directly
(``correction_mark_corrected``) or by accepting the entity's answer (``correction_response_accept``).

Timing (the deadlines and the overdue rule of ``inspections.scan_rules.CorrectionOverdue`` stay):

- The entity answers only an open order, on or before its due date. After that the order is (or
  becomes, at the nightly scan) 逾期未改正, and the way out is the abnormal list's exit procedure.
- Accepting an answer closes the order with ``corrected_on`` = the date the answer was *submitted*
  (local date), not the date the official decided: an entity that corrected in time is in time, however
  long the review took.
- An answer submitted in time and still pending at the due date keeps the order open (the nightly
  scan skips it): it is decided on its merits. Accepted → corrected in time, no abnormal-list proposal.
  Returned after the due date → the order has no correction in time, and the next scan marks it
  overdue and raises the proposal exactly as for an unanswered order.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.scoping import owns
from inspections.choices import CorrectionState, ResponseState
from inspections.models import CorrectionEvidence, CorrectionOrder, CorrectionResponse

STATEMENT_MAX = 5000  # CorrectionResponse.statement
REASONS_MAX = 2000  # CorrectionResponse.return_reasons


@transaction.atomic
def correction_mark_corrected(*, actor, order: CorrectionOrder, corrected_on: dt.date | None = None) -> CorrectionOrder:
    order = CorrectionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state == CorrectionState.CORRECTED:
        return order
    order.state, order.corrected_on = CorrectionState.CORRECTED, corrected_on or timezone.localdate()
    order.save(update_fields=["state", "corrected_on"])
    audit.record(actor=actor, action="correction.corrected", target=order, after={"corrected_on": order.corrected_on})
    return order


def response_snapshot(response: CorrectionResponse) -> dict:
    return {
        "order": response.order_id,
        "state": response.state,
        "statement": response.statement,
        "evidence": [e.file.name for e in response.evidence.all()],
        "submitted_at": response.submitted_at,
        "reviewed_at": response.reviewed_at,
        "return_reasons": response.return_reasons,
    }


def answer_problem(order: CorrectionOrder, today: dt.date | None = None) -> str:
    """Why the entity cannot answer ``order`` now ("" when it can): the one rule the form and the service share."""
    today = today or timezone.localdate()
    if order.state != CorrectionState.OPEN:
        return f"该责令改正当前为“{order.get_state_display()}”，不能再提交整改材料"
    if order.due_on < today:
        # The correction period is the order's; after it the order is overdue (scan_rules.CorrectionOverdue).
        return f"改正期限 {order.due_on} 已过，不能再提交整改材料"
    if order.responses.filter(state=ResponseState.SUBMITTED).exists():
        return "已提交的整改材料正在审核，请等待审核结果"
    return ""


@transaction.atomic
def correction_respond(*, actor, order: CorrectionOrder, statement: str, files=(), entity=None) -> CorrectionResponse:
    """The entity answers an order with a statement and its rectification evidence (files already
    checked by ``core.forms.EvidenceField``). ``entity``: the signed-in entity, which must be the
    order's; one answer at a time is under review."""
    order = CorrectionOrder.objects.select_for_update().get(pk=order.pk)
    if entity is not None and entity.uscc != order.entity_id:
        raise ValidationError("该责令改正不属于本企业")
    statement = (statement or "").strip()
    errors = {}
    problem = answer_problem(order)
    if problem:
        errors["order"] = problem
    if not statement:
        errors["statement"] = "请填写整改情况说明"
    elif len(statement) > STATEMENT_MAX:
        errors["statement"] = f"整改情况说明不能超过 {STATEMENT_MAX} 字"
    if not files:
        errors["files"] = "请上传整改证明材料"
    if errors:
        raise ValidationError(errors)
    response = CorrectionResponse.objects.create(
        order=order,
        statement=statement,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=timezone.now(),
    )
    for upload in files:
        CorrectionEvidence.objects.create(response=response, file=upload)
    audit.record(actor=actor, action="correction.respond", target=response, after=response_snapshot(response))
    return response


def _check_issuing_department(actor, order: CorrectionOrder) -> None:
    # 谁责令、谁审核: only the department that issued the order (or a platform administrator) decides.
    if not owns(actor, order):
        raise ValidationError(f"只有责令部门（{order.department.name}）可以审核整改材料")


def _pending(response: CorrectionResponse) -> CorrectionResponse:
    response = CorrectionResponse.objects.select_for_update().select_related("order__department").get(pk=response.pk)
    if response.state != ResponseState.SUBMITTED:
        raise ValidationError(f"该整改材料已{response.get_state_display()}")
    return response


@transaction.atomic
def correction_response_accept(*, actor, response: CorrectionResponse) -> CorrectionResponse:
    """接受整改: the order is closed as 已改正 on the date the answer was submitted (module docstring)."""
    response = _pending(response)
    _check_issuing_department(actor, response.order)
    before = response_snapshot(response)
    response.state, response.reviewed_at = ResponseState.ACCEPTED, timezone.now()
    response.reviewer = actor if getattr(actor, "is_authenticated", False) else None
    response.save(update_fields=["state", "reviewed_at", "reviewer"])
    corrected_on = timezone.localtime(response.submitted_at).date()
    correction_mark_corrected(actor=actor, order=response.order, corrected_on=corrected_on)
    audit.record(
        actor=actor,
        action="correction.response_accept",
        target=response,
        before=before,
        after=response_snapshot(response),
    )
    return response


@transaction.atomic
def correction_response_return(*, actor, response: CorrectionResponse, reasons: str) -> CorrectionResponse:
    """退回: the entity reads the reasons and may answer again while the order is open and in time."""
    response = _pending(response)
    _check_issuing_department(actor, response.order)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "退回须写明理由"})
    if len(reasons) > REASONS_MAX:
        raise ValidationError({"reasons": f"退回理由不能超过 {REASONS_MAX} 字"})
    before = response_snapshot(response)
    response.state, response.reviewed_at, response.return_reasons = ResponseState.RETURNED, timezone.now(), reasons
    response.reviewer = actor if getattr(actor, "is_authenticated", False) else None
    response.save(update_fields=["state", "reviewed_at", "reviewer", "return_reasons"])
    audit.record(
        actor=actor,
        action="correction.response_return",
        target=response,
        before=before,
        after=response_snapshot(response),
    )
    return response
