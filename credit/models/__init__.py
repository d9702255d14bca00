"""Credit models: records, publicity rules, the evaluation model and grades, lists, measures, checks,
warnings (``base``), commitments, repair and objections (``remedies``), list exits (``exits``), the
re-grade outbox (``outbox``) and the entities' self-declared information (``declarations``).

Every module is imported here, so Django registers each model, and ``from credit.models import X`` works."""

from credit.models.base import (
    ENTITY_LABEL,
    CreditCheck,
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
    PublicityRule,
    entity_key,
)
from credit.models.declarations import DeclarationKind, DeclarationState, SelfDeclaration
from credit.models.exits import ListExitApplication, ListExitEvidence, ListRemovalProposal
from credit.models.outbox import RegradeMark
from credit.models.remedies import (
    CreditCommitment,
    Objection,
    ObjectionEvidence,
    PublicFiling,
    RepairApplication,
    RepairEvidence,
)
from credit.models.warnings import RiskScanRun, RiskWarning

__all__ = [
    "ENTITY_LABEL",
    "CreditCheck",
    "CreditCommitment",
    "CreditRecord",
    "CreditReport",
    "DeclarationKind",
    "DeclarationState",
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
    "ObjectionEvidence",
    "PublicFiling",
    "PublicityRule",
    "RegradeMark",
    "RepairApplication",
    "RepairEvidence",
    "RiskScanRun",
    "RiskWarning",
    "SelfDeclaration",
    "entity_key",
]
