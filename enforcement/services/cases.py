"""Cases (案件): open, advance through the stages with their guards, close, change handlers, and the
法制审核 (legal review) of major decisions. Each write records an event on the case (全程记录)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core import uscc as uscc_mod
from enforcement.case_rules import check_may_move
from enforcement.choices import (
    MIN_HANDLERS,
    STAGE_ORDER,
    CaseOutcome,
    CaseSource,
    CaseStage,
    DecisionState,
    ReviewResult,
)
from enforcement.models import Case, CaseDocument, CaseEvent, CaseHandler, LegalReview, PenaltyDecision
from enforcement.services.actors import _actor_label, _user
from enforcement.services.numbering import document_number, next_number
from supervision.models import Inspector, MarketEntity
from supervision.services import observation_period_applies

LEGAL_REVIEWER_ROLE = "法制审核人员"


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
            problems.append(
                f"{inspector.name}的执法证（{inspector.certificate_no}）在{day}不在有效期内（{inspector.certificate_valid_from}至{inspector.certificate_valid_to}）"
            )
        else:
            valid.append(inspector)
    if len({i.pk for i in valid}) < MIN_HANDLERS:
        # 行政处罚法 第42条: at least two officers with law-enforcement certificates.
        problems.insert(
            0,
            f"案件须由至少{MIN_HANDLERS}名持有效执法证的承办人员办理（《行政处罚法》第四十二条），当前符合条件的只有{len(valid)}名",
        )
    return problems


def _check_handlers(case: Case, day: dt.date) -> None:
    problems = handler_problems(
        case.department, [link.inspector for link in case.handler_links.select_related("inspector")], day
    )
    if problems:
        raise ValidationError("；".join(problems))


def _event(
    *, case: Case, actor, action: str, from_stage: str, to_stage: str, note: str = "", documents=()
) -> CaseEvent:
    now = timezone.now()
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        at=now,
        note=note,
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
    *,
    actor,
    department,
    party_name: str,
    title: str,
    source: str,
    handlers,
    entity_uscc: str = "",
    filed_on: dt.date | None = None,
    source_complaint=None,
    source_result=None,
    source_warning=None,
    source_note: str = "",
    standard=None,
    is_major: bool = False,
    party_is_minor: bool = False,
    lead=None,
    note: str = "",
    documents=(),
) -> Case:
    """立案: open a case with at least two certified handlers; the first event of its record."""

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
    elif source == CaseSource.WARNING and source_warning is None:
        errors["source_warning"] = "来源为风险预警的案件须关联该预警"
    elif source == CaseSource.WARNING and source_warning.department_id != department.pk:
        errors["source_warning"] = "只能依据本部门的风险预警立案"
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
        department=department,
        entity_id=code,
        party_name=party_name.strip(),
        party_is_minor=party_is_minor,
        title=title.strip(),
        source=source,
        source_complaint=source_complaint,
        source_result=source_result,
        source_warning=source_warning,
        source_note=source_note.strip(),
        standard=standard,
        is_major=is_major,
        filed_on=filed_on,
        created_by=_user(actor),
    )
    lead = lead or handlers[0]
    CaseHandler.objects.bulk_create(
        [CaseHandler(case=case, inspector=i, is_lead=i.pk == lead.pk) for i in {i.pk: i for i in handlers}.values()]
    )
    _event(
        case=case, actor=actor, action="open", from_stage="", to_stage=CaseStage.FILED, note=note, documents=documents
    )
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
        CaseStage.REVIEW: [CaseStage.LEGAL_REVIEW]
        if _requires_legal_review(case)
        else [CaseStage.NOTICE, CaseStage.LEGAL_REVIEW],
        CaseStage.LEGAL_REVIEW: [CaseStage.NOTICE],
        CaseStage.NOTICE: [],
        CaseStage.DECISION: [CaseStage.SERVICE],
        CaseStage.SERVICE: [CaseStage.EXECUTION],
        CaseStage.EXECUTION: [],
        CaseStage.CLOSED: [],
    }[CaseStage(case.stage)]


@transaction.atomic
def case_advance(
    *, actor, case: Case, to_stage: str, note: str = "", documents=(), notice_served_on: dt.date | None = None
) -> Case:
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
        raise ValidationError(
            f"案件当前处于“{label[case.stage]}”环节，不能转到“{label.get(to_stage, to_stage)}”；可转到：{nxt}"
        )
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
    _event(
        case=case, actor=actor, action="advance", from_stage=before, to_stage=to_stage, note=note, documents=documents
    )
    after = {
        "stage": to_stage,
        "note": note,
        **({"notice_served_on": case.notice_served_on.isoformat()} if to_stage == CaseStage.NOTICE else {}),
    }
    audit.record(actor=actor, action="case.advance", target=case, before={"stage": before}, after=after)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, outcome: str, note: str, closed_on: dt.date | None = None, documents=()) -> Case:
    """结案 with an outcome. A penalty case closes after execution; 移送司法机关, 不予处罚 and
    撤销立案 close it before any decision; 首违不罚 only for an entity in an observation period."""

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
        if (
            PenaltyDecision.objects.filter(entity=case.entity_id)
            .exclude(case=case)
            .exclude(state=DecisionState.REVOKED)
            .exists()
        ):
            raise ValidationError("当事人此前已受过行政处罚，不属于首次违法，不适用首违不罚")
    if outcome in (CaseOutcome.NO_PENALTY, CaseOutcome.FIRST_VIOLATION) and STAGE_ORDER.index(
        case.stage
    ) < STAGE_ORDER.index(CaseStage.REVIEW):
        raise ValidationError("不予处罚须在调查取证完成、经案件审核后作出")
    if outcome == CaseOutcome.PENALTY:
        _check_handlers(case, closed_on)
    before = case.stage
    case.stage, case.outcome, case.closed_on = CaseStage.CLOSED, outcome, closed_on
    case.save(update_fields=["stage", "outcome", "closed_on"])
    _event(
        case=case,
        actor=actor,
        action=f"close:{outcome}",
        from_stage=before,
        to_stage=CaseStage.CLOSED,
        note=note.strip(),
        documents=documents,
    )
    audit.record(
        actor=actor,
        action="case.close",
        target=case,
        before={"stage": before},
        after={"stage": CaseStage.CLOSED, "outcome": outcome, "note": note},
    )
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
    CaseHandler.objects.bulk_create(
        [CaseHandler(case=case, inspector=i, is_lead=i.pk == lead.pk) for i in {i.pk: i for i in handlers}.values()]
    )
    after = sorted(i.name for i in handlers)
    _event(
        case=case,
        actor=actor,
        action="handlers",
        from_stage=case.stage,
        to_stage=case.stage,
        note=note or f"承办人员变更为：{'、'.join(after)}",
    )
    audit.record(
        actor=actor, action="case.handlers", target=case, before={"handlers": before}, after={"handlers": after}
    )
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
    review = LegalReview.objects.create(
        case=case, reviewer=actor, result=result, opinion=opinion.strip(), reviewed_at=timezone.now()
    )
    to_stage = CaseStage.LEGAL_REVIEW if result == ReviewResult.PASSED else CaseStage.INVESTIGATION
    if to_stage != case.stage:
        case.stage = to_stage
        case.save(update_fields=["stage"])
    _event(
        case=case,
        actor=actor,
        action=f"legal_review:{result}",
        from_stage=CaseStage.LEGAL_REVIEW,
        to_stage=to_stage,
        note=opinion.strip(),
    )
    audit.record(
        actor=actor,
        action="case.legal_review",
        target=case,
        after={"result": result, "opinion": opinion.strip(), "review": review.pk},
    )
    return review
