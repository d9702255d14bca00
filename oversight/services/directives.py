"""督办 (issue 17 §4): a superior presses a department on an overdue or at-risk item.

open → answered (the department's action and evidence) → closed, or → returned (answer again) →
answered → …. A returned 督办 gets a new answer deadline counted again from the day it is sent back
(the old one has usually passed, and an answer that must be redone needs the time again); the issuer
may give a different number of working days. Every step is audited.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.workdays import add_working_days
from oversight.directives import (
    AWAITING_ANSWER,
    LIVE_STATES,
    MAX_ANSWER_WORKING_DAYS,
    issuable_item,
    may_answer,
    may_review,
)
from oversight.models import Directive, DirectiveEvidence, DirectiveState
from supervision.selectors import may_press

TEXT_MAX = 2000
NOTE_MAX = 300  # Directive.close_note


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _days(value, field="answer_working_days") -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "答复期限应为工作日天数（整数）"}) from None
    if not 1 <= days <= MAX_ANSWER_WORKING_DAYS:
        raise ValidationError({field: f"答复期限应为 1 至 {MAX_ANSWER_WORKING_DAYS} 个工作日"})
    return days


def _text(value, field, label, limit=TEXT_MAX) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过{limit}个字符"})
    return text


def _due(days: int, today: dt.date):
    # DOMAIN §6: working days with 调休; a deadline past the holiday data is provisional (logged, shown).
    return add_working_days(today, days)


@transaction.atomic
def directive_issue(*, actor, kind: str, object_id, reason: str, answer_working_days) -> Directive:
    """督办 an overdue or at-risk item: its department must answer within ``answer_working_days``."""
    item = issuable_item(kind, object_id)
    if not may_press(actor, item.department_id):
        raise ValidationError("只有平台管理员或该事项责任部门的上级部门可以督办（本部门不能督办自己）")
    reason = _text(reason, "reason", "督办事由")
    days = _days(answer_working_days)
    if Directive.objects.filter(kind=kind, object_id=item.object_id, state__in=LIVE_STATES).exists():
        raise ValidationError({"object_id": "该事项已有未办结的督办"})
    now = timezone.now()
    due = _due(days, timezone.localdate())
    try:
        with transaction.atomic():
            directive = Directive.objects.create(
                kind=kind,
                object_id=item.object_id,
                department_id=item.department_id,
                issuing_department_id=getattr(actor, "department_id", None),
                issued_by=actor,
                issued_at=now,
                reason=reason,
                answer_working_days=days,
                answer_due_on=due.date,
                answer_due_provisional=due.provisional,
            )
    except IntegrityError as exc:  # pressed at the same moment by someone else
        raise ValidationError({"object_id": "该事项已有未办结的督办"}) from exc
    audit.record(actor=actor, action="directive.issue", target=directive, after=audit.snapshot(directive))
    return directive


def _locked(directive: Directive) -> Directive:
    return Directive.objects.select_for_update().get(pk=directive.pk)


@transaction.atomic
def directive_answer(*, actor, directive: Directive, answer: str, evidence=()) -> Directive:
    """The responsible department answers: what it did, with evidence files (PDF/JPG/PNG)."""
    directive = _locked(directive)
    if not may_answer(actor, directive):
        raise ValidationError("只有被督办部门可以答复该督办")
    if directive.state not in AWAITING_ANSWER:
        raise ValidationError(f"该督办当前为“{directive.get_state_display()}”，不能答复")
    text = _text(answer, "answer", "办理情况")
    now = timezone.now()
    before = {"state": directive.state}
    directive.state, directive.answer, directive.answered_by, directive.answered_at = (
        DirectiveState.ANSWERED,
        text,
        _user(actor),
        now,
    )
    directive.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    files = [
        DirectiveEvidence.objects.create(
            directive=directive,
            file=upload,
            name=(upload.name or "证明材料")[:200],
            uploaded_by=_user(actor),
            uploaded_at=now,
        )
        for upload in evidence
    ]
    audit.record(
        actor=actor,
        action="directive.answer",
        target=directive,
        before=before,
        after={"state": directive.state, "answer": text, "evidence": [f.name for f in files]},
    )
    return directive


def _review(actor, directive: Directive) -> Directive:
    directive = _locked(directive)
    if not may_review(actor, directive):
        raise ValidationError("只有督办人、督办部门或平台管理员可以审核答复")
    if directive.state != DirectiveState.ANSWERED:
        raise ValidationError(f"该督办当前为“{directive.get_state_display()}”，尚无待审核的答复")
    return directive


@transaction.atomic
def directive_close(*, actor, directive: Directive, note: str = "") -> Directive:
    """The issuer accepts the answer: the 督办 is closed (办结)."""
    directive = _review(actor, directive)
    note = str(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"审核意见不能超过{NOTE_MAX}个字符"})
    directive.state, directive.closed_at, directive.close_note = DirectiveState.CLOSED, timezone.now(), note
    directive.save(update_fields=["state", "closed_at", "close_note"])
    audit.record(
        actor=actor,
        action="directive.close",
        target=directive,
        before={"state": DirectiveState.ANSWERED},
        after={"state": directive.state, "note": note},
    )
    return directive


@transaction.atomic
def directive_return(*, actor, directive: Directive, note: str, answer_working_days=None) -> Directive:
    """The issuer sends the answer back: the department answers again within a new deadline, counted
    from today (the same number of working days unless another is given)."""
    directive = _review(actor, directive)
    note = _text(note, "note", "退回理由", NOTE_MAX)
    days = directive.answer_working_days if answer_working_days in (None, "") else _days(answer_working_days)
    before = {"state": directive.state, "answer_due_on": directive.answer_due_on}
    directive.state, directive.close_note = DirectiveState.RETURNED, note
    due = _due(days, timezone.localdate())
    directive.answer_due_on, directive.answer_due_provisional = due.date, due.provisional
    directive.save(update_fields=["state", "close_note", "answer_due_on", "answer_due_provisional"])
    audit.record(
        actor=actor,
        action="directive.return",
        target=directive,
        before=before,
        after={"state": directive.state, "note": note, "answer_due_on": directive.answer_due_on},
    )
    return directive
