"""Writes of 双随机、一公开: field work and results (co-inspector confirmation, entry, approval, publication)."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from credit import services as credit_services
from credit.choices import ListGround, ListType
from credit.models import CreditRecord
from inspections import change_events
from inspections.choices import (
    RESULT_SEVERITY,
    PlanState,
    ResultCategory,
    ResultState,
    TaskState,
)
from inspections.models import (
    CorrectionOrder,
    InspectionResult,
    InspectionTask,
    ResultEvidence,
    TeamMember,
)
from supervision import deadlines
from supervision.choices import DeadlineKind

RESULT_REASON_MAX = 500  # InspectionResult.out_of_window_reason


@transaction.atomic
def team_confirm(*, actor, member: TeamMember) -> TeamMember:
    """A co-inspector confirms the result entered for the task (co-inspector confirmation)."""
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if not member.task.results.filter(department=member.department).exists():
        raise ValidationError("本部门尚未录入检查结果")
    if member.confirmed_at is None:
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at"])
        audit.record(
            actor=actor, action="inspection_team.confirm", target=member, after={"confirmed_at": member.confirmed_at}
        )
    return member


@transaction.atomic
def result_submit(
    *,
    actor,
    task: InspectionTask,
    department,
    categories: list[str],
    findings: str = "",
    inspected_on: dt.date | None = None,
    evidence_files=(),
    out_of_window_reason: str = "",
) -> InspectionResult:
    """Enter one department's result; raise the follow-ups of DOMAIN §4. A result dated outside the
    plan's window needs a reason, which is published with it (issue 12 §5)."""
    task = InspectionTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    inspected_on = inspected_on or timezone.localdate()
    categories = list(dict.fromkeys(categories or []))
    errors = {}
    if task.state == TaskState.UNSTAFFED:
        errors["task"] = "该任务未配齐检查人员，不能录入结果"
    if not categories:
        errors["categories"] = "请至少选择一项检查结果"
    unknown = [c for c in categories if c not in ResultCategory.values]
    if unknown:
        errors["categories"] = f"未知的检查结果：{'、'.join(unknown)}"
    if ResultCategory.NO_PROBLEM in categories and len(categories) > 1:
        errors["categories"] = "“未发现问题”不能与其他结果同时选择"
    if not task.team.filter(department=department).exists():
        errors["department"] = f"{department}不是该任务检查组的部门"
    if task.results.filter(department=department).exists():
        errors["department"] = "本部门已录入该任务的检查结果"
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天"
    if any(c != ResultCategory.NO_PROBLEM for c in categories) and not findings.strip():
        errors["findings"] = "发现问题或异常情况时须填写检查情况"
    outside = not (task.plan.starts_on <= inspected_on <= task.plan.ends_on)
    out_of_window_reason = (out_of_window_reason or "").strip() if outside else ""
    if outside and not out_of_window_reason:
        errors["out_of_window_reason"] = (
            f"检查日期 {inspected_on} 不在计划检查期间（{task.plan.starts_on} 至 {task.plan.ends_on}）内：请核对检查日期，或填写原因（原因将随检查结果公示）"
        )
    if len(out_of_window_reason) > RESULT_REASON_MAX:
        errors["out_of_window_reason"] = f"原因不能超过 {RESULT_REASON_MAX} 字"
    if errors:
        raise ValidationError(errors)
    # DOMAIN §4: published within 20 working days of the inspection (国办发〔2018〕118号), 7 where the
    # publishing department's local rule says so (二七区, seed 004 §15): the shorter rule in force wins.
    due = deadlines.due(DeadlineKind.INSPECTION_RESULT, inspected_on, department=department)
    result = InspectionResult.objects.create(
        task=task,
        department=department,
        categories=categories,
        findings=findings.strip(),
        inspected_on=inspected_on,
        out_of_window_reason=out_of_window_reason,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=timezone.now(),
        publish_due_on=due.date,
        publish_due_provisional=due.provisional,
        needs_case=ResultCategory.PROBLEM_PENDING in categories,  # 发现问题待后续处理 → may open an enforcement case
    )
    for upload in evidence_files:
        ResultEvidence.objects.create(result=result, file=upload)
    source = f"抽查结果 #{result.pk}"
    if ResultCategory.UNREACHABLE in categories or ResultCategory.FALSE_INFO in categories:
        ground = ListGround.UNREACHABLE if ResultCategory.UNREACHABLE in categories else ListGround.FALSE_INFO
        credit_services.list_proposal_raise(
            actor=actor,
            entity_uscc=task.entity_id,
            list_type=ListType.ABNORMAL,
            ground=ground,
            department=department,
            source_ref=source,
            reason=f"{task.plan.name}：{'、'.join(result.category_labels())}",
        )
    if ResultCategory.NOT_PUBLISHED in categories:
        # 责令改正 within the correction period (data; national default 10 working days), then list if not corrected.
        correction_due = deadlines.due(DeadlineKind.CORRECTION_ORDER, inspected_on, department=department)
        CorrectionOrder.objects.create(
            result=result, entity_id=task.entity_id, department=department, due_on=correction_due.date
        )
    task_departments = set(task.team.values_list("department_id", flat=True))
    if task_departments <= set(task.results.values_list("department_id", flat=True)):
        task.state = TaskState.SUBMITTED
        task.save(update_fields=["state"])
    if task.plan.state == PlanState.DRAWN:
        task.plan.state = PlanState.IN_PROGRESS
        task.plan.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="inspection_result.submit",
        target=result,
        after={**audit.snapshot(result), "publish_rule": due.rule.citation},
    )
    return result


