"""Credit commitments (信用承诺): made, fulfilled or broken; each result becomes a credit record."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.filings import new_tracking, query_code_digest
from credit.choices import (
    CommitmentState,
    CommitmentType,
    Polarity,
    RecordCategory,
    Severity,
)
from credit.models import (
    CreditCommitment,
    CreditRecord,
)
from credit.services.filings import check_deciding_department, public_snapshot, require_fields
from credit.services.list_exits import good_standing_problem
from credit.services.lists import _entity
from credit.services.records import (
    credit_record_save,
)

# --- commitments (信用承诺) ----------------------------------------------------------------------

COMMITMENT_RULES = {
    # type: (what "matter" must name, or None; record required; longest term in months; severity if broken)
    "approval_substitute": ("审批替代型承诺须写明所办理的审批事项（告知承诺制）", False, 12, Severity.GENERAL),
    "voluntary": (None, False, 36, Severity.MINOR),
    "repair": (None, True, 12, Severity.GENERAL),
    "self_discipline": ("行业自律型承诺须写明行业组织名称", False, 36, Severity.MINOR),
}
COMMITMENT_TEMPLATES = {
    "approval_substitute": "本单位已知晓办理“{matter}”的全部条件、标准和要求，承诺所提交材料真实有效、符合条件，"
    "并于{due_on}前补齐全部材料。如有不实或未按期履行，愿意承担撤销审批决定、记入信用记录等法律责任。",
    "voluntary": "本单位自愿承诺：依法诚信经营，按时公示年度报告和即时信息，产品和服务符合国家标准，接受社会监督。"
    "如违反承诺，愿意接受相应的信用约束。",
    "repair": "本单位已履行行政处罚等相关义务，纠正了失信行为。承诺今后依法诚信经营，不再发生同类违法失信行为；"
    "如违反承诺，愿意接受撤销修复决定、重新公示等信用约束。",
    "self_discipline": "本单位作为“{matter}”会员，承诺遵守行业自律公约和服务规范，不以虚假宣传、不正当竞争等方式损害消费者权益。"
    "如违反承诺，愿意接受行业组织的自律惩戒并记入信用记录。",
}


@transaction.atomic
def commitment_make(
    *,
    actor,
    entity_uscc: str,
    commitment_type: str,
    department,
    content: str,
    signatory: str,
    due_on: dt.date,
    made_on: dt.date | None = None,
    matter: str = "",
    related_record: CreditRecord | None = None,
    contact_phone: str = "",
    channel: str = "web",
):
    """Make a commitment (public site or official entry). Returns ``(commitment, query_code)``."""
    made_on = made_on or timezone.localdate()
    errors = {}
    if commitment_type not in COMMITMENT_RULES:
        errors["commitment_type"] = "承诺类型无效，可选：" + "、".join(
            str(label) for _, label in CommitmentType.choices
        )
        raise ValidationError(errors)
    matter_rule, record_required, max_months, _severity = COMMITMENT_RULES[commitment_type]
    entity = _entity(entity_uscc)
    require_fields(errors, content=content, signatory=signatory)
    if matter_rule and not matter.strip():
        errors["matter"] = matter_rule
    if record_required and related_record is None:
        errors["related_record"] = "信用修复型承诺须指明所修复的信用记录"
    if related_record is not None and related_record.entity_id != entity.uscc:
        errors["related_record"] = "所修复的信用记录不属于该主体"
    if commitment_type == CommitmentType.APPROVAL_SUBSTITUTE and (problem := good_standing_problem(entity.uscc)):
        errors["entity"] = problem  # seed 004 §1: 容缺受理 only for applicants 「信用状况较好」
    if due_on < made_on:
        errors["due_on"] = f"履约期限 {due_on} 不能早于作出日期 {made_on}"
    elif due_on > made_on + relativedelta(months=max_months):
        latest = made_on + relativedelta(months=max_months)
        errors["due_on"] = (
            f"{dict(CommitmentType.choices)[commitment_type]}承诺的履约期限最长 {max_months} 个月（至 {latest}）"
        )
    if errors:
        raise ValidationError(errors)
    number, code = new_tracking(CreditCommitment, "CN")
    commitment = CreditCommitment.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, code),
        entity=entity,
        commitment_type=commitment_type,
        department=department,
        content=content.strip(),
        matter=matter.strip(),
        related_record=related_record,
        signatory=signatory.strip(),
        contact_phone=contact_phone.strip(),
        made_on=made_on,
        due_on=due_on,
        channel=channel,
    )
    audit.record(actor=actor, action="commitment.make", target=commitment, after=public_snapshot(commitment))
    return commitment, code


def _commitment_resolve(*, actor, commitment, state: str, resolved_on: dt.date, note: str, evidence=None):
    commitment = CreditCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.state != CommitmentState.IN_PROGRESS:
        raise ValidationError(f"该承诺已认定为“{commitment.get_state_display()}”")
    if resolved_on < commitment.made_on:
        raise ValidationError({"resolved_on": "认定日期不能早于承诺作出日期"})
    if resolved_on > timezone.localdate():
        raise ValidationError({"resolved_on": "认定日期不能晚于今天"})
    check_deciding_department(actor, commitment.department)
    broken = state == CommitmentState.BROKEN
    if broken and not note.strip():
        raise ValidationError({"note": "认定违诺须写明事实和理由"})
    before = public_snapshot(commitment)
    label = commitment.get_commitment_type_display()
    # A fulfilled commitment is a positive record, a broken one a negative record (DOMAIN §3).
    data = {
        "source_ref": f"{'承诺违诺' if broken else '承诺履约'}-{commitment.tracking_no}",
        "uscc": commitment.entity_id,
        "category": RecordCategory.COMMITMENT,
        "decided_on": resolved_on,
        "polarity": Polarity.NEGATIVE if broken else Polarity.POSITIVE,
        "severity": COMMITMENT_RULES[commitment.commitment_type][3] if broken else "",
        "title": f"{'违反' if broken else '履行'}{label}信用承诺",
        "content": (note.strip() + "\n" if note.strip() else "") + f"承诺内容：{commitment.content}",
        "legal_basis": "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》（国办发〔2019〕35号）",
    }
    record = credit_record_save(actor=actor, department=commitment.department, **data)
    commitment.state, commitment.resolved_on, commitment.resolution_note, commitment.result_record = (
        state,
        resolved_on,
        note.strip()[:500],
        record,
    )
    fields = ["state", "resolved_on", "resolution_note", "result_record"]
    if evidence is not None:
        commitment.evidence = evidence
        fields.append("evidence")
    commitment.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=f"commitment.{'break' if broken else 'fulfil'}",
        target=commitment,
        before=before,
        after=public_snapshot(commitment),
    )
    return commitment


@transaction.atomic
def commitment_fulfil(*, actor, commitment, resolved_on: dt.date | None = None, note: str = "", evidence=None):
    return _commitment_resolve(
        actor=actor,
        commitment=commitment,
        state=CommitmentState.FULFILLED,
        resolved_on=resolved_on or timezone.localdate(),
        note=note,
        evidence=evidence,
    )


@transaction.atomic
def commitment_break(*, actor, commitment, note: str, resolved_on: dt.date | None = None):
    return _commitment_resolve(
        actor=actor,
        commitment=commitment,
        state=CommitmentState.BROKEN,
        resolved_on=resolved_on or timezone.localdate(),
        note=note,
    )
