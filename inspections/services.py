"""Writes of 双随机、一公开. Keyword-only; each owns its transaction and writes its audit event."""

import datetime as dt
import hashlib
import heapq
import hmac
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from credit import services as credit_services
from credit.choices import ListGround, ListType
from credit.evaluation import evaluate
from credit.models import CreditRecord
from inspections import coverage as coverage_rules
from inspections import draw as draw_algo
from inspections.choices import (
    PUBLIC_INFO_FLOOR,
    RESULT_SEVERITY,
    CorrectionState,
    PlanState,
    ResultCategory,
    ResultState,
    TaskState,
)
from inspections.models import (
    CorrectionOrder,
    Draw,
    DrawCommitment,
    DrawSelection,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    PlanItem,
    ResultEvidence,
    TeamMember,
)
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import Inspector, InspectorConflict, SupervisionItem
from supervision.services import item_version_on

# --- plans --------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "name",
    "year",
    "lead_department",
    "description",
    "scope_region",
    "scope_industry",
    "scope_entity_types",
    "scope_statuses",
    "ratio_a",
    "ratio_b",
    "ratio_c",
    "ratio_d",
    "is_public_info_check",
    "min_team_size",
    "starts_on",
    "ends_on",
)


@transaction.atomic
def plan_save(*, actor, plan: InspectionPlan | None = None, departments=None, **fields) -> InspectionPlan:
    """Create or change a plan while it is a draft."""
    creating = plan is None
    plan = plan or InspectionPlan()
    if not creating and plan.state != PlanState.DRAFT:
        raise ValidationError("计划已审批，不能再修改；如需调整请新建计划")
    before = None if creating else audit.snapshot(InspectionPlan.objects.get(pk=plan.pk))
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValidationError({name: "不能修改该字段"})
        setattr(plan, name, value)
    if creating and getattr(actor, "is_authenticated", False):
        plan.created_by = actor
    plan.full_clean()
    plan.save()
    if departments is not None:
        plan.departments.set([d for d in departments if d.pk != plan.lead_department_id])
    audit.record(
        actor=actor,
        action=f"inspection_plan.{'create' if creating else 'update'}",
        target=plan,
        before=before,
        after=audit.snapshot(plan),
    )
    return plan


@transaction.atomic
def plan_item_add(*, actor, plan: InspectionPlan, item: SupervisionItem) -> PlanItem:
    """Add an item in the version in force when the plan starts (a task cites that version)."""
    if plan.state != PlanState.DRAFT:
        raise ValidationError("计划已审批，不能再增加事项")
    version = item_version_on(item, plan.starts_on)
    if version is None:
        raise ValidationError({"item": f"事项“{item.name}”在 {plan.starts_on} 没有生效的版本"})
    if not (version.is_random or version.is_key):
        raise ValidationError({"item": f"事项“{item.name}”不是随机抽查事项，也不是重点监管事项"})
    departments = {d.pk for d in plan.all_departments()}
    if item.department_id not in departments:
        raise ValidationError({"item": f"事项“{item.name}”的实施部门{item.department}不是本计划的牵头或参与部门"})
    plan_item, created = PlanItem.objects.get_or_create(
        plan=plan, item_version=version, defaults={"department": item.department}
    )
    if created:
        audit.record(
            actor=actor,
            action="inspection_plan.add_item",
            target=plan,
            after={"item_version": version.pk, "item": str(item)},
        )
    return plan_item


