"""Writes for enforcement. Keyword-only, each owns its transaction and writes its audit event.

Sections: numbering · cases (stages and guards) · legal review · decisions · disclosure (双公示) ·
complaints (投诉举报).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from core import audit
from core.query_codes import new_tracking, query_code_digest
from credit.choices import PenaltyType, Severity
from enforcement.case_rules import check_may_move, decision_wait_problem
from enforcement.choices import (
    MIN_HANDLERS,
    STAGE_ORDER,
    CaseOutcome,
    CaseSource,
    CaseStage,
    Circumstance,
    DecisionState,
    DisclosureState,
    Procedure,
    ReviewResult,
)
from enforcement.disclosure_period import period_for, restriction_problem
from enforcement.models import Case, CaseDocument, CaseEvent, CaseHandler, LegalReview, PenaltyDecision, PenaltyDisclosure
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import Inspector, MarketEntity

LEGAL_REVIEWER_ROLE = "法制审核人员"
DEFAULT_REMEDIES = (
    "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
    "申请行政复议或者提起行政诉讼的，不停止本决定的执行，法律另有规定的除外。"
)
# Penalties heavy enough that, with 从重, the entity is proposed for the serious list (严重违法失信名单管理办法).
HEAVY_PENALTIES = frozenset(
    {PenaltyType.REVOKE_LICENCE, PenaltyType.SUSPEND_BUSINESS, PenaltyType.CLOSE, PenaltyType.RESTRICT_BUSINESS, PenaltyType.RESTRICT_PRACTICE}
)


def _actor_label(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return str(actor or "")


def _user(actor):
    """The official behind ``actor``, or None for a system actor (a string, an API client)."""
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None


# --- numbering ---------------------------------------------------------------------------------


def next_number(*, department, kind: str, year: int) -> int:
    """The next number of a gap-free sequence. One statement takes it under the row lock; the caller's
    transaction holds the lock until it commits, and a rollback gives the number back, so the
    issued numbers have no gaps and no duplicates however many officials issue at once.

    The audit chain's lock is taken first: every service ends with ``audit.record``, which takes
    it, and a service that audits before numbering (e.g. 变更: revoke, then issue) would otherwise
    hold it while waiting for this row, against an issuer holding this row and waiting for it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit._CHAIN_LOCK])
        cursor.execute(
            """INSERT INTO enforcement_documentsequence (department_id, kind, year, last_number) VALUES (%s, %s, %s, 1)
               ON CONFLICT (department_id, kind, year) DO UPDATE SET last_number = enforcement_documentsequence.last_number + 1
               RETURNING last_number""",
            [department.pk, kind, year],
        )
        return cursor.fetchone()[0]


def document_number(department, kind: str, year: int, sequence: int) -> str:
    """e.g. 郑市监罚〔2026〕12号 (DOMAIN §5)."""
    return f"{department.short_name or department.name}{kind}〔{year}〕{sequence}号"


# --- cases -------------------------------------------------------------------------------------


def handler_problems(department, inspectors, day: dt.date) -> list[str]:
    """Why these handlers cannot carry a case on ``day`` (empty when they can)."""
    problems = []
    valid = []
    for inspector in inspectors:
        if inspector.department_id != department.pk:
            problems.append(f"{inspector.name}不是{department.name}的执法人员")
        elif not inspector.active:
            problems.append(f"{inspector.name}已不在岗")
        elif not inspector.certificate_valid_on(day):
            problems.append(f"{inspector.name}的执法证（{inspector.certificate_no}）在{day}不在有效期内（{inspector.certificate_valid_from}至{inspector.certificate_valid_to}）")
        else:
            valid.append(inspector)
    if len({i.pk for i in valid}) < MIN_HANDLERS:
        # 行政处罚法 第42条: at least two officers with law-enforcement certificates.
        problems.insert(0, f"案件须由至少{MIN_HANDLERS}名持有效执法证的承办人员办理（《行政处罚法》第四十二条），当前符合条件的只有{len(valid)}名")
    return problems


def _check_handlers(case: Case, day: dt.date) -> None:
    problems = handler_problems(case.department, [link.inspector for link in case.handler_links.select_related("inspector")], day)
    if problems:
        raise ValidationError("；".join(problems))


def _event(*, case: Case, actor, action: str, from_stage: str, to_stage: str, note: str = "", documents=()) -> CaseEvent:
    now = timezone.now()
    event = CaseEvent.objects.create(
        case=case, action=action, from_stage=from_stage, to_stage=to_stage, actor=_user(actor), actor_label=_actor_label(actor), at=now, note=note
    )
    for title, upload in documents:
        CaseDocument.objects.create(case=case, event=event, title=title or upload.name, file=upload, uploaded_at=now)
    return event


def _lock_case(case: Case) -> Case:
    # of=self: locking the joined department row too would block every insert that references the
    # department (KEY SHARE) in other transactions, and deadlock against the audit chain's lock.
    return Case.objects.select_for_update(of=("self",)).select_related("department").get(pk=case.pk)


@transaction.atomic
def case_open(
    *, actor, department, party_name: str, title: str, source: str, handlers, entity_uscc: str = "", filed_on: dt.date | None = None,
    source_complaint=None, source_result=None, source_note: str = "", standard=None, is_major: bool = False, party_is_minor: bool = False,
    lead=None, note: str = "", documents=(),
) -> Case:
    """立案: open a case with at least two certified handlers; the first event of its record."""
    from core import uscc as uscc_mod

    filed_on = filed_on or timezone.localdate()
    errors = {}
    if not str(party_name or "").strip():
        errors["party_name"] = "请填写当事人"
    if not str(title or "").strip():
        errors["title"] = "请填写案由"
    if source not in CaseSource.values:
        errors["source"] = "请选择案件来源"
    elif source == CaseSource.COMPLAINT and source_complaint is None:
        errors["source_complaint"] = "来源为投诉举报的案件须关联该投诉举报"
    elif source == CaseSource.INSPECTION and source_result is None:
        errors["source_result"] = "来源为监督检查的案件须关联该检查结果"
    elif source == CaseSource.INSPECTION and source_result.department_id != department.pk:
        errors["source_result"] = "只能依据本部门的检查结果立案"
    elif source == CaseSource.INSPECTION and not source_result.needs_case:
        errors["source_result"] = "该检查结果未建议立案查处（发现问题待后续处理）"
    elif source == CaseSource.INSPECTION and Case.objects.filter(source_result=source_result).exists():
        errors["source_result"] = "该检查结果已立案"
    elif source in (CaseSource.MONITORING, CaseSource.TRANSFER_IN) and not source_note.strip():
        errors["source_note"] = "请说明监测线索或移送机关及文号"
    code = ""
    if entity_uscc:
        try:
            code = uscc_mod.validate_uscc(entity_uscc)
        except ValidationError:  # the reason itself: exc.messages would read a typed '%' as a format (hardening)
            errors["entity_uscc"] = uscc_mod.problems(uscc_mod.normalize(entity_uscc))
    handlers = list(handlers)
    problems = handler_problems(department, handlers, filed_on)
    if problems:
        errors["handlers"] = "；".join(problems)
    if standard is not None and standard.department_id != department.pk:
        errors["standard"] = "只能适用本部门的裁量基准"
    if errors:
        raise ValidationError(errors)
    year = filed_on.year
    case = Case.objects.create(
        number=document_number(department, "立", year, next_number(department=department, kind="立", year=year)),
        department=department, entity_id=code, party_name=party_name.strip(), party_is_minor=party_is_minor, title=title.strip(),
        source=source, source_complaint=source_complaint, source_result=source_result, source_note=source_note.strip(), standard=standard,
        is_major=is_major, filed_on=filed_on, created_by=_user(actor),
    )
    lead = lead or handlers[0]
    CaseHandler.objects.bulk_create([CaseHandler(case=case, inspector=i, is_lead=i.pk == lead.pk) for i in {i.pk: i for i in handlers}.values()])
    _event(case=case, actor=actor, action="open", from_stage="", to_stage=CaseStage.FILED, note=note, documents=documents)
    audit.record(actor=actor, action="case.open", target=case, after=audit.snapshot(case))
    return case


