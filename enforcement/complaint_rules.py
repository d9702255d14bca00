"""Moved to ``enforcement.services.complaints`` (issue 13 §3); this path re-exports it for old imports."""

from enforcement.services.complaints import complaint_entity_set, complaint_handlers_set, sees_complainant  # noqa: F401