@transaction.atomic
def plan_approve(*, actor, plan: InspectionPlan) -> InspectionPlan:
    """审批: the plan is then published with its items, legal bases and ratios."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != PlanState.DRAFT:
        raise ValidationError(f"只有草稿可以审批（当前：{plan.get_state_display()}）")
    if not plan.items.exists():
        raise ValidationError("计划还没有抽查事项")
    departments = {d.pk for d in plan.all_departments()}
    missing = departments - set(plan.items.values_list("department_id", flat=True))
    if missing:
        raise ValidationError("每个参与部门至少要有一个本部门的抽查事项")
    drafters = plan_drafters(plan)
    if getattr(actor, "pk", None) in drafters:
        # DOMAIN §4: drafted by one official, approved by another (two-person rule).
        raise ValidationError("计划须由起草人以外的另一名工作人员审批（两人规则）：您起草或修改过本计划，不能审批")
    if plan.created_by_id is None and drafters:
        plan.created_by_id = min(drafters, key=lambda pk: drafters[pk])  # record the drafter of an older plan
    plan.state, plan.approved_at = PlanState.APPROVED, timezone.now()
    plan.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.save(update_fields=["state", "approved_at", "approved_by", "created_by"])
    audit.record(actor=actor, action="inspection_plan.approve", target=plan, after={"state": plan.state})
    return plan


DRAFT_ACTIONS = ("inspection_plan.create", "inspection_plan.update", "inspection_plan.add_item")


def plan_drafters(plan: InspectionPlan) -> dict:
    """``{user id: first time}`` of the officials who drafted the plan: ``created_by`` and whoever
    created, changed or added items to the draft (the audit trail)."""
    events = AuditEvent.objects.filter(
        action__in=DRAFT_ACTIONS, target_type=InspectionPlan._meta.label_lower, target_id=str(plan.pk)
    )
    drafters = {}
    for user_id, at in events.exclude(actor_user_id=None).order_by("pk").values_list("actor_user_id", "occurred_at"):
        drafters.setdefault(user_id, at)
    if plan.created_by_id is not None:
        drafters[plan.created_by_id] = plan.created_at
    return drafters


def scope_sql(plan: InspectionPlan) -> tuple[str, list]:
    """WHERE clause (on supervision_marketentity e) for the entities in the plan's scope."""
    clauses, params = [], []
    if plan.scope_region:
        clauses.append("e.region_code LIKE %s")
        params.append(plan.scope_region + "%")
    if plan.scope_industry:
        clauses.append("e.industry_code LIKE %s")
        params.append(plan.scope_industry + "%")
    if plan.scope_entity_types:
        clauses.append("e.entity_type = ANY(%s)")
        params.append(list(plan.scope_entity_types))
    clauses.append("e.status = ANY(%s)")
    params.append(list(plan.scope_statuses or ["active"]))
    return " AND ".join(clauses), params


def population_rows(plan: InspectionPlan) -> list[tuple[str, str]]:
    """Everyone in scope now to whom a sampled item applies, with their stratum (risk class); ungraded
    entities are graded first. Key items are not drawn (inspections/draw.py, step 6)."""

    sampled = coverage_rules.sampled_scope(coverage_rules.plan_items(plan)[0])
    if sampled is None:
        return []
    where, params = scope_sql(plan)
    where, params = where + sampled[0], [*params, *sampled[1]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.uscc FROM supervision_marketentity e LEFT JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {where} AND c.uscc IS NULL",  # noqa: S608
            params,
        )
        missing = [row[0] for row in cursor.fetchall()]
        if missing:
            evaluate(missing)
        cursor.execute(
            f"SELECT e.uscc, c.risk_class FROM supervision_marketentity e JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {where}",  # noqa: S608
            params,
        )
        return cursor.fetchall()


# --- draws --------------------------------------------------------------------------------------


@transaction.atomic
def draw_run(*, actor, plan: InspectionPlan, reason: str = "", seed: str | None = None) -> Draw:
    """Draw entities (verifiable), create one task per entity with every department's items, and
    draw each department's inspectors. A redraw needs a reason; the old draw stays visible."""
    plan = InspectionPlan.objects.select_for_update().select_related("lead_department").get(pk=plan.pk)
    previous = plan.draws.filter(superseded=False).first()
    if plan.state not in (PlanState.APPROVED, PlanState.DRAWN):
        raise ValidationError(f"计划须已审批且尚未开始实施才能摇号（当前：{plan.get_state_display()}）")
    if previous is not None:
        if not reason.strip():
            raise ValidationError({"reason": "重新摇号须说明理由，原摇号记录保留并公开"})
        if InspectionResult.objects.filter(task__draw=previous).exists():
            raise ValidationError("已有检查结果录入，不能重新摇号")
    if DrawCommitment.objects.filter(plan=plan).exists():
        # A v2 plan: the platform may not draw its own seed (issue 11 §4); every draw of it is v2.
        raise ValidationError(
            "本计划采用 hmac-sha256-v2 摇号：须公布摇号承诺，待公开随机数公布后由起草人以外的工作人员录入并摇号"
        )
    rows = population_rows(plan)
    coverage = key_coverage(plan)
    if not rows and not coverage:
        raise ValidationError("计划范围内没有市场主体")
    population = draw_algo.population_file(rows)
    seed = seed or draw_algo.new_seed()
    outcome = draw_algo.draw(seed, population, plan.ratios())
    check_public_info_floor(plan, outcome.strata)
    return record_draw(
        actor=actor,
        plan=plan,
        previous=previous,
        algorithm=draw_algo.ALGORITHM,
        seed=seed,
        population=population,
        outcome=outcome,
        coverage=coverage,
        reason=reason,
        audit_after={"seed": seed},
    )


