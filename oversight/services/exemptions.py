"""尽职免责 (seed 001/002): an official of the responsible department attaches a documented reason to a
late or overdue deadline item; a superior accepts or rejects it. An accepted reason takes the item out
of the on-time rates of 履职评估 and is listed in the reports (``oversight.metrics.timeliness``).

- Filing: the item exists (``core.deadline_items``), belongs to the filer's department, and is late
  (closed after its due day) or overdue (open after it) by the one timeliness rule; a reason kind,
  a statement and an evidence file are required; one live reason per item (a rejected one may be
  followed by a new one; the database holds that too).
- Deciding: the platform administrator or an official of a department above the item's department
  (``supervision.selectors.department_ancestor_ids``), never one of the department itself; with a note.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, deadline_items
from core.deadline_items import Status
from oversight.eval_scope import is_superior
from oversight.models import DutyExemption, ExemptionReason, ExemptionState

NOTE_MAX = 300


def item_of(kind: str, object_id):
    """The deadline item ``(kind, object_id)`` with ``dl_opened``/``dl_due``/``dl_closed``, or None."""
    try:
        spec = deadline_items.spec(kind)
        object_id = int(object_id)
    except (KeyError, TypeError, ValueError):
        return None
    return spec.annotated().filter(pk=object_id).first()


def lateness(kind: str, item) -> str | None:
    """``late`` or ``overdue`` today by the one rule (``DeadlineSpec.status_q``), else None."""
    spec = deadline_items.spec(kind)
    today = timezone.localdate()
    rows = spec.annotated(spec.model._default_manager.filter(pk=item.pk))
    if rows.filter(spec.status_q(Status.LATE, None, today)).exists():
        return Status.LATE
    if rows.filter(spec.status_q(Status.OVERDUE, None, today)).exists():
        return Status.OVERDUE
    return None


@transaction.atomic
def duty_exemption_file(*, actor, kind: str, object_id, reason_kind: str, reason: str, evidence) -> DutyExemption:
    """Attach a documented reason to a late or overdue item of the actor's own department."""
    errors = {}
    kinds = {s.kind: s.label for s in deadline_items.specs()}
    item = None
    if kind not in kinds:
        errors["kind"] = "事项类型无效，可选：" + "、".join(kinds.values())
    else:
        item = item_of(kind, object_id)
        if item is None:
            errors["object_id"] = f"找不到编号为 {object_id} 的{kinds[kind]}事项"
    department_id = getattr(actor, "department_id", None)
    if item is not None:
        owner = getattr(item, f"{deadline_items.spec(kind).department}_id")
        if department_id is None or owner != department_id:
            errors["object_id"] = "只能为本部门负责的事项提交尽职免责说明"
        elif lateness(kind, item) is None:
            errors["object_id"] = "该事项未超期也未逾期，无需提交尽职免责说明"
        elif DutyExemption.objects.filter(
            kind=kind, object_id=item.pk, state__in=[ExemptionState.SUBMITTED, ExemptionState.ACCEPTED]
        ).exists():
            errors["object_id"] = "该事项已有待审核或已认可的尽职免责说明"
    if reason_kind not in ExemptionReason.values:
        errors["reason_kind"] = "请选择免责事由"
    if not (reason or "").strip():
        errors["reason"] = "请写明情况说明"
    if not evidence:
        errors["evidence"] = "请上传证明材料（如放假通知、不可抗力证明）"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            exemption = DutyExemption.objects.create(
                kind=kind,
                object_id=item.pk,
                department_id=department_id,
                reason_kind=reason_kind,
                reason=reason.strip(),
                evidence=evidence,
                filed_by=actor,
                filed_at=timezone.now(),
            )
    except IntegrityError as exc:  # a concurrent filing for the same item (duty_exemption_one_live)
        raise ValidationError({"object_id": "该事项已有待审核或已认可的尽职免责说明"}) from exc
    audit.record(
        actor=actor,
        action="duty_exemption.file",
        target=exemption,
        after={**audit.snapshot(exemption), "lateness": lateness(kind, item)},
    )
    return exemption


@transaction.atomic
def duty_exemption_decide(*, actor, exemption: DutyExemption, accept: bool, note: str) -> DutyExemption:
    """Accept or reject a submitted reason, as a superior of the item's department, with a note."""
    exemption = DutyExemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.state != ExemptionState.SUBMITTED:
        raise ValidationError(f"该尽职免责说明已{exemption.get_state_display()}，不能再审核")
    if not is_superior(actor, exemption.department_id):
        raise ValidationError("只有上级部门的监管人员或平台管理员可以审核，责任部门本身不能审核自己的尽职免责说明")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写审核意见"})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"审核意见不能超过 {NOTE_MAX} 字"})
    before = audit.snapshot(exemption)
    exemption.state = ExemptionState.ACCEPTED if accept else ExemptionState.REJECTED
    exemption.decided_by, exemption.decided_at, exemption.decision_note = actor, timezone.now(), note
    exemption.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor=actor,
        action="duty_exemption.accept" if accept else "duty_exemption.reject",
        target=exemption,
        before=before,
        after=audit.snapshot(exemption),
    )
    return exemption
