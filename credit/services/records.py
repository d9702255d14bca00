"""Credit records (信用记录): publicity windows, the one validator of record input, and the writes.

Records come in three ways (API push, admin entry, file import) and all of them end in
``credit_records_push``: one validator, one upsert, one audit event per batch, one re-evaluation
enqueued on commit (``credit.regrade``). Revocation and repair go through ``_set_state``, which
re-grades at once (the policy is in ``credit.regrade``'s docstring).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit, uscc
from core.redaction import contains_personal_data
from credit import acts, change_events, record_upsert
from credit.choices import (
    PenaltyType,
    Polarity,
    RecordCategory,
    RecordState,
    Severity,
)
from credit.models import (
    CreditRecord,
    PublicityRule,
)
from credit.record_upsert import RecordsInvalid
from credit.regrade import enqueue_evaluation, regrade_now
from credit.services.list_exits import removal_propose_for_record
from credit.signals import record_state_changed, records_pushed

MAX_PUSH = 5000  # API.md: at most 5000 records a call


# --- publicity windows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    published: bool
    ends_on: dt.date
    repairable_from: dt.date


def publicity_rule_in_force(day: dt.date) -> PublicityRule:
    rule = PublicityRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rule or PublicityRule.objects.order_by("effective_from").first()


def publicity_window(
    *,
    rule: PublicityRule,
    polarity: str,
    severity: str,
    decided_on: dt.date,
    restriction_ends_on: dt.date | None = None,
) -> Window:
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
    "source_ref",
    "uscc",
    "category",
    "polarity",
    "severity",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "restriction_ends_on",
    "penalty_types",
)
REQUIRED = ("source_ref", "uscc", "category", "polarity", "title", "decided_on")
RECORD_FIELD_LABELS = {
    "source_ref": "来源编号",
    "uscc": "统一社会信用代码",
    "category": "信息类别",
    "polarity": "性质",
    "severity": "失信程度",
    "title": "标题",
    "content": "内容",
    "decided_on": "决定日期",
    "legal_basis": "依据",
    "amount": "金额",
    "restriction_ends_on": "限制期限届满日",
    "penalty_types": "处罚种类",
}


def _choice(value, choices) -> str | None:
    """A choice given by its code or its Chinese label."""
    text = str(value).strip()
    for code, label in choices:
        if text in (code, str(label)):
            return code
    return None


def parse_date(value) -> dt.date | None:
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


def parse_penalty_types(value, index, errors) -> list[str]:
    """行政处罚法 第9条 kinds, as a list or a "、"/","-separated text of codes or Chinese labels."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[、,，;；\s]+", str(value))
    codes = []
    for item in items:
        if not str(item).strip():
            continue
        code = _choice(item, PenaltyType.choices)
        if code is None:
            errors.add(
                index,
                "penalty_types",
                f"处罚种类“{item}”无效，应为行政处罚法第9条所列种类，如：警告、罚款、吊销许可证件",
            )
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
            errors.add(index, name, f"{RECORD_FIELD_LABELS[name]}为必填项", "required")
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
                errors.add(index, name, f"{RECORD_FIELD_LABELS[name]}“{data[name]}”无效，可选：{allowed}")
            data[name] = code
    if data["severity"] is not None:
        code = _choice(data["severity"], Severity.choices)
        if code is None:
            errors.add(
                index,
                "severity",
                f"失信程度“{data['severity']}”无效，可选：minor（轻微）、general（一般）、serious（严重）",
            )
        data["severity"] = code
    act = acts.record_problems(
        data["category"], data["polarity"], data["severity"]
    )  # issue 12 §2: acts are never negative
    for attr, detail in act:
        errors.add(index, attr, detail)
    if (
        not act
        and data["polarity"] == Polarity.NEGATIVE
        and data["severity"] is None
        and not any(e["attr"] == "severity" for e in errors.items[before:])
    ):
        errors.add(index, "severity", "负面信息须注明失信程度（轻微、一般或严重）", "required")
    if not act and data["polarity"] in (Polarity.POSITIVE, Polarity.NEUTRAL) and data["severity"]:
        errors.add(index, "severity", "正面或中性信息不填写失信程度")
    for name in ("decided_on", "restriction_ends_on"):
        if data[name] is not None:
            day = parse_date(data[name])
            if day is None:
                errors.add(index, name, f"{RECORD_FIELD_LABELS[name]}“{data[name]}”格式无效，应为 YYYY-MM-DD")
            data[name] = day
    if isinstance(data["decided_on"], dt.date) and data["decided_on"] > today:
        errors.add(index, "decided_on", f"决定日期 {data['decided_on']} 晚于今天")
    if data["amount"] is not None:
        try:
            amount = Decimal(str(data["amount"]).replace(",", ""))
            if (
                not amount.is_finite()
                or amount < 0
                or amount != amount.quantize(Decimal("0.01"))
                or amount >= Decimal("1e14")
            ):
                raise InvalidOperation
            data["amount"] = amount
        except InvalidOperation:
            errors.add(index, "amount", f'金额“{data["amount"]}”无效，应为不小于0、最多两位小数的元数，如 "50000.00"')
    data["penalty_types"] = parse_penalty_types(data["penalty_types"], index, errors)
    data["severity"] = data["severity"] or ""
    for name in ("content", "legal_basis"):
        data[name] = str(data[name]) if data[name] is not None else ""
    data["source_ref"] = str(data["source_ref"]) if data["source_ref"] is not None else None
    data["title"] = str(data["title"]) if data["title"] is not None else None
    return None if len(errors.items) > before else data


