"""Writes of 双随机、一公开, one module per section. Keyword-only; each owns its transaction and writes
its audit event.

- ``plans``: drafting, items, approval (two-person rule) and the population a plan's scope defines;
- ``draws``: draws (摇号) with their tasks and teams, and the verification of a draw;
- ``results``: field work and results (co-inspector confirmation, entry, approval, publication);
- ``corrections``: correction orders (责令改正) and the entity's answers to them (issue 14 §3);
- ``targeted``: targeted inspections (专项检查) of single entities, e.g. from a risk warning (issue 17 §5).

Everything public is re-exported here, so ``from inspections import services`` and ``services.x`` keep
working. To patch a name a sub-module calls, patch it in that sub-module.
"""

from inspections.services.corrections import (
    REASONS_MAX,
    STATEMENT_MAX,
    answer_problem,
    correction_mark_corrected,
    correction_respond,
    correction_response_accept,
    correction_response_return,
    response_snapshot,
)
from inspections.services.draws import (
    assign_teams,
    check_public_info_floor,
    draw_run,
    eligible_inspectors,
    key_coverage,
    record_draw,
    verify_draw,
)
from inspections.services.plans import (
    DRAFT_ACTIONS,
    PLAN_FIELDS,
    plan_approve,
    plan_drafters,
    plan_item_add,
    plan_save,
    population_bytes,
    population_rows,
    scope_sql,
)
from inspections.services.results import (
    RESULT_REASON_MAX,
    result_approve,
    result_record,
    result_submit,
    results_publish,
    team_confirm,
)
from inspections.services.targeted import targeted_check_add, targeted_check_complete

__all__ = [
    "DRAFT_ACTIONS",
    "PLAN_FIELDS",
    "REASONS_MAX",
    "RESULT_REASON_MAX",
    "STATEMENT_MAX",
    "answer_problem",
    "assign_teams",
    "check_public_info_floor",
    "correction_mark_corrected",
    "correction_respond",
    "correction_response_accept",
    "correction_response_return",
    "draw_run",
    "eligible_inspectors",
    "key_coverage",
    "plan_approve",
    "plan_drafters",
    "plan_item_add",
    "plan_save",
    "population_bytes",
    "population_rows",
    "record_draw",
    "response_snapshot",
    "result_approve",
    "result_record",
    "result_submit",
    "results_publish",
    "scope_sql",
    "targeted_check_add",
    "targeted_check_complete",
    "team_confirm",
    "verify_draw",
]
