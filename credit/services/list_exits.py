"""Leaving a list is a procedure, not a promise (issue 12 §4; DOMAIN §3).

- 经营异常名录: after the duty is fulfilled the entity applies, with evidence; the listing department
  decides within the ABNORMAL_REMOVAL deadline (national default 5 working days, supervision.deadlines).
  《企业经营异常名录管理暂行办法》（工商总局令第68号）第十一条至第十四条.
- 严重违法失信名单: early removal on application only after 1 year on the list and when the
  conditions hold (《市场监督管理严重违法失信名单管理办法》（总局令第44号）第十六条: obligations performed,
  harm removed, no further heavier penalty); the entry ends by itself after 3 years (第二十条), through
  the nightly scan (``serious_list_entries_end``, called by ``credit.scan.run_risk_scan``).
- 重点关注对象名单 and 守信激励对象名单 take no exit application: refused with the reason.
- Repairing or revoking the record an entry rests on raises a removal proposal (``ListRemovalProposal``).

Also the 容缺受理 gate of commitments (``good_standing_problem``), which reads the same lists.
Every write here is a service: keyword-only, atomic, audited.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.filings import new_tracking, query_code_digest
from credit import change_events
from credit.choices import (
    ExitState,
    Grade,
    ListType,
    Polarity,
    RecordState,
    RemovalProposalState,
    RemovalReason,
    Severity,
)
from credit.models import (
    CreditRecord,
    EntityCredit,
    ListEntry,
    ListExitApplication,
    ListExitEvidence,
    ListProposal,
    ListRemovalProposal,
)
from credit.regrade import enqueue_evaluation
from credit.services.filings import check_deciding_department, public_snapshot, require_fields
from credit.services.lists import SERIOUS_EARLY_REMOVAL_YEARS, SERIOUS_LIST_YEARS, list_entry_remove
from supervision.choices import DeadlineKind
from supervision.deadlines import due

TRACKING_PREFIX = "YC"  # 移出
SERIOUS_EARLY_BASIS = "《市场监督管理严重违法失信名单管理办法》第十六条"
SERIOUS_END_BASIS = "《市场监督管理严重违法失信名单管理办法》第二十条"
NO_EXIT_APPLICATION = {
    ListType.KEY_ATTENTION: gettext_lazy(
        "重点关注对象名单不适用移出申请：由作出列入决定的部门在失信行为纠正、列入期满后依职权移出；对列入有异议的，可以提出异议。"
    ),
    ListType.RED: gettext_lazy("守信激励对象名单是激励措施，不适用移出申请；如需退出，请联系作出决定的部门。"),
}

# What the applicant reads before applying (public form and list pages), per list that takes applications.
EXIT_RULES = {
    ListType.ABNORMAL: gettext_lazy(
        "履行相关义务（补报年度报告、公示有关信息、更正虚假信息或恢复可联系状态）后，上传证明材料申请移出；"
        "作出列入决定的部门应在5个工作日内作出决定（《企业经营异常名录管理暂行办法》）。"
    ),
    ListType.SERIOUS: gettext_lazy(
        "列入满1年，已自觉履行行政处罚决定规定的义务、主动消除危害后果和不良影响，且未再受到较重行政处罚的，可申请提前移出"
        "（《市场监督管理严重违法失信名单管理办法》第十六条）；未申请或不符合条件的，列入满3年后期满移出。"
    ),
}


# --- 容缺受理 (seed 004 §1: only for applicants 「信用状况较好」) --------------------------------------


def good_standing_problem(entity_uscc: str) -> str | None:
    """Why ``entity_uscc`` may not make a 审批替代型 commitment (容缺受理), or None.

    Refused for an entity on the serious list, or whose public grade is 失信 or 严重失信 (DOMAIN §3).
    An active 经营异常名录 entry makes the grade 失信 by rule 2, so it is read too: the stored grade
    may not have caught up with a listing made a moment ago.
    """
    active = set(
        ListEntry.objects.filter(entity_id=entity_uscc, removed_on__isnull=True).values_list("list_type", flat=True)
    )
    tail = "审批替代型（容缺受理）信用承诺仅适用于信用状况较好的申请人，请按一般程序提交全部材料办理"
    if ListType.SERIOUS in active:
        return f"该主体列入严重违法失信名单，{tail}"
    grade = EntityCredit.objects.filter(entity_id=entity_uscc).values_list("grade", flat=True).first()
    if grade in (Grade.DISHONEST, Grade.SERIOUSLY_DISHONEST):
        return f"该主体当前公共信用综合评价为“{Grade(grade).label}”，{tail}"
    if ListType.ABNORMAL in active:
        return f"该主体列入经营异常名录（信用等级为“失信”），{tail}"
    return None


# --- exit applications ------------------------------------------------------------------------------


def exit_problems(entry: ListEntry, *, today: dt.date | None = None) -> list[str]:
    """Why an application to leave ``entry`` cannot succeed now, as exact Chinese reasons."""
    today = today or timezone.localdate()
    if entry.removed_on is not None:
        return [_("该名单记录已于 %(date)s 移出，无需申请") % {"date": entry.removed_on}]
    if entry.list_type in NO_EXIT_APPLICATION:
        return [NO_EXIT_APPLICATION[entry.list_type]]
    problems = []
    if entry.list_type == ListType.SERIOUS:
        earliest = entry.listed_on + relativedelta(years=SERIOUS_EARLY_REMOVAL_YEARS)
        if today < earliest:
            problems.append(
                _(
                    "严重违法失信名单列入满1年后方可申请提前移出：该主体于 %(listed)s 列入，%(earliest)s 起方可申请（%(basis)s）"
                )
                % {"listed": entry.listed_on, "earliest": earliest, "basis": SERIOUS_EARLY_BASIS}
            )
        later = CreditRecord.objects.filter(
            entity_id=entry.entity_id,
            polarity=Polarity.NEGATIVE,
            severity=Severity.SERIOUS,
            state=RecordState.ACTIVE,
            published=True,
            decided_on__gt=entry.listed_on,
        )
        if later.exists():
            problems.append(
                _("列入后又有公示中的严重失信信息，不符合“未再受到较重行政处罚”的提前移出条件（%(basis)s）")
                % {"basis": SERIOUS_EARLY_BASIS}
            )
    if ListExitApplication.objects.filter(list_entry=entry, state=ExitState.SUBMITTED).exists():
        problems.append(_("该名单记录已有待决定的移出申请，请凭原受理编号和查询码查询进度"))
    return problems


@transaction.atomic
def list_exit_apply(
    *,
    actor,
    entry: ListEntry,
    applicant_name: str,
    contact_phone: str,
    reason: str,
    contact_email: str = "",
    evidence_files=(),
    channel: str = "web",
):
    """Apply to leave a list; refused with the exact reason when it cannot succeed. Returns ``(application, query_code)``."""
    entry = ListEntry.objects.select_for_update().select_related("department").get(pk=entry.pk)
    errors = {}
    require_fields(errors, applicant_name=applicant_name, contact_phone=contact_phone, reason=reason)
    if errors:
        raise ValidationError(errors)
    problems = exit_problems(entry)
    if problems:
        raise ValidationError({"list_entry_id": problems})
    today = timezone.localdate()
    deadline = None
    if entry.list_type == ListType.ABNORMAL:
        # 企业经营异常名录管理暂行办法 第十一条–第十四条: decided within 5 working days of the application (data).
        deadline = due(DeadlineKind.ABNORMAL_REMOVAL, today, department=entry.department)
    number, code = new_tracking(ListExitApplication, TRACKING_PREFIX)
    application = ListExitApplication.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, code),
        applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        filed_at=timezone.now(),
        channel=channel,
        list_entry=entry,
        entity_id=entry.entity_id,
        list_type=entry.list_type,
        department=entry.department,
        reason=reason.strip(),
        decide_due_on=deadline.date if deadline else None,
        deadline_provisional=bool(deadline and deadline.provisional),
    )
    for upload in evidence_files:
        ListExitEvidence.objects.create(application=application, file=upload)
    after = public_snapshot(application)
    if deadline:
        after["deadline_rule"] = deadline.rule.citation
    audit.record(actor=actor, action="list_exit.apply", target=application, after=after)
    return application, code


def _exit_decide(*, actor, application, approve: bool, reason: str):
    application = ListExitApplication.objects.select_for_update().select_related("list_entry").get(pk=application.pk)
    if application.state != ExitState.SUBMITTED:
        raise ValidationError(f"该申请已{application.get_state_display()}")
    if not approve and not str(reason or "").strip():
        raise ValidationError({"reason": "不予移出须写明理由（将告知申请人）"})
    check_deciding_department(actor, application.department)
    before = public_snapshot(application)
    entry = application.list_entry
    if approve:
        problems = [p for p in exit_problems(entry) if "待决定的移出申请" not in p]
        if problems:
            raise ValidationError({"reason": problems})
        abnormal = entry.list_type == ListType.ABNORMAL
        list_entry_remove(
            actor=actor,
            entry=entry,
            reason=RemovalReason.DUTY_FULFILLED if abnormal else RemovalReason.EARLY_REMOVAL,
            removed_on=timezone.localdate(),
            note=f"移出申请 {application.tracking_no}：{str(reason or '').strip() or '准予移出'}"[:300],
            duty_fulfilled_on=timezone.localtime(application.filed_at).date() if abnormal else None,
        )
    application.state = ExitState.APPROVED if approve else ExitState.REFUSED
    application.decided_at, application.decision_reason = timezone.now(), str(reason or "").strip()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save(update_fields=["state", "decided_at", "decision_reason", "decided_by"])
    audit.record(
        actor=actor,
        action=f"list_exit.{'approve' if approve else 'refuse'}",
        target=application,
        before=before,
        after=public_snapshot(application),
    )
    return application


@transaction.atomic
def list_exit_approve(*, actor, application, reason: str = ""):
    """准予移出: the entry is removed through ``list_entry_remove`` (dated today), and the grade follows."""
    return _exit_decide(actor=actor, application=application, approve=True, reason=reason)


@transaction.atomic
def list_exit_refuse(*, actor, application, reason: str):
    """不予移出, with the reasons the applicant will read."""
    return _exit_decide(actor=actor, application=application, approve=False, reason=reason)


# --- the serious list ends by itself after 3 years ------------------------------------------------


@transaction.atomic
def serious_list_entries_end(*, actor, today: dt.date | None = None) -> int:
    """End every serious-list entry listed 3 years ago or more, on its anniversary (one UPDATE).

    《市场监督管理严重违法失信名单管理办法》第二十条: removed when 3 years have passed since the listing.
    Idempotent: an ended entry is not active any more. The grades follow (enqueued, and the nightly
    scan re-grades everyone right after).
    """
    today = today or timezone.localdate()
    years = int(SERIOUS_LIST_YEARS)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE credit_listentry SET removed_on = (listed_on + make_interval(years => %s))::date, removal_reason = %s, removal_note = %s "
            "WHERE list_type = %s AND removed_on IS NULL AND listed_on <= (%s::date - make_interval(years => %s))::date RETURNING id, uscc",
            [
                years,
                RemovalReason.PERIOD_ENDED.value,
                f"列入满{years}年，期满移出（{SERIOUS_END_BASIS}）",
                ListType.SERIOUS.value,
                today,
                years,
            ],
        )
        rows = cursor.fetchall()
    change_events.list_entries_changed(kind="list_entry.removed", ids=[pk for pk, _u in rows])  # issue 15 §3
    if rows:
        usccs = sorted({uscc for _pk, uscc in rows})
        audit.record(
            actor=actor,
            action="list_entry.serious_period_end",
            target=("credit.listentry", f"serious-end:{today}"),
            target_label=f"{today} 严重违法失信名单期满移出 {len(rows)} 条",
            after={"day": today, "entries": sorted(pk for pk, _u in rows)},
        )
        enqueue_evaluation(usccs)
    return len(rows)


# --- removal proposals: the record an entry rests on was repaired or revoked ------------------------


def entries_resting_on(record: CreditRecord):
    """Active entries whose listing rests on ``record``: named as their basis, or listed by confirming a
    proposal that came from this record (e.g. a penalty decision's number, enforcement)."""
    from_proposals = ListProposal.objects.filter(
        source_ref=record.source_ref, department_id=record.department_id, result_entry__isnull=False
    ).values("result_entry")
    return ListEntry.objects.filter(Q(basis_record=record) | Q(pk__in=from_proposals), removed_on__isnull=True)


def removal_propose_for_record(*, actor, record: CreditRecord, state: str, reason: str) -> list[ListRemovalProposal]:
    """Called inside ``_set_state`` (repair, revoke): one proposal per entry resting on ``record``; never twice."""
    raised = []
    label = RecordState(state).label
    for entry in entries_resting_on(record).select_related("department"):
        proposal, created = ListRemovalProposal.objects.get_or_create(
            entry=entry,
            record=record,
            defaults={
                "entity_id": entry.entity_id,
                "department": entry.department,
                "reason": f"所依据的信用记录 {record.source_ref}（{record.title}）{label}：{reason}"[:500],
            },
        )
        if created:
            audit.record(
                actor=actor, action="list_removal_proposal.raise", target=proposal, after=audit.snapshot(proposal)
            )
            raised.append(proposal)
    return raised


def _proposal_for_update(actor, proposal) -> ListRemovalProposal:
    proposal = ListRemovalProposal.objects.select_for_update().select_related("entry").get(pk=proposal.pk)
    if proposal.state != RemovalProposalState.PENDING:
        raise ValidationError(f"该建议已处理（{proposal.get_state_display()}）")
    check_deciding_department(actor, proposal.department)
    return proposal


def _proposal_close(actor, proposal, state, note, action):
    proposal.state, proposal.decided_at, proposal.decision_note = state, timezone.now(), note[:300]
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.save(update_fields=["state", "decided_at", "decision_note", "decided_by"])
    audit.record(actor=actor, action=action, target=proposal, after={"state": state, "note": note})
    return proposal


@transaction.atomic
def list_removal_proposal_confirm(
    *, actor, proposal, removed_on: dt.date | None = None, note: str = ""
) -> ListRemovalProposal:
    """The listing department removes the entry (``list_entry_remove``, reason 依据记录已修复或撤销)."""
    proposal = _proposal_for_update(actor, proposal)
    text = note.strip() or proposal.reason
    list_entry_remove(
        actor=actor, entry=proposal.entry, reason=RemovalReason.BASIS_WITHDRAWN, removed_on=removed_on, note=text[:300]
    )
    return _proposal_close(actor, proposal, RemovalProposalState.CONFIRMED, text, "list_removal_proposal.confirm")


@transaction.atomic
def list_removal_proposal_dismiss(*, actor, proposal, reason: str) -> ListRemovalProposal:
    """The entry stays (e.g. it rests on other facts too); the reasons are required."""
    if not str(reason or "").strip():
        raise ValidationError({"reason": "不予移出须说明理由"})
    proposal = _proposal_for_update(actor, proposal)
    return _proposal_close(
        actor, proposal, RemovalProposalState.DISMISSED, reason.strip(), "list_removal_proposal.dismiss"
    )
