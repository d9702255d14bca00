"""双随机、一公开 in the admin, in Chinese and scoped to the official's department.

Officials see the plans their department leads or takes part in, and the draws and tasks of those
plans; they change only drafts their department leads (the read rules are in ``inspections.selectors``).
Results and correction orders belong to the department that entered them. Every write goes through
``inspections.services`` (STYLE.md rule 7): ``save_model`` and the actions call a service, and a
refusal is shown as a form error or a message. Draws, selections, tasks and teams are read-only: they
are the record of a verifiable draw.

One module per sub-domain; importing each registers its admins:

- ``scope``: the plan and draw filters, entity columns and links every page shares;
- ``plans``: 抽查计划 (审批, 摇号承诺, 摇号, 校验);
- ``commitments``: ``hmac-sha256-v2`` commitments, read-only;
- ``confirmation``: the scope figures and the confirmation page before the draw;
- ``draws``: draws and their selections, read-only;
- ``tasks``: tasks, their teams and results, and the overdue filter;
- ``results``: results (审核, 公示);
- ``corrections``: correction orders (已改正);
- ``targeted``: 专项检查对象 (issue 17 §5: from a risk warning's 纳入抽查).
"""

from inspections.admin.commitments import DrawCommitmentAdmin, commitment_state, commitment_summary
from inspections.admin.confirmation import reveal_action, scope_counts, scope_summary
from inspections.admin.corrections import CorrectionOrderAdmin
from inspections.admin.draws import DrawAdmin, DrawSelectionAdmin, report_draw_check
from inspections.admin.plans import MAX_LISTED_UNSTAFFED, DrawInline, InspectionPlanAdmin
from inspections.admin.results import PUBLISH_DUE_SOON_WORKING_DAYS, InspectionResultAdmin, publish_window
from inspections.admin.scope import (
    EntityColumns,
    ScopedDrawFilter,
    ScopedPlanFilter,
    admin_link,
    entity_name_of,
    strata_text,
)
from inspections.admin.targeted import TargetedCheckAdmin
from inspections.admin.tasks import InspectionTaskAdmin, OverdueTaskFilter, ResultInline, TeamInline

__all__ = [
    "MAX_LISTED_UNSTAFFED",
    "PUBLISH_DUE_SOON_WORKING_DAYS",
    "CorrectionOrderAdmin",
    "DrawAdmin",
    "DrawCommitmentAdmin",
    "DrawInline",
    "DrawSelectionAdmin",
    "EntityColumns",
    "InspectionPlanAdmin",
    "InspectionResultAdmin",
    "InspectionTaskAdmin",
    "OverdueTaskFilter",
    "ResultInline",
    "ScopedDrawFilter",
    "ScopedPlanFilter",
    "TargetedCheckAdmin",
    "TeamInline",
    "admin_link",
    "commitment_state",
    "commitment_summary",
    "entity_name_of",
    "publish_window",
    "report_draw_check",
    "reveal_action",
    "scope_counts",
    "scope_summary",
    "strata_text",
]
