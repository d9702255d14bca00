"""Credit in the admin, in Chinese and scoped to the official's department.

Every write goes through ``credit.services`` (STYLE.md rule 7): ``save_model`` and the actions call
a service, and a service's refusal is shown as a form error or a message, never a 500. Rows that
must change only through an audited step (record state, list entries once saved, model versions)
are read-only in forms and change through actions.

One module per sub-domain (issue 13 §3): ``records``, ``lists`` and ``exits``, ``evaluation``,
``scans``, ``checks``, ``commitments``, ``repairs``, ``objections``; ``common`` holds the credit
helpers they share, and the generic toolkit is ``core.admin_base``. Importing this package imports
every module, so every model is registered.
The generic toolkit is imported from ``core.admin_base``, never from here.
"""

from credit.admin import (
    checks,
    commitments,
    declarations,
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

__all__ = [
    "ActiveEntryFilter",
    "CatalogueAdmin",
    "CommitmentOverdueFilter",
    "CreditCheckAdmin",
    "CreditCommitmentAdmin",
    "CreditRecordAdmin",
    "EntityCreditAdmin",
    "EvaluationModelAdmin",
    "GradeBandInline",
    "GradeHistoryAdmin",
    "IndustryRiskAdmin",
    "JointMeasureAdmin",
    "ListEntryAdmin",
    "ListExitApplicationAdmin",
    "ListProposalAdmin",
    "ListRemovalProposalAdmin",
    "ObjectionAdmin",
    "ObjectionDeadlineFilter",
    "ObjectionStateFilter",
    "OpenWarningFilter",
    "PendingProposalFilter",
    "PendingRepairFilter",
    "PublicityRuleAdmin",
    "RepairApplicationAdmin",
    "RiskScanRunAdmin",
    "RiskWarningAdmin",
    "checks",
    "commitment_overdue_q",
    "commitments",
    "declarations",
    "entity_name_column",
    "evaluation",
    "exits",
    "is_credit_manager",
    "lists",
    "objection_deadline_q",
    "objections",
    "pretty_json",
    "reasons_list",
    "records",
    "repairs",
    "scans",
    "uscc_column",
    "with_entity_name",
]
