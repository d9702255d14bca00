"""Deadline figures: every deadline-bearing item of ``core.deadline_items`` (objections, list exits,
complaints, correction orders, result publications, penalty disclosures), per responsible department
and kind. The rule is ``DeadlineSpec.status_q`` restated in SQL for a one-day period, so a day's figure
and the admin list behind it (``spec.drill_url(status, day, day)``) count the same rows."""

from core.deadline_items import items_sql
from oversight.aggregates.sql import Family, expand_stock
from oversight.models import DutyExemption, ExemptionState

ITEMS = "oversight_deadline_items"

# The items that can count in the window: opened by its end, and not closed before its start (an item
# closed earlier is neither opened, closed, open, overdue nor newly overdue in it).
ITEMS_TABLE = f"""
CREATE TEMPORARY TABLE {ITEMS} ON COMMIT DROP AS
SELECT i.kind, i.object_id, i.department_id, i.opened_on, i.due_on, i.closed_on,
       EXISTS (SELECT 1 FROM {DutyExemption._meta.db_table} x
               WHERE x.kind = i.kind AND x.object_id = i.object_id AND x.state = '{ExemptionState.ACCEPTED}') AS exempted
FROM ({{items}}) i
WHERE i.opened_on <= %s AND (i.closed_on IS NULL OR i.closed_on >= %s)
"""

# Flows, each on its day (Status in core.deadline_items): opened; closed; closed on or before the due
# day (on time) or after it (late); late with an accepted 尽职免责 (seed 001/002: shown, and excluded
# from the on-time rate by 履职评估); overdue from the day after the due day when still open then.
FLOWS = f"""
SELECT ev.day, ev.metric, i.department_id, '' AS region_code, '' AS industry, i.kind AS key, count(*) AS value
FROM {ITEMS} i
CROSS JOIN LATERAL (VALUES
    ('deadline_opened', i.opened_on),
    ('deadline_closed', i.closed_on),
    ('deadline_on_time', CASE WHEN i.closed_on <= i.due_on THEN i.closed_on END),
    ('deadline_late', CASE WHEN i.closed_on > i.due_on THEN i.closed_on END),
    ('deadline_late_exempted', CASE WHEN i.closed_on > i.due_on AND i.exempted THEN i.closed_on END),
    ('deadline_became_overdue',
     CASE WHEN i.opened_on <= i.due_on AND (i.closed_on IS NULL OR i.closed_on > i.due_on) THEN i.due_on + 1 END)
) AS ev(metric, day)
WHERE ev.day BETWEEN %(start)s AND %(end)s
GROUP BY 1, 2, 3, 6
"""

# Stocks at the end of each day: open from the day it opened until the day before it closed; overdue
# from the day after its due day (and not before it opened) until the day before it closed. Each item
# gives +1 on the first day of its interval in the window and -1 on the day after the last.
STOCK_CHANGES = f"""
SELECT s.metric, s.department_id, '' AS region_code, '' AS industry, s.kind AS key, e.day, e.delta
FROM (
    SELECT 'deadline_open' AS metric, i.department_id, i.kind,
           GREATEST(i.opened_on, %(start)s) AS first_day,
           LEAST(COALESCE(i.closed_on - 1, %(end)s), %(end)s) AS last_day
    FROM {ITEMS} i
    UNION ALL
    SELECT 'deadline_overdue', i.department_id, i.kind,
           GREATEST(i.opened_on, i.due_on + 1, %(start)s),
           LEAST(COALESCE(i.closed_on - 1, %(end)s), %(end)s)
    FROM {ITEMS} i WHERE i.due_on IS NOT NULL
) s
CROSS JOIN LATERAL (VALUES (s.first_day, 1), (s.last_day + 1, -1)) AS e(day, delta)
WHERE s.first_day <= s.last_day AND e.day <= %(end)s
"""

METRICS = (
    "deadline_opened",
    "deadline_closed",
    "deadline_on_time",
    "deadline_late",
    "deadline_late_exempted",
    "deadline_became_overdue",
    "deadline_open",
    "deadline_overdue",
)


def build(cursor, window) -> list[str]:
    """Gather the window's items once (one UNION ALL of every kind, ``items_sql``), then count them."""
    items, params = items_sql()
    cursor.execute(f"DROP TABLE IF EXISTS {ITEMS}")
    cursor.execute(ITEMS_TABLE.format(items=items), [*params, window.end, window.start])
    cursor.execute(f"ANALYZE {ITEMS}")
    return [FLOWS, expand_stock(STOCK_CHANGES)]


FAMILY = Family(metrics=METRICS, build=build)