@transaction.atomic
def result_approve(*, actor, result: InspectionResult) -> InspectionResult:
    result = InspectionResult.objects.select_for_update().get(pk=result.pk)
    if result.state != ResultState.SUBMITTED:
        raise ValidationError(f"该结果当前为“{result.get_state_display()}”")
    result.state, result.approved_at = ResultState.APPROVED, timezone.now()
    result.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    result.save(update_fields=["state", "approved_at", "approved_by"])
    audit.record(actor=actor, action="inspection_result.approve", target=result, after={"state": result.state})
    return result


def result_record(result: InspectionResult) -> dict:
    """The credit record (抽查检查结果) a published result becomes."""
    severities = [RESULT_SEVERITY[c] for c in result.categories if c in RESULT_SEVERITY]
    severity = "general" if "general" in severities else ("minor" if severities else "")
    reason = result.out_of_window_reason  # issue 12 §5: published with the result
    return {
        "source_ref": f"抽查结果-{result.pk}",
        "uscc": result.task.entity_id,
        "category": "inspection_result",
        "polarity": "negative" if severity else "neutral",
        "severity": severity,
        "title": f"{result.task.plan.name}：{'、'.join(result.category_labels())}"[:200],
        "content": "\n".join(filter(None, [result.findings, reason and f"超出计划检查期间的原因：{reason}"])),
        "decided_on": result.inspected_on,
        "legal_basis": "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
    }


@transaction.atomic
def results_publish(*, actor, today: dt.date | None = None) -> int:
    """Publish every approved result (the beat job); each becomes a credit record of its department.
    Claimed with SKIP LOCKED, so two runs never publish the same result twice."""
    results = list(
        InspectionResult.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=ResultState.APPROVED)
        .select_related("task__plan", "department")
    )
    by_department = defaultdict(list)
    for result in results:
        by_department[result.department].append(result)
    for department, items in by_department.items():
        credit_services.credit_records_push(
            actor=actor, department=department, records=[result_record(r) for r in items]
        )
        refs = {f"抽查结果-{r.pk}": r for r in items}

        for record_id, ref in CreditRecord.objects.filter(department=department, source_ref__in=list(refs)).values_list(
            "id", "source_ref"
        ):
            refs[ref].credit_record_id = record_id
    now = timezone.now()
    for result in results:
        result.state, result.published_at = ResultState.PUBLISHED, now
    InspectionResult.objects.bulk_update(results, ["state", "published_at", "credit_record"])
    change_events.results_published([r.pk for r in results])  # issue 15 §3
    # One statement: a submitted task whose results are all published is complete.
    InspectionTask.objects.filter(pk__in={r.task_id for r in results}, state=TaskState.SUBMITTED).exclude(
        results__state__in=[ResultState.SUBMITTED, ResultState.APPROVED]
    ).update(state=TaskState.COMPLETED)
    if results:
        audit.record(
            actor=actor,
            action="inspection_result.publish",
            target=("inspections.inspectionresult", f"publish:{now:%Y%m%d%H%M%S}"),
            target_label=f"公示抽查结果 {len(results)} 条",
            after={"results": [r.pk for r in results]},
        )
    return len(results)
