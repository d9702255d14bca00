"""Writes of the credit app. Keyword-only; each owns its transaction and writes its audit event.

Records come in three ways (API push, admin entry, file import) and all of them end in
``credit_records_push``: one validator, one upsert, one audit event per batch, one re-evaluation
enqueued on commit.
"""

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone

from core import audit, uscc
from core.query_codes import filing_lookup, new_tracking, query_code_digest  # noqa: F401 - filing_lookup is part of this API
from credit import acts, record_producers, record_upsert, regrade
from credit.choices import (
    LIST_GROUNDS,
    ListGround,
    ListType,
    Polarity,
    ProposalState,
    RecordCategory,
    RecordState,
    RemovalReason,
    Severity,
    WarningState,
)
from credit.models import (
    CreditCheck,
    CreditRecord,
    EntityCredit,
    EvaluationModel,
    GradeBand,
    JointMeasure,
    ListEntry,
    ListProposal,
    PublicityRule,
    RiskWarning,
)
from credit.record_upsert import RecordsInvalid  # part of this module's API (services.RecordsInvalid)
from supervision.choices import DeadlineKind
from supervision.deadlines import due
from supervision.models import MarketEntity

MAX_PUSH = 5000  # API.md: at most 5000 records a call
MAX_CHECK = 1000  # API.md: 1 to 1000 codes a check
SERIOUS_EARLY_REMOVAL_YEARS = 1  # DOMAIN §3: early removal from the serious list after 1 year
SERIOUS_LIST_YEARS = 3  # 市场监督管理严重违法失信名单管理办法: removed when 3 years have passed
ABNORMAL_TO_SERIOUS_YEARS = 3  # DOMAIN §3: after 3 years on the abnormal list → serious list


# --- publicity windows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    published: bool
    ends_on: dt.date
    repairable_from: dt.date


def publicity_rule_in_force(day: dt.date) -> PublicityRule:
    rule = PublicityRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rule or PublicityRule.objects.order_by("effective_from").first()


def publicity_window(*, rule: PublicityRule, polarity: str, severity: str, decided_on: dt.date, restriction_ends_on: dt.date | None = None) -> Window:
    """The publicity window of a fact (NDRC 《信用修复管理办法》, DOMAIN §3), from its decision date.

    轻微: not published unless the rule says so, at most 3 months, repairable at once when the
    obligations are met. 一般: 3 months to 1 year. 严重: 1 to 3 years. Publication stops at the
    maximum; repair can be applied for after the minimum. A restriction that lasts longer keeps
    the fact public until it ends (市场监管总局令第45号).
    """
    months = lambda n: decided_on + relativedelta(months=n)  # noqa: E731
    if polarity != Polarity.NEGATIVE:
        window = Window(True, months(rule.other_months), decided_on)
    elif severity == Severity.MINOR:
        window = Window(rule.minor_published, months(rule.minor_max_months), decided_on)
    elif severity == Severity.GENERAL:
        window = Window(True, months(rule.general_max_months), months(rule.general_min_months))
    else:
        window = Window(True, months(rule.serious_max_months), months(rule.serious_min_months))
    if restriction_ends_on and restriction_ends_on > window.ends_on:
        window = Window(window.published, restriction_ends_on, window.repairable_from)
    return window


# --- record input -------------------------------------------------------------------------------

RECORD_INPUT_FIELDS = (
    "source_ref", "uscc", "category", "polarity", "severity", "title", "content",
    "decided_on", "legal_basis", "amount", "restriction_ends_on", "penalty_types",
)
REQUIRED = ("source_ref", "uscc", "category", "polarity", "title", "decided_on")
_FIELD_LABELS = {
    "source_ref": "来源编号", "uscc": "统一社会信用代码", "category": "信息类别", "polarity": "性质", "severity": "失信程度",
    "title": "标题", "content": "内容", "decided_on": "决定日期", "legal_basis": "依据", "amount": "金额",
    "restriction_ends_on": "限制期限届满日", "penalty_types": "处罚种类",
}


def _choice(value, choices) -> str | None:
    """A choice given by its code or its Chinese label."""
    text = str(value).strip()
    for code, label in choices:
        if text in (code, str(label)):
            return code
    return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if not m:
        return None
    try:
        return dt.date(*map(int, m.groups()))
    except ValueError:
        return None


def _penalty_types(value, index, errors) -> list[str]:
    """行政处罚法 第9条 kinds, as a list or a "、"/","-separated text of codes or Chinese labels."""
    from credit.choices import PenaltyType

    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[、,，;；\s]+", str(value))
    codes = []
    for item in items:
        if not str(item).strip():
            continue
        code = _choice(item, PenaltyType.choices)
        if code is None:
            errors.add(index, "penalty_types", f"处罚种类“{item}”无效，应为行政处罚法第9条所列种类，如：警告、罚款、吊销许可证件")
        elif code not in codes:
            codes.append(code)
    return codes


@dataclass
class RecordErrors:
    """Errors of a batch: one item per problem, with ``index`` (0-based), ``attr`` and ``detail``."""

    items: list = field(default_factory=list)

    def add(self, index, attr, detail, code="invalid"):
        self.items.append({"index": index, "attr": attr, "code": code, "detail": detail})

    def __bool__(self):
        return bool(self.items)


