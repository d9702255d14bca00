"""Moved to ``enforcement.services.case_steps`` (issue 13 §3); this path re-exports it for old imports."""

from enforcement.services.case_steps import (  # noqa: F401
    PROPOSAL_STAGES,
    case_hearing_record_file,
    case_hearing_request,
    case_proposal_record,
    case_rights_waive,
    case_statement_record,
    latest_proposal,
)
