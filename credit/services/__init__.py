"""Writes of the credit app, one module per sub-domain. Keyword-only; each owns its transaction and
writes its audit event.

- ``records``: publicity windows, the one validator of record input, push, revoke, expire;
- ``lists``: listing, removal and listing proposals;
- ``list_exits``: leaving a list (applications, the serious list's 3-year end, removal proposals);
- ``commitments``, ``repair``, ``objections``: the public filings of credit and their decisions;
- ``filings``: what those filings share (required fields, the deciding department, snapshots);
- ``checks``: 逢办必查; ``warnings``: closing a warning with its disposition (issue 17 §5); ``grading``: evaluation model versions and catalogues;
- ``declarations``: the entities' self-declared information (信用信息注册), which never changes a grade.

Re-grading goes through ``credit.regrade`` (the evaluation queue; its docstring states the policy).
Everything public is re-exported here, so ``from credit import services`` and ``services.x`` keep
working. To patch a name a sub-module calls, patch it in that sub-module (e.g.
``credit.services.records.MAX_PUSH``).
"""

from core.filings import filing_lookup
from credit.record_upsert import RecordsInvalid
from credit.regrade import enqueue_evaluation
from credit.services.checks import MAX_CHECK, CheckResult, credit_check
from credit.services.commitments import (
    COMMITMENT_RULES,
    COMMITMENT_TEMPLATES,
    commitment_break,
    commitment_fulfil,
    commitment_make,
)
from credit.services.declarations import declaration_add, declaration_remove, declaration_withdraw
from credit.services.filings import check_deciding_department, public_snapshot, require_fields
from credit.services.grading import bands_problem, evaluation_model_create, simple_save
from credit.services.list_exits import (
    EXIT_RULES,
    entries_resting_on,
    exit_problems,
    good_standing_problem,
    list_exit_apply,
    list_exit_approve,
    list_exit_refuse,
    list_removal_proposal_confirm,
    list_removal_proposal_dismiss,
    removal_propose_for_record,
    serious_list_entries_end,
)
from credit.services.lists import (
    ABNORMAL_TO_SERIOUS_YEARS,
    SERIOUS_EARLY_REMOVAL_YEARS,
    SERIOUS_LIST_YEARS,
    list_entry_add,
    list_entry_remove,
    list_proposal_confirm,
    list_proposal_dismiss,
    list_proposal_raise,
    removal_problem,
)
from credit.services.objections import (
    CORRECTABLE_FIELDS,
    objection_accept,
    objection_decide,
    objection_file,
    objection_refuse,
)
from credit.services.records import (
    EXAMPLE_REF_PREFIX,
    MAX_PUSH,
    RECORD_FIELD_LABELS,
    RECORD_INPUT_FIELDS,
    REQUIRED,
    PushResult,
    RecordErrors,
    Window,
    clean_record,
    clean_records,
    credit_record_revoke,
    credit_record_save,
    credit_records_expire,
    credit_records_push,
    parse_date,
    parse_penalty_types,
    publicity_rule_in_force,
    publicity_window,
)
from credit.services.repair import (
    REPAIR_COMMITMENT_MONTHS,
    repair_apply,
    repair_approve,
    repair_problems,
    repair_reject,
)
from credit.services.warnings import risk_warning_dispose, risk_warning_transfer

__all__ = [
    "ABNORMAL_TO_SERIOUS_YEARS",
    "COMMITMENT_RULES",
    "COMMITMENT_TEMPLATES",
    "CORRECTABLE_FIELDS",
    "EXAMPLE_REF_PREFIX",
    "EXIT_RULES",
    "MAX_CHECK",
    "MAX_PUSH",
    "RECORD_FIELD_LABELS",
    "RECORD_INPUT_FIELDS",
    "REPAIR_COMMITMENT_MONTHS",
    "REQUIRED",
    "SERIOUS_EARLY_REMOVAL_YEARS",
    "SERIOUS_LIST_YEARS",
    "CheckResult",
    "PushResult",
    "RecordErrors",
    "RecordsInvalid",
    "Window",
    "bands_problem",
    "check_deciding_department",
    "clean_record",
    "clean_records",
    "commitment_break",
    "commitment_fulfil",
    "commitment_make",
    "credit_check",
    "credit_record_revoke",
    "credit_record_save",
    "credit_records_expire",
    "credit_records_push",
    "declaration_add",
    "declaration_remove",
    "declaration_withdraw",
    "enqueue_evaluation",
    "entries_resting_on",
    "evaluation_model_create",
    "exit_problems",
    "filing_lookup",
    "good_standing_problem",
    "list_entry_add",
    "list_entry_remove",
    "list_exit_apply",
    "list_exit_approve",
    "list_exit_refuse",
    "list_proposal_confirm",
    "list_proposal_dismiss",
    "list_proposal_raise",
    "list_removal_proposal_confirm",
    "list_removal_proposal_dismiss",
    "objection_accept",
    "objection_decide",
    "objection_file",
    "objection_refuse",
    "parse_date",
    "parse_penalty_types",
    "public_snapshot",
    "publicity_rule_in_force",
    "publicity_window",
    "removal_problem",
    "removal_propose_for_record",
    "repair_apply",
    "repair_approve",
    "repair_problems",
    "repair_reject",
    "require_fields",
    "risk_warning_dispose",
    "risk_warning_transfer",
    "serious_list_entries_end",
    "simple_save",
]
