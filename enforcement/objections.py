"""Moved to ``enforcement.services.decisions`` (issue 13 §3); this path re-exports it for old imports."""

from enforcement.services.decisions import (  # noqa: F401
    decision_change_by_objection_no,
    decision_change_on_objection,
    producer_of,
    record_decision,
)
