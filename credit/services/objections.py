"""Objections (异议申诉): filed, accepted or refused within 5 working days, decided within 20."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.filings import new_tracking, query_code_digest
from credit import record_producers
from credit.choices import (
    ObjectionOutcome,
    ObjectionState,
    RecordState,
    RemovalReason,
)
from credit.models import (
    CreditRecord,
    ListEntry,
    Objection,
    ObjectionEvidence,
)
from credit.services.filings import check_deciding_department, public_snapshot, require_fields
from credit.services.lists import list_entry_remove
from credit.services.records import (
    RECORD_FIELD_LABELS,
    RECORD_INPUT_FIELDS,
    credit_record_revoke,
    credit_records_push,
)
from supervision.choices import DeadlineKind
from supervision.deadlines import due

# --- objections (异议申诉) -----------------------------------------------------------------------

CORRECTABLE_FIELDS = (
    "title",
    "content",
    "severity",
    "decided_on",
    "legal_basis",
    "amount",
    "penalty_types",
    "restriction_ends_on",
)


@transaction.atomic
def objection_file(
    *,
    actor,
    applicant_name: str,
    contact_phone: str,
    reason: str,
    record: CreditRecord | None = None,
    list_entry: ListEntry | None = None,
    contact_email: str = "",
    channel: str = "web",
    corrections: dict | None = None,
    evidence_files=(),
):
    """File an objection; the record shows 异议处理中 at once. Returns ``(objection, query_code)``.

    ``corrections``: what the applicant says the record should read (issue 18 §1.9); only the fields
    that differ from the record are kept. ``evidence_files``: checked uploads (core.forms.EvidenceField)."""
    errors = {}
    require_fields(errors, applicant_name=applicant_name, contact_phone=contact_phone, reason=reason)
    if (record is None) == (list_entry is None):
        errors["record_id"] = "须指明异议所针对的一条信用记录（record_id）或一条名单记录（list_entry_id）"
    target = record or list_entry
    if record is not None and record.state in (RecordState.REVOKED, RecordState.REPAIRED):
        errors["record_id"] = f"该记录已{record.get_state_display()}，不再公示"
    if list_entry is not None and list_entry.removed_on is not None:
        errors["list_entry_id"] = "该名单记录已移出"
    if (
        target is not None
        and Objection.objects.filter(
            **{"record" if record else "list_entry": target}, state__in=["submitted", "accepted"]
        ).exists()
    ):
        errors["record_id" if record else "list_entry_id"] = "该信息已有正在处理的异议，请凭原受理编号查询进度"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    # DOMAIN §3: accepted or refused within 5 working days, decided within 20 in total (national defaults; data).
    accept_due = due(DeadlineKind.OBJECTION_ACCEPT, today, department=target.department_id)
    decide_due = due(DeadlineKind.OBJECTION_DECIDE, today, department=target.department_id)
    number, code = new_tracking(Objection, "YY")
    objection = Objection.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, code),
        applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        filed_at=timezone.now(),
        channel=channel,
        record=record,
        list_entry=list_entry,
        entity_id=target.entity_id,
        department=target.department,
        reason=reason.strip(),
        proposed_corrections=proposed_changes(record, corrections),
        accept_due_on=accept_due.date,
        decide_due_on=decide_due.date,
        deadline_provisional=accept_due.provisional or decide_due.provisional,
    )
    for upload in evidence_files:
        ObjectionEvidence.objects.create(objection=objection, file=upload)
    audit.record(actor=actor, action="objection.file", target=objection, after=public_snapshot(objection))
    return objection, code


CORRECTABLE = ("title", "content", "decided_on", "legal_basis", "amount")  # what an applicant may propose


def proposed_changes(record, corrections: dict | None) -> dict:
    """The proposed values that differ from the record's, as JSON text (dates ISO, amounts in yuan)."""
    if record is None or not corrections:
        return {}
    changed = {}
    for name in CORRECTABLE:
        if name not in corrections:
            continue
        value, current = corrections[name], getattr(record, name)
        if isinstance(value, str):
            value, current = value.strip(), (current or "").strip()
        if value in ("", None) and current in ("", None):
            continue
        if value != current:
            changed[name] = "" if value is None else str(value)
    return changed


