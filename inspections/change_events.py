"""The change feed's events of inspections (issue 15 §3): an inspection result published.

Published results are public (``inspections.selectors.public_results``: every published result), so
each event is public. ``ref`` is the result's public reference, the ``source_ref`` of the credit record
it becomes (``抽查结果-<id>``); ``data`` holds the plan and the result categories, as the public
plan page shows them.
"""

from core import changes

_SQL = """
    SELECT 'inspection_result.published', t.uscc, '抽查结果-' || r.id, r.id, true, r.department_id, NULL::bigint,
           jsonb_build_object('plan_id', t.plan_id, 'categories', to_jsonb(r.categories), 'inspected_on', r.inspected_on)
    FROM inspections_inspectionresult r JOIN inspections_inspectiontask t ON t.id = r.task_id
    WHERE r.id = ANY(%(ids)s) ORDER BY r.id"""


def results_published(ids) -> int:
    """``inspection_result.published`` for these results (a publication run: one INSERT … SELECT)."""
    ids = list(ids)
    return changes.emit_select(_SQL, {"ids": ids}) if ids else 0
