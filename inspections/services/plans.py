"""Writes of 双随机、一公开: inspection plans (drafting, items, approval) and the population a plan's scope defines."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from credit.evaluation import evaluate
from inspections import coverage as coverage_rules
from inspections.choices import (
    PlanState,
)
from inspections.models import (
    InspectionPlan,
    PlanItem,
)
from supervision.models import SupervisionItem
from supervision.services import item_version_on

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


def _population_where(plan: InspectionPlan):
    """``(where, params)`` of the population: entities in scope to whom a sampled item applies; None
    when the plan has no sampled item. Key items are not drawn (inspections/draw.py, step 6)."""
    sampled = coverage_rules.sampled_scope(coverage_rules.plan_items(plan)[0])
    if sampled is None:
        return None
    where, params = scope_sql(plan)
    return where + sampled[0], [*params, *sampled[1]]


def _population_scope(plan: InspectionPlan, cursor):
    """``_population_where``, after grading the ungraded entities in it."""
    scope = _population_where(plan)
    if scope is None:
        return None
    where, params = scope
    cursor.execute(
        f"SELECT e.uscc FROM supervision_marketentity e LEFT JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {where} AND c.uscc IS NULL",  # noqa: S608
        params,
    )
    missing = [row[0] for row in cursor.fetchall()]
    if missing:
        evaluate(missing)
    return where, params


def population_rows(plan: InspectionPlan) -> list[tuple[str, str]]:
    """Everyone in scope now to whom a sampled item applies, with their stratum (risk class); ungraded
    entities are graded first. Key items are not drawn (inspections/draw.py, step 6)."""
    with connection.cursor() as cursor:
        scope = _population_scope(plan, cursor)
        if scope is None:
            return []
        cursor.execute(
            f"SELECT e.uscc, c.risk_class FROM supervision_marketentity e JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {scope[0]}",  # noqa: S608
            scope[1],
        )
        return cursor.fetchall()


def population_bytes(plan: InspectionPlan) -> bytes:
    """The population file of ``population_rows`` (inspections/draw.py, step 1): the same bytes as
    ``draw.population_file(population_rows(plan))``. The database writes the lines as one string
    instead of a million rows to read and format in Python (bench/README.md, the draw); Python sorts
    them by their bytes, as step 1 says (the ASCII lines sort the same as ``COLLATE "C"``, and a sort
    in the aggregate took 1.0 of its 2.0 s at 1,000,000 entities)."""
    scope = _population_where(plan)
    if scope is None:
        return b""
    # One pass gives the lines and the entities still ungraded; those are graded (rare: a new entity
    # before its first evaluation) and the pass is read again.
    sql = (
        "SELECT string_agg(e.uscc || ',' || c.risk_class || E'\\n', '') FILTER (WHERE c.uscc IS NOT NULL),"  # noqa: S608
        " array_agg(e.uscc) FILTER (WHERE c.uscc IS NULL)"
        f" FROM supervision_marketentity e LEFT JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {scope[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, scope[1])
        text, missing = cursor.fetchone()
        if missing:
            evaluate(missing)
            cursor.execute(sql, scope[1])
            text, missing = cursor.fetchone()
        lines = (text or "").encode("ascii").split(b"\n")
    lines.pop()  # after the last line's \n (or the empty string's only piece)
    lines.sort()
    return b"\n".join(lines) + b"\n" if lines else b""
