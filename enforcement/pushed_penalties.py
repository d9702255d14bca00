"""行政处罚 records pushed by other departments' systems, on the penalty pages (issue 12 §1, §7).

A department's own case system pushes its penalties as credit records (API.md). They have no
decision in this platform, yet they are public penalties of the entity: each gets a mirrored
``PenaltyDisclosure`` (``decision`` empty, ``credit_record`` set), so ``/penalties/``, the API and the
entity page's 行政处罚信息 read one table and show every public penalty, whatever system it came
from. The mirror is written in the push's own transaction (credit's ``records_pushed`` signal; credit
never imports enforcement) and disclosed for as long as the pushing department's rule says
(``enforcement.disclosure_period``). A repaired or revoked record takes its mirror off with it
(``services.disclosure_follow_record``), as for a decision's summary.
"""

from django.utils import timezone

from core.redaction import redact_text
from credit.choices import RecordCategory, RecordState
from credit.models import CreditRecord
from enforcement import change_events
from enforcement.choices import DisclosureState
from enforcement.disclosure_period import period_for
from enforcement.models import PenaltyDecision, PenaltyDisclosure
from supervision.models import MarketEntity

MIRROR_FIELDS = (
    "number",
    "entity_id",
    "party_name",
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
    "state",
    "not_public_reason",
    "publish_due_on",
    "published_at",
    "department_id",
    "withdrawn_at",
    "withdraw_reason",
    "featured",
)


def _state(record: CreditRecord) -> tuple[str, str]:
    if record.state == RecordState.REVOKED:
        return DisclosureState.WITHDRAWN, ""
    if record.state == RecordState.REPAIRED:
        return DisclosureState.ENDED, ""
    if not record.published:
        return DisclosureState.NOT_PUBLIC, "推送部门的信用记录依规不予公示"
    return DisclosureState.PUBLISHED, ""


def mirror_pushed(sender=None, *, department, source_refs, **kwargs) -> int:
    """Create or refresh the summaries of the 行政处罚 records just pushed by ``department`` (three
    queries for the batch, whatever its size). Records made by this platform's own decisions are skipped."""
    refs = list(source_refs or ())
    if not refs:
        return 0
    records = list(
        CreditRecord.objects.filter(department=department, source_ref__in=refs, category=RecordCategory.PENALTY)
    )
    own = set(
        PenaltyDecision.objects.filter(department=department, number__in=[r.source_ref for r in records]).values_list(
            "number", flat=True
        )
    )
    records = [r for r in records if r.source_ref not in own]
    if not records:
        return 0
    names = dict(MarketEntity.objects.filter(uscc__in={r.entity_id for r in records}).values_list("uscc", "name"))
    existing = {
        d.credit_record_id: d
        for d in PenaltyDisclosure.objects.filter(decision__isnull=True, credit_record__in=records)
    }
    rules, new, changed = {}, [], []
    republished, left_pages = [], []  # issue 15 §3: existing summaries that change while on the pages, or leave them
    for r in records:
        published_at = existing[r.pk].published_at if r.pk in existing and existing[r.pk].published_at else r.created_at
        period = period_for(
            department,
            penalty_types=r.penalty_types,
            fine_amount=r.amount,
            published_on=timezone.localdate(published_at),
            restriction_ends_on=r.restriction_ends_on,
            record_ends_on=r.publicity_ends_on,
            rules=rules,
        )
        state, reason = _state(r)
        withdrawn = state == DisclosureState.WITHDRAWN
        # DOMAIN §5: the push API refuses personal data; records stored before that are masked here.
        keep = (r.source_ref, r.entity_id)
        values = {
            "number": r.source_ref[:64],
            "entity_id": r.entity_id,
            "party_name": names.get(r.entity_id, "")[:200],
            "violation_type": redact_text(r.title, keep=keep)[:300],
            "facts": redact_text(r.content, keep=keep),
            "legal_basis": redact_text(r.legal_basis, keep=keep),
            "penalty_types": list(r.penalty_types),
            "penalty_content": redact_text(r.title, keep=keep),
            "fine_amount": r.amount or 0,
            "confiscation_amount": 0,
            "decided_on": r.decided_on,
            "publicity_ends_on": period.ends_on,
            "period_basis": period.basis,
            "state": state,
            "not_public_reason": reason,
            "publish_due_on": r.decided_on,
            "published_at": published_at if state != DisclosureState.NOT_PUBLIC else None,
            "department_id": department.pk,
            "withdrawn_at": timezone.now() if withdrawn else None,
            "withdraw_reason": (r.state_reason or "推送部门已撤销该记录")[:500] if withdrawn else "",
            "featured": False,
        }
        if r.pk in existing:
            row = existing[r.pk]
            if (
                row.state == DisclosureState.EARLY_STOPPED and not withdrawn
            ):  # an early stop decided here holds against a resend
                values.update(state=row.state)
            if row.featured and state == DisclosureState.PUBLISHED:
                values.update(featured=True)
            if withdrawn and row.withdrawn_at:
                values.update(withdrawn_at=row.withdrawn_at)
            if any(getattr(row, name) != value for name, value in values.items()):
                was_published = row.state == DisclosureState.PUBLISHED
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
                if row.state == DisclosureState.PUBLISHED:
                    republished.append(row.pk)
                elif was_published:
                    left_pages.append(row.pk)
        else:
            new.append(PenaltyDisclosure(decision=None, credit_record=r, **values))
    if new:
        PenaltyDisclosure.objects.bulk_create(new)
    if changed:
        # Batches keep each UPDATE's CASE expressions short: one statement for 5,000 rows × 21 fields took
        # minutes (bench/credit.py --push), since PostgreSQL walks every WHEN for every row.
        PenaltyDisclosure.objects.bulk_update(changed, list(MIRROR_FIELDS), batch_size=200)
    change_events.penalties_published([d.pk for d in new if d.state == DisclosureState.PUBLISHED] + republished)
    change_events.penalties_withdrawn(left_pages)
    return len(new) + len(changed)
