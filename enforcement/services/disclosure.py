"""Disclosure (双公示) of penalty decisions: what is never public, the redacted summary, publishing
pending summaries with their credit records, withdrawing, following the credit record, 曝光台.

The credit severity of a decision (``decision_severity``) lives here with the credit record it grades."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from core import audit
from core.redaction import redact_text
from credit.choices import PenaltyType, RecordState, Severity
from credit.models import CreditRecord
from credit.services import credit_record_revoke, credit_records_push, publicity_rule_in_force, publicity_window
from enforcement import change_events
from enforcement.choices import Circumstance, DecisionState, DisclosureState, Procedure
from enforcement.disclosure_period import period_for
from enforcement.models import PenaltyDecision, PenaltyDisclosure
from supervision import deadlines
from supervision.choices import DeadlineKind

# Penalties heavy enough that, with 从重, the entity is proposed for the serious list (严重违法失信名单管理办法).
HEAVY_PENALTIES = frozenset(
    {
        PenaltyType.REVOKE_LICENCE,
        PenaltyType.SUSPEND_BUSINESS,
        PenaltyType.CLOSE,
        PenaltyType.RESTRICT_BUSINESS,
        PenaltyType.RESTRICT_PRACTICE,
    }
)


def decision_severity(*, penalty_types, circumstance: str) -> str:
    """The credit severity of a decision: 警告/通报批评 only is 轻微; heavy penalties or 从重 are 严重."""
    kinds = set(penalty_types)
    if kinds <= {PenaltyType.WARNING, PenaltyType.CRITICISM}:
        return Severity.MINOR
    if kinds & HEAVY_PENALTIES or circumstance == Circumstance.HEAVIER:
        return Severity.SERIOUS
    return Severity.GENERAL


# --- disclosure (双公示) -------------------------------------------------------------------------


def not_public_reason(decision: PenaltyDecision) -> str:
    """Why a decision is never published (DOMAIN §5), or '' when it is."""
    if decision.party_is_minor:
        return "当事人为未成年人，依法不予公开"
    if decision.procedure == Procedure.SIMPLIFIED:
        return "适用简易程序作出的处罚决定，依规不予公示"
    if set(decision.penalty_types) <= {PenaltyType.WARNING}:
        return "仅给予警告的处罚决定，依规不予公示"
    return ""


def person_names(value) -> list[str]:
    """Names from a list or from text separated by 、，, or spaces (the admin form's field)."""

    items = value if isinstance(value, list | tuple) else re.split(r"[、，,；;\s]+", str(value or ""))
    return list(dict.fromkeys(n.strip()[:50] for n in items if n and n.strip()))


def public_summary(decision: PenaltyDecision) -> dict:
    """The redacted public fields (DOMAIN §5), built by the one redaction service."""

    keep = tuple(v for v in (decision.entity_id, decision.number, decision.department.uscc) if v)
    # Other natural persons (DOMAIN §5): the ones the official named, and the reporter of the complaint
    # the case came from, whose identity is confidential even if it was typed into the facts.
    names = [*decision.other_persons]
    complaint = decision.case.source_complaint if decision.case_id and decision.case.source_complaint_id else None
    if complaint is not None and complaint.reporter_name:
        names.append(complaint.reporter_name)
    names = tuple(n for n in names if n and n not in (decision.party_name, decision.legal_representative))
    return {
        "number": decision.number,
        "party_name": decision.party_name,
        "legal_representative": decision.legal_representative,
        "violation_type": redact_text(decision.violation_type, keep=keep, names=names),
        "facts": redact_text(decision.facts, keep=keep, names=names),
        "legal_basis": redact_text(decision.legal_basis, keep=keep),
        "penalty_types": list(decision.penalty_types),
        "penalty_content": redact_text(decision.penalty_content, keep=keep, names=names),
        "fine_amount": decision.fine_amount,
        "confiscation_amount": decision.confiscation_amount,
        "decided_on": decision.decided_on,
    }


def _disclosure_prepare(decision: PenaltyDecision, actor=None) -> PenaltyDisclosure:
    """The disclosure row of a new decision: pending with its publication deadline, or not public."""
    # 国办发〔2018〕118号 (DOMAIN §5): within 7 working days of the decision (national default; data per department).
    due = deadlines.due(DeadlineKind.PENALTY_DISCLOSURE, decision.decided_on, department=decision.department_id)
    reason = not_public_reason(decision)
    disclosure = PenaltyDisclosure.objects.create(
        decision=decision,
        department=decision.department,
        entity_id=decision.entity_id,
        **public_summary(decision),
        state=DisclosureState.NOT_PUBLIC if reason else DisclosureState.PENDING,
        not_public_reason=reason,
        publish_due_on=due.date,
        publish_due_provisional=due.provisional,
    )
    if reason and decision.entity_id and not decision.party_is_minor:
        # Every decision is a credit record; one that is not published is recorded as 轻微, which the
        # publicity rule never publishes (DOMAIN §3), so it counts toward the grade without appearing.
        payload = {**_credit_payload(disclosure, decision), "severity": Severity.MINOR}
        credit_records_push(actor=actor or "task:penalty_decision", department=decision.department, records=[payload])
        disclosure.credit_record = CreditRecord.objects.get(
            department=decision.department, source_ref=disclosure.number
        )
        disclosure.save(update_fields=["credit_record"])
    return disclosure


def _credit_payload(disclosure: PenaltyDisclosure, decision: PenaltyDecision) -> dict:
    kinds = "、".join(str(PenaltyType(k).label) for k in disclosure.penalty_types)
    return {
        "source_ref": disclosure.number,
        "uscc": disclosure.entity_id,
        "category": "administrative_penalty",
        "polarity": "negative",
        "severity": decision_severity(penalty_types=decision.penalty_types, circumstance=decision.circumstance),
        "title": f"{disclosure.violation_type}（{kinds}）"[:200],
        "content": f"{disclosure.facts}\n处罚内容：{disclosure.penalty_content}",
        "decided_on": disclosure.decided_on.isoformat(),
        "legal_basis": disclosure.legal_basis,
        "amount": str(disclosure.fine_amount + disclosure.confiscation_amount),
        "penalty_types": list(disclosure.penalty_types),
        # 总局令第45号 第十三条第三款 / DOMAIN §3: a restriction with a term keeps the fact public until it ends.
        "restriction_ends_on": decision.restriction_ends_on.isoformat() if decision.restriction_ends_on else None,
    }


BATCH = 2000


def disclosures_publish(*, actor, today: dt.date | None = None, batch: int = BATCH) -> dict:
    """Publish every pending summary and write each decision's credit record through the credit
    service; withdraw anything whose decision is no longer in force. Idempotent and safe to run in
    parallel: rows are claimed with SKIP LOCKED, one transaction per batch."""
    published = withdrawn = 0
    today = today or timezone.localdate()
    while True:
        n = _publish_batch(actor=actor, batch=batch, today=today)
        published += n
        if n < batch:
            break
    for disclosure in (
        PenaltyDisclosure.objects.filter(
            state__in=[DisclosureState.PUBLISHED, DisclosureState.PENDING], decision__isnull=False
        )
        .exclude(decision__state=DecisionState.EFFECTIVE)
        .select_related("decision")
    ):
        decision = disclosure.decision
        disclosure_withdraw(
            actor=actor,
            disclosure=disclosure,
            reason=f"处罚决定已{decision.get_state_display()}：{decision.revoked_reason}",
        )
        withdrawn += 1
    return {"published": published, "withdrawn": withdrawn}


@transaction.atomic
def _publish_batch(*, actor, batch: int, today: dt.date) -> int:
    rows = list(
        PenaltyDisclosure.objects.select_for_update(skip_locked=True, of=("self",))
        # A decision dated ahead (typed in advance) waits for its day: the credit service refuses
        # future dates, and one such row must not block the whole batch.
        .filter(state=DisclosureState.PENDING, decision__state=DecisionState.EFFECTIVE, decided_on__lte=today)
        .select_related("decision", "department")
        .order_by("publish_due_on", "id")[:batch]
    )
    if not rows:
        return 0
    now = timezone.now()
    by_department = {}
    for d in rows:
        if d.entity_id:
            by_department.setdefault(d.department, []).append(d)
    ends_on = {}
    for department, items in by_department.items():
        credit_records_push(actor=actor, department=department, records=[_credit_payload(d, d.decision) for d in items])
        # The summary's end of publicity is its credit record's: one window, computed once by the credit service.
        records = {
            ref: (pk, ends)
            for ref, pk, ends in CreditRecord.objects.filter(
                department=department, source_ref__in=[d.number for d in items]
            ).values_list("source_ref", "id", "publicity_ends_on")
        }
        for d in items:
            d.credit_record_id, ends_on[d.pk] = records.get(d.number, (None, None))
    rules = {}
    for d in rows:
        if ends_on.get(d.pk) is None:
            rule = rules.get(d.decided_on) or rules.setdefault(d.decided_on, publicity_rule_in_force(d.decided_on))
            severity = decision_severity(penalty_types=d.decision.penalty_types, circumstance=d.decision.circumstance)
            ends_on[d.pk] = publicity_window(
                rule=rule, polarity="negative", severity=severity, decided_on=d.decided_on
            ).ends_on
    # Two clocks (issue 12 §1): the record keeps its NDRC window; the summary follows its department's disclosure rule.
    periods, disclosure_rules = {}, {}
    for d in rows:
        periods[d.pk] = period_for(
            d.department,
            penalty_types=d.penalty_types,
            fine_amount=d.fine_amount,
            published_on=timezone.localdate(now),
            restriction_ends_on=d.decision.restriction_ends_on,
            record_ends_on=ends_on[d.pk],
            rules=disclosure_rules,
        )
    # One statement for the batch (bulk_update's CASE per row costs seconds at 2,000 rows).
    with connection.cursor() as cursor:
        execute_values(
            cursor,
            """UPDATE enforcement_penaltydisclosure AS d
               SET state = v.state, published_at = v.published_at, publicity_ends_on = v.ends_on, credit_record_id = v.record_id,
                   period_basis = v.basis
               FROM (VALUES %s) AS v(id, state, published_at, ends_on, record_id, basis) WHERE d.id = v.id""",
            [
                (
                    d.pk,
                    DisclosureState.PUBLISHED.value,
                    now,
                    periods[d.pk].ends_on,
                    d.credit_record_id,
                    periods[d.pk].basis,
                )
                for d in rows
            ],
            template="(%s::bigint, %s, %s::timestamptz, %s::date, %s::bigint, %s)",
            page_size=len(rows),
        )
    change_events.penalties_published([d.pk for d in rows])  # issue 15 §3
    audit.record(
        actor=actor,
        action="penalty_disclosure.publish",
        target=("enforcement.penaltydisclosure", f"batch:{rows[0].pk}"),
        target_label=f"公示行政处罚决定 {len(rows)} 件",
        after={"numbers": [d.number for d in rows]},
    )
    return len(rows)


@transaction.atomic
def disclosure_withdraw(*, actor, disclosure: PenaltyDisclosure, reason: str) -> PenaltyDisclosure:
    """Take a summary off every public view, with the reason, and revoke its credit record (the
    grade follows at once). DOMAIN §5: within 3 working days; done immediately."""

    disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.state == DisclosureState.WITHDRAWN:
        return disclosure
    if not str(reason or "").strip():
        raise ValidationError({"reason": "撤回公示须说明理由"})
    before = {"state": disclosure.state, "featured": disclosure.featured}
    now = timezone.now()
    disclosure.state, disclosure.withdrawn_at, disclosure.withdraw_reason = (
        DisclosureState.WITHDRAWN,
        now,
        reason.strip()[:500],
    )
    # DOMAIN §5: withdrawn within 3 working days (national default; data per department).
    disclosure.withdraw_due_on = deadlines.due(
        DeadlineKind.PENALTY_WITHDRAWAL, timezone.localdate(), department=disclosure.department_id
    ).date
    disclosure.featured = False
    disclosure.save(update_fields=["state", "withdrawn_at", "withdraw_reason", "withdraw_due_on", "featured"])
    if disclosure.published_at is not None:  # issue 15 §3: only a summary that was on the pages
        change_events.penalties_withdrawn([disclosure.pk])
    record = (
        CreditRecord.objects.filter(pk=disclosure.credit_record_id).first() if disclosure.credit_record_id else None
    )
    if record is None:
        record = CreditRecord.objects.filter(department=disclosure.department, source_ref=disclosure.number).first()
    if record is not None and record.state != RecordState.REVOKED:
        credit_record_revoke(actor=actor, record=record, reason=disclosure.withdraw_reason)
    audit.record(
        actor=actor,
        action="penalty_disclosure.withdraw",
        target=disclosure,
        before=before,
        after={"state": disclosure.state, "reason": disclosure.withdraw_reason},
    )
    return disclosure


def disclosure_follow_record(sender=None, *, record, state: str, reason: str, actor=None, **kwargs) -> int:
    """A published summary follows its credit record (receiver of credit's ``record_state_changed``):
    repaired → 已停止公示 (信用修复 stops publication early, DOMAIN §3); revoked (e.g. an objection
    found it wrong) → withdrawn with the reason. In the same transaction as the record's change."""

    rows = list(
        PenaltyDisclosure.objects.select_for_update().filter(credit_record=record, state=DisclosureState.PUBLISHED)
    )
    for disclosure in rows:
        if state == RecordState.REVOKED:
            disclosure_withdraw(
                actor=actor or "task:credit_record", disclosure=disclosure, reason=f"信用记录已撤销：{reason}"
            )
        elif state == RecordState.REPAIRED:
            disclosure.state, disclosure.featured = DisclosureState.ENDED, False
            disclosure.save(update_fields=["state", "featured"])
            change_events.penalties_withdrawn([disclosure.pk])  # issue 15 §3: it leaves /penalties/
            audit.record(
                actor=actor or "task:credit_record",
                action="penalty_disclosure.end",
                target=disclosure,
                before={"state": DisclosureState.PUBLISHED},
                after={"state": DisclosureState.ENDED, "reason": f"信用修复：{reason}"},
            )
    return len(rows)


@transaction.atomic
def disclosure_feature(*, actor, disclosure: PenaltyDisclosure, featured: bool, note: str = "") -> PenaltyDisclosure:
    """Choose (or drop) a published penalty as a 曝光台 typical case."""
    disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=disclosure.pk)
    if featured and disclosure.state != DisclosureState.PUBLISHED:
        raise ValidationError("只有已公示的处罚决定可以入选曝光台")
    if featured and not str(note or "").strip():
        raise ValidationError({"featured_note": "请填写案例评析"})
    before = {"featured": disclosure.featured, "featured_note": disclosure.featured_note}
    disclosure.featured = featured
    disclosure.featured_note = note.strip() if featured else disclosure.featured_note
    disclosure.featured_at = timezone.now() if featured else None
    disclosure.save(update_fields=["featured", "featured_note", "featured_at"])
    audit.record(
        actor=actor,
        action="penalty_disclosure.feature",
        target=disclosure,
        before=before,
        after={"featured": disclosure.featured, "featured_note": disclosure.featured_note},
    )
    return disclosure