def clean_record(raw: dict, index: int, errors: RecordErrors, today: dt.date) -> dict | None:
    """Validate one record as pushed (codes or Chinese labels); errors name the field in Chinese."""
    if not isinstance(raw, dict):
        errors.add(index, None, "每条记录应为一个对象")
        return None
    before = len(errors.items)
    data = {}
    for name in RECORD_INPUT_FIELDS:
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        data[name] = None if value in (None, "") else value
    for name in REQUIRED:
        if data[name] is None:
            errors.add(index, name, f"{_FIELD_LABELS[name]}为必填项", "required")
    if data["uscc"] is not None:
        code = uscc.normalize(data["uscc"])
        problem = uscc.problems(code)
        if problem and not uscc.is_verified_exception(code):
            errors.add(index, "uscc", problem)
        data["uscc"] = code
    if data["source_ref"] is not None and len(str(data["source_ref"])) > 100:
        errors.add(index, "source_ref", "来源编号不能超过100个字符")
    if data["title"] is not None and len(str(data["title"])) > 200:
        errors.add(index, "title", "标题不能超过200个字符")
    for name, choices in (("category", RecordCategory.choices), ("polarity", Polarity.choices)):
        if data[name] is not None:
            code = _choice(data[name], choices)
            if code is None:
                allowed = "、".join(f"{c}（{label}）" for c, label in choices)
                errors.add(index, name, f"{_FIELD_LABELS[name]}“{data[name]}”无效，可选：{allowed}")
            data[name] = code
    if data["severity"] is not None:
        code = _choice(data["severity"], Severity.choices)
        if code is None:
            errors.add(index, "severity", f"失信程度“{data['severity']}”无效，可选：minor（轻微）、general（一般）、serious（严重）")
        data["severity"] = code
    act = acts.record_problems(data["category"], data["polarity"], data["severity"])  # issue 12 §2: acts are never negative
    for attr, detail in act:
        errors.add(index, attr, detail)
    if not act and data["polarity"] == Polarity.NEGATIVE and data["severity"] is None and not any(e["attr"] == "severity" for e in errors.items[before:]):
        errors.add(index, "severity", "负面信息须注明失信程度（轻微、一般或严重）", "required")
    if not act and data["polarity"] in (Polarity.POSITIVE, Polarity.NEUTRAL) and data["severity"]:
        errors.add(index, "severity", "正面或中性信息不填写失信程度")
    for name in ("decided_on", "restriction_ends_on"):
        if data[name] is not None:
            day = _date(data[name])
            if day is None:
                errors.add(index, name, f"{_FIELD_LABELS[name]}“{data[name]}”格式无效，应为 YYYY-MM-DD")
            data[name] = day
    if isinstance(data["decided_on"], dt.date) and data["decided_on"] > today:
        errors.add(index, "decided_on", f"决定日期 {data['decided_on']} 晚于今天")
    if data["amount"] is not None:
        try:
            amount = Decimal(str(data["amount"]).replace(",", ""))
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e14"):
                raise InvalidOperation
            data["amount"] = amount
        except InvalidOperation:
            errors.add(index, "amount", f"金额“{data['amount']}”无效，应为不小于0、最多两位小数的元数，如 \"50000.00\"")
    data["penalty_types"] = _penalty_types(data["penalty_types"], index, errors)
    data["severity"] = data["severity"] or ""
    for name in ("content", "legal_basis"):
        data[name] = str(data[name]) if data[name] is not None else ""
    data["source_ref"] = str(data["source_ref"]) if data["source_ref"] is not None else None
    data["title"] = str(data["title"]) if data["title"] is not None else None
    return None if len(errors.items) > before else data


# Import templates carry this prefix in their example rows (credit.imports.EXAMPLE_REF).
EXAMPLE_REF_PREFIX = "示例"


def clean_records(raws, today: dt.date | None = None) -> tuple[list[dict], RecordErrors]:
    today = today or timezone.localdate()
    errors = RecordErrors()
    if not isinstance(raws, list) or not raws:
        errors.add(None, "records", "records 应为包含 1 至 5000 条记录的数组", "required")
        return [], errors
    if len(raws) > MAX_PUSH:
        errors.add(None, "records", f"一次最多推送 {MAX_PUSH} 条记录，本次 {len(raws)} 条", "max_length")
        return [], errors
    cleaned, seen = [], {}
    for i, raw in enumerate(raws):
        data = clean_record(raw, i, errors, today)
        if data is None:
            continue
        if data["source_ref"] in seen:
            # Both indexes are named: which of the two should win is not ours to guess (issue 11).
            errors.add(i, "source_ref", f"来源编号“{data['source_ref']}”在本批中重复：index {seen[data['source_ref']]} 与 index {i}", "unique")
            continue
        seen[data["source_ref"]] = i
        if data["source_ref"].startswith(EXAMPLE_REF_PREFIX):
            # An import template's example row left in a file once moved a real penalty (issue 11):
            # no path (API, form, import) takes a reference that marks itself as an example.
            errors.add(i, "source_ref", f"来源编号“{data['source_ref']}”是导入模板的示例，不是真实记录：请删除该行或改用真实的来源编号", "example_row")
            continue
        cleaned.append(data)
    return cleaned, errors


# --- record writes (the SQL of a push: credit.record_upsert) -------------------------------------


@dataclass
class PushResult:
    created: int
    updated: int
    unchanged: int
    usccs: list


_pending = threading.local()


def _send_evaluations(codes: list[str]) -> None:
    """The fast path; never raises (``regrade.publish``): the marks keep the work if it fails."""
    from credit.tasks import evaluate_entities

    for i in range(0, len(codes), 1000):
        if not regrade.publish(evaluate_entities, codes[i : i + 1000]):
            return  # the broker is down: don't wait on it again for the other chunks


def _flush_pending() -> None:
    codes, _pending.codes = sorted(getattr(_pending, "codes", None) or ()), None
    _send_evaluations(codes)


def enqueue_evaluation(usccs) -> None:
    """Re-grade these entities after the transaction commits (the worker does it within a minute).

    Codes collected in one transaction go out together, in tasks of up to 1000 codes, so a roster
    import of 100,000 rows sends 100 tasks, not 100,000. First, in the caller's transaction, the
    entities are marked (``regrade.regrade_mark``): if the task is never queued or never runs, the
    beat job and the nightly scan re-grade them (issue 11).
    """
    codes = {c for c in usccs if c}
    if not codes:
        return
    regrade.regrade_mark(codes)
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _send_evaluations(sorted(codes))
        return
    if not any(func is _flush_pending for _, func, _ in conn.run_on_commit):
        _pending.codes = set()  # a rolled-back transaction's codes are dropped with its callback
        transaction.on_commit(_flush_pending)
    _pending.codes |= codes