def _requires_legal_review(case: Case) -> bool:
    return case.is_major


def passed_review(case: Case) -> LegalReview | None:
    """The latest 法制审核 if it passed and its reviewer is not (or no longer) a handler."""
    review = case.legal_reviews.order_by("-reviewed_at", "-id").first()
    if review is None or review.result != ReviewResult.PASSED:
        return None
    if Inspector.objects.filter(user=review.reviewer_id, pk__in=case.handler_links.values("inspector")).exists():
        return None
    return review


def allowed_next_stages(case: Case) -> list[str]:
    """Where ``case_advance`` can take the case from its stage (the decision itself is issued by
    ``penalty_decision_issue``; closing by ``case_close``)."""
    return {
        CaseStage.FILED: [CaseStage.INVESTIGATION],
        CaseStage.INVESTIGATION: [CaseStage.REVIEW],
        CaseStage.REVIEW: [CaseStage.LEGAL_REVIEW] if _requires_legal_review(case) else [CaseStage.NOTICE, CaseStage.LEGAL_REVIEW],
        CaseStage.LEGAL_REVIEW: [CaseStage.NOTICE],
        CaseStage.NOTICE: [],
        CaseStage.DECISION: [CaseStage.SERVICE],
        CaseStage.SERVICE: [CaseStage.EXECUTION],
        CaseStage.EXECUTION: [],
        CaseStage.CLOSED: [],
    }[CaseStage(case.stage)]


@transaction.atomic
def case_advance(*, actor, case: Case, to_stage: str, note: str = "", documents=(), notice_served_on: dt.date | None = None) -> Case:
    """Move a case to its next stage, refusing an illegal transition with the reason. Entering 告知
    records the day the 告知书 was served (``notice_served_on``, default today): the party's answer
    period runs from it (enforcement.case_rules)."""
    case = _lock_case(case)
    label = dict(CaseStage.choices)
    if case.stage == CaseStage.CLOSED:
        raise ValidationError("案件已结案，不能再变更环节")
    check_may_move(actor, case)
    if to_stage == CaseStage.DECISION:
        raise ValidationError("作出决定请使用“作出处罚决定”（须先完成告知程序）")
    if to_stage == CaseStage.CLOSED:
        raise ValidationError("结案请使用“结案”并选择办理结果")
    if to_stage not in allowed_next_stages(case):
        if to_stage == CaseStage.NOTICE and case.stage == CaseStage.REVIEW and _requires_legal_review(case):
            raise ValidationError("重大执法决定须先经法制审核，不能直接进入告知环节")
        nxt = "、".join(str(label[s]) for s in allowed_next_stages(case)) or "无（请使用相应操作）"
        raise ValidationError(f"案件当前处于“{label[case.stage]}”环节，不能转到“{label.get(to_stage, to_stage)}”；可转到：{nxt}")
    if to_stage == CaseStage.NOTICE and case.stage == CaseStage.LEGAL_REVIEW and passed_review(case) is None:
        raise ValidationError("法制审核尚未通过（或审核人员同时是承办人员），不能进入告知环节")
    _check_handlers(case, timezone.localdate())
    if to_stage == CaseStage.SERVICE:
        pass_decision = case.decisions.filter(state=DecisionState.EFFECTIVE).exists()
        if not pass_decision:
            raise ValidationError("尚无有效的处罚决定，无法送达")
    fields = ["stage"]
    if to_stage == CaseStage.NOTICE:
        served = notice_served_on or timezone.localdate()
        if served > timezone.localdate() or served < case.filed_on:
            raise ValidationError({"notice_served_on": f"告知书送达日期应在立案日期（{case.filed_on}）至今天之间"})
        case.notice_served_on = served
        fields.append("notice_served_on")
    before = case.stage
    case.stage = to_stage
    case.save(update_fields=fields)
    _event(case=case, actor=actor, action="advance", from_stage=before, to_stage=to_stage, note=note, documents=documents)
    after = {"stage": to_stage, "note": note, **({"notice_served_on": case.notice_served_on.isoformat()} if to_stage == CaseStage.NOTICE else {})}
    audit.record(actor=actor, action="case.advance", target=case, before={"stage": before}, after=after)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, outcome: str, note: str, closed_on: dt.date | None = None, documents=()) -> Case:
    """结案 with an outcome. A penalty case closes after execution; 移送司法机关, 不予处罚 and
    撤销立案 close it before any decision; 首违不罚 only for an entity in an observation period."""
    from supervision.services import observation_period_applies

    case = _lock_case(case)
    closed_on = closed_on or timezone.localdate()
    if case.stage == CaseStage.CLOSED:
        raise ValidationError("案件已结案")
    check_may_move(actor, case)
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": "请选择办理结果"})
    if not str(note or "").strip():
        raise ValidationError({"note": "请填写结案说明"})
    decided = case.decisions.filter(state=DecisionState.EFFECTIVE).exists()
    if outcome == CaseOutcome.PENALTY:
        if case.stage != CaseStage.EXECUTION or not decided:
            raise ValidationError("作出处罚决定的案件须在执行环节完成后结案")
    elif decided:
        raise ValidationError("案件已有有效的处罚决定，只能以“作出行政处罚决定”结案")
    if outcome == CaseOutcome.FIRST_VIOLATION:
        entity = MarketEntity.objects.filter(uscc=case.entity_id).first() if case.entity_id else None
        # DOMAIN §2 (包容审慎): a first minor violation in an observation period is handled by guidance.
        if entity is None or not observation_period_applies(entity, case.filed_on):
            raise ValidationError("当事人不在观察期内，不适用首违不罚")
        if PenaltyDecision.objects.filter(entity=case.entity_id).exclude(case=case).exclude(state=DecisionState.REVOKED).exists():
            raise ValidationError("当事人此前已受过行政处罚，不属于首次违法，不适用首违不罚")
    if outcome in (CaseOutcome.NO_PENALTY, CaseOutcome.FIRST_VIOLATION) and STAGE_ORDER.index(case.stage) < STAGE_ORDER.index(CaseStage.REVIEW):
        raise ValidationError("不予处罚须在调查取证完成、经案件审核后作出")
    if outcome == CaseOutcome.PENALTY:
        _check_handlers(case, closed_on)
    before = case.stage
    case.stage, case.outcome, case.closed_on = CaseStage.CLOSED, outcome, closed_on
    case.save(update_fields=["stage", "outcome", "closed_on"])
    _event(case=case, actor=actor, action=f"close:{outcome}", from_stage=before, to_stage=CaseStage.CLOSED, note=note.strip(), documents=documents)
    audit.record(actor=actor, action="case.close", target=case, before={"stage": before}, after={"stage": CaseStage.CLOSED, "outcome": outcome, "note": note})
    return case


@transaction.atomic
def case_handlers_set(*, actor, case: Case, handlers, lead=None, note: str = "") -> Case:
    """Replace a case's handlers (e.g. a certificate expired mid-case); still at least two valid."""
    case = _lock_case(case)
    if case.stage == CaseStage.CLOSED:
        raise ValidationError("案件已结案，不能变更承办人员")
    check_may_move(actor, case)
    handlers = list(handlers)
    problems = handler_problems(case.department, handlers, timezone.localdate())
    if problems:
        raise ValidationError({"handlers": "；".join(problems)})
    before = sorted(case.handler_links.values_list("inspector__name", flat=True))
    case.handler_links.all().delete()
    lead = lead or handlers[0]
    CaseHandler.objects.bulk_create([CaseHandler(case=case, inspector=i, is_lead=i.pk == lead.pk) for i in {i.pk: i for i in handlers}.values()])
    after = sorted(i.name for i in handlers)
    _event(case=case, actor=actor, action="handlers", from_stage=case.stage, to_stage=case.stage, note=note or f"承办人员变更为：{'、'.join(after)}")
    audit.record(actor=actor, action="case.handlers", target=case, before={"handlers": before}, after={"handlers": after})
    return case