def key_coverage(plan: InspectionPlan) -> bytes:
    """The key coverage file (inspections/draw.py, step 7): every entity in each key item's scope, now."""
    where, params = scope_sql(plan)
    return coverage_rules.key_coverage(coverage_rules.plan_items(plan)[1], where, params)


def check_public_info_floor(plan: InspectionPlan, strata: list) -> None:
    """公示信息抽查: at least 3% overall of the sampled population (DOMAIN §4), compared exactly
    (a float share of exactly 3% is below Decimal("0.03")). Depends on sizes and ratios only."""
    size = sum(s["size"] for s in strata)
    selected = sum(s["selected"] for s in strata)
    if plan.is_public_info_check and size and Decimal(selected) < PUBLIC_INFO_FLOOR * size:
        raise ValidationError(f"公示信息抽查总体比例不得低于3%：按当前比例只抽取 {selected / size:.2%}，请调高各类比例")


def record_draw(
    *,
    actor,
    plan,
    previous,
    algorithm: str,
    seed: str,
    population: bytes,
    outcome,
    coverage: bytes,
    reason: str,
    audit_after: dict,
    commitment=None,
) -> Draw:
    """Store a computed draw (v1 or v2) and its key coverage: supersede the previous one, create one
    task per selected or covered entity with only its items, draw the teams (inspections/draw.py).
    Called inside the caller's transaction, with the plan locked."""
    sampled, key = coverage_rules.plan_items(plan)
    if previous is not None:
        InspectionTask.objects.filter(draw=previous).delete()
        previous.superseded = True
        previous.save(update_fields=["superseded"])
    record = Draw.objects.create(
        plan=plan,
        algorithm=algorithm,
        seed=seed,
        population_sha256=outcome.population_sha256,
        population=population.decode("ascii"),
        population_size=sum(s["size"] for s in outcome.strata),
        strata=outcome.strata,
        reason=reason.strip(),
        drawn_at=timezone.now(),
        drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        commitment=commitment,
        key_supervision=bool(key),
        key_coverage=coverage.decode("ascii"),
        key_coverage_sha256=draw_algo.population_hash(coverage) if key else "",
        key_coverage_size=len(draw_algo.parse_coverage(coverage)),
    )
    DrawSelection.objects.bulk_create(
        [
            DrawSelection(draw=record, entity_id=code, stratum=stratum, rank=rank, digest=mac)
            for code, stratum, rank, mac in outcome.selected
        ],
        batch_size=5000,
    )
    selected = [code for code, *_ in outcome.selected]
    items = coverage_rules.task_items(selected=selected, coverage=coverage, sampled=sampled, key=key)
    drawn = set(selected)
    tasks = InspectionTask.objects.bulk_create(
        [
            InspectionTask(plan=plan, draw=record, entity_id=code, due_on=plan.ends_on, drawn=code in drawn)
            for code in sorted(items)
        ],
        batch_size=5000,
    )
    through = InspectionTask.items.through
    through.objects.bulk_create(
        [through(inspectiontask_id=t.pk, planitem_id=i.pk) for t in tasks for i in items[t.entity_id]], batch_size=5000
    )
    report = assign_teams(
        plan=plan,
        draw=record,
        tasks=tasks,
        departments_of={code: {i.department_id for i in its} for code, its in items.items()},
    )
    plan.state = PlanState.DRAWN
    plan.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="draw.run" if previous is None else "draw.redraw",
        target=record,
        after={
            **audit_after,
            "algorithm": algorithm,
            "population_sha256": record.population_sha256,
            "strata": outcome.strata,
            "key_coverage_sha256": record.key_coverage_sha256,
            "key_coverage_size": record.key_coverage_size,
            "tasks": len(tasks),
            "reason": record.reason,
            "unstaffed": report["unstaffed"],
            "superseded": previous.pk if previous else None,
        },
    )
    return record


