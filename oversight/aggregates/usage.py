"""Complaints by channel and outcome, and credit checks (逢办必查, seed 000: how far credit is used)."""

from oversight.aggregates.sql import Family, local_day

COMPLAINTS = f"""
SELECT m.day, m.metric, c.department_id, '' AS region_code, '' AS industry, m.key, count(*) AS value
FROM enforcement_complaint c
CROSS JOIN LATERAL (VALUES
    ('complaints_filed', {local_day("c.filed_at")}, c.channel),
    ('complaints_closed', {local_day("c.closed_at")}, c.channel || '|' || c.verdict)
) AS m(metric, day, key)
WHERE m.day BETWEEN %(start)s AND %(end)s
  AND ((c.filed_at >= %(lo)s AND c.filed_at < %(hi)s) OR (c.closed_at >= %(lo)s AND c.closed_at < %(hi)s))
GROUP BY 1, 2, 3, 6
"""

# The purpose is free text (办理事项, up to 200 characters); the key keeps its first 80.
CREDIT_CHECKS = f"""
SELECT {local_day("k.checked_at")} AS day, 'credit_checks' AS metric, k.department_id, '' AS region_code,
       '' AS industry, left(k.purpose, 80) AS key, count(*) AS value
FROM credit_creditcheck k
WHERE k.checked_at >= %(lo)s AND k.checked_at < %(hi)s
GROUP BY 1, 3, 6
"""


def build(cursor, window) -> list[str]:
    return [COMPLAINTS, CREDIT_CHECKS]


FAMILY = Family(metrics=("complaints_filed", "complaints_closed", "credit_checks"), build=build)