# --- legal review (法制审核) ------------------------------------------------------------------------


@transaction.atomic
def legal_review_record(*, actor, case: Case, result: str, opinion: str) -> LegalReview:
    """法制审核 by a 法制审核人员 who is not a handler; returned → back to 调查取证."""
    case = _lock_case(case)
    if case.stage != CaseStage.LEGAL_REVIEW:
        raise ValidationError(f"案件当前处于“{case.get_stage_display()}”环节，不在法制审核环节")
    if not getattr(actor, "is_authenticated", False) or not actor.groups.filter(name=LEGAL_REVIEWER_ROLE).exists():
        raise ValidationError("法制审核须由法制审核人员作出")
    if actor.department_id != case.department_id:
        raise ValidationError("只能审核本部门的案件")
    if Inspector.objects.filter(user=actor, pk__in=case.handler_links.values("inspector")).exists():
        raise ValidationError("法制审核人员不能是本案的承办人员")
    if result not in ReviewResult.values:
        raise ValidationError({"result": "请选择审核意见"})
    if not str(opinion or "").strip():
        raise ValidationError({"opinion": "请填写审核意见书"})
    review = LegalReview.objects.create(case=case, reviewer=actor, result=result, opinion=opinion.strip(), reviewed_at=timezone.now())
    to_stage = CaseStage.LEGAL_REVIEW if result == ReviewResult.PASSED else CaseStage.INVESTIGATION
    if to_stage != case.stage:
        case.stage = to_stage
        case.save(update_fields=["stage"])
    _event(case=case, actor=actor, action=f"legal_review:{result}", from_stage=CaseStage.LEGAL_REVIEW, to_stage=to_stage, note=opinion.strip())
    audit.record(actor=actor, action="case.legal_review", target=case, after={"result": result, "opinion": opinion.strip(), "review": review.pk})
    return review


# --- discretion benchmarks (自由裁量基准) -------------------------------------------------------------
# Imported from XLSX/CSV (enforcement/imports.py) or entered one at a time in the admin; both go through
# ``discretion_standards_import``: every row is checked first and the file is saved whole or not at all.

STANDARD_FIELDS = {
    "code": "编号", "violation_type": "违法行为", "violation_basis": "违法依据", "penalty_basis": "处罚依据",
    "lighter_min": "从轻下限", "lighter_max": "从轻上限", "general_min": "一般下限", "general_max": "一般上限",
    "heavier_min": "从重下限", "heavier_max": "从重上限", "heavy_penalty_types": "从重可并处处罚种类", "effective_from": "生效日期",
}
STANDARD_REQUIRED = tuple(f for f in STANDARD_FIELDS if f != "heavy_penalty_types")
STANDARD_AMOUNTS = ("lighter_min", "lighter_max", "general_min", "general_max", "heavier_min", "heavier_max")
STANDARD_MAX_LENGTH = {"code": 32, "violation_type": 300}
MAX_STANDARD_ROWS = 2000


def _standard_row(raw, index: int, errors) -> dict | None:
    from itertools import pairwise

    from credit.services import _date, _penalty_types

    before = len(errors.items)
    data = {}
    for name in STANDARD_FIELDS:
        value = raw.get(name) if isinstance(raw, dict) else None
        data[name] = "" if value is None else (value.strip() if isinstance(value, str) else value)
    for name in STANDARD_REQUIRED:
        if data[name] in ("", None):
            errors.add(index, name, "必填", "required")
    for name, limit in STANDARD_MAX_LENGTH.items():
        if len(str(data[name])) > limit:
            errors.add(index, name, f"不能超过{limit}个字符")
    for name in STANDARD_AMOUNTS:
        if data[name] in ("", None):
            continue
        try:
            amount = Decimal(str(data[name]).replace(",", "").replace("，", ""))
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
                raise ArithmeticError
            data[name] = amount
        except ArithmeticError:
            errors.add(index, name, f"“{data[name]}”不是有效的金额：应为不小于0、最多两位小数的元数，如 50000")
    for circumstance in Circumstance.values:
        low, high = data[f"{circumstance}_min"], data[f"{circumstance}_max"]
        if isinstance(low, Decimal) and isinstance(high, Decimal) and high < low:
            errors.add(index, f"{circumstance}_max", f"{high}元小于{STANDARD_FIELDS[f'{circumstance}_min']}{low}元")
    # The ranges go up with the circumstance: 从轻 ≤ 一般 ≤ 从重 (at both ends).
    for end in ("min", "max"):
        values = [(c, data[f"{c}_{end}"]) for c in Circumstance.values]
        if all(isinstance(v, Decimal) for _c, v in values):
            for (c1, v1), (c2, v2) in pairwise(values):
                if v2 < v1:
                    errors.add(index, f"{c2}_{end}", f"{v2}元低于{STANDARD_FIELDS[f'{c1}_{end}']}{v1}元（从轻、一般、从重的幅度应依次递增）")
    if data["effective_from"] not in ("", None):
        day = _date(data["effective_from"])
        if day is None:
            errors.add(index, "effective_from", f"“{data['effective_from']}”格式无效，应为 YYYY-MM-DD")
        data["effective_from"] = day
    data["heavy_penalty_types"] = _penalty_types(data["heavy_penalty_types"] or None, index, errors)
    for item in errors.items[before:]:
        if item["attr"] == "penalty_types":
            item["attr"] = "heavy_penalty_types"
    return None if len(errors.items) > before else data


def clean_standards(raws, numbers=None) -> tuple[list[dict], list]:
    """Check benchmark rows (codes or Chinese labels for penalty types). Returns the cleaned rows and
    the problems, each ``{"index", "attr", "detail"}`` with a 0-based index; ``numbers`` are the rows'
    spreadsheet row numbers (default: the header is 第1行 and no row is blank)."""
    from credit.services import RecordErrors

    numbers = numbers or [i + 2 for i in range(len(raws or []))]

    errors = RecordErrors()
    if not raws:
        errors.add(None, None, "没有数据行")
        return [], errors.items
    if len(raws) > MAX_STANDARD_ROWS:
        errors.add(None, None, f"一次最多导入 {MAX_STANDARD_ROWS} 行，本次 {len(raws)} 行")
        return [], errors.items
    cleaned, seen = [], {}
    for i, raw in enumerate(raws):
        data = _standard_row(raw, i, errors)
        if data is None:
            continue
        if str(data["code"]).startswith("示例"):  # the template's example row (issue 11), never a real benchmark
            errors.add(i, "code", f"“{data['code']}”是导入模板的示例行，不是真实的裁量基准：请删除该行后再导入", "example_row")
            continue
        key = (data["code"], data["effective_from"])
        if key in seen:
            errors.add(i, "code", f"编号“{data['code']}”（{data['effective_from']} 生效）与第{numbers[seen[key]]}行重复", "unique")
            continue
        seen[key] = i
        cleaned.append(data)
    return cleaned, errors.items


def standard_error_line(row: int | None, attr: str | None, detail: str) -> str:
    """“第N行：字段：说明”, N being the spreadsheet row (the header is 第1行)."""
    label = STANDARD_FIELDS.get(attr)
    text = f"{label}：{detail}" if label else detail
    return f"第{row}行：{text}" if row is not None else f"文件：{text}"


def _row_numbers(rows) -> tuple[list[dict], list[int]]:
    """``rows`` are field dicts, or ``{"row": N, "data": {...}}`` as the file import gives them."""
    datas, numbers = [], []
    for i, r in enumerate(rows or []):
        if isinstance(r, dict) and "data" in r and isinstance(r["data"], dict):
            datas.append(r["data"])
            numbers.append(r.get("row") or i + 2)
        else:
            datas.append(r)
            numbers.append(i + 2)
    return datas, numbers


