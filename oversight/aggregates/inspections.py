"""双随机、一公开 figures: plans that start, entities drawn, inspected and published (each split into
joint and single-department plans, for 部门联合抽查占比), and results and findings by supervision item."""

from inspections.choices import RESULT_SEVERITY, PlanState
from oversight.aggregates.sql import ENTITY_JOIN, INDUSTRY, REGION, Family, local_day

# A plan is joint (部门联合) when a department other than the lead takes part (DOMAIN §4).
PLAN_KIND = f"""
plan_kind AS (
    SELECT p.id, p.lead_department_id, p.starts_on, p.state,
           CASE WHEN EXISTS (SELECT 1 FROM inspections_inspectionplan_departments pd
                             WHERE pd.inspectionplan_id = p.id AND pd.department_id <> p.lead_department_id)
                THEN 'joint' ELSE 'single' END AS key
    FROM inspections_inspectionplan p
    WHERE p.state <> '{PlanState.DRAFT}'
)
"""

# A plan counts on its first inspection day (starts_on), once approved.
PLANS = f"""
WITH {PLAN_KIND}
SELECT pk.starts_on AS day, 'plans_started' AS metric, pk.lead_department_id AS department_id,
       '' AS region_code, '' AS industry, pk.key, count(*) AS value
FROM plan_kind pk
WHERE pk.starts_on BETWEEN %(start)s AND %(end)s
GROUP BY 1, 3, 6
"""

# The entities of the draw that stands (a redraw supersedes the earlier one), on the day of the draw,
# under the lead department, which draws for a joint plan (DOMAIN §4).
DRAWN = f"""
WITH {PLAN_KIND}
SELECT {local_day("d.drawn_at")} AS day, 'entities_drawn' AS metric, pk.lead_department_id AS department_id,
       {REGION} AS region_code, {INDUSTRY} AS industry, pk.key, count(*) AS value
FROM inspections_draw d
JOIN plan_kind pk ON pk.id = d.plan_id
JOIN inspections_drawselection s ON s.draw_id = d.id
{ENTITY_JOIN.format(alias="s")}
WHERE NOT d.superseded AND d.drawn_at >= %(lo)s AND d.drawn_at < %(hi)s
GROUP BY 1, 3, 4, 5, 6
"""

# Each department enters and publishes its own result of a task (DOMAIN §4): inspected on the
# inspection day, published on the day of publication.
RESULTS = f"""
WITH {PLAN_KIND}
SELECT m.day, m.metric, r.department_id, {REGION} AS region_code, {INDUSTRY} AS industry, pk.key, count(*) AS value
FROM inspections_inspectionresult r
JOIN inspections_inspectiontask t ON t.id = r.task_id
JOIN plan_kind pk ON pk.id = t.plan_id
{ENTITY_JOIN.format(alias="t")}
CROSS JOIN LATERAL (VALUES
    ('entities_inspected', r.inspected_on),
    ('results_published', {local_day("r.published_at")})
) AS m(metric, day)
WHERE m.day BETWEEN %(start)s AND %(end)s
  AND (r.inspected_on BETWEEN %(start)s AND %(end)s OR (r.published_at >= %(lo)s AND r.published_at < %(hi)s))
GROUP BY 1, 2, 3, 4, 5, 6
"""

# By supervision item (随机抽查结果的分析与运用): every item of the task that the result's department
# checks (its plan items), on the inspection day. A result records its findings for the visit, not
# per item, so a result with a finding counts a finding under each item it covered. A finding is any
# result category that weighs as a negative credit fact (inspections.choices.RESULT_SEVERITY).
FINDINGS = sorted(str(c) for c in RESULT_SEVERITY)
BY_ITEM = f"""
SELECT r.inspected_on AS day, m.metric, r.department_id, '' AS region_code, {INDUSTRY} AS industry,
       si.catalogue_code AS key, count(*) AS value
FROM inspections_inspectionresult r
JOIN inspections_inspectiontask t ON t.id = r.task_id
JOIN inspections_inspectiontask_items ti ON ti.inspectiontask_id = t.id
JOIN inspections_planitem pi ON pi.id = ti.planitem_id AND pi.department_id = r.department_id
JOIN supervision_supervisionitemversion v ON v.id = pi.item_version_id
JOIN supervision_supervisionitem si ON si.id = v.item_id
{ENTITY_JOIN.format(alias="t")}
CROSS JOIN LATERAL (VALUES
    ('inspected_by_item', true),
    ('findings_by_item', r.categories && ARRAY[{", ".join(f"'{c}'" for c in FINDINGS)}]::varchar[])
) AS m(metric, counts)
WHERE r.inspected_on BETWEEN %(start)s AND %(end)s AND m.counts
GROUP BY 1, 2, 3, 5, 6
"""


def build(cursor, window) -> list[str]:
    return [PLANS, DRAWN, RESULTS, BY_ITEM]


FAMILY = Family(
    metrics=(
        "plans_started",
        "entities_drawn",
        "entities_inspected",
        "results_published",
        "inspected_by_item",
        "findings_by_item",
    ),
    build=build,
)
