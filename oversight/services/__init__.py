"""Writes of the oversight app (issue 17), one module per section. Keyword-only; each owns its
transaction and writes its audit event.

- ``directives``: 督办: issue, answer (with evidence), close, send back;
- ``warnings``: the dispositions of a risk warning that create work in the apps below (立案, 纳入抽查),
  with the warning closed in the same transaction.
"""

from oversight.services.directives import directive_answer, directive_close, directive_issue, directive_return
from oversight.services.warnings import warning_dispose, warning_to_case, warning_to_targeted_check

__all__ = [
    "directive_answer",
    "directive_close",
    "directive_issue",
    "directive_return",
    "warning_dispose",
    "warning_to_case",
    "warning_to_targeted_check",
]