# Import templates carry this prefix in their example rows (credit.imports.EXAMPLE_REF).
EXAMPLE_REF_PREFIX = "示例"


# Text another system or an official types becomes public on the entity page, /penalties/ and the open
# data (DOMAIN §5: no ID number, phone, home address, bank account or health data of a natural person).
# Such input is refused with the field named, not masked in silence: the sender keeps its own text.
SCREENED_FIELDS = ("title", "content", "legal_basis")


def _screen_personal_data(data: dict, index, errors: RecordErrors) -> None:
    keep = tuple(v for v in (data.get("uscc"), data.get("source_ref")) if v)
    for name in SCREENED_FIELDS:
        text = data.get(name) or ""
        for value in keep:
            text = text.replace(value, "")
        if contains_personal_data(text):
            errors.add(
                index,
                name,
                f"{RECORD_FIELD_LABELS.get(name, name)}含有自然人个人信息（身份证号码、电话号码、住址、银行账号或健康信息），"
                "信用记录会公示，不得包含：请删去后重新提交",
                "personal_data",
            )


def clean_records(
    raws, today: dt.date | None = None, *, screen_personal_data: bool = False
) -> tuple[list[dict], RecordErrors]:
    """Validate pushed or imported rows. ``screen_personal_data`` refuses text with personal data:
    set for input from outside the platform's own services (the API push, imports, the admin form)."""
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
        if screen_personal_data:
            before = len(errors.items)
            _screen_personal_data(data, i, errors)
            if len(errors.items) > before:
                continue
        if data["source_ref"] in seen:
            # Both indexes are named: which of the two should win is not ours to guess (issue 11).
            errors.add(
                i,
                "source_ref",
                f"来源编号“{data['source_ref']}”在本批中重复：index {seen[data['source_ref']]} 与 index {i}",
                "unique",
            )
            continue
        seen[data["source_ref"]] = i
        if data["source_ref"].startswith(EXAMPLE_REF_PREFIX):
            # An import template's example row left in a file once moved a real penalty (issue 11):
            # no path (API, form, import) takes a reference that marks itself as an example.
            errors.add(
                i,
                "source_ref",
                f"来源编号“{data['source_ref']}”是导入模板的示例，不是真实记录：请删除该行或改用真实的来源编号",
                "example_row",
            )
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