@transaction.atomic
def discretion_standards_import(*, actor, department, rows) -> dict:
    """Create or update benchmarks of ``department`` by (编号, 生效日期), all or nothing. A refusal is a
    ValidationError of “第N行：字段：说明” lines. A newer version of a code ends the previous one the
    day before it takes effect. Returns ``{"created", "updated", "unchanged"}``."""
    from itertools import pairwise

    from enforcement.models import DiscretionStandard
    from supervision.selectors import is_platform_admin

    if getattr(actor, "is_authenticated", False) and not is_platform_admin(actor) and actor.department_id != department.pk:
        raise ValidationError("只能导入本部门的裁量基准")
    datas, numbers = _row_numbers(rows)
    cleaned, problems = clean_standards(datas, numbers)
    if problems:
        raise ValidationError([standard_error_line(numbers[p["index"]] if p["index"] is not None else None, p["attr"], p["detail"]) for p in problems])
    existing = {
        (s.code, s.effective_from): s
        for s in DiscretionStandard.objects.select_for_update().filter(department=department, code__in={d["code"] for d in cleaned})
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    compared = [f for f in STANDARD_FIELDS if f not in ("code", "effective_from")]
    for data in cleaned:
        standard = existing.get((data["code"], data["effective_from"]))
        if standard is None:
            standard = DiscretionStandard.objects.create(department=department, **data)
            existing[(standard.code, standard.effective_from)] = standard
            counts["created"] += 1
        elif any(getattr(standard, f) != data[f] for f in compared):
            for f in compared:
                setattr(standard, f, data[f])
            standard.save(update_fields=compared)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    # Versions of a code follow each other: each ends the day before the next takes effect.
    codes = {d["code"] for d in cleaned}
    versions = list(DiscretionStandard.objects.select_for_update().filter(department=department, code__in=codes).order_by("code", "effective_from"))
    for current, following in pairwise(versions):
        if current.code == following.code and (current.effective_to is None or current.effective_to >= following.effective_from):
            current.effective_to = following.effective_from - dt.timedelta(days=1)
            current.save(update_fields=["effective_to"])
    audit.record(
        actor=actor, action="discretion_standard.import", target=department, target_label=f"{department.name} 自由裁量基准",
        after={**counts, "codes": sorted(codes)},
    )
    return counts


def standard_in_force(department, code: str, day: dt.date):
    """The version of a benchmark in force on ``day`` (None when there is none)."""
    from enforcement.models import DiscretionStandard

    return (
        DiscretionStandard.objects.filter(department=department, code=code, effective_from__lte=day)
        .exclude(effective_to__lt=day).order_by("-effective_from").first()
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


def decision_severity(*, penalty_types, circumstance: str) -> str:
    """The credit severity of a decision: 警告/通报批评 only is 轻微; heavy penalties or 从重 are 严重."""
    kinds = set(penalty_types)
    if kinds <= {PenaltyType.WARNING, PenaltyType.CRITICISM}:
        return Severity.MINOR
    if kinds & HEAVY_PENALTIES or circumstance == Circumstance.HEAVIER:
        return Severity.SERIOUS
    return Severity.GENERAL


@transaction.atomic
def penalty_decision_issue(
    *, actor, case: Case, penalty_types, facts: str, evidence: str, legal_basis: str, penalty_content: str, performance: str,
    fine_amount: Decimal = Decimal("0"), confiscation_amount: Decimal = Decimal("0"), circumstance: str = Circumstance.GENERAL,
    violation_type: str = "", out_of_range_reason: str = "", procedure: str = Procedure.GENERAL, decided_on: dt.date | None = None,
    remedies: str = DEFAULT_REMEDIES, party_address: str | None = None, legal_representative: str | None = None, replaces=None,
    other_persons=(), restriction_ends_on: dt.date | None = None,
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
    for name, value in (("facts", facts), ("evidence", evidence), ("legal_basis", legal_basis), ("penalty_content", penalty_content),
                        ("performance", performance), ("remedies", remedies)):
        if not str(value or "").strip():
            errors[name] = "决定书须载明此项（《行政处罚法》第五十九条）"
    unknown = [t for t in penalty_types if t not in PenaltyType.values]
    if not penalty_types or unknown:
        errors["penalty_types"] = f"处罚种类须从《行政处罚法》第九条所列种类中选择{'：不认识 ' + '、'.join(unknown) if unknown else ''}"
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
    from credit.models import CreditRecord

    # A number the department already used before this system (pushed as a credit record through the
    # API) is taken: skip it, or publishing would overwrite that record (same department and source_ref).
    while CreditRecord.objects.filter(department=case.department, source_ref=document_number(case.department, "罚", year, sequence)).exists():
        sequence = next_number(department=case.department, kind="罚", year=year)
    decision = PenaltyDecision.objects.create(
        case=case, department=case.department, number=document_number(case.department, "罚", year, sequence), year=year, sequence=sequence,
        entity_id=case.entity_id, party_name=case.party_name,
        party_address=party_address if party_address is not None else (entity.registered_address if entity else ""),
        legal_representative=legal_representative if legal_representative is not None else (entity.legal_representative if entity else ""),
        party_is_minor=case.party_is_minor, violation_type=(violation_type or (case.standard.violation_type if case.standard else case.title)).strip(),
        facts=facts.strip(), evidence=evidence.strip(), legal_basis=legal_basis.strip(), penalty_types=penalty_types,
        penalty_content=penalty_content.strip(), fine_amount=fine_amount, confiscation_amount=confiscation_amount, circumstance=circumstance,
        out_of_range_reason=out_of_range_reason.strip(), procedure=procedure, performance=performance.strip(), remedies=remedies.strip(),
        decided_on=decided_on, issued_by=_user(actor), replaces=replaces, other_persons=person_names(other_persons),
        restriction_ends_on=restriction_ends_on or None,
    )
    if case.stage != CaseStage.DECISION:
        before = case.stage
        # A changed decision after 结案 reopens the case: the new decision is served and executed again.
        case.stage, case.outcome, case.closed_on = CaseStage.DECISION, "", None
        case.save(update_fields=["stage", "outcome", "closed_on"])
    else:
        before = case.stage
    _event(case=case, actor=actor, action="decide", from_stage=before, to_stage=CaseStage.DECISION, note=f"作出行政处罚决定 {decision.number}")
    audit.record(actor=actor, action="penalty_decision.issue", target=decision, after=audit.snapshot(decision))
    _disclosure_prepare(decision, actor=actor)
    if circumstance == Circumstance.HEAVIER and set(penalty_types) & (HEAVY_PENALTIES | set(case.standard.heavy_penalty_types if case.standard else ())):
        _propose_serious_list(actor=actor, decision=decision)
    return decision


def _propose_serious_list(*, actor, decision: PenaltyDecision) -> None:
    """从重 with a heavy penalty: propose 严重违法失信名单; an official confirms it with prior notice."""
    from credit.choices import ListGround, ListType
    from credit.services import list_proposal_raise

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
        actor=actor, entity_uscc=decision.entity_id, list_type=ListType.SERIOUS, ground=ground, department=decision.department,
        source_ref=decision.number,
        reason=f"{decision.number}：{decision.violation_type}，从重处罚（{'、'.join(str(PenaltyType(k).label) for k in decision.penalty_types)}）",
    )


@transaction.atomic
def decision_revoke(*, actor, decision: PenaltyDecision, reason: str, changed: bool = False, revoked_on: dt.date | None = None) -> PenaltyDecision:
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
    _event(case=decision.case, actor=actor, action="revoke_decision", from_stage=decision.case.stage, to_stage=decision.case.stage,
           note=f"{decision.number}已{decision.get_state_display()}：{decision.revoked_reason}")
    audit.record(actor=actor, action="penalty_decision.revoke", target=decision, before={"state": DecisionState.EFFECTIVE},
                 after={"state": decision.state, "reason": decision.revoked_reason})
    if disclosure is not None:
        prefix = "处罚决定已变更" if changed else "处罚决定已撤销"
        disclosure_withdraw(actor=actor, disclosure=disclosure, reason=f"{prefix}：{decision.revoked_reason}")
    return decision


@transaction.atomic
def decision_change(*, actor, decision: PenaltyDecision, reason: str, **fields) -> PenaltyDecision:
    """变更: the old decision is withdrawn and a new one, with a new number, replaces it."""
    _lock_case(decision.case)  # lock order case → audit chain → number, as in penalty_decision_issue
    decision_revoke(actor=actor, decision=decision, reason=reason, changed=True)
    current = {f: getattr(decision, f) for f in (
        "penalty_types", "facts", "evidence", "legal_basis", "penalty_content", "performance", "fine_amount", "confiscation_amount",
        "circumstance", "violation_type", "out_of_range_reason", "procedure", "remedies", "party_address", "legal_representative",
        "other_persons", "restriction_ends_on")}
    current.update(fields)
    return penalty_decision_issue(actor=actor, case=decision.case, replaces=decision, **current)


# --- disclosure (双公示) -------------------------------------------------------------------------


def not_public_reason(decision: PenaltyDecision) -> str:
    """Why a decision is never published (DOMAIN §5), or '' when it is."""
    if decision.party_is_minor:
        return "当事人为未成年人，依法不予公开"
    if decision.procedure == Procedure.SIMPLIFIED:
        return "适用简易程序作出的处罚决定，依规不予公示"
    if set(decision.penalty_types) <= {PenaltyType.WARNING}:
        return "仅给予警告的处罚决定，依规不予公示"
    return ""


def person_names(value) -> list[str]:
    """Names from a list or from text separated by 、，, or spaces (the admin form's field)."""
    import re

    items = value if isinstance(value, list | tuple) else re.split(r"[、，,；;\s]+", str(value or ""))
    return list(dict.fromkeys(n.strip()[:50] for n in items if n and n.strip()))


def public_summary(decision: PenaltyDecision) -> dict:
    """The redacted public fields (DOMAIN §5), built by the one redaction service."""
    from enforcement.redaction import redact_text

    keep = tuple(v for v in (decision.entity_id, decision.number, decision.department.uscc) if v)
    # Other natural persons (DOMAIN §5): the ones the official named, and the reporter of the complaint
    # the case came from, whose identity is confidential even if it was typed into the facts.
    names = [*decision.other_persons]
    complaint = decision.case.source_complaint if decision.case_id and decision.case.source_complaint_id else None
    if complaint is not None and complaint.reporter_name:
        names.append(complaint.reporter_name)
    names = tuple(n for n in names if n and n not in (decision.party_name, decision.legal_representative))
    return {
        "number": decision.number,
        "party_name": decision.party_name,
        "legal_representative": decision.legal_representative,
        "violation_type": redact_text(decision.violation_type, keep=keep, names=names),
        "facts": redact_text(decision.facts, keep=keep, names=names),
        "legal_basis": redact_text(decision.legal_basis, keep=keep),
        "penalty_types": list(decision.penalty_types),
        "penalty_content": redact_text(decision.penalty_content, keep=keep, names=names),
        "fine_amount": decision.fine_amount,
        "confiscation_amount": decision.confiscation_amount,
        "decided_on": decision.decided_on,
    }


def _disclosure_prepare(decision: PenaltyDecision, actor=None) -> PenaltyDisclosure:
    """The disclosure row of a new decision: pending with its publication deadline, or not public."""
    # 国办发〔2018〕118号 (DOMAIN §5): within 7 working days of the decision (national default; data per department).
    due = deadlines.due(DeadlineKind.PENALTY_DISCLOSURE, decision.decided_on, department=decision.department_id)
    reason = not_public_reason(decision)
    disclosure = PenaltyDisclosure.objects.create(
        decision=decision, department=decision.department, entity_id=decision.entity_id, **public_summary(decision),
        state=DisclosureState.NOT_PUBLIC if reason else DisclosureState.PENDING, not_public_reason=reason,
        publish_due_on=due.date, publish_due_provisional=due.provisional,
    )
    if reason and decision.entity_id and not decision.party_is_minor:
        # Every decision is a credit record; one that is not published is recorded as 轻微, which the
        # publicity rule never publishes (DOMAIN §3), so it counts toward the grade without appearing.
        from credit.models import CreditRecord
        from credit.services import credit_records_push

        payload = {**_credit_payload(disclosure, decision), "severity": Severity.MINOR}
        credit_records_push(actor=actor or "task:penalty_decision", department=decision.department, records=[payload])
        disclosure.credit_record = CreditRecord.objects.get(department=decision.department, source_ref=disclosure.number)
        disclosure.save(update_fields=["credit_record"])
    return disclosure


def _credit_payload(disclosure: PenaltyDisclosure, decision: PenaltyDecision) -> dict:
    kinds = "、".join(str(PenaltyType(k).label) for k in disclosure.penalty_types)
    return {
        "source_ref": disclosure.number, "uscc": disclosure.entity_id, "category": "administrative_penalty", "polarity": "negative",
        "severity": decision_severity(penalty_types=decision.penalty_types, circumstance=decision.circumstance),
        "title": f"{disclosure.violation_type}（{kinds}）"[:200], "content": f"{disclosure.facts}\n处罚内容：{disclosure.penalty_content}",
        "decided_on": disclosure.decided_on.isoformat(), "legal_basis": disclosure.legal_basis,
        "amount": str(disclosure.fine_amount + disclosure.confiscation_amount), "penalty_types": list(disclosure.penalty_types),
        # 总局令第45号 第十三条第三款 / DOMAIN §3: a restriction with a term keeps the fact public until it ends.
        "restriction_ends_on": decision.restriction_ends_on.isoformat() if decision.restriction_ends_on else None,
    }


BATCH = 2000


def disclosures_publish(*, actor, today: dt.date | None = None, batch: int = BATCH) -> dict:
    """Publish every pending summary and write each decision's credit record through the credit
    service; withdraw anything whose decision is no longer in force. Idempotent and safe to run in
    parallel: rows are claimed with SKIP LOCKED, one transaction per batch."""
    published = withdrawn = 0
    today = today or timezone.localdate()
    while True:
        n = _publish_batch(actor=actor, batch=batch, today=today)
        published += n
        if n < batch:
            break
    for disclosure in PenaltyDisclosure.objects.filter(state__in=[DisclosureState.PUBLISHED, DisclosureState.PENDING], decision__isnull=False).exclude(
        decision__state=DecisionState.EFFECTIVE
    ).select_related("decision"):
        decision = disclosure.decision
        disclosure_withdraw(actor=actor, disclosure=disclosure, reason=f"处罚决定已{decision.get_state_display()}：{decision.revoked_reason}")
        withdrawn += 1
    return {"published": published, "withdrawn": withdrawn}


@transaction.atomic
def _publish_batch(*, actor, batch: int, today: dt.date) -> int:
    from credit.models import CreditRecord
    from credit.services import credit_records_push, publicity_rule_in_force, publicity_window

    rows = list(
        PenaltyDisclosure.objects.select_for_update(skip_locked=True, of=("self",))
        # A decision dated ahead (typed in advance) waits for its day: the credit service refuses
        # future dates, and one such row must not block the whole batch.
        .filter(state=DisclosureState.PENDING, decision__state=DecisionState.EFFECTIVE, decided_on__lte=today)
        .select_related("decision", "department")
        .order_by("publish_due_on", "id")[:batch]
    )
    if not rows:
        return 0
    now = timezone.now()
    by_department = {}
    for d in rows:
        if d.entity_id:
            by_department.setdefault(d.department, []).append(d)
    ends_on = {}
    for department, items in by_department.items():
        credit_records_push(actor=actor, department=department, records=[_credit_payload(d, d.decision) for d in items])
        # The summary's end of publicity is its credit record's: one window, computed once by the credit service.
        records = {ref: (pk, ends) for ref, pk, ends in CreditRecord.objects.filter(
            department=department, source_ref__in=[d.number for d in items]).values_list("source_ref", "id", "publicity_ends_on")}
        for d in items:
            d.credit_record_id, ends_on[d.pk] = records.get(d.number, (None, None))
    rules = {}
    for d in rows:
        if ends_on.get(d.pk) is None:
            rule = rules.get(d.decided_on) or rules.setdefault(d.decided_on, publicity_rule_in_force(d.decided_on))
            severity = decision_severity(penalty_types=d.decision.penalty_types, circumstance=d.decision.circumstance)
            ends_on[d.pk] = publicity_window(rule=rule, polarity="negative", severity=severity, decided_on=d.decided_on).ends_on
    # Two clocks (issue 12 §1): the record keeps its NDRC window; the summary follows its department's disclosure rule.
    periods, disclosure_rules = {}, {}
    for d in rows:
        periods[d.pk] = period_for(d.department, penalty_types=d.penalty_types, fine_amount=d.fine_amount, published_on=timezone.localdate(now),
                                   restriction_ends_on=d.decision.restriction_ends_on, record_ends_on=ends_on[d.pk], rules=disclosure_rules)
    # One statement for the batch (bulk_update's CASE per row costs seconds at 2,000 rows).
    with connection.cursor() as cursor:
        execute_values(
            cursor,
            """UPDATE enforcement_penaltydisclosure AS d
               SET state = v.state, published_at = v.published_at, publicity_ends_on = v.ends_on, credit_record_id = v.record_id,
                   period_basis = v.basis
               FROM (VALUES %s) AS v(id, state, published_at, ends_on, record_id, basis) WHERE d.id = v.id""",
            [(d.pk, DisclosureState.PUBLISHED.value, now, periods[d.pk].ends_on, d.credit_record_id, periods[d.pk].basis) for d in rows],
            template="(%s::bigint, %s, %s::timestamptz, %s::date, %s::bigint, %s)",
            page_size=len(rows),
        )
    audit.record(
        actor=actor, action="penalty_disclosure.publish", target=("enforcement.penaltydisclosure", f"batch:{rows[0].pk}"),
        target_label=f"公示行政处罚决定 {len(rows)} 件", after={"numbers": [d.number for d in rows]},
    )
    return len(rows)


@transaction.atomic
def disclosure_withdraw(*, actor, disclosure: PenaltyDisclosure, reason: str) -> PenaltyDisclosure:
    """Take a summary off every public view, with the reason, and revoke its credit record (the
    grade follows at once). DOMAIN §5: within 3 working days; done immediately."""
    from credit.choices import RecordState
    from credit.models import CreditRecord
    from credit.services import credit_record_revoke

    disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.state == DisclosureState.WITHDRAWN:
        return disclosure
    if not str(reason or "").strip():
        raise ValidationError({"reason": "撤回公示须说明理由"})
    before = {"state": disclosure.state, "featured": disclosure.featured}
    now = timezone.now()
    disclosure.state, disclosure.withdrawn_at, disclosure.withdraw_reason = DisclosureState.WITHDRAWN, now, reason.strip()[:500]
    # DOMAIN §5: withdrawn within 3 working days (national default; data per department).
    disclosure.withdraw_due_on = deadlines.due(DeadlineKind.PENALTY_WITHDRAWAL, timezone.localdate(), department=disclosure.department_id).date
    disclosure.featured = False
    disclosure.save(update_fields=["state", "withdrawn_at", "withdraw_reason", "withdraw_due_on", "featured"])
    record = CreditRecord.objects.filter(pk=disclosure.credit_record_id).first() if disclosure.credit_record_id else None
    if record is None:
        record = CreditRecord.objects.filter(department=disclosure.department, source_ref=disclosure.number).first()
    if record is not None and record.state != RecordState.REVOKED:
        credit_record_revoke(actor=actor, record=record, reason=disclosure.withdraw_reason)
    audit.record(
        actor=actor, action="penalty_disclosure.withdraw", target=disclosure, before=before,
        after={"state": disclosure.state, "reason": disclosure.withdraw_reason},
    )
    return disclosure


def disclosure_follow_record(sender=None, *, record, state: str, reason: str, actor=None, **kwargs) -> int:
    """A published summary follows its credit record (receiver of credit's ``record_state_changed``):
    repaired → 已停止公示 (信用修复 stops publication early, DOMAIN §3); revoked (e.g. an objection
    found it wrong) → withdrawn with the reason. In the same transaction as the record's change."""
    from credit.choices import RecordState

    rows = list(PenaltyDisclosure.objects.select_for_update().filter(credit_record=record, state=DisclosureState.PUBLISHED))
    for disclosure in rows:
        if state == RecordState.REVOKED:
            disclosure_withdraw(actor=actor or "task:credit_record", disclosure=disclosure, reason=f"信用记录已撤销：{reason}")
        elif state == RecordState.REPAIRED:
            disclosure.state, disclosure.featured = DisclosureState.ENDED, False
            disclosure.save(update_fields=["state", "featured"])
            audit.record(actor=actor or "task:credit_record", action="penalty_disclosure.end", target=disclosure,
                         before={"state": DisclosureState.PUBLISHED}, after={"state": DisclosureState.ENDED, "reason": f"信用修复：{reason}"})
    return len(rows)


@transaction.atomic
def disclosure_feature(*, actor, disclosure: PenaltyDisclosure, featured: bool, note: str = "") -> PenaltyDisclosure:
    """Choose (or drop) a published penalty as a 曝光台 typical case."""
    disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if featured and disclosure.state != DisclosureState.PUBLISHED:
        raise ValidationError("只有已公示的处罚决定可以入选曝光台")
    if featured and not str(note or "").strip():
        raise ValidationError({"featured_note": "请填写案例评析"})
    before = {"featured": disclosure.featured, "featured_note": disclosure.featured_note}
    disclosure.featured = featured
    disclosure.featured_note = note.strip() if featured else disclosure.featured_note
    disclosure.featured_at = timezone.now() if featured else None
    disclosure.save(update_fields=["featured", "featured_note", "featured_at"])
    audit.record(actor=actor, action="penalty_disclosure.feature", target=disclosure, before=before,
                 after={"featured": disclosure.featured, "featured_note": disclosure.featured_note})
    return disclosure


# --- complaints (投诉举报) -------------------------------------------------------------------------
#
# Ways in: the public form and POST /api/v1/complaints/ (channels web/api), and the admin entry of
# 12345/12315/window work orders (with their work-order number). Each complaint gets a TS tracking
# number and a query code (the credit filings' scheme), a department and a deadline in working days
# from the statutory deadline in force (kind COMPLAINT; a channel's own rule is its variant). The reporter's identity and contacts are confidential
# (DOMAIN §5): masked in the audit trail, never in a credit record, never on a public page.

COMPLAINT_PREFIX = "TS"
PUBLIC_COMPLAINT_CHANNELS = ("web", "api")
# 12345/12315 work orders are entered with the hotline's own number, so the two systems can be reconciled.
HOTLINE_CHANNELS = ("12345", "12315")
COMPLAINT_DEADLINE_MAX_WORKING_DAYS = 60
COMPLAINT_LEGAL_BASIS = "《市场监督管理投诉举报处理暂行办法》"
_COMPLAINT_LABELS = {
    "entity_name": "被投诉举报对象名称", "content": "投诉举报内容", "reporter_name": "投诉举报人", "contact_phone": "联系电话",
    "contact_email": "电子邮箱", "external_no": "来源工单号",
}
_COMPLAINT_LIMITS = {"entity_name": 200, "reporter_name": 100, "contact_phone": 32, "contact_email": 100, "external_no": 64}
_CONFIDENTIAL = ("reporter_name", "contact_phone", "contact_email")


def channel_working_days(channel: str, day: dt.date, department=None) -> int:
    """The handling deadline of ``channel`` in working days on ``day`` for ``department``: the shortest
    statutory deadline in force (the channel's own version, or the general complaint rule)."""
    return deadlines.working_days(DeadlineKind.COMPLAINT, department=department, on=day, variant=channel)


def complaint_default_department():
    """Where a complaint goes when nobody chose a department and the entity is not in the roster:
    settings.COMPLAINT_DEFAULT_DEPARTMENT (a department code) if set and active, else the market
    regulation department (市场监督管理局: 12315 complaints are theirs), else the first active department."""
    from django.conf import settings

    from supervision.models import Department

    active = Department.objects.filter(active=True).order_by("code")
    code = getattr(settings, "COMPLAINT_DEFAULT_DEPARTMENT", "")
    return (
        (active.filter(code=code).first() if code else None)
        or active.filter(name__contains="市场监督管理").order_by("level", "code").first()
        or active.first()
    )


def _complaint_snapshot(complaint) -> dict:
    """The audit snapshot with the reporter's identity and contacts masked (the trail is shown to officials)."""
    from credit.services import _public_snapshot

    data = _public_snapshot(complaint)
    if data.get("reporter_name"):
        data["reporter_name"] = "（保密）"
    return data


def _check_handling_department(actor, complaint) -> None:
    """Only the assigned department (or a platform administrator, a task, a test) acts on a complaint."""
    from supervision.selectors import department_of, is_platform_admin

    if not getattr(actor, "is_authenticated", False) or is_platform_admin(actor):
        return
    if department_of(actor) != complaint.department:
        raise ValidationError(f"该投诉举报由{complaint.department.name}承办，只有承办部门可以办理")


def _lock_complaint(actor, complaint):
    from enforcement.models import Complaint

    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("department").get(pk=complaint.pk)
    _check_handling_department(actor, complaint)
    return complaint


@transaction.atomic
def complaint_file(
    *, actor, entity_name: str, content: str, kind: str = "complaint", channel: str = "web", department=None, entity_uscc: str = "",
    reporter_name: str = "", contact_phone: str = "", contact_email: str = "", whistleblower: bool = False, external_no: str = "",
    attachments=(),
):
    """登记 a complaint or report. Returns ``(complaint, query_code)``; only the code's hash is kept.

    The department is the one given (admin entry, 12345 dispatch), else the entity's registration
    authority when the USCC is in the roster, else ``complaint_default_department()``. The deadline
    counts the channel's working days from the filing date (DOMAIN §6 calendar, provisional past its data)."""
    from core import uscc as uscc_mod
    from enforcement.choices import ComplaintChannel, ComplaintKind
    from enforcement.models import Complaint, ComplaintAttachment

    values = {
        "entity_name": str(entity_name or "").strip(), "content": str(content or "").strip(), "reporter_name": str(reporter_name or "").strip(),
        "contact_phone": str(contact_phone or "").strip(), "contact_email": str(contact_email or "").strip(),
        "external_no": str(external_no or "").strip(),
    }
    errors = {}
    if kind not in ComplaintKind.values:
        errors["kind"] = "类别只能是：" + "、".join(f"{v}（{label}）" for v, label in ComplaintKind.choices)
    if channel not in ComplaintChannel.values:
        errors["channel"] = "渠道只能是：" + "、".join(f"{v}（{label}）" for v, label in ComplaintChannel.choices)
    elif channel in HOTLINE_CHANNELS and not values["external_no"]:
        errors["external_no"] = f"{ComplaintChannel(channel).label}转来的投诉举报须填写来源工单号"
    code = ""
    entity = None
    if str(entity_uscc or "").strip():
        try:
            code = uscc_mod.validate_uscc(entity_uscc)
        except ValidationError:  # the reason itself: exc.messages would read a typed '%' as a format (hardening)
            errors["entity_uscc"] = uscc_mod.problems(uscc_mod.normalize(entity_uscc))
        else:
            entity = MarketEntity.objects.filter(uscc=code).select_related("registration_authority").first()
    if not values["entity_name"] and entity is not None:
        values["entity_name"] = entity.name  # named by USCC only: the roster gives the name
    for name in ("entity_name", "content"):
        if not values[name] and name not in errors:
            errors[name] = f"{_COMPLAINT_LABELS[name]}为必填项" + ("（或填写名录库中的统一社会信用代码）" if name == "entity_name" else "")
    for name, limit in _COMPLAINT_LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{_COMPLAINT_LABELS[name]}不能超过{limit}个字符"
    if "\x00" in "".join(values.values()):
        errors.setdefault("content", "不能包含空字符")
    if errors:
        raise ValidationError(errors)
    if department is None:
        authority = entity.registration_authority if entity is not None else None
        department = authority if authority is not None and authority.active else complaint_default_department()
    if department is None:
        raise ValidationError({"department": "尚未设置承办部门，请联系平台管理员配置监管部门"})
    now = timezone.now()
    filed_on = timezone.localdate(now)
    due = deadlines.due(DeadlineKind.COMPLAINT, filed_on, department=department, variant=channel)
    working_days = due.rule.working_days
    number, query_code = new_tracking(Complaint, COMPLAINT_PREFIX)
    complaint = Complaint.objects.create(
        tracking_no=number, query_code_hash=query_code_digest(number, query_code), kind=kind, channel=channel, external_no=values["external_no"],
        entity_name=values["entity_name"], entity_id=code, content=values["content"], reporter_name=values["reporter_name"],
        contact_phone=values["contact_phone"], contact_email=values["contact_email"], whistleblower=bool(whistleblower), filed_at=now,
        department=department, working_days=working_days, due_on=due.date, due_provisional=due.provisional,
    )
    if _user(actor) is not None and getattr(actor, "department_id", None) == department.pk:
        complaint.handlers.add(actor)  # the official who entered the work order (and the complainant) handles it
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint, file=upload, original_name=str(upload.name or "附件")[:200],
            content_type=str(getattr(upload, "content_type", "") or "")[:64], size=upload.size,
        )
    audit.record(actor=actor, action="complaint.file", target=complaint, after={**_complaint_snapshot(complaint), "attachments": len(attachments)})
    return complaint, query_code


@transaction.atomic
def complaint_assign(*, actor, complaint, department, reason: str):
    """转办: hand the complaint to another department, with the reason; it starts there as 已登记
    (the deadline promised to the reporter stays)."""
    from enforcement.choices import ComplaintState

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结，不能转办")
    if department is None or not department.active:
        raise ValidationError({"department": "请选择接收转办的部门"})
    if department.pk == complaint.department_id:
        raise ValidationError({"department": f"该投诉举报已由{department.name}承办，请选择其他部门"})
    if not str(reason or "").strip():
        raise ValidationError({"reason": "转办须说明理由"})
    before = {"department": complaint.department_id, "state": complaint.state}
    complaint.department, complaint.state, complaint.handled_by = department, ComplaintState.RECEIVED, None
    complaint.save(update_fields=["department", "state", "handled_by"])
    audit.record(actor=actor, action="complaint.assign", target=complaint, before=before,
                 after={"department": department.pk, "state": complaint.state, "reason": reason.strip()})
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint, note: str = ""):
    """受理: 已登记 → 办理中."""
    from enforcement.choices import ComplaintState

    complaint = _lock_complaint(actor, complaint)
    if complaint.state != ComplaintState.RECEIVED:
        raise ValidationError(f"该投诉举报当前为“{complaint.get_state_display()}”，不能再受理")
    complaint.state, complaint.handled_by = ComplaintState.HANDLING, _user(actor)
    complaint.save(update_fields=["state", "handled_by"])
    if _user(actor) is not None:
        complaint.handlers.add(actor)  # the official who takes it on handles it (and sees the complainant)
    audit.record(actor=actor, action="complaint.accept", target=complaint, before={"state": ComplaintState.RECEIVED},
                 after={"state": complaint.state, "note": str(note or "").strip()})
    return complaint


