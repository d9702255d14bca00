"""Enforcement models: complaints and the per-channel deadline (``complaints``), discretion benchmarks
(``standards``), cases and their stages, documents, proposals and 法制审核 (``cases``), penalty decisions
(``decisions``), disclosure (双公示) and its period rules (``disclosure``), early-stop applications
(``early_stop``).

Every module is imported here, so Django registers each model, and ``from enforcement.models import X`` works."""

from enforcement.models.cases import Case, CaseDocument, CaseEvent, CaseHandler, CaseProposal, LegalReview
from enforcement.models.complaints import ChannelDeadline, ChannelDeadlineManager, Complaint, ComplaintAttachment
from enforcement.models.decisions import DocumentSequence, PenaltyDecision
from enforcement.models.disclosure import DisclosureRule, LowFineThreshold, PenaltyDisclosure
from enforcement.models.early_stop import EarlyStopApplication, EarlyStopEvidence
from enforcement.models.fields import MONEY
from enforcement.models.standards import DiscretionStandard

__all__ = [
    "MONEY",
    "Case",
    "CaseDocument",
    "CaseEvent",
    "CaseHandler",
    "CaseProposal",
    "ChannelDeadline",
    "ChannelDeadlineManager",
    "Complaint",
    "ComplaintAttachment",
    "DisclosureRule",
    "DiscretionStandard",
    "DocumentSequence",
    "EarlyStopApplication",
    "EarlyStopEvidence",
    "LegalReview",
    "LowFineThreshold",
    "PenaltyDecision",
    "PenaltyDisclosure",
]