def _objection_for_update(actor, objection):
    objection = (
        Objection.objects.select_for_update(of=("self",)).select_related("record", "list_entry").get(pk=objection.pk)
    )
    check_deciding_department(actor, objection.department)
    return objection


@transaction.atomic
def objection_accept(*, actor, objection, reason: str = "", accept: bool = True):
    """受理 (or 不予受理, with reasons) within 5 working days."""
    objection = _objection_for_update(actor, objection)
    if objection.state != ObjectionState.SUBMITTED:
        raise ValidationError(f"该异议当前为“{objection.get_state_display()}”，不能再受理")
    if not accept and not reason.strip():
        raise ValidationError({"reason": "不予受理须说明理由"})
    before = public_snapshot(objection)
    objection.state = ObjectionState.ACCEPTED if accept else ObjectionState.REFUSED
    objection.accepted_at, objection.accept_reason = timezone.now(), reason.strip()
    objection.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    fields = ["state", "accepted_at", "accept_reason", "handled_by"]
    if not accept:
        objection.decided_at = objection.accepted_at
        fields.append("decided_at")
    objection.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=f"objection.{'accept' if accept else 'refuse'}",
        target=objection,
        before=before,
        after=public_snapshot(objection),
    )
    return objection


def objection_refuse(*, actor, objection, reason: str):
    return objection_accept(actor=actor, objection=objection, reason=reason, accept=False)


@transaction.atomic
def objection_decide(
    *, actor, objection, outcome: str, reason: str, corrections: dict | None = None, corrected_by: str = ""
):
    """维持, 更正 (through the credit service; the old values stay in the audit) or 撤销 (the grade follows).
    A record a decision produced is corrected through that decision (credit.record_producers)."""
    objection = _objection_for_update(actor, objection)
    if objection.state != ObjectionState.ACCEPTED:
        raise ValidationError(f"异议须先受理才能办结（当前：{objection.get_state_display()}）")
    if not reason.strip():
        raise ValidationError({"reason": "须写明处理理由"})
    if outcome not in ObjectionOutcome.values:
        raise ValidationError({"outcome": "处理结果只能是：维持、更正、撤销"})
    note = f"异议 {objection.tracking_no}：{reason.strip()}"
    if outcome == ObjectionOutcome.CORRECTED:
        if objection.record is None:
            raise ValidationError({"outcome": "名单记录不能“更正”：请选择维持或撤销（撤销即移出名单）"})
        if problem := record_producers.correction_problem(objection.record, corrected_by):
            raise ValidationError({"outcome": problem})
        unknown = sorted(set(corrections or {}) - set(CORRECTABLE_FIELDS))
        if not corrected_by and (not corrections or unknown):
            raise ValidationError(
                {
                    "corrections": "更正须给出要更正的字段，可更正："
                    + "、".join(RECORD_FIELD_LABELS[f] for f in CORRECTABLE_FIELDS)
                }
            )
        if not corrected_by:  # else the changed decision's own record has replaced this one
            record = objection.record
            current = {name: getattr(record, name) for name in RECORD_INPUT_FIELDS if name != "uscc"}
            current["uscc"] = record.entity_id
            credit_records_push(actor=actor, department=record.department, records=[{**current, **corrections}])
    elif outcome == ObjectionOutcome.REVOKED:
        if objection.record is not None:
            credit_record_revoke(actor=actor, record=objection.record, reason=note[:300])
        else:
            list_entry_remove(
                actor=actor, entry=objection.list_entry, reason=RemovalReason.DECISION_REVOKED, note=note[:300]
            )
    before = public_snapshot(objection)
    reason = f"{reason.strip()}（已通过变更决定 {corrected_by} 更正）" if corrected_by else reason
    objection.state, objection.outcome, objection.outcome_reason, objection.decided_at = (
        ObjectionState.DECIDED,
        outcome,
        reason.strip(),
        timezone.now(),
    )
    objection.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    objection.save(update_fields=["state", "outcome", "outcome_reason", "decided_at", "handled_by"])
    audit.record(
        actor=actor,
        action=f"objection.decide.{outcome}",
        target=objection,
        before=before,
        after=public_snapshot(objection),
    )
    return objection
