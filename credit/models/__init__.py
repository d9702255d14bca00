"""Credit models: records, publicity rules, the evaluation model and grades, lists, measures, checks,
warnings and filings (``base``), list exits (``exits``) and the re-grade outbox (``outbox``).

Every module is imported here, so Django registers each model, and ``from credit.models import X`` works."""

from credit.models.base import (
    ENTITY_LABEL,
    CreditCheck,
    CreditCommitment,
    CreditRecord,
    CreditReport,
    EntityCredit,
    EvaluationModel,
    GradeBand,
    GradeHistory,
    IndustryRisk,
    JointMeasure,
    ListEntry,
    ListProposal,
    Objection,
    PublicFiling,
    PublicityRule,
    RepairApplication,
    RepairEvidence,
    RiskScanRun,
    RiskWarning,
    entity_key,
)
from credit.models.exits import ListExitApplication, ListExitEvidence, ListRemovalProposal
from credit.models.outbox import RegradeMark

__all__ = [
    "ENTITY_LABEL",
    "CreditCheck",
    "CreditCommitment",
    "CreditRecord",
    "CreditReport",
    "EntityCredit",
    "EvaluationModel",
    "GradeBand",
    "GradeHistory",
    "IndustryRisk",
    "JointMeasure",
    "ListEntry",
    "ListExitApplication",
    "ListExitEvidence",
    "ListProposal",
    "ListRemovalProposal",
    "Objection",
    "PublicFiling",
    "PublicityRule",
    "RegradeMark",
    "RepairApplication",
    "RepairEvidence",
    "RiskScanRun",
    "RiskWarning",
    "entity_key",
]
