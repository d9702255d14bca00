"""双随机 metrics: how much of the planned sample was actually inspected, and the joint-plan share.

*Share of the planned ratio actually inspected* (抽查计划完成率). A plan's ratios per risk class fix how
many entities its draw takes (DOMAIN §4: ``k = ceil(ratio × size)``); the draw's tasks with
``drawn = true`` are that planned sample (tasks there only for 重点监管 full coverage are not part of a
ratio, and a superseded draw's tasks were never to be done). A department owes an inspection of a
task when the task carries one of its items (``PlanItem.department``): in a joint plan each department
enters its own result (进一次门、查多项事). Over the plans whose window ends in the period, the metric is
the (task, department) pairs with that department's result inspected by the end of the period, divided
by all such pairs. A task that could not be staffed (无法配齐检查人员) counts as not inspected.

*Joint-plan share* (部门联合抽查占比, 国发〔2019〕5号). Over the plans that start in the period and are
approved or later, the share in which the department leads or takes part that have more than one
department (the lead and at least one other).
"""

from django.db import connection
from django.urls import reverse

from inspections.choices import PlanState
from inspections.models import Draw, InspectionPlan, InspectionResult, InspectionTask, PlanItem
from oversight.metrics.base import RATE, Figure, MetricSpec, members_of, rate, register, scope_arrays


def _ids(ids) -> str:
    return ",".join(str(i) for i in sorted(ids or [])) or "0"


def _plan_inspected(start, end, scope):
    roots, members = scope_arrays(scope)
    sql = f"""
        WITH scope AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS s(root_id, department_id)),
        planned AS (
            SELECT DISTINCT t.id AS task_id, t.plan_id, pi.department_id
            FROM {InspectionTask._meta.db_table} t
            JOIN {Draw._meta.db_table} d ON d.id = t.draw_id
            JOIN {InspectionPlan._meta.db_table} p ON p.id = t.plan_id
            JOIN {InspectionTask.items.through._meta.db_table} ti ON ti.inspectiontask_id = t.id
            JOIN {PlanItem._meta.db_table} pi ON pi.id = ti.planitem_id
            WHERE t.drawn AND NOT d.superseded AND p.ends_on BETWEEN %s AND %s AND pi.department_id = ANY(%s)
        )
        SELECT s.root_id, count(*) AS planned,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM {InspectionResult._meta.db_table} r
                   WHERE r.task_id = x.task_id AND r.department_id = x.department_id AND r.inspected_on <= %s
               )) AS inspected,
               array_agg(DISTINCT x.plan_id) AS plan_ids
        FROM planned x JOIN scope s ON s.department_id = x.department_id
        GROUP BY s.root_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [roots, members, start, end, members_of(scope), end])
        rows = cursor.fetchall()
    figures = {}
    for root, planned, inspected, plan_ids in rows:
        figure = Figure(inspected, planned, rate(inspected, planned))
        depts = _ids(scope[root])
        figure.link(
            "计划抽取的检查任务",
            planned,
            f"{reverse('admin:inspections_inspectiontask_changelist')}?plan__id__in={_ids(plan_ids)}&drawn__exact=1",
        )
        figure.link(
            "已录入的检查结果",
            inspected,
            f"{reverse('admin:inspections_inspectionresult_changelist')}"
            f"?task__plan__id__in={_ids(plan_ids)}&department__id__in={depts}",
        )
        figures[root] = figure
    return figures


def _joint_share(start, end, scope):
    roots, members = scope_arrays(scope)
    plan = InspectionPlan._meta.db_table
    joined = InspectionPlan.departments.through._meta.db_table
    sql = f"""
        WITH scope AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS s(root_id, department_id)),
        plans AS (SELECT id, lead_department_id FROM {plan} WHERE state <> %s AND starts_on BETWEEN %s AND %s),
        part AS (
            SELECT id AS plan_id, lead_department_id AS department_id FROM plans
            UNION
            SELECT j.inspectionplan_id, j.department_id FROM {joined} j JOIN plans ON plans.id = j.inspectionplan_id
        ),
        joint AS (SELECT plan_id, count(*) > 1 AS is_joint FROM part GROUP BY plan_id)
        SELECT s.root_id,
               count(DISTINCT part.plan_id) AS plans,
               count(DISTINCT part.plan_id) FILTER (WHERE joint.is_joint) AS joint_plans,
               array_agg(DISTINCT part.plan_id) AS plan_ids,
               array_agg(DISTINCT part.plan_id) FILTER (WHERE joint.is_joint) AS joint_ids
        FROM part JOIN joint USING (plan_id) JOIN scope s ON s.department_id = part.department_id
        GROUP BY s.root_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [roots, members, PlanState.DRAFT, start, end])
        rows = cursor.fetchall()
    figures = {}
    url = reverse("admin:inspections_inspectionplan_changelist")
    for root, plans, joint_plans, plan_ids, joint_ids in rows:
        figure = Figure(joint_plans, plans, rate(joint_plans, plans))
        figure.link("部门联合抽查计划", joint_plans, f"{url}?id__in={_ids(joint_ids)}")
        figure.link("参与的全部抽查计划", plans, f"{url}?id__in={_ids(plan_ids)}")
        figures[root] = figure
    return figures


register(
    MetricSpec(
        "plan_inspected_share",
        "抽查计划完成率",
        RATE,
        "检查期间截止于本期的抽查计划中，按抽查比例随机抽中、含本部门检查事项的检查任务，本部门在期末前已录入检查结果的比例"
        "（重点监管全覆盖任务、已被重新摇号取代的摇号不计；未配齐人员的任务计为未检查）。",
        _plan_inspected,
    )
)
register(
    MetricSpec(
        "joint_plan_share",
        "部门联合抽查占比",
        RATE,
        "本期开始检查、已审批的抽查计划中，本部门牵头或参与的计划里由两个及以上部门联合开展的比例。",
        _joint_share,
    )
)
