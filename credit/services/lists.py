"""Lists (名单): listing, removal and listing proposals, enforcing DOMAIN §3 for each list type."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, uscc
from credit import change_events
from credit.choices import (
    LIST_GROUNDS,
    ListGround,
    ListType,
    ProposalState,
    RemovalReason,
)
from credit.models import (
    CreditRecord,
    ListEntry,
    ListProposal,
)
from credit.regrade import enqueue_evaluation, regrade_now
from supervision.choices import DeadlineKind
from supervision.deadlines import due
from supervision.models import MarketEntity

SERIOUS_EARLY_REMOVAL_YEARS = 1  # DOMAIN §3: early removal from the serious list after 1 year
SERIOUS_LIST_YEARS = 3  # 市场监督管理严重违法失信名单管理办法: removed when 3 years have passed
ABNORMAL_TO_SERIOUS_YEARS = 3  # DOMAIN §3: after 3 years on the abnormal list → serious list


# --- lists --------------------------------------------------------------------------------------


def _entity(code: str) -> MarketEntity:
    code = uscc.normalize(code)
    entity = MarketEntity.objects.filter(uscc=code).first()
    if entity is None:
        raise ValidationError({"entity": f"名录库中没有统一社会信用代码为 {code} 的市场主体"})
    return entity


@transaction.atomic
def list_entry_add(
    *,
    actor,
    entity_uscc: str,
    list_type: str,
    ground: str,
    legal_basis: str,
    department,
    decided_on: dt.date,
    listed_on: dt.date | None = None,
    notice_on: dt.date | None = None,
    ground_established_on: dt.date | None = None,
    facts: str = "",
    decision_no: str = "",
    source_entry: ListEntry | None = None,
    basis_record: CreditRecord | None = None,
) -> ListEntry:
    """List an entity, enforcing DOMAIN §3 for the list type."""
    entity = _entity(entity_uscc)
    listed_on = listed_on or decided_on
    errors = {}
    if ground not in LIST_GROUNDS[ListType(list_type)]:
        allowed = "、".join(str(ListGround(g).label) for g in LIST_GROUNDS[ListType(list_type)])
        errors["ground"] = f"{ListType(list_type).label}的列入事由只能是：{allowed}"
    if not legal_basis.strip():
        errors["legal_basis"] = "须写明法律依据"
    if listed_on < decided_on:
        errors["listed_on"] = "列入日期不能早于决定日期"
    if list_type == ListType.SERIOUS:
        # 严重违法失信名单: prior notice and a chance to be heard (陈述、申辩) before the decision.
        if notice_on is None:
            errors["notice_on"] = "列入严重违法失信名单前须事先告知当事人并听取陈述、申辩：请填写告知日期"
        elif notice_on >= decided_on:
            errors["notice_on"] = f"告知日期 {notice_on} 须早于决定日期 {decided_on}（先告知、后决定）"
    if list_type == ListType.ABNORMAL:
        if ground_established_on is None:
            errors["ground_established_on"] = "列入经营异常名录须填写事由认定日期"
        elif ground_established_on > listed_on:
            errors["ground_established_on"] = "事由认定日期不能晚于列入日期"
    if ListEntry.objects.filter(entity=entity, list_type=list_type, removed_on__isnull=True).exists():
        errors["list_type"] = f"该主体已在{ListType(list_type).label}中"
    if errors:
        raise ValidationError(errors)
    entry = ListEntry.objects.create(
        entity=entity,
        list_type=list_type,
        ground=ground,
        legal_basis=legal_basis.strip(),
        department=department,
        decided_on=decided_on,
        listed_on=listed_on,
        notice_on=notice_on,
        ground_established_on=ground_established_on,
        facts=facts,
        decision_no=decision_no,
        source_entry=source_entry,
        basis_record=basis_record,
    )
    change_events.list_entries_changed(kind="list_entry.added", ids=[entry.pk])  # issue 15 §3
    after = audit.snapshot(entry)
    if list_type == ListType.ABNORMAL:
        # DOMAIN §3: within the listing deadline (national default 10 working days) of the ground; a late listing is kept, and shown.
        deadline = due(DeadlineKind.ABNORMAL_LISTING, ground_established_on, department=department)
        after["listing_deadline"], after["listing_rule"] = str(deadline), deadline.rule.citation
        after["listed_late"] = listed_on > deadline.date
    audit.record(actor=actor, action="list_entry.add", target=entry, after=after)
    enqueue_evaluation([entity.uscc])
    return entry


def removal_problem(entry: ListEntry, reason: str, removed_on: dt.date) -> str | None:
    """Why ``entry`` may not be removed for ``reason`` on ``removed_on`` (DOMAIN §3), or None."""
    if reason in (RemovalReason.DECISION_REVOKED, RemovalReason.BASIS_WITHDRAWN):
        return None
    if entry.list_type == ListType.SERIOUS:
        if reason == RemovalReason.EARLY_REMOVAL:
            earliest = entry.listed_on + relativedelta(years=SERIOUS_EARLY_REMOVAL_YEARS)
            if removed_on < earliest:
                return f"严重违法失信名单列入满1年后方可申请提前移出：最早 {earliest}"
            return None
        if reason == RemovalReason.PERIOD_ENDED:
            ends = entry.listed_on + relativedelta(years=SERIOUS_LIST_YEARS)
            return None if removed_on >= ends else f"严重违法失信名单列入期限3年，届满日为 {ends}"
        return "严重违法失信名单只能因列入满1年提前移出、期限届满或决定被撤销而移出"
    if reason == RemovalReason.EARLY_REMOVAL:
        return "“提前移出”仅适用于严重违法失信名单"
    if reason == RemovalReason.MOVED_TO_SERIOUS and entry.list_type != ListType.ABNORMAL:
        return "只有经营异常名录可转列严重违法失信名单"
    return None


@transaction.atomic
def list_entry_remove(
    *,
    actor,
    entry: ListEntry,
    reason: str,
    removed_on: dt.date | None = None,
    note: str = "",
    duty_fulfilled_on: dt.date | None = None,
) -> ListEntry:
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    removed_on = removed_on or timezone.localdate()
    if entry.removed_on is not None:
        raise ValidationError("该名单记录已移出")
    if removed_on < entry.listed_on:
        raise ValidationError({"removed_on": "移出日期不能早于列入日期"})
    problem = removal_problem(entry, reason, removed_on)
    if problem:
        raise ValidationError({"reason": problem})
    before = audit.snapshot(entry)
    entry.removed_on, entry.removal_reason, entry.removal_note = removed_on, reason, note
    entry.save(update_fields=["removed_on", "removal_reason", "removal_note"])
    change_events.list_entries_changed(kind="list_entry.removed", ids=[entry.pk])  # issue 15 §3
    after = audit.snapshot(entry)
    if entry.list_type == ListType.ABNORMAL and duty_fulfilled_on:
        # DOMAIN §3: removed within the removal deadline (national default 5 working days) after the duty is fulfilled.
        deadline = due(DeadlineKind.ABNORMAL_REMOVAL, duty_fulfilled_on, department=entry.department_id)
        after.update(
            duty_fulfilled_on=str(duty_fulfilled_on),
            removal_deadline=str(deadline),
            removed_late=removed_on > deadline.date,
            removal_rule=deadline.rule.citation,
        )
    audit.record(actor=actor, action="list_entry.remove", target=entry, before=before, after=after)
    regrade_now([entry.entity_id])  # the listing leaves the public reasons at once (credit.regrade policy 2)
    return entry


@transaction.atomic
def list_proposal_raise(
    *, actor, entity_uscc: str, list_type: str, ground: str, department, source_ref: str, reason: str
) -> ListProposal:
    """Another module proposes a listing for an official to confirm (e.g. an inspection found the
    entity unreachable → 经营异常名录, DOMAIN §4). Raising the same proposal twice is a no-op."""
    entity = _entity(entity_uscc)
    if ground not in LIST_GROUNDS[ListType(list_type)]:
        raise ValidationError({"ground": f"{ListType(list_type).label}的列入事由不能是“{ListGround(ground).label}”"})
    proposal, created = ListProposal.objects.get_or_create(
        source_ref=source_ref,
        list_type=list_type,
        defaults={"entity": entity, "ground": ground, "department": department, "reason": reason[:500]},
    )
    if created:
        audit.record(actor=actor, action="list_proposal.raise", target=proposal, after=audit.snapshot(proposal))
    return proposal


@transaction.atomic
def list_proposal_confirm(
    *, actor, proposal: ListProposal, notice_on: dt.date, decided_on: dt.date, legal_basis: str, decision_no: str = ""
) -> ListEntry:
    """An official confirms moving an entity abnormal for 3 years to the serious list."""
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError("该建议已处理")
    source = proposal.source_entry
    facts = f"列入经营异常名录（{source.listed_on} 起）届满3年仍未履行相关义务" if source else proposal.reason
    entry = list_entry_add(
        actor=actor,
        entity_uscc=proposal.entity_id,
        list_type=proposal.list_type,
        ground=proposal.ground,
        legal_basis=legal_basis,
        department=proposal.department,
        decided_on=decided_on,
        notice_on=notice_on,
        decision_no=decision_no,
        source_entry=source,
        facts=facts,
        ground_established_on=proposal.created_at.date() if proposal.list_type == ListType.ABNORMAL else None,
    )
    if source is not None and source.removed_on is None:
        list_entry_remove(
            actor=actor,
            entry=source,
            reason=RemovalReason.MOVED_TO_SERIOUS,
            removed_on=decided_on,
            note="转列严重违法失信名单",
        )
    proposal.state, proposal.decided_by, proposal.decided_at, proposal.result_entry = (
        ProposalState.CONFIRMED,
        getattr(actor, "pk", None) and actor,
        timezone.now(),
        entry,
    )
    proposal.save(update_fields=["state", "decided_by", "decided_at", "result_entry"])
    audit.record(actor=actor, action="list_proposal.confirm", target=proposal, after={"entry": entry.pk})
    return entry


@transaction.atomic
def list_proposal_dismiss(*, actor, proposal: ListProposal, reason: str) -> ListProposal:
    proposal = ListProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ValidationError("该建议已处理")
    if not reason.strip():
        raise ValidationError({"reason": "不予列入须说明理由"})
    proposal.state, proposal.decided_at = ProposalState.DISMISSED, timezone.now()
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(actor=actor, action="list_proposal.dismiss", target=proposal, after={"reason": reason})
    return proposal
