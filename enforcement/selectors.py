"""Reads that carry a rule: what the public sees of penalties (双公示) and the 曝光台.

Public code reads ``PenaltyDisclosure`` only, and only its public columns: the redacted summary
made by ``core.redaction`` when the decision was issued. ``PenaltyDecision`` (facts as
typed, evidence, the party's address, the minor flag) is never loaded by a public page or the
public API, so no template or serializer can show it by mistake.

Officials' reads with a rule: which complaints are open and which are due or overdue (the admin's
deadline filter, its 办理期限 colours and the dashboard's 待办 count use the same expressions).
"""

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from enforcement.choices import CaseStage, ComplaintState, DisclosureState
from enforcement.models import CaseHandler, PenaltyDisclosure

# --- disclosure (双公示) ---------------------------------------------------------------------------

# DOMAIN §5: the fields of a published summary (plus the 曝光台 note and the withdrawal reason).
PUBLIC_DISCLOSURE_FIELDS = (
    "id",
    "number",
    "entity",
    "party_name",
    "legal_representative",
    "violation_type",
    "facts",
    "legal_basis",
    "penalty_types",
    "penalty_content",
    "fine_amount",
    "confiscation_amount",
    "decided_on",
    "publicity_ends_on",
    "period_basis",
    "published_at",
    "state",
    "withdrawn_at",
    "withdraw_reason",
    "featured",
    "featured_note",
    "featured_at",
    "department",
    "department__name",
    "department__uscc",
    "department__code",
)
# A withdrawn summary keeps only what says what was withdrawn and why (never its facts).
WITHDRAWN_FIELDS = (
    "id",
    "number",
    "entity",
    "party_name",
    "decided_on",
    "state",
    "withdrawn_at",
    "withdraw_reason",
    "department",
    "department__name",
    "department__uscc",
    "department__code",
)
LIST_FIELDS = (
    "id",
    "number",
    "entity",
    "party_name",
    "violation_type",
    "penalty_types",
    "fine_amount",
    "confiscation_amount",
    "decided_on",
    "publicity_ends_on",
    "department",
    "department__name",
    "department__code",
)


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


# --- complaints (投诉举报), officials' reads ------------------------------------------------------------

OPEN_COMPLAINT_STATES = (ComplaintState.RECEIVED, ComplaintState.HANDLING)


def complaint_deadline_q(lookup: str, day) -> Q:
    """Open complaints whose deadline is ``lookup`` ``day``."""
    return Q(state__in=OPEN_COMPLAINT_STATES, **{f"due_on__{lookup}": day})


def complaint_urgency(today, until) -> Case:
    """Each complaint's urgency, an annotation: "overdue" (deadline before ``today``), "due" (by ``until``) or ""."""
    return Case(
        When(complaint_deadline_q("lt", today), then=Value("overdue")),
        When(complaint_deadline_q("lte", until), then=Value("due")),
        default=Value(""),
        output_field=CharField(),
    )


# --- the 待办 panel (issue 17 §6) ----------------------------------------------------------------


def disclosure_deadline_q(lookup: str, day) -> Q:
    """Penalty decisions still waiting for publication whose deadline (7 working days, 国办发〔2018〕118号)
    is ``lookup`` ``day``."""
    return Q(state=DisclosureState.PENDING, **{f"publish_due_on__{lookup}": day})


def _handles(user):
    return Exists(CaseHandler.objects.filter(case=OuterRef("pk"), inspector__user_id=getattr(user, "pk", None)))


def cases_handled_by_q(user) -> Q:
    """Open cases ``user`` handles (承办), as the lead or a co-handler: the "我的案件" of the panel."""
    return ~Q(stage=CaseStage.CLOSED) & Q(_handles(user))


def cases_for_review_q(user) -> Q:
    """Cases waiting for 法制审核 that ``user`` does not handle (a handler never reviews their own case)."""
    return Q(stage=CaseStage.LEGAL_REVIEW) & ~Q(_handles(user))
