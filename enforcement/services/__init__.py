"""Writes for enforcement. Keyword-only, each owns its transaction and writes its audit event.

One module per sub-domain; this package re-exports every public name, so ``from enforcement import
services`` and ``services.case_open`` keep working (like netbox ``tenancy/models/__init__.py``):

- ``numbering``: gap-free document numbers, carrying over a department's last number;
- ``cases``: open, advance, close, handlers, 法制审核 (legal review);
- ``case_steps``: the proposed decision and the party's answer to the 告知 (issue 12 §6);
- ``standards``: discretion benchmarks (自由裁量基准), imported all or nothing;
- ``decisions``: issue, revoke, change (变更), and correction on an objection (issue 12 §7);
- ``disclosure``: 双公示 — publish, withdraw, follow the credit record, 曝光台;
- ``complaints``: 投诉举报 — file, assign, accept, close, convert, channel deadlines, who sees the complainant;
- ``hotline``: 12345/12315 work orders from the API — the resend lock, their status sent back (一号响应);
- ``actors``: the official behind an actor (shared by the others).
"""

from enforcement.services.case_steps import (
    PROPOSAL_STAGES,
    case_hearing_record_file,
    case_hearing_request,
    case_proposal_record,
    case_rights_waive,
    case_statement_record,
    latest_proposal,
)
from enforcement.services.cases import (
    LEGAL_REVIEWER_ROLE,
    allowed_next_stages,
    case_advance,
    case_close,
    case_handlers_set,
    case_open,
    handler_problems,
    legal_review_record,
    passed_review,
)
from enforcement.services.complaints import (
    COMPLAINT_DEADLINE_MAX_WORKING_DAYS,
    COMPLAINT_LEGAL_BASIS,
    COMPLAINT_PREFIX,
    HOTLINE_CHANNELS,
    PUBLIC_COMPLAINT_CHANNELS,
    channel_deadline_set,
    channel_working_days,
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_convert_to_case,
    complaint_default_department,
    complaint_entity_set,
    complaint_file,
    complaint_file_hotline,
    complaint_handlers_set,
    sees_complainant,
)
from enforcement.services.decisions import (
    DEFAULT_REMEDIES,
    decision_change,
    decision_change_by_objection_no,
    decision_change_on_objection,
    decision_revoke,
    fine_problem,
    penalty_decision_issue,
    producer_of,
    record_decision,
)
from enforcement.services.disclosure import (
    BATCH,
    HEAVY_PENALTIES,
    decision_severity,
    disclosure_feature,
    disclosure_follow_record,
    disclosure_withdraw,
    disclosures_publish,
    not_public_reason,
    person_names,
    public_summary,
)
from enforcement.services.numbering import document_number, document_sequence_continue, next_number
from enforcement.services.standards import (
    MAX_STANDARD_ROWS,
    STANDARD_AMOUNTS,
    STANDARD_FIELDS,
    STANDARD_MAX_LENGTH,
    STANDARD_REQUIRED,
    clean_standards,
    discretion_standards_import,
    standard_error_line,
    standard_in_force,
)

__all__ = [
    "BATCH",
    "COMPLAINT_DEADLINE_MAX_WORKING_DAYS",
    "COMPLAINT_LEGAL_BASIS",
    "COMPLAINT_PREFIX",
    "DEFAULT_REMEDIES",
    "HEAVY_PENALTIES",
    "HOTLINE_CHANNELS",
    "LEGAL_REVIEWER_ROLE",
    "MAX_STANDARD_ROWS",
    "PROPOSAL_STAGES",
    "PUBLIC_COMPLAINT_CHANNELS",
    "STANDARD_AMOUNTS",
    "STANDARD_FIELDS",
    "STANDARD_MAX_LENGTH",
    "STANDARD_REQUIRED",
    "allowed_next_stages",
    "case_advance",
    "case_close",
    "case_handlers_set",
    "case_hearing_record_file",
    "case_hearing_request",
    "case_open",
    "case_proposal_record",
    "case_rights_waive",
    "case_statement_record",
    "channel_deadline_set",
    "channel_working_days",
    "clean_standards",
    "complaint_accept",
    "complaint_assign",
    "complaint_close",
    "complaint_convert_to_case",
    "complaint_default_department",
    "complaint_entity_set",
    "complaint_file",
    "complaint_file_hotline",
    "complaint_handlers_set",
    "decision_change",
    "decision_change_by_objection_no",
    "decision_change_on_objection",
    "decision_revoke",
    "decision_severity",
    "disclosure_feature",
    "disclosure_follow_record",
    "disclosure_withdraw",
    "disclosures_publish",
    "discretion_standards_import",
    "document_number",
    "document_sequence_continue",
    "fine_problem",
    "handler_problems",
    "latest_proposal",
    "legal_review_record",
    "next_number",
    "not_public_reason",
    "passed_review",
    "penalty_decision_issue",
    "person_names",
    "producer_of",
    "public_summary",
    "record_decision",
    "sees_complainant",
    "standard_error_line",
    "standard_in_force",
]
