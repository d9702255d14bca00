"""Credit in the admin, in Chinese and scoped to the official's department.

Every write goes through ``credit.services`` (STYLE.md rule 7): ``save_model`` and the actions call
a service, and a service's refusal is shown as a form error or a message, never a 500. Rows that
must change only through an audited step (record state, list entries once saved, model versions)
are read-only in forms and change through actions.

One module per sub-domain (issue 13 §3): ``records``, ``lists`` and ``exits``, ``evaluation``,
``scans``, ``checks``, ``commitments``, ``repairs``, ``objections``; ``common`` holds the credit
helpers they share, and the generic toolkit is ``core.admin_base``. Importing this package imports
every module, so every model is registered. The toolkit names are re-exported here under their old
names for importers that have not moved to ``core.admin_base`` yet.
"""

from core.admin_base import (
    ACTION_FORM_TEMPLATE,
    MAX_ACTION_ROWS,
    OBJECT_ACTIONS_CHANGE_FORM,
    DeadlineFilter,
    ObjectActionsMixin,
    ReadOnlyAdmin,
    ScopedAdmin,
    ServiceFormAdmin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    adopt,
    coloured,
    due_window,
    file_response,
    intermediate_action,
    link,
    show_refusal,
)
from credit.admin import (
    checks,
    commitments,
    evaluation,
    exits,
    lists,
    objections,
    records,
    repairs,
    scans,
)
from credit.admin.checks import CreditCheckAdmin, EntityCreditAdmin, GradeHistoryAdmin
from credit.admin.commitments import CommitmentOverdueFilter, CreditCommitmentAdmin
from credit.admin.common import (
    ActiveEntryFilter,
    OpenWarningFilter,
    PendingProposalFilter,
    entity_name_column,
    is_credit_manager,
    pretty_json,
    reasons_list,
    uscc_column,
    with_entity_name,
)
from credit.admin.evaluation import (
    CatalogueAdmin,
    EvaluationModelAdmin,
    GradeBandInline,
    IndustryRiskAdmin,
    JointMeasureAdmin,
    PublicityRuleAdmin,
)
from credit.admin.exits import ListExitApplicationAdmin, ListRemovalProposalAdmin
from credit.admin.lists import ListEntryAdmin, ListProposalAdmin
from credit.admin.objections import ObjectionAdmin, ObjectionDeadlineFilter, ObjectionStateFilter
from credit.admin.records import CreditRecordAdmin
from credit.admin.repairs import PendingRepairFilter, RepairApplicationAdmin
from credit.admin.scans import RiskScanRunAdmin, RiskWarningAdmin
from credit.selectors import commitment_overdue_q, objection_deadline_q

# Old names (issue 13 renamed them in core.admin_base); kept until every importer has moved.
RemedyActionsMixin = ObjectActionsMixin
UPLOAD_ACTION_TEMPLATE = ACTION_FORM_TEMPLATE
REMEDY_CHANGE_FORM = OBJECT_ACTIONS_CHANGE_FORM
_link, _coloured, _file_response = link, coloured, file_response
_uscc, _entity_name = uscc_column, entity_name_column

__all__ = [
    "ACTION_FORM_TEMPLATE", "MAX_ACTION_ROWS", "OBJECT_ACTIONS_CHANGE_FORM", "REMEDY_CHANGE_FORM", "UPLOAD_ACTION_TEMPLATE",
    "ActiveEntryFilter", "CatalogueAdmin", "CommitmentOverdueFilter", "CreditCheckAdmin", "CreditCommitmentAdmin",
    "CreditRecordAdmin", "DeadlineFilter", "EntityCreditAdmin", "EvaluationModelAdmin", "GradeBandInline", "GradeHistoryAdmin",
    "IndustryRiskAdmin", "JointMeasureAdmin", "ListEntryAdmin", "ListExitApplicationAdmin", "ListProposalAdmin",
    "ListRemovalProposalAdmin", "ObjectActionsMixin", "ObjectionAdmin", "ObjectionDeadlineFilter", "ObjectionStateFilter",
    "OpenWarningFilter", "PendingProposalFilter", "PendingRepairFilter", "PublicityRuleAdmin", "ReadOnlyAdmin",
    "RemedyActionsMixin", "RepairApplicationAdmin", "RiskScanRunAdmin", "RiskWarningAdmin", "ScopedAdmin", "ServiceFormAdmin",
    "StateFilter", "UsccSearchMixin", "ViewOnceSavedMixin", "_coloured", "_entity_name", "_file_response", "_link", "_uscc",
    "adopt", "checks", "coloured", "commitment_overdue_q", "commitments", "due_window", "entity_name_column", "evaluation",
    "exits", "file_response", "intermediate_action", "is_credit_manager", "link", "lists", "objection_deadline_q", "objections",
    "pretty_json", "reasons_list", "records", "repairs", "scans", "show_refusal", "uscc_column", "with_entity_name",
]
