"""Admin (in Chinese) for enforcement, scoped to the official's department; every change goes through services.

One module per sub-domain, each registering its models when imported here:

- ``complaints``: 投诉举报 and the channels' deadlines (``ChannelDeadline``);
- ``cases``: 执法案件, with ``due_process`` (拟处罚意见, 陈述申辩、听证);
- ``decisions``: 行政处罚决定 (read-only, 撤销/变更, the printed 决定书);
- ``disclosure``: 双公示 summaries, the 较低数额 thresholds, the disclosure rules and 提前停止公示;
- ``standards``: 自由裁量基准 (added or imported, versioned);
- ``forms`` and ``display``: the forms of the actions and the display helpers they share.

The deadline and open-complaint rules the lists filter by are read rules, in ``enforcement.selectors``.
"""

from enforcement.admin import cases, complaints, decisions, disclosure, display, due_process, forms, standards
from enforcement.admin.cases import CaseAdmin, CaseStageFilter, is_legal_reviewer
from enforcement.admin.complaints import (
    ChannelDeadlineAdmin,
    ComplaintAdmin,
    ComplaintChangeList,
    ComplaintDeadlineFilter,
    ComplaintEntityMixin,
    ComplaintStateFilter,
    handles_complaint,
)
from enforcement.admin.decisions import PenaltyDecisionAdmin, PenaltyDisplayMixin
from enforcement.admin.disclosure import (
    DisclosureRuleAdmin,
    EarlyStopApplicationAdmin,
    LowFineThresholdAdmin,
    PenaltyDisclosureAdmin,
    PlatformDataAdmin,
)
from enforcement.admin.display import amount_range, empty, nowrap, penalty_labels, person
from enforcement.admin.due_process import CaseDueProcessMixin, proposal_html
from enforcement.admin.standards import DiscretionStandardAdmin
from enforcement.selectors import OPEN_COMPLAINT_STATES, complaint_deadline_q

__all__ = [
    "OPEN_COMPLAINT_STATES",
    "CaseAdmin",
    "CaseDueProcessMixin",
    "CaseStageFilter",
    "ChannelDeadlineAdmin",
    "ComplaintAdmin",
    "ComplaintChangeList",
    "ComplaintDeadlineFilter",
    "ComplaintEntityMixin",
    "ComplaintStateFilter",
    "DisclosureRuleAdmin",
    "DiscretionStandardAdmin",
    "EarlyStopApplicationAdmin",
    "LowFineThresholdAdmin",
    "PenaltyDecisionAdmin",
    "PenaltyDisclosureAdmin",
    "PenaltyDisplayMixin",
    "PlatformDataAdmin",
    "amount_range",
    "cases",
    "complaint_deadline_q",
    "complaints",
    "decisions",
    "disclosure",
    "display",
    "due_process",
    "empty",
    "forms",
    "handles_complaint",
    "is_legal_reviewer",
    "nowrap",
    "penalty_labels",
    "person",
    "proposal_html",
    "standards",
]