def eligible_inspectors(plan: InspectionPlan) -> dict:
    """Per department: active inspectors whose certificate is valid on every inspection date."""
    by_department = defaultdict(list)
    qs = Inspector.objects.filter(
        active=True,
        department__in=plan.all_departments(),
        certificate_valid_from__lte=plan.starts_on,
        certificate_valid_to__gte=plan.ends_on,
    ).order_by("certificate_no")
    for inspector in qs:
        by_department[inspector.department_id].append(inspector)
    return by_department


def assign_teams(*, plan: InspectionPlan, draw: Draw, tasks: list, departments_of: dict | None = None) -> dict:
    """Each department draws its own inspectors for each task (DOMAIN §4, 行政处罚法 第42–43条):
    at least ``min_team_size`` each, valid certificates, nobody with a declared conflict, nobody from
    the entity's previous team unless no one else qualifies (then the reason is recorded), workload
    balanced. Ranked by HMAC-SHA256(seed, USCC + ":" + certificate no.), so it can be verified.
    An entity that cannot be staffed is reported with the reason, never dropped. Only the departments
    of a task's items (``departments_of``: USCC → department ids; default every department) go."""
    departments = plan.all_departments()
    pool = eligible_inspectors(plan)
    codes = [t.entity_id for t in tasks]
    conflicts = set(
        InspectorConflict.objects.filter(entity_uscc__in=codes, inspector__department__in=departments).values_list(
            "inspector_id", "entity_uscc"
        )
    )
    previous = defaultdict(set)
    last_task = {}
    for member in (
        TeamMember.objects.filter(task__entity__in=codes, task__draw__superseded=False)
        .exclude(task__plan=plan)
        .values("task__entity", "task_id", "task__plan__starts_on", "inspector_id")
        .order_by("task__plan__starts_on", "task_id")
    ):
        code = member["task__entity"]
        if last_task.get(code) != member["task_id"]:
            last_task[code], previous[code] = member["task_id"], set()
        previous[code].add(member["inspector_id"])
    load = Counter()
    members, unstaffed = [], []
    # Plain (pk, certificate no.) pairs; the HMAC key is set up once (copies of a keyed HMAC are cheap).
    pools = {d.pk: [(i.pk, i.certificate_no) for i in pool.get(d.pk, [])] for d in departments}
    conflicted = defaultdict(set)
    for inspector_id, code in conflicts:
        conflicted[code].add(inspector_id)
    keyed = hmac.new(bytes.fromhex(draw.seed), digestmod=hashlib.sha256)
    for task in sorted(tasks, key=lambda t: t.entity_id):
        code = task.entity_id
        prefix = keyed.copy()
        prefix.update(f"{code}:".encode("ascii"))
        reasons, chosen_for_task = [], []
        for department in departments:
            if departments_of is not None and department.pk not in departments_of.get(code, ()):
                continue
            eligible = (
                [i for i in pools[department.pk] if i[0] not in conflicted[code]]
                if conflicted[code]
                else pools[department.pk]
            )
            fresh = [i for i in eligible if i[0] not in previous[code]] if previous[code] else eligible
            n = plan.min_team_size
            if len(eligible) < n:
                reasons.append(
                    f"{department.name}符合条件的执法人员仅 {len(eligible)} 名（需 {n} 名；已排除证件过期、回避申报）"
                )
                continue
            # Fresh inspectors first; only the shortfall comes from the entity's previous team.
            chosen = _lowest(fresh, n, load, prefix)
            repeat_reason = ""
            if len(chosen) < n:
                repeat_reason = f"{department.name}除上次检查该主体的人员外，符合条件的执法人员不足 {n} 名"
                chosen += _lowest([i for i in eligible if i[0] in previous[code]], n - len(chosen), load, prefix)
            for _load, mac, inspector_id in chosen:
                load[inspector_id] += 1
                chosen_for_task.append(
                    TeamMember(
                        task=task,
                        inspector_id=inspector_id,
                        department=department,
                        digest=mac,
                        repeat_reason=repeat_reason if inspector_id in previous[code] else "",
                    )
                )
        if reasons:
            task.state, task.unstaffed_reason = TaskState.UNSTAFFED, "；".join(reasons)[:500]
            unstaffed.append({"uscc": code, "reason": task.unstaffed_reason})
            for member in chosen_for_task:
                load[member.inspector_id] -= 1
        else:
            members.extend(chosen_for_task)
    TeamMember.objects.bulk_create(members, batch_size=5000)
    if unstaffed:
        InspectionTask.objects.bulk_update(
            [t for t in tasks if t.state == TaskState.UNSTAFFED], ["state", "unstaffed_reason"], batch_size=5000
        )
    return {"members": len(members), "unstaffed": unstaffed}