@transaction.atomic
def credit_records_push(*, actor, department, records: list) -> PushResult:
    """Create or update records by ``(department, source_ref)``: all of them, or none.

    Raises ``ValidationError`` with ``RecordErrors.items`` (index, attr, detail) when any item is
    invalid. Re-sending a record updates it and never duplicates it; an identical resend is
    ``unchanged`` and writes nothing (API.md). A resend naming another ``uscc`` refuses the batch
    (``subject_changed``); the same ``source_ref`` twice in one batch refuses it too (``unique``,
    naming both indexes), since which one should win is not ours to guess. Counts and the audit's
    before-values are exact under concurrent pushes (``record_upsert``).
    """
    today = timezone.localdate()
    cleaned, errors = clean_records(records, today)
    if errors:
        raise RecordsInvalid(errors.items)
    now = timezone.now()
    rules = {}
    rows = []
    for data in cleaned:
        rule = rules.get(data["decided_on"]) or rules.setdefault(data["decided_on"], publicity_rule_in_force(data["decided_on"]))
        window = publicity_window(
            rule=rule, polarity=data["polarity"], severity=data["severity"], decided_on=data["decided_on"], restriction_ends_on=data["restriction_ends_on"]
        )
        rows.append({
            **{k: data[k] for k in RECORD_INPUT_FIELDS},
            "department_id": department.pk,
            "published": window.published,
            "publicity_ends_on": window.ends_on,
            "repairable_from": window.repairable_from,
            "publicity_rule_id": rule.pk,
        })
    written = record_upsert.upsert(department=department, rows=rows, now=now, today=today)
    if written.created or written.updated:
        audit.record(
            actor=actor,
            action="credit_record.push",
            target=("credit.creditrecord", f"{department.code}:batch"),
            target_label=f"{department.name} 推送信用记录 {len(written.created) + len(written.updated)} 条",
            before=written.before or None,
            after={"created": written.created, "updated": written.updated},
        )
    changed = set(written.created) | set(written.updated)
    affected = {r["uscc"] for r in rows if r["source_ref"] in changed}  # a resend never changes the uscc (record_upsert)
    if changed:
        from credit.signals import records_pushed

        records_pushed.send(sender=CreditRecord, department=department, source_refs=sorted(changed), actor=actor)
    enqueue_evaluation(affected)
    return PushResult(len(written.created), len(written.updated), written.unchanged, sorted(affected))


def credit_record_save(*, actor, department, **fields) -> CreditRecord:
    """One record (admin entry): the same path as a push of one."""
    credit_records_push(actor=actor, department=department, records=[fields])
    return CreditRecord.objects.get(department=department, source_ref=str(fields["source_ref"]).strip())


def _set_state(*, actor, record: CreditRecord, state: str, reason: str, action: str) -> CreditRecord:
    before = {"state": record.state, "state_reason": record.state_reason}
    record.state, record.state_reason = state, reason
    record.save(update_fields=["state", "state_reason", "updated_at"])
    audit.record(actor=actor, action=action, target=record, before=before, after={"state": state, "state_reason": reason})
    from credit.signals import record_state_changed

    record_state_changed.send(sender=CreditRecord, record=record, state=state, reason=reason, actor=actor)
    from credit.list_exits import removal_propose_for_record  # DOMAIN §3: a list entry resting on it gets a removal proposal

    removal_propose_for_record(actor=actor, record=record, state=state, reason=reason)
    # A repaired or revoked record must leave every public page at once, the grade's reasons included:
    # re-grade this one entity now (set-based, milliseconds) rather than within the minute.
    from credit.evaluation import evaluate

    evaluate([record.entity_id])
    return record


@transaction.atomic
def credit_record_revoke(*, actor, record: CreditRecord, reason: str) -> CreditRecord:
    """撤销: the deciding department withdraws the fact; it leaves every public view and the grade."""
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if not reason.strip():
        raise ValidationError({"reason": "撤销须说明理由"})
    if record.state == RecordState.REVOKED:
        raise ValidationError("该记录已撤销")
    return _set_state(actor=actor, record=record, state=RecordState.REVOKED, reason=reason.strip(), action="credit_record.revoke")


