"""CSV/XLSX import and export of 一单两库 (django-import-export 4.4): entities, inspectors, items.

- Column headers are the Chinese ones below. They are the file contract, so they are literal
  strings, not translated: a file must import the same whatever the admin's language.
- Every write goes through a service in ``supervision.services``, so each row leaves an audit event
  with the importing user (or ``task:import``) as the actor.
- All-or-nothing (DESIGN.md, quality bars): one bad row and nothing is saved. django-import-export
  only rolls back validation errors when it is asked to (``rollback_on_validation_errors``), and its
  admin confirm step does not ask, so ``RosterResource.import_data`` (``base``) always asks.
- Errors are ``ValidationError``s keyed by the Chinese column, so the admin preview lists them per
  row and column, and ``import_file`` turns them into "第N行：…" lines.
- Cells and widgets are ``supervision.import_cells``; the file error and header folding are
  ``core.file_import``'s (its preview views are not used: django-import-export has its own).
- Entity exports never contain the confidential ``legal_rep_id_number`` and ``contact_phone``
  (DOMAIN §5): the entity columns are the public ones of ``selectors.PUBLIC_ENTITY_FIELDS``.
"""

from supervision.resources.base import (
    CONFIDENTIAL_ENTITY_FIELDS,
    IMPORT_ACTOR,
    VERSION_PREFIX,
    RosterResource,
    import_file,
    read_dataset,
    result_report,
    sheet_row,
)
from supervision.resources.items import SupervisionItemResource
from supervision.resources.rosters import InspectorResource, MarketEntityResource

__all__ = [
    "CONFIDENTIAL_ENTITY_FIELDS",
    "IMPORT_ACTOR",
    "VERSION_PREFIX",
    "InspectorResource",
    "MarketEntityResource",
    "RosterResource",
    "SupervisionItemResource",
    "import_file",
    "read_dataset",
    "result_report",
    "sheet_row",
]
