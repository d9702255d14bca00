"""Credit figures: entities by grade (a stock, from the grade history), new negative records, list
entries and removals. Cut by the entity's registration authority, region and industry, except records
and list entries, which belong to the department that decided them."""

from credit.choices import Polarity, RecordState
from oversight.aggregates.sql import ENTITY_JOIN, INDUSTRY, REGION, Family, expand_stock, local_day

# The grade each entity held at the start of the window (its last change before ``lo``), and each
# entity's last grade of every day in the window; the moves between them are +1 for the grade entered
# and -1 for the grade left, on the day of the change. Grade history is written only when a grade or
# score changes (credit.models.GradeHistory), so it is the whole story of every entity's grade.
GRADE_CHANGES = f"""
WITH base AS (
    SELECT DISTINCT ON (h.uscc) h.uscc, h.grade
    FROM credit_gradehistory h
    WHERE h.changed_at < %(lo)s
    ORDER BY h.uscc, h.changed_at DESC, h.id DESC
),
daily AS (
    SELECT DISTINCT ON (h.uscc, {local_day("h.changed_at")}) h.uscc, {local_day("h.changed_at")} AS day, h.grade
    FROM credit_gradehistory h
    WHERE h.changed_at >= %(lo)s AND h.changed_at < %(hi)s
    ORDER BY h.uscc, {local_day("h.changed_at")}, h.changed_at DESC, h.id DESC
),
steps AS (
    SELECT d.uscc, d.day, d.grade, COALESCE(lag(d.grade) OVER (PARTITION BY d.uscc ORDER BY d.day), b.grade) AS prev
    FROM daily d LEFT JOIN base b ON b.uscc = d.uscc
),
moves AS (
    SELECT uscc, %(start)s::date AS day, grade, 1 AS delta FROM base
    UNION ALL
    SELECT uscc, day, grade, 1 FROM steps WHERE prev IS DISTINCT FROM grade
    UNION ALL
    SELECT uscc, day, prev, -1 FROM steps WHERE prev IS NOT NULL AND prev <> grade
)
SELECT 'entities_by_grade' AS metric, e.registration_authority_id AS department_id, {REGION} AS region_code,
       {INDUSTRY} AS industry, m.grade AS key, m.day, m.delta
FROM moves m {ENTITY_JOIN.format(alias="m")}
"""

# 新增失信记录: negative records by their decision day (the day the fact was decided, as the admin list and
# the public page date them). A revoked record (撤销, e.g. after an objection) was never a fact.
NEGATIVE_RECORDS = f"""
SELECT r.decided_on AS day, 'negative_records' AS metric, r.department_id, {REGION} AS region_code,
       {INDUSTRY} AS industry, r.category || '|' || r.severity AS key, count(*) AS value
FROM credit_creditrecord r {ENTITY_JOIN.format(alias="r")}
WHERE r.decided_on BETWEEN %(start)s AND %(end)s AND r.polarity = '{Polarity.NEGATIVE}'
  AND r.state <> '{RecordState.REVOKED}'
GROUP BY 1, 3, 4, 5, 6
"""

LIST_MOVES = f"""
SELECT m.day, m.metric, l.department_id, {REGION} AS region_code, {INDUSTRY} AS industry, l.list_type AS key,
       count(*) AS value
FROM credit_listentry l {ENTITY_JOIN.format(alias="l")}
CROSS JOIN LATERAL (VALUES ('list_entries', l.listed_on), ('list_removals', l.removed_on)) AS m(metric, day)
WHERE m.day BETWEEN %(start)s AND %(end)s
  AND (l.listed_on BETWEEN %(start)s AND %(end)s OR l.removed_on BETWEEN %(start)s AND %(end)s)
GROUP BY 1, 2, 3, 4, 5, 6
"""


def build(cursor, window) -> list[str]:
    return [expand_stock(GRADE_CHANGES), NEGATIVE_RECORDS, LIST_MOVES]


FAMILY = Family(metrics=("entities_by_grade", "negative_records", "list_entries", "list_removals"), build=build)