def _lowest(candidates: list, k: int, load: Counter, prefix) -> list:
    """The ``k`` candidates with the lowest (workload, HMAC digest). Only those whose load is at most
    the k-th lowest load can be chosen, so only they are hashed (same result, far fewer HMACs)."""
    if k <= 0 or not candidates:
        return []
    threshold = heapq.nsmallest(k, (load[pk] for pk, _ in candidates))[-1]
    ranked = []
    for pk, certificate_no in candidates:
        if load[pk] <= threshold:
            mac = prefix.copy()
            mac.update(
                certificate_no.encode("utf-8")
            )  # 执法证号 may carry a province character (豫A…); ASCII ones hash as before
            ranked.append((load[pk], mac.hexdigest(), pk))
    return heapq.nsmallest(k, ranked)


def verify_draw(draw: Draw) -> dict:
    """Recompute a draw from its seed and population file; report any difference."""
    population = draw.population.encode("ascii")
    problems = []
    if draw_algo.population_hash(population) != draw.population_sha256:
        problems.append("名录文件哈希与记录不一致")
    commitment = draw.commitment if draw.commitment_id else None
    if draw.algorithm == draw_algo.ALGORITHM_V2 and commitment is None:
        problems.append("hmac-sha256-v2 摇号缺少摇号承诺")
    if commitment is not None:
        # v2 (DOMAIN §4): the commitment published at approval, then seed = HMAC(share, public value).
        if draw_algo.share_commitment(commitment.seed_share) != commitment.seed_share_sha256:
            problems.append("种子份额与公布的承诺值（SHA-256）不一致")
        if commitment.population_sha256 != draw.population_sha256:
            problems.append("摇号所用名录文件哈希与审批时承诺的不一致")
        if draw_algo.derive_seed(commitment.seed_share, commitment.public_value) != draw.seed:
            problems.append("摇号种子不等于 HMAC-SHA256(种子份额, 公开随机数)")
    ratios = {s["stratum"]: s["ratio"] for s in draw.strata}
    outcome = draw_algo.draw(draw.seed, population, ratios)
    recorded = set(draw.selections.values_list("entity", "stratum"))
    recomputed = {(code, stratum) for code, stratum, *_ in outcome.selected}
    if recorded != recomputed:
        problems.append(
            f"摇中主体不一致：记录 {len(recorded)} 个，重算 {len(recomputed)} 个，差异 {len(recorded ^ recomputed)} 个"
        )
    if [dict(s) for s in outcome.strata] != [dict(s) for s in draw.strata]:
        problems.append("各层数量与记录不一致")
    # Key coverage (inspections/draw.py, step 7): a recorded addition; the tasks are the selection plus it.
    coverage = draw.key_coverage.encode("ascii")
    if draw.key_coverage_sha256 and draw_algo.population_hash(coverage) != draw.key_coverage_sha256:
        problems.append("重点监管全覆盖名单哈希与记录不一致")
    tasks = set(draw.tasks.values_list("entity", flat=True))
    if tasks and tasks != {code for code, _ in recorded} | set(draw_algo.parse_coverage(coverage)):
        problems.append("检查任务与摇中主体及重点监管全覆盖名单不一致")
    for member in TeamMember.objects.filter(task__draw=draw).select_related("task", "inspector").iterator():
        if draw_algo.digest(draw.seed, f"{member.task.entity_id}:{member.inspector.certificate_no}") != member.digest:
            problems.append(f"检查人员 {member.inspector.certificate_no} 的 HMAC 值不一致")
            break
    return {"ok": not problems, "problems": problems, "selected": len(recomputed), "population": draw.population_size}


# --- field work and results ---------------------------------------------------------------------

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


@transaction.atomic
def correction_mark_corrected(*, actor, order: CorrectionOrder, corrected_on: dt.date | None = None) -> CorrectionOrder:
    order = CorrectionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state == CorrectionState.CORRECTED:
        return order
    order.state, order.corrected_on = CorrectionState.CORRECTED, corrected_on or timezone.localdate()
    order.save(update_fields=["state", "corrected_on"])
    audit.record(actor=actor, action="correction.corrected", target=order, after={"corrected_on": order.corrected_on})
    return order