@transaction.atomic
def credit_records_expire(*, actor, today: dt.date | None = None) -> int:
    """End publication of every active record whose window has closed (one UPDATE)."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE credit_creditrecord SET state = 'expired', state_reason = '公示期满', updated_at = now() "
            "WHERE state = 'active' AND publicity_ends_on < %s RETURNING uscc",
            [today],
        )
        usccs = sorted({row[0] for row in cursor.fetchall()})
    if usccs:
        audit.record(actor=actor, action="credit_record.expire", target=("credit.creditrecord", f"expire:{today}"),
                     target_label=f"{today} 公示期满记录 {len(usccs)} 个主体", after={"day": today, "entities": len(usccs)})
    return len(usccs)


# --- lists --------------------------------------------------------------------------------------


def _entity(code: str) -> MarketEntity:
    code = uscc.normalize(code)
    entity = MarketEntity.objects.filter(uscc=code).first()
    if entity is None:
        raise ValidationError({"entity": f"名录库中没有统一社会信用代码为 {code} 的市场主体"})
    return entity


@transaction.atomic
def list_entry_add(
    *, actor, entity_uscc: str, list_type: str, ground: str, legal_basis: str, department, decided_on: dt.date,
    listed_on: dt.date | None = None, notice_on: dt.date | None = None, ground_established_on: dt.date | None = None,
    facts: str = "", decision_no: str = "", source_entry: ListEntry | None = None, basis_record: CreditRecord | None = None,
) -> ListEntry:
    """List an entity, enforcing DOMAIN §3 for the list type."""
    entity = _entity(entity_uscc)
    listed_on = listed_on or decided_on
    errors = {}
    if ground not in LIST_GROUNDS[ListType(list_type)]:
        allowed = "、".join(str(ListGround(g).label) for g in LIST_GROUNDS[ListType(list_type)])
        errors["ground"] = f"{ListType(list_type).label}的列入事由只能是：{allowed}"
    if not legal_basis.strip():
        errors["legal_basis"] = "须写明法律依据"
    if listed_on < decided_on:
        errors["listed_on"] = "列入日期不能早于决定日期"
    if list_type == ListType.SERIOUS:
        # 严重违法失信名单: prior notice and a chance to be heard (陈述、申辩) before the decision.
        if notice_on is None:
            errors["notice_on"] = "列入严重违法失信名单前须事先告知当事人并听取陈述、申辩：请填写告知日期"
        elif notice_on >= decided_on:
            errors["notice_on"] = f"告知日期 {notice_on} 须早于决定日期 {decided_on}（先告知、后决定）"
    if list_type == ListType.ABNORMAL:
        if ground_established_on is None:
            errors["ground_established_on"] = "列入经营异常名录须填写事由认定日期"
        elif ground_established_on > listed_on:
            errors["ground_established_on"] = "事由认定日期不能晚于列入日期"
    if ListEntry.objects.filter(entity=entity, list_type=list_type, removed_on__isnull=True).exists():
        errors["list_type"] = f"该主体已在{ListType(list_type).label}中"
    if errors:
        raise ValidationError(errors)
    entry = ListEntry.objects.create(
        entity=entity, list_type=list_type, ground=ground, legal_basis=legal_basis.strip(), department=department, decided_on=decided_on,
        listed_on=listed_on, notice_on=notice_on, ground_established_on=ground_established_on, facts=facts, decision_no=decision_no,
        source_entry=source_entry, basis_record=basis_record,
    )
    after = audit.snapshot(entry)
    if list_type == ListType.ABNORMAL:
        # DOMAIN §3: within the listing deadline (national default 10 working days) of the ground; a late listing is kept, and shown.
        deadline = due(DeadlineKind.ABNORMAL_LISTING, ground_established_on, department=department)
        after["listing_deadline"], after["listing_rule"] = str(deadline), deadline.rule.citation
        after["listed_late"] = listed_on > deadline.date
    audit.record(actor=actor, action="list_entry.add", target=entry, after=after)
    enqueue_evaluation([entity.uscc])
    return entry


def removal_problem(entry: ListEntry, reason: str, removed_on: dt.date) -> str | None:
    """Why ``entry`` may not be removed for ``reason`` on ``removed_on`` (DOMAIN §3), or None."""
    if reason in (RemovalReason.DECISION_REVOKED, RemovalReason.BASIS_WITHDRAWN):
        return None
    if entry.list_type == ListType.SERIOUS:
        if reason == RemovalReason.EARLY_REMOVAL:
            earliest = entry.listed_on + relativedelta(years=SERIOUS_EARLY_REMOVAL_YEARS)
            if removed_on < earliest:
                return f"严重违法失信名单列入满1年后方可申请提前移出：最早 {earliest}"
            return None
        if reason == RemovalReason.PERIOD_ENDED:
            ends = entry.listed_on + relativedelta(years=SERIOUS_LIST_YEARS)
            return None if removed_on >= ends else f"严重违法失信名单列入期限3年，届满日为 {ends}"
        return "严重违法失信名单只能因列入满1年提前移出、期限届满或决定被撤销而移出"
    if reason == RemovalReason.EARLY_REMOVAL:
        return "“提前移出”仅适用于严重违法失信名单"
    if reason == RemovalReason.MOVED_TO_SERIOUS and entry.list_type != ListType.ABNORMAL:
        return "只有经营异常名录可转列严重违法失信名单"
    return None


@transaction.atomic
def list_entry_remove(
    *, actor, entry: ListEntry, reason: str, removed_on: dt.date | None = None, note: str = "", duty_fulfilled_on: dt.date | None = None
) -> ListEntry:
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    removed_on = removed_on or timezone.localdate()
    if entry.removed_on is not None:
        raise ValidationError("该名单记录已移出")
    if removed_on < entry.listed_on:
        raise ValidationError({"removed_on": "移出日期不能早于列入日期"})
    problem = removal_problem(entry, reason, removed_on)
    if problem:
        raise ValidationError({"reason": problem})
    before = audit.snapshot(entry)
    entry.removed_on, entry.removal_reason, entry.removal_note = removed_on, reason, note
    entry.save(update_fields=["removed_on", "removal_reason", "removal_note"])
    after = audit.snapshot(entry)
    if entry.list_type == ListType.ABNORMAL and duty_fulfilled_on:
        # DOMAIN §3: removed within the removal deadline (national default 5 working days) after the duty is fulfilled.
        deadline = due(DeadlineKind.ABNORMAL_REMOVAL, duty_fulfilled_on, department=entry.department_id)
        after.update(duty_fulfilled_on=str(duty_fulfilled_on), removal_deadline=str(deadline), removed_late=removed_on > deadline.date,
                     removal_rule=deadline.rule.citation)
    audit.record(actor=actor, action="list_entry.remove", target=entry, before=before, after=after)
    from credit.evaluation import evaluate

    evaluate([entry.entity_id])  # the listing leaves the public reasons at once
    return entry


@transaction.atomic
def list_proposal_raise(*, actor, entity_uscc: str, list_type: str, ground: str, department, source_ref: str, reason: str) -> ListProposal:
    """Another module proposes a listing for an official to confirm (e.g. an inspection found the
    entity unreachable → 经营异常名录, DOMAIN §4). Raising the same proposal twice is a no-op."""
    entity = _entity(entity_uscc)
    if ground not in LIST_GROUNDS[ListType(list_type)]:
        raise ValidationError({"ground": f"{ListType(list_type).label}的列入事由不能是“{ListGround(ground).label}”"})
    proposal, created = ListProposal.objects.get_or_create(
        source_ref=source_ref, list_type=list_type,
        defaults={"entity": entity, "ground": ground, "department": department, "reason": reason[:500]},
    )
    if created:
        audit.record(actor=actor, action="list_proposal.raise", target=proposal, after=audit.snapshot(proposal))
    return proposal


@transaction.atomic
def list_proposal_confirm(*, actor, proposal: ListProposal, notice_on: dt.date, decided_on: dt.date, legal_basis: str, decision_no: str = "") -> ListEntry:
    """An official confirms moving an entity abnormal for 3 years to the serious list."""
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError("该建议已处理")
    source = proposal.source_entry
    facts = f"列入经营异常名录（{source.listed_on} 起）届满3年仍未履行相关义务" if source else proposal.reason
    entry = list_entry_add(
        actor=actor, entity_uscc=proposal.entity_id, list_type=proposal.list_type, ground=proposal.ground, legal_basis=legal_basis,
        department=proposal.department, decided_on=decided_on, notice_on=notice_on, decision_no=decision_no, source_entry=source,
        facts=facts, ground_established_on=proposal.created_at.date() if proposal.list_type == ListType.ABNORMAL else None,
    )
    if source is not None and source.removed_on is None:
        list_entry_remove(actor=actor, entry=source, reason=RemovalReason.MOVED_TO_SERIOUS, removed_on=decided_on, note="转列严重违法失信名单")
    proposal.state, proposal.decided_by, proposal.decided_at, proposal.result_entry = (
        ProposalState.CONFIRMED, getattr(actor, "pk", None) and actor, timezone.now(), entry)
    proposal.save(update_fields=["state", "decided_by", "decided_at", "result_entry"])
    audit.record(actor=actor, action="list_proposal.confirm", target=proposal, after={"entry": entry.pk})
    return entry


@transaction.atomic
def list_proposal_dismiss(*, actor, proposal: ListProposal, reason: str) -> ListProposal:
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError("该建议已处理")
    if not reason.strip():
        raise ValidationError({"reason": "不予列入须说明理由"})
    proposal.state, proposal.decided_at = ProposalState.DISMISSED, timezone.now()
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(actor=actor, action="list_proposal.dismiss", target=proposal, after={"reason": reason})
    return proposal


# --- evaluation model ---------------------------------------------------------------------------


def bands_problem(bands: list[dict]) -> str | None:
    """Bands must cover 0–1000 without gaps or overlaps, worse grades lower (DOMAIN §3 order)."""
    from credit.choices import GRADE_ORDER

    by_grade = {b["grade"]: b for b in bands}
    if set(by_grade) != {g.value for g in GRADE_ORDER}:
        return "须为四个等级（良好、警示、失信、严重失信）各设一个分数段"
    expected_min = 0
    for grade in GRADE_ORDER:
        band = by_grade[grade.value]
        if int(band["score_min"]) != expected_min or int(band["score_max"]) < int(band["score_min"]):
            return f"分数段须从 0 连续覆盖到 1000，且按 严重失信 < 失信 < 警示 < 良好 排列：“{band['label']}”应从 {expected_min} 分开始"
        expected_min = int(band["score_max"]) + 1
    if expected_min != 1001:
        return "“良好”的分数上限须为 1000"
    return None


@transaction.atomic
def evaluation_model_create(*, actor, effective_from: dt.date, bands: list[dict], weights: dict | None = None, note: str = "") -> EvaluationModel:
    """A new version of the evaluation model (an edit never changes a past version)."""
    from credit.evaluation import DEFAULT_WEIGHTS

    problem = bands_problem(bands)
    if problem:
        raise ValidationError({"bands": problem})
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    bad = [k for k, v in weights.items() if k not in DEFAULT_WEIGHTS or not isinstance(v, int) or v < 0]
    if bad:
        raise ValidationError({"weights": f"权重须为非负整数，且只能是：{'、'.join(DEFAULT_WEIGHTS)}；有误：{'、'.join(bad)}"})
    if EvaluationModel.objects.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": f"{effective_from} 已有生效的模型版本，请另选生效日期"})
    number = (EvaluationModel.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    model = EvaluationModel.objects.create(
        version=number, effective_from=effective_from, weights=weights, note=note, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    GradeBand.objects.bulk_create(
        GradeBand(model=model, **{k: b[k] for k in ("grade", "label", "colour", "score_min", "score_max")}, description=b.get("description", ""))
        for b in bands
    )
    audit.record(
        actor=actor, action="evaluation_model.create", target=model,
        after={"version": number, "effective_from": effective_from, "bands": bands, "weights": weights},
    )
    return model


# --- checks (逢办必查) ---------------------------------------------------------------------------


@dataclass
class CheckResult:
    checked_at: dt.datetime
    results: list


def credit_check(*, department, usccs, purpose, client=None, user=None) -> CheckResult:
    """Check 1–1000 codes: grade, active lists and the measures that apply now; log every code."""
    from credit.evaluation import evaluate, grade_display

    errors = RecordErrors()
    if not isinstance(purpose, str) or not purpose.strip():
        errors.add(None, "purpose", "purpose（办理事项）为必填项，将记入查询日志", "required")
    elif len(purpose.strip()) > 200:
        errors.add(None, "purpose", "purpose（办理事项）不能超过200个字符")
    if not isinstance(usccs, list) or not usccs:
        errors.add(None, "usccs", f"usccs 应为包含 1 至 {MAX_CHECK} 个统一社会信用代码的数组", "required")
    elif len(usccs) > MAX_CHECK:
        errors.add(None, "usccs", f"一次最多核查 {MAX_CHECK} 个代码，本次 {len(usccs)} 个", "max_length")
    codes = []
    if not errors:
        for i, raw in enumerate(usccs):
            code = uscc.normalize(raw) if isinstance(raw, str) else ""
            problem = uscc.problems(code) if code else "统一社会信用代码为空或不是字符串"
            if problem and not (code and uscc.is_verified_exception(code)):
                errors.add(i, "usccs", problem)
            codes.append(code)
    if errors:
        raise RecordsInvalid(errors.items)
    unique = sorted(set(codes))
    names = dict(MarketEntity.objects.filter(uscc__in=unique).values_list("uscc", "name"))
    missing = [c for c in names if not EntityCredit.objects.filter(entity_id=c).exists()] if len(names) < 50 else None
    if missing is None:
        graded = set(EntityCredit.objects.filter(entity_id__in=list(names)).values_list("entity_id", flat=True))
        missing = [c for c in names if c not in graded]
    if missing:
        evaluate(missing)  # a new roster entity not graded yet: grade it now, set-based
    credits = {c.entity_id: c for c in EntityCredit.objects.filter(entity_id__in=list(names)).select_related("model")}
    bands = {}
    for c in credits.values():
        if c.model_id not in bands:
            bands[c.model_id] = c.model
    prefetch_related_objects(list(bands.values()), "bands")  # grade_display reads model.bands: once per model, not once per code
    lists = {}
    for entry in ListEntry.objects.filter(entity_id__in=list(names), removed_on__isnull=True).order_by("listed_on"):
        lists.setdefault(entry.entity_id, []).append(entry)
    measures = list(JointMeasure.objects.filter(active=True))
    now = timezone.now()
    results, logs = [], []
    for code in codes:
        found = code in names
        credit = credits.get(code)
        entries = lists.get(code, [])
        types = {e.list_type for e in entries}
        applying = [m for m in measures if types.intersection(m.list_types)]
        results.append({
            "uscc": code,
            "found": found,
            "name": names.get(code),
            "grade": grade_display(bands[credit.model_id], credit.grade) if credit else None,
            "lists": [{"list_type": e.list_type, "since": e.listed_on, "reason": e.get_ground_display()} for e in entries],
            "measures": [
                {"code": m.code, "name": m.name, "kind": m.kind, "legal_basis": m.legal_basis, "department": m.implementing_department} for m in applying
            ],
        })
        logs.append(CreditCheck(
            client=client, checked_by=user if getattr(user, "is_authenticated", False) else None, department=department, entity_id=code,
            purpose=purpose.strip(), found=found, grade=credit.grade if credit else "", measures=[m.code for m in applying], checked_at=now,
        ))
    CreditCheck.objects.bulk_create(logs, batch_size=1000)
    return CheckResult(now, results)


# --- warnings -----------------------------------------------------------------------------------


@transaction.atomic
def risk_warning_handle(*, actor, warning: RiskWarning, note: str = "") -> RiskWarning:
    warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.state == WarningState.HANDLED:
        return warning
    warning.state, warning.handled_at, warning.handling_note = WarningState.HANDLED, timezone.now(), note[:300]
    warning.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    warning.save(update_fields=["state", "handled_at", "handling_note", "handled_by"])
    audit.record(actor=actor, action="risk_warning.handle", target=warning, after={"state": warning.state, "note": note})
    return warning


@transaction.atomic
def simple_save(*, actor, obj, action: str, **fields):
    """Create or change a catalogue row (industry risk, joint measure); audited."""
    creating = obj.pk is None
    before = None if creating else audit.snapshot(type(obj).objects.get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, action=f"{action}.{'create' if creating else 'update'}", target=obj, before=before, after=audit.snapshot(obj))
    if action == "industry_risk":
        from credit.tasks import evaluate_all_entities

        regrade.regrade_mark_industries([obj.industry_prefix, (before or {}).get("industry_prefix")])
        transaction.on_commit(lambda: regrade.publish(evaluate_all_entities))
    return obj


# --- public filings (tracking number + query code: core.query_codes) ----------------------------


def _check_deciding_department(actor, department) -> None:
    """谁认定、谁修复: only the deciding department (or a platform administrator) decides."""
    from supervision.selectors import department_of, is_platform_admin

    if not getattr(actor, "is_authenticated", False) or is_platform_admin(actor):
        return  # tasks, tests and platform administrators
    if department_of(actor) != department:
        raise ValidationError(f"只有{department.name}可以作出决定（谁认定、谁修复）")


def _required(errors: dict, **values) -> None:
    labels = {"applicant_name": "申请人", "contact_phone": "联系电话", "reason": "理由", "content": "承诺内容", "signatory": "承诺人"}
    for name, value in values.items():
        if not str(value or "").strip():
            errors[name] = f"{labels.get(name, name)}为必填项"


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
    *, actor, entity_uscc: str, commitment_type: str, department, content: str, signatory: str, due_on: dt.date,
    made_on: dt.date | None = None, matter: str = "", related_record: CreditRecord | None = None, contact_phone: str = "", channel: str = "web",
):
    """Make a commitment (public site or official entry). Returns ``(commitment, query_code)``."""
    from credit.choices import CommitmentType
    from credit.list_exits import good_standing_problem
    from credit.models import CreditCommitment

    made_on = made_on or timezone.localdate()
    errors = {}
    if commitment_type not in COMMITMENT_RULES:
        errors["commitment_type"] = "承诺类型无效，可选：" + "、".join(str(label) for _, label in CommitmentType.choices)
        raise ValidationError(errors)
    matter_rule, record_required, max_months, _severity = COMMITMENT_RULES[commitment_type]
    entity = _entity(entity_uscc)
    _required(errors, content=content, signatory=signatory)
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
        errors["due_on"] = f"{dict(CommitmentType.choices)[commitment_type]}承诺的履约期限最长 {max_months} 个月（至 {latest}）"
    if errors:
        raise ValidationError(errors)
    number, code = new_tracking(CreditCommitment, "CN")
    commitment = CreditCommitment.objects.create(
        tracking_no=number, query_code_hash=query_code_digest(number, code), entity=entity, commitment_type=commitment_type,
        department=department, content=content.strip(), matter=matter.strip(), related_record=related_record, signatory=signatory.strip(),
        contact_phone=contact_phone.strip(), made_on=made_on, due_on=due_on, channel=channel,
    )
    audit.record(actor=actor, action="commitment.make", target=commitment, after=_public_snapshot(commitment))
    return commitment, code


def _public_snapshot(obj) -> dict:
    """An audit snapshot without the confidential contact details (the trail is shown to officials)."""
    data = audit.snapshot(obj)
    for name in ("contact_phone", "contact_email", "query_code_hash"):
        if name in data:
            data[name] = "（保密）" if data[name] else ""
    return data


def _commitment_resolve(*, actor, commitment, state: str, resolved_on: dt.date, note: str, evidence=None):
    from credit.choices import CommitmentState
    from credit.models import CreditCommitment

    commitment = CreditCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.state != CommitmentState.IN_PROGRESS:
        raise ValidationError(f"该承诺已认定为“{commitment.get_state_display()}”")
    if resolved_on < commitment.made_on:
        raise ValidationError({"resolved_on": "认定日期不能早于承诺作出日期"})
    if resolved_on > timezone.localdate():
        raise ValidationError({"resolved_on": "认定日期不能晚于今天"})
    _check_deciding_department(actor, commitment.department)
    broken = state == CommitmentState.BROKEN
    if broken and not note.strip():
        raise ValidationError({"note": "认定违诺须写明事实和理由"})
    before = _public_snapshot(commitment)
    label = commitment.get_commitment_type_display()
    # A fulfilled commitment is a positive record, a broken one a negative record (DOMAIN §3).
    data = {
        "source_ref": f"{'承诺违诺' if broken else '承诺履约'}-{commitment.tracking_no}",
        "uscc": commitment.entity_id, "category": RecordCategory.COMMITMENT, "decided_on": resolved_on,
        "polarity": Polarity.NEGATIVE if broken else Polarity.POSITIVE,
        "severity": COMMITMENT_RULES[commitment.commitment_type][3] if broken else "",
        "title": f"{'违反' if broken else '履行'}{label}信用承诺",
        "content": (note.strip() + "\n" if note.strip() else "") + f"承诺内容：{commitment.content}",
        "legal_basis": "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》（国办发〔2019〕35号）",
    }
    record = credit_record_save(actor=actor, department=commitment.department, **data)
    commitment.state, commitment.resolved_on, commitment.resolution_note, commitment.result_record = state, resolved_on, note.strip()[:500], record
    fields = ["state", "resolved_on", "resolution_note", "result_record"]
    if evidence is not None:
        commitment.evidence = evidence
        fields.append("evidence")
    commitment.save(update_fields=fields)
    audit.record(actor=actor, action=f"commitment.{'break' if broken else 'fulfil'}", target=commitment, before=before, after=_public_snapshot(commitment))
    return commitment


@transaction.atomic
def commitment_fulfil(*, actor, commitment, resolved_on: dt.date | None = None, note: str = "", evidence=None):
    from credit.choices import CommitmentState

    return _commitment_resolve(actor=actor, commitment=commitment, state=CommitmentState.FULFILLED,
                               resolved_on=resolved_on or timezone.localdate(), note=note, evidence=evidence)


@transaction.atomic
def commitment_break(*, actor, commitment, note: str, resolved_on: dt.date | None = None):
    from credit.choices import CommitmentState

    return _commitment_resolve(actor=actor, commitment=commitment, state=CommitmentState.BROKEN, resolved_on=resolved_on or timezone.localdate(), note=note)


# --- repair (信用修复) ---------------------------------------------------------------------------

REPAIR_COMMITMENT_MONTHS = 12


def repair_problems(record: CreditRecord, *, commitment_accepted: bool, today: dt.date | None = None) -> list[str]:
    """Why a repair application for ``record`` cannot succeed (DOMAIN §3), as exact Chinese reasons."""
    from credit.choices import NON_REPAIRABLE_PENALTIES, PenaltyType
    from credit.models import RepairApplication

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
        problems.append(f"最短公示期未满：该信息自 {record.decided_on} 起公示，{record.repairable_from} 起方可申请信用修复")
    if not commitment_accepted:
        problems.append("申请信用修复须作出信用修复承诺（commitment_accepted 须为 true）")
    open_app = RepairApplication.objects.filter(record=record, state="submitted").first()
    if open_app is not None:
        problems.append("该记录已有待审核的修复申请，请凭原受理编号和查询码查询进度")
    return problems


@transaction.atomic
def repair_apply(
    *, actor, record: CreditRecord, applicant_name: str, contact_phone: str, reason: str, commitment_accepted: bool,
    contact_email: str = "", evidence_files=(), channel: str = "web",
):
    """Apply to repair a record. Refused with the exact reason when it cannot succeed. Returns
    ``(application, query_code)``; the public commitment (信用修复型) is made with it."""
    from credit.choices import CommitmentType
    from credit.models import RepairApplication, RepairEvidence

    record = CreditRecord.objects.select_for_update().select_related("department").get(pk=record.pk)
    errors = {}
    _required(errors, applicant_name=applicant_name, contact_phone=contact_phone, reason=reason)
    if errors:
        raise ValidationError(errors)
    problems = repair_problems(record, commitment_accepted=commitment_accepted is True)
    if problems:
        raise ValidationError({"record_id": problems})
    if not MarketEntity.objects.filter(uscc=record.entity_id).exists():
        raise ValidationError({"record_id": "该记录对应的主体不在名录库中，请先核实主体登记信息"})
    today = timezone.localdate()
    commitment, _code = commitment_make(
        actor=actor, entity_uscc=record.entity_id, commitment_type=CommitmentType.REPAIR, department=record.department,
        content=COMMITMENT_TEMPLATES["repair"], signatory=applicant_name, due_on=today + relativedelta(months=REPAIR_COMMITMENT_MONTHS),
        made_on=today, related_record=record, contact_phone=contact_phone, channel=channel,
    )
    number, code = new_tracking(RepairApplication, "XF")
    application = RepairApplication.objects.create(
        tracking_no=number, query_code_hash=query_code_digest(number, code), applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(), contact_email=contact_email.strip(), filed_at=timezone.now(), channel=channel,
        record=record, entity_id=record.entity_id, department=record.department, reason=reason.strip(), commitment=commitment,
    )
    for upload in evidence_files:
        RepairEvidence.objects.create(application=application, file=upload)
    audit.record(actor=actor, action="repair.apply", target=application, after=_public_snapshot(application))
    return application, code


def _repair_decide(*, actor, application, approve: bool, reason: str):
    from credit.choices import RepairState
    from credit.models import RepairApplication

    application = RepairApplication.objects.select_for_update().select_related("record").get(pk=application.pk)
    if application.state != RepairState.SUBMITTED:
        raise ValidationError(f"该申请已{application.get_state_display()}")
    if not reason.strip():
        raise ValidationError({"reason": "须写明决定理由"})
    _check_deciding_department(actor, application.department)
    before = _public_snapshot(application)
    if approve:
        problems = [p for p in repair_problems(application.record, commitment_accepted=True) if "待审核的修复申请" not in p]
        if problems:
            raise ValidationError({"reason": problems})
        # The record leaves every public page and the public API; the grade is re-evaluated.
        record = CreditRecord.objects.select_for_update().get(pk=application.record_id)
        _set_state(actor=actor, record=record, state=RecordState.REPAIRED, reason=f"信用修复（{application.tracking_no}）：{reason.strip()}"[:300],
                   action="credit_record.repair")
    application.state = RepairState.APPROVED if approve else RepairState.REJECTED
    application.decided_at, application.decision_reason = timezone.now(), reason.strip()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save(update_fields=["state", "decided_at", "decision_reason", "decided_by"])
    audit.record(actor=actor, action=f"repair.{'approve' if approve else 'reject'}", target=application, before=before, after=_public_snapshot(application))
    return application


@transaction.atomic
def repair_approve(*, actor, application, reason: str):
    return _repair_decide(actor=actor, application=application, approve=True, reason=reason)


@transaction.atomic
def repair_reject(*, actor, application, reason: str):
    return _repair_decide(actor=actor, application=application, approve=False, reason=reason)


# --- objections (异议申诉) -----------------------------------------------------------------------

CORRECTABLE_FIELDS = ("title", "content", "severity", "decided_on", "legal_basis", "amount", "penalty_types", "restriction_ends_on")


@transaction.atomic
def objection_file(
    *, actor, applicant_name: str, contact_phone: str, reason: str, record: CreditRecord | None = None, list_entry: ListEntry | None = None,
    contact_email: str = "", channel: str = "web",
):
    """File an objection; the record shows 异议处理中 at once. Returns ``(objection, query_code)``."""
    from credit.models import Objection

    errors = {}
    _required(errors, applicant_name=applicant_name, contact_phone=contact_phone, reason=reason)
    if (record is None) == (list_entry is None):
        errors["record_id"] = "须指明异议所针对的一条信用记录（record_id）或一条名单记录（list_entry_id）"
    target = record or list_entry
    if record is not None and record.state in (RecordState.REVOKED, RecordState.REPAIRED):
        errors["record_id"] = f"该记录已{record.get_state_display()}，不再公示"
    if list_entry is not None and list_entry.removed_on is not None:
        errors["list_entry_id"] = "该名单记录已移出"
    if target is not None and Objection.objects.filter(**{"record" if record else "list_entry": target}, state__in=["submitted", "accepted"]).exists():
        errors["record_id" if record else "list_entry_id"] = "该信息已有正在处理的异议，请凭原受理编号查询进度"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    # DOMAIN §3: accepted or refused within 5 working days, decided within 20 in total (national defaults; data).
    accept_due = due(DeadlineKind.OBJECTION_ACCEPT, today, department=target.department_id)
    decide_due = due(DeadlineKind.OBJECTION_DECIDE, today, department=target.department_id)
    number, code = new_tracking(Objection, "YY")
    objection = Objection.objects.create(
        tracking_no=number, query_code_hash=query_code_digest(number, code), applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(), contact_email=contact_email.strip(), filed_at=timezone.now(), channel=channel,
        record=record, list_entry=list_entry, entity_id=target.entity_id, department=target.department, reason=reason.strip(),
        accept_due_on=accept_due.date, decide_due_on=decide_due.date, deadline_provisional=accept_due.provisional or decide_due.provisional,
    )
    audit.record(actor=actor, action="objection.file", target=objection, after=_public_snapshot(objection))
    return objection, code


def _objection_for_update(actor, objection):
    from credit.models import Objection

    objection = Objection.objects.select_for_update(of=("self",)).select_related("record", "list_entry").get(pk=objection.pk)
    _check_deciding_department(actor, objection.department)
    return objection


@transaction.atomic
def objection_accept(*, actor, objection, reason: str = "", accept: bool = True):
    """受理 (or 不予受理, with reasons) within 5 working days."""
    from credit.choices import ObjectionState

    objection = _objection_for_update(actor, objection)
    if objection.state != ObjectionState.SUBMITTED:
        raise ValidationError(f"该异议当前为“{objection.get_state_display()}”，不能再受理")
    if not accept and not reason.strip():
        raise ValidationError({"reason": "不予受理须说明理由"})
    before = _public_snapshot(objection)
    objection.state = ObjectionState.ACCEPTED if accept else ObjectionState.REFUSED
    objection.accepted_at, objection.accept_reason = timezone.now(), reason.strip()
    objection.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    fields = ["state", "accepted_at", "accept_reason", "handled_by"]
    if not accept:
        objection.decided_at = objection.accepted_at
        fields.append("decided_at")
    objection.save(update_fields=fields)
    audit.record(actor=actor, action=f"objection.{'accept' if accept else 'refuse'}", target=objection, before=before, after=_public_snapshot(objection))
    return objection


def objection_refuse(*, actor, objection, reason: str):
    return objection_accept(actor=actor, objection=objection, reason=reason, accept=False)


@transaction.atomic
def objection_decide(*, actor, objection, outcome: str, reason: str, corrections: dict | None = None, corrected_by: str = ""):
    """维持, 更正 (through the credit service; the old values stay in the audit) or 撤销 (the grade follows).
    A record a decision produced is corrected through that decision (credit.record_producers)."""
    from credit.choices import ObjectionOutcome, ObjectionState

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
            raise ValidationError({"corrections": "更正须给出要更正的字段，可更正：" + "、".join(_FIELD_LABELS[f] for f in CORRECTABLE_FIELDS)})
        if not corrected_by:  # else the changed decision's own record has replaced this one
            record = objection.record
            current = {name: getattr(record, name) for name in RECORD_INPUT_FIELDS if name != "uscc"}
            current["uscc"] = record.entity_id
            credit_records_push(actor=actor, department=record.department, records=[{**current, **corrections}])
    elif outcome == ObjectionOutcome.REVOKED:
        if objection.record is not None:
            credit_record_revoke(actor=actor, record=objection.record, reason=note[:300])
        else:
            list_entry_remove(actor=actor, entry=objection.list_entry, reason=RemovalReason.DECISION_REVOKED, note=note[:300])
    before = _public_snapshot(objection)
    reason = f"{reason.strip()}（已通过变更决定 {corrected_by} 更正）" if corrected_by else reason
    objection.state, objection.outcome, objection.outcome_reason, objection.decided_at = ObjectionState.DECIDED, outcome, reason.strip(), timezone.now()
    objection.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    objection.save(update_fields=["state", "outcome", "outcome_reason", "decided_at", "handled_by"])
    audit.record(actor=actor, action=f"objection.decide.{outcome}", target=objection, before=before, after=_public_snapshot(objection))
    return objection