def _reporter_data_in(complaint, text: str) -> bool:
    return any(v and len(v) >= 2 and v in text for v in (complaint.reporter_name, complaint.contact_phone, complaint.contact_email))


def _complaint_credit_record(*, actor, complaint):
    """A verified complaint becomes a 投诉举报 credit record (DOMAIN §3: verified complaints count toward
    the grade). Its text is the outcome, redacted: never the reporter's identity or contacts."""
    from credit.services import credit_record_save
    from enforcement.redaction import redact_text

    verdict = complaint.get_verdict_display()
    text = redact_text(complaint.outcome, keep=(complaint.entity_id, complaint.tracking_no), names=(complaint.reporter_name,))
    return credit_record_save(
        actor=actor, department=complaint.department, source_ref=complaint.tracking_no, uscc=complaint.entity_id, category="complaint",
        polarity="negative", severity=Severity.MINOR, title=f"{complaint.get_kind_display()}经核查{verdict}"[:200],
        content=f"经核查，{complaint.get_kind_display()}反映的问题{verdict}。处理结果：{text}", decided_on=timezone.localdate(),
        legal_basis=COMPLAINT_LEGAL_BASIS,
    )


@transaction.atomic
def complaint_close(*, actor, complaint, verdict: str, outcome: str):
    """办结 with a verdict and the outcome text told to the reporter. 属实 / 部分属实 about an entity with a
    USCC becomes a credit record (category 投诉举报, 轻微) through the credit service."""
    from enforcement.choices import ComplaintState, ComplaintVerdict

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结")
    allowed = [c for c in ComplaintVerdict.choices if c[0] != ComplaintVerdict.CONVERTED]
    if verdict == ComplaintVerdict.CONVERTED:
        raise ValidationError({"verdict": "转立案查处请使用“转立案”"})
    if verdict not in ComplaintVerdict.values:
        raise ValidationError({"verdict": "核查结论只能是：" + "、".join(str(label) for _, label in allowed)})
    outcome = str(outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写办理结果（将告知投诉举报人）"})
    if _reporter_data_in(complaint, outcome):
        raise ValidationError({"outcome": "办理结果可凭查询码查询，不得包含投诉举报人的姓名或联系方式"})
    before = _complaint_snapshot(complaint)
    complaint.state, complaint.verdict, complaint.outcome, complaint.closed_at = ComplaintState.CLOSED, verdict, outcome, timezone.now()
    complaint.handled_by = _user(actor) or complaint.handled_by
    if verdict in (ComplaintVerdict.VERIFIED, ComplaintVerdict.PARTLY) and not complaint.entity_id:
        # Issue 12 §6: a verified complaint without an entity would silently make no credit record.
        raise ValidationError({"verdict": "核查属实（部分属实）的投诉举报须先设置被投诉举报对象的统一社会信用代码（“设置统一社会信用代码”），"
                                          "否则无法形成信用记录"})
    if verdict in (ComplaintVerdict.VERIFIED, ComplaintVerdict.PARTLY) and complaint.entity_id:
        complaint.credit_record = _complaint_credit_record(actor=actor, complaint=complaint)
    complaint.save(update_fields=["state", "verdict", "outcome", "closed_at", "handled_by", "credit_record"])
    audit.record(actor=actor, action="complaint.close", target=complaint, before=before, after=_complaint_snapshot(complaint))
    return complaint


@transaction.atomic
def complaint_convert_to_case(
    *, actor, complaint, handlers, title: str, party_name: str = "", is_major: bool = False, standard=None, lead=None, note: str = "",
    outcome: str = "", documents=(),
):
    """转立案: open a case from the complaint (source 投诉举报) and close the complaint as 已转立案查处;
    the reporter is told 已立案调查 (the case itself is disclosed when decided)."""
    from enforcement.choices import ComplaintState, ComplaintVerdict

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结，不能再转立案")
    extra = str(outcome or "").strip()
    if extra and _reporter_data_in(complaint, extra):
        raise ValidationError({"outcome": "办理结果可凭查询码查询，不得包含投诉举报人的姓名或联系方式"})
    case = case_open(
        actor=actor, department=complaint.department, party_name=str(party_name or "").strip() or complaint.entity_name, title=title,
        source=CaseSource.COMPLAINT, handlers=handlers, entity_uscc=complaint.entity_id or "", source_complaint=complaint, standard=standard,
        is_major=is_major, lead=lead, note=note or f"由投诉举报 {complaint.tracking_no} 转立案", documents=documents,
    )
    before = _complaint_snapshot(complaint)
    complaint.state, complaint.verdict, complaint.closed_at = ComplaintState.CLOSED, ComplaintVerdict.CONVERTED, timezone.now()
    complaint.outcome = "经核查，已立案调查。" + (extra if extra else "案件办理结果将依法公示。")
    complaint.handled_by = _user(actor) or complaint.handled_by
    complaint.save(update_fields=["state", "verdict", "outcome", "closed_at", "handled_by"])
    audit.record(actor=actor, action="complaint.convert", target=complaint, before=before, after={**_complaint_snapshot(complaint), "case": case.number})
    return case


@transaction.atomic
def channel_deadline_set(*, actor, channel: str, working_days: int, effective_from: dt.date, note: str = ""):
    """A new version of a channel's handling deadline (issue 6: settable per channel), kept as a
    statutory deadline of kind COMPLAINT with the channel as its variant (issue 12 §2). Versions are
    never edited: complaints already filed keep the deadline they got. Where rules overlap the shorter
    applies (DOMAIN §4), so a channel's rule can shorten the general complaint deadline, never lengthen it."""
    from enforcement.choices import ComplaintChannel
    from supervision.models import StatutoryDeadline
    from supervision.services import statutory_deadline_save

    errors = {}
    if channel not in ComplaintChannel.values:
        errors["channel"] = "请选择渠道"
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        working_days = 0
    if not 1 <= working_days <= COMPLAINT_DEADLINE_MAX_WORKING_DAYS:
        errors["working_days"] = f"办理时限应为1至{COMPLAINT_DEADLINE_MAX_WORKING_DAYS}个工作日"
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = "请填写生效日期"
    elif effective_from < timezone.localdate():
        errors["effective_from"] = "生效日期不能早于今天（已登记的投诉举报按登记时的时限办理）"
    elif not errors and StatutoryDeadline.objects.filter(
        kind=DeadlineKind.COMPLAINT, variant=channel, department=None, region_code="", effective_from=effective_from
    ).exists():
        errors["effective_from"] = f"{ComplaintChannel(channel).label}在{effective_from}已有一个版本"
    if not errors:
        general = deadlines.working_days(DeadlineKind.COMPLAINT, on=effective_from)
        if working_days > general:
            errors["working_days"] = f"投诉举报的通用办理时限为{general}个工作日；规则重叠时适用较短的时限，渠道时限只能等于或短于它"
    if len(str(note or "")) > 200:
        errors["note"] = "依据不能超过200个字符"
    if errors:
        raise ValidationError(errors)
    label = ComplaintChannel(channel).label
    before = channel_working_days(channel, effective_from)
    note = str(note or "").strip()
    row = statutory_deadline_save(
        actor=actor, kind=DeadlineKind.COMPLAINT, variant=channel, working_days=working_days, effective_from=effective_from,
        citation=note or f"{COMPLAINT_LEGAL_BASIS}：{label}渠道办理时限（平台管理员设定）", note=f"{label}渠道",
    )
    audit.record(actor=actor, action="channel_deadline.set", target=row, before={"working_days": before}, after=audit.snapshot(row))
    return row


# --- numbering carried over (demo helper section) ------------------------------------------------


@transaction.atomic
def document_sequence_continue(*, actor, department, kind: str, year: int, last_number: int):
    """Carry over the last number a department already used before this module (e.g. decisions its
    old system pushed to credit as ``郑市监罚〔2026〕37号``): new numbers continue after it, so no number
    is issued twice. Never lowers the counter, so the sequence stays gap-free from there on."""
    from enforcement.models import DocumentSequence

    if not isinstance(last_number, int) or last_number < 0:
        raise ValidationError({"last_number": "已用最大号应为非负整数"})
    row, _ = DocumentSequence.objects.select_for_update().get_or_create(department=department, kind=kind, year=year)
    if row.last_number >= last_number:
        return row
    before = row.last_number
    row.last_number = last_number
    row.save(update_fields=["last_number"])
    audit.record(actor=actor, action="document_sequence.continue", target=row, before={"last_number": before}, after={"last_number": last_number})
    return row