@transaction.atomic
def credit_records_push(*, actor, department, records: list, screen_personal_data: bool = False) -> PushResult:
    """Create or update records by ``(department, source_ref)``: all of them, or none.

    Raises ``ValidationError`` with ``RecordErrors.items`` (index, attr, detail) when any item is
    invalid. Re-sending a record updates it and never duplicates it; an identical resend is
    ``unchanged`` and writes nothing (API.md). A resend naming another ``uscc`` refuses the batch
    (``subject_changed``); the same ``source_ref`` twice in one batch refuses it too (``unique``,
    naming both indexes), since which one should win is not ours to guess. Counts and the audit's
    before-values are exact under concurrent pushes (``record_upsert``).
    """
    today = timezone.localdate()
    cleaned, errors = clean_records(records, today, screen_personal_data=screen_personal_data)
    if errors:
        raise RecordsInvalid(errors.items)
    now = timezone.now()
    rules = {}
    rows = []
    for data in cleaned:
        rule = rules.get(data["decided_on"]) or rules.setdefault(
            data["decided_on"], publicity_rule_in_force(data["decided_on"])
        )
        window = publicity_window(
            rule=rule,
            polarity=data["polarity"],
            severity=data["severity"],
            decided_on=data["decided_on"],
            restriction_ends_on=data["restriction_ends_on"],
        )
        rows.append(
            {
                **{k: data[k] for k in RECORD_INPUT_FIELDS},
                "department_id": department.pk,
                "published": window.published,
                "publicity_ends_on": window.ends_on,
                "repairable_from": window.repairable_from,
                "publicity_rule_id": rule.pk,
            }
        )
    written = record_upsert.upsert(department=department, rows=rows, now=now, today=today)
    change_events.records_pushed(department=department, written=written, today=today)  # issue 15 §3
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
    affected = {
        r["uscc"] for r in rows if r["source_ref"] in changed
    }  # a resend never changes the uscc (record_upsert)
    if changed:
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
    change_events.record_state_changed(record=record, before_state=before["state"], today=timezone.localdate())
    audit.record(
        actor=actor, action=action, target=record, before=before, after={"state": state, "state_reason": reason}
    )
    record_state_changed.send(sender=CreditRecord, record=record, state=state, reason=reason, actor=actor)
    # DOMAIN §3: a list entry resting on it gets a removal proposal.
    removal_propose_for_record(actor=actor, record=record, state=state, reason=reason)
    # A repaired or revoked record must leave every public page at once, the grade's reasons included:
    # re-grade this one entity now (set-based, milliseconds) rather than within the minute.
    regrade_now([record.entity_id])
    return record


@transaction.atomic
def credit_record_revoke(*, actor, record: CreditRecord, reason: str) -> CreditRecord:
    """撤销: the deciding department withdraws the fact; it leaves every public view and the grade."""
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if not reason.strip():
        raise ValidationError({"reason": "撤销须说明理由"})
    if record.state == RecordState.REVOKED:
        raise ValidationError("该记录已撤销")
    return _set_state(
        actor=actor, record=record, state=RecordState.REVOKED, reason=reason.strip(), action="credit_record.revoke"
    )


@transaction.atomic
def credit_records_expire(*, actor, today: dt.date | None = None) -> int:
    """End publication of every active record whose window has closed (one UPDATE)."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE credit_creditrecord SET state = 'expired', state_reason = '公示期满', updated_at = now() "
            "WHERE state = 'active' AND publicity_ends_on < %s RETURNING id, uscc",
            [today],
        )
        rows = cursor.fetchall()
    change_events.records_expired(ids=[pk for pk, _code in rows], today=today)  # issue 15 §3, one INSERT … SELECT
    usccs = sorted({code for _pk, code in rows})
    if usccs:
        audit.record(
            actor=actor,
            action="credit_record.expire",
            target=("credit.creditrecord", f"expire:{today}"),
            target_label=f"{today} 公示期满记录 {len(usccs)} 个主体",
            after={"day": today, "entities": len(usccs)},
        )
    return len(usccs)
