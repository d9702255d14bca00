"""Reads that carry a rule: what the public sees of penalties (双公示) and the 曝光台.

Public code reads ``PenaltyDisclosure`` only, and only its public columns: the redacted summary
made by ``enforcement.redaction`` when the decision was issued. ``PenaltyDecision`` (facts as
typed, evidence, the party's address, the minor flag) is never loaded by a public page or the
public API, so no template or serializer can show it by mistake.
"""

from django.db.models import QuerySet
from django.utils import timezone

from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure

# --- disclosure (双公示) ---------------------------------------------------------------------------

# DOMAIN §5: the fields of a published summary (plus the 曝光台 note and the withdrawal reason).
PUBLIC_DISCLOSURE_FIELDS = (
    "id", "number", "entity", "party_name", "legal_representative", "violation_type", "facts", "legal_basis", "penalty_types",
    "penalty_content", "fine_amount", "confiscation_amount", "decided_on", "publicity_ends_on", "period_basis", "published_at", "state",
    "withdrawn_at", "withdraw_reason", "featured", "featured_note", "featured_at", "department",
    "department__name", "department__uscc", "department__code",
)
# A withdrawn summary keeps only what says what was withdrawn and why (never its facts).
WITHDRAWN_FIELDS = ("id", "number", "entity", "party_name", "decided_on", "state", "withdrawn_at", "withdraw_reason", "department",
                    "department__name", "department__uscc", "department__code")
LIST_FIELDS = ("id", "number", "entity", "party_name", "violation_type", "penalty_types", "fine_amount", "confiscation_amount", "decided_on",
               "publicity_ends_on", "department", "department__name", "department__code")


def public_penalties() -> QuerySet:
    """Published summaries, newest decision first (the order of ``disclosure_public_order_idx``).
    Pending, not-public (minors, simplified procedure, warning only) and withdrawn ones are absent,
    and so is a summary whose disclosure period has ended, whose credit record was repaired, or whose
    disclosure was stopped early on application (总局令第45号). The disclosure period is its own clock
    (``enforcement.disclosure_period``), not the credit record's window; pushed 行政处罚 records of other
    departments are here too, as mirrored summaries (``enforcement.pushed_penalties``)."""
    return (
        PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED, publicity_ends_on__gte=timezone.localdate())
        .select_related("department")
        .only(*PUBLIC_DISCLOSURE_FIELDS)
        .order_by("-decided_on", "-id")
    )


def public_penalty(pk: int) -> PenaltyDisclosure | None:
    """One summary for its public page: published, or withdrawn (shown as 已撤回 with the reason,
    without its facts). Anything never published is not found."""
    published = public_penalties().filter(pk=pk).first()
    if published is not None:
        return published
    return (
        PenaltyDisclosure.objects.filter(pk=pk, state=DisclosureState.WITHDRAWN, published_at__isnull=False)
        .select_related("department")
        .only(*WITHDRAWN_FIELDS)
        .first()
    )


def exposure_cases() -> QuerySet:
    """曝光台: published summaries officials chose as typical cases, latest chosen first."""
    return public_penalties().filter(featured=True).order_by("-featured_at", "-id")


def entity_penalties(code: str) -> QuerySet:
    """An entity's published penalties (its page), newest first."""
    return public_penalties().filter(entity_id=code)
