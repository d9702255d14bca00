"""Moved to ``core.file_import`` (issue 13 §1): re-exported here until every site imports it from core."""

from core.file_import import DepartmentFileImportCommand, DepartmentFileImportMixin, push_counts, truncated

__all__ = ["DepartmentFileImportCommand", "DepartmentFileImportMixin", "push_counts", "truncated"]
