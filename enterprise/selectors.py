"""What an entity sees of itself (issue 14 §2): its whole credit file, inspections, complaints,
its own filings and who checked its credit.

Every function takes the entity (``request.entity``) and starts its query from it, so nothing here
can return another entity's row. What stays hidden from the entity as well:

- the internal risk class (SAMR 国市监信发〔2022〕6号): ``EntityCredit`` is loaded with ``.only()``
  without ``risk_class``, and only plain dicts reach a template;
- upcoming inspection tasks and draws (inspections are unannounced): only published results;
- complainants: complaints are read with ``.only()`` of the handling columns, never the reporter,
  the contact details or the content;
- the individual official: checks, filings and orders name a department, never a user.
"""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from credit import selectors as credit_selectors
from credit.choices import (
    CommitmentState,
    ExitState,
    ObjectionState,
    RecordState,
    RepairState,
)
from credit.display_text import data_text, reason_text
from credit.evaluation import lookback_start
from credit.models import (
    CreditCheck,
    CreditCommitment,
    CreditRecord,
    EntityCredit,
    GradeBand,
    GradeHistory,
    JointMeasure,
    ListEntry,
    ListExitApplication,
    Objection,
    RepairApplication,
)
from credit.services.list_exits import EXIT_RULES, NO_EXIT_APPLICATION
from enforcement.choices import ComplaintState, ComplaintVerdict, EarlyStopState
from enforcement.models import Complaint, EarlyStopApplication
from inspections.choices import CorrectionState, ResultState
from inspections.models import CorrectionOrder, InspectionResult
from supervision import annual_reports
from supervision.choices import DeadlineKind
from supervision.deadlines import rule_for

# --- the credit file -----------------------------------------------------------------------------


def not_public_reason(record: CreditRecord, today: dt.date) -> str:
    """Why a record about the entity is not on its public page now ("" when it is), by the rule of
    ``credit.selectors.public_records``."""
    if record.state != RecordState.ACTIVE:
        return f"{record.get_state_display()}{'：' + record.state_reason if record.state_reason else ''}"
    if not record.published:
        return "依规不予公示（轻微失信信息默认不公示，《信用修复管理办法》）"
    if record.decided_on > today:
        return f"{record.decided_on} 起公示"
    if record.publicity_ends_on < today:
        return "公示期已满"
    return ""


def file_records(entity, today: dt.date | None = None) -> list[CreditRecord]:
    """Every record about the entity, published or not, newest decision first; each carries
    ``public_now`` and ``not_public_reason``."""
    today = today or timezone.localdate()
    records = list(
        CreditRecord.objects.filter(entity_id=entity.uscc).select_related("department").order_by("-decided_on", "-id")
    )
    for record in records:
        record.not_public_reason = not_public_reason(record, today)
        record.public_now = not record.not_public_reason
    return records


def _band_labels(model) -> dict:
    return {b.grade: b for b in model.bands.all()}


def file_credit(entity) -> dict | None:
    """The public grade, score and reasons as plain data. The risk class is never loaded."""
    credit = (
        EntityCredit.objects.filter(entity_id=entity.uscc)
        .only("entity", "grade", "score", "reasons", "improves_on", "changed_at", "model")
        .select_related("model")
        .prefetch_related(Prefetch("model__bands", queryset=GradeBand.objects.all()))
        .first()
    )
    if credit is None:
        return None
    bands = _band_labels(credit.model)
    band = bands.get(credit.grade)
    reasons = []
    for reason in credit.reasons or []:
        reason = reason if isinstance(reason, dict) else {"text": str(reason)}
        level = bands.get(reason.get("level"))
        reasons.append({"text": reason_text(reason.get("text", "")), "label": data_text(level.label) if level else ""})
    return {
        "grade": credit.grade,
        "label": data_text(band.label) if band else credit.get_grade_display(),
        "colour": band.colour if band else "",
        "score": credit.score,
        "reasons": reasons,
        "improves_on": credit.improves_on,
        "changed_at": credit.changed_at,
        "model_version": credit.model.version,
    }


def file_grade_history(entity) -> list[dict]:
    """Every change of the entity's grade or score, newest first."""
    rows = (
        GradeHistory.objects.filter(entity_id=entity.uscc)
        .select_related("model")
        .prefetch_related(Prefetch("model__bands", queryset=GradeBand.objects.all()))
        .order_by("-changed_at", "-id")
    )
    history = []
    for row in rows:
        band = _band_labels(row.model).get(row.grade)
        history.append(
            {
                "changed_at": row.changed_at,
                "label": data_text(band.label) if band else row.get_grade_display(),
                "colour": band.colour if band else "",
                "score": row.score,
                "reasons": [
                    reason_text(r.get("text", "")) if isinstance(r, dict) else str(r) for r in row.reasons or []
                ],
            }
        )
    return history


def exit_rule(list_type: str) -> str:
    """How an entity leaves a list, in the words of ``credit.services.list_exits``."""
    return str(EXIT_RULES.get(list_type) or NO_EXIT_APPLICATION.get(list_type) or "")


def file_list_entries(entity, today: dt.date | None = None) -> list[ListEntry]:
    """Every list entry of the entity, in force first; each carries ``active`` and ``exit_rule``."""
    today = today or timezone.localdate()
    entries = list(
        ListEntry.objects.filter(entity_id=entity.uscc).select_related("department").order_by("-listed_on", "-id")
    )
    for entry in entries:
        entry.in_force = entry.removed_on is None and entry.listed_on <= today
        entry.exit_rule = exit_rule(entry.list_type) if entry.in_force else ""
    entries.sort(key=lambda e: not e.in_force)
    return entries


def joint_measures_today(entity, today: dt.date | None = None) -> list[dict]:
    """The joint measures that apply today: the active measures of the lists the entity is on now."""
    active = set(
        credit_selectors.active_list_entries(today).filter(entity_id=entity.uscc).values_list("list_type", flat=True)
    )
    if not active:
        return []
    rows = []
    for measure in JointMeasure.objects.filter(active=True).order_by("kind", "code"):
        lists = [t for t in (measure.list_types or []) if t in active]
        if lists:
            rows.append({"measure": measure, "lists": lists})
    return rows


def file_commitments(entity) -> QuerySet:
    """The entity's commitments (never the contact phone)."""
    return (
        CreditCommitment.objects.filter(entity_id=entity.uscc)
        .only(*credit_selectors.PUBLIC_COMMITMENT_FIELDS, "signatory", "resolution_note", "department__name")
        .select_related("department")
        .order_by("-made_on", "-id")
    )


# --- inspections ---------------------------------------------------------------------------------


def published_results(entity) -> QuerySet:
    """Published inspection results about the entity. Tasks, draws and unpublished results stay
    hidden: inspections are unannounced (DOMAIN §4)."""
    return (
        InspectionResult.objects.filter(
            task__entity_id=entity.uscc, state=ResultState.PUBLISHED, published_at__isnull=False
        )
        .select_related("department", "task__plan")
        .only(
            "id",
            "categories",
            "findings",
            "inspected_on",
            "out_of_window_reason",
            "published_at",
            "department__name",
            "task__plan__name",
            "task__plan__year",
        )
        .order_by("-inspected_on", "-id")
    )


def correction_orders(entity, today: dt.date | None = None) -> list[CorrectionOrder]:
    """The entity's correction orders (责令改正), open ones first; each carries ``late`` (open past due)."""
    today = today or timezone.localdate()
    orders = list(
        CorrectionOrder.objects.filter(entity_id=entity.uscc)
        .select_related("department")
        .only("id", "due_on", "state", "corrected_on", "department__name", "entity")
        .order_by("due_on", "id")
    )
    for order in orders:
        order.late = order.state == CorrectionState.OPEN and order.due_on < today
    orders.sort(key=lambda o: o.state != CorrectionState.OPEN)
    return orders


# --- complaints ----------------------------------------------------------------------------------

VERIFIED_VERDICTS = (ComplaintVerdict.VERIFIED, ComplaintVerdict.PARTLY)
# Handling columns only: the reporter, the contact details, the content and the outcome letter to the
# complainant are never loaded (DOMAIN §5).
COMPLAINT_FIELDS = ("id", "kind", "verdict", "closed_at", "state", "department__name", "credit_record__title")


def complaint_summary(entity, today: dt.date | None = None) -> dict:
    """The count the public grade uses (verified in the last 12 months, ``credit.selectors``) and the
    outcomes of the verified complaints, without anything about a complainant."""
    today = today or timezone.localdate()
    closed = Complaint.objects.filter(entity_id=entity.uscc, state=ComplaintState.CLOSED)
    verified = (
        closed.filter(verdict__in=VERIFIED_VERDICTS)
        .select_related("department", "credit_record")
        .only(*COMPLAINT_FIELDS)
        .order_by("-closed_at", "-id")
    )
    by_verdict = {str(label): closed.filter(verdict=value).count() for value, label in ComplaintVerdict.choices}
    return {
        "count": credit_selectors.verified_complaint_count(entity.uscc, today),
        "since": lookback_start(today),
        "verified": list(verified),
        "by_verdict": {label: n for label, n in by_verdict.items() if n},
    }


# --- the entity's own filings --------------------------------------------------------------------

KIND_LABELS = {
    "objection": "异议申诉",
    "repair": "信用修复申请",
    "list-exit": "移出名单申请",
    "early-stop": "提前停止公示申请",
    "commitment": "信用承诺",
}


def _rule_text(kind: str, department, on: dt.date) -> str:
    try:
        rule = rule_for(kind, department=department, on=on)
    except LookupError:
        return ""
    return f"{rule.working_days}个工作日（{rule.citation}）"


def _local(value) -> dt.date | None:
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _deadline(label: str, on: dt.date | None, *, open_: bool, today: dt.date, provisional=False, rule="") -> dict:
    return {
        "label": label,
        "date": on,
        "provisional": provisional,
        "rule": rule,
        "current": open_,
        "overdue": bool(open_ and on and on < today),
    }


def _objection(o: Objection, today: dt.date) -> dict:
    filed = _local(o.filed_at)
    target = o.record.title if o.record_id else o.list_entry.get_list_type_display()
    timeline = [("提交异议", o.filed_at)]
    if o.accepted_at:
        timeline.append(("不予受理" if o.state == ObjectionState.REFUSED else "受理", o.accepted_at))
    if o.decided_at and o.state == ObjectionState.DECIDED:
        timeline.append((f"办结：{o.get_outcome_display()}", o.decided_at))
    return {
        "about": target,
        "reason": o.reason,
        "decision": o.outcome_reason or o.accept_reason,
        "timeline": timeline,
        "deadlines": [
            _deadline(
                "受理期限",
                o.accept_due_on,
                open_=o.state == ObjectionState.SUBMITTED,
                today=today,
                provisional=o.deadline_provisional,
                rule=_rule_text(DeadlineKind.OBJECTION_ACCEPT, o.department_id, filed),
            ),
            _deadline(
                "办结期限",
                o.decide_due_on,
                open_=o.state in (ObjectionState.SUBMITTED, ObjectionState.ACCEPTED),
                today=today,
                provisional=o.deadline_provisional,
                rule=_rule_text(DeadlineKind.OBJECTION_DECIDE, o.department_id, filed),
            ),
        ],
    }


def _repair(r: RepairApplication, today: dt.date) -> dict:
    timeline = [("提交修复申请", r.filed_at)]
    if r.decided_at:
        timeline.append((r.get_state_display(), r.decided_at))
    return {
        "about": r.record.title,
        "reason": r.reason,
        "decision": r.decision_reason,
        "timeline": timeline,
        # 《信用修复管理办法》 sets no working-day limit in the deadlines data; none is invented.
        "deadlines": [],
    }


def _exit(x: ListExitApplication, today: dt.date) -> dict:
    timeline = [("提交移出申请", x.filed_at)]
    if x.decided_at:
        timeline.append((x.get_state_display(), x.decided_at))
    deadlines = []
    if x.decide_due_on:
        deadlines.append(
            _deadline(
                "决定期限",
                x.decide_due_on,
                open_=x.state == ExitState.SUBMITTED,
                today=today,
                provisional=x.deadline_provisional,
                rule=_rule_text(DeadlineKind.ABNORMAL_REMOVAL, x.department_id, _local(x.filed_at)),
            )
        )
    return {
        "about": x.get_list_type_display(),
        "reason": x.reason,
        "decision": x.decision_reason,
        "timeline": timeline,
        "deadlines": deadlines,
    }


def _early_stop(e: EarlyStopApplication, today: dt.date) -> dict:
    timeline = [("提交申请", e.filed_at)]
    if e.decided_at:
        timeline.append((e.get_state_display(), e.decided_at))
    return {
        "about": f"行政处罚决定书 {e.disclosure.number}",
        "reason": e.reason,
        "decision": e.decision_reason,
        "timeline": timeline,
        # 总局令第45号 sets no deadline for the decision (enforcement.early_stop); none is invented.
        "deadlines": [],
    }


def _commitment(c: CreditCommitment, today: dt.date) -> dict:
    timeline = [("作出承诺", c.made_on)]
    if c.resolved_on:
        timeline.append((c.get_state_display(), c.resolved_on))
    return {
        "about": c.matter or c.get_commitment_type_display(),
        "reason": c.content,
        "decision": c.resolution_note,
        "timeline": timeline,
        "deadlines": [
            _deadline("履约期限", c.due_on, open_=c.state == CommitmentState.IN_PROGRESS, today=today),
        ],
    }


OPEN_STATES = {
    "objection": (ObjectionState.SUBMITTED, ObjectionState.ACCEPTED),
    "repair": (RepairState.SUBMITTED,),
    "list-exit": (ExitState.SUBMITTED,),
    "early-stop": (EarlyStopState.SUBMITTED,),
    "commitment": (CommitmentState.IN_PROGRESS,),
}

# Each kind: the entity's rows (always filtered by the entity), its builder and its filing date.
_KINDS = {
    "objection": (
        lambda code: Objection.objects.filter(entity_id=code).select_related("department", "record", "list_entry"),
        _objection,
        "filed_at",
    ),
    "repair": (
        lambda code: RepairApplication.objects.filter(entity_id=code).select_related("department", "record"),
        _repair,
        "filed_at",
    ),
    "list-exit": (
        lambda code: ListExitApplication.objects.filter(entity_id=code).select_related("department"),
        _exit,
        "filed_at",
    ),
    "early-stop": (
        lambda code: EarlyStopApplication.objects.filter(entity_id=code).select_related("department", "disclosure"),
        _early_stop,
        "filed_at",
    ),
    "commitment": (
        lambda code: (
            CreditCommitment.objects.filter(entity_id=code).select_related("department").defer("contact_phone")
        ),
        _commitment,
        "made_on",
    ),
}


def _view(kind: str, obj, today: dt.date) -> dict:
    _, build, date_field = _KINDS[kind]
    data = build(obj, today)
    return {
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "pk": obj.pk,
        "tracking_no": obj.tracking_no,
        "state": obj.state,
        "state_label": obj.get_state_display(),
        "open": obj.state in OPEN_STATES[kind],
        "filed": getattr(obj, date_field),
        "filed_on": _local(getattr(obj, date_field)),
        "department": obj.department.name,
        **data,
    }


def filings(entity, today: dt.date | None = None) -> list[dict]:
    """Every objection, repair, list exit, early stop and commitment of the entity, newest first."""
    today = today or timezone.localdate()
    rows = []
    for kind, (rows_of, _, _) in _KINDS.items():
        rows.extend(_view(kind, obj, today) for obj in rows_of(entity.uscc))
    rows.sort(key=lambda f: (f["filed_on"], f["pk"]), reverse=True)
    return rows


def filing(entity, kind: str, pk: int, today: dt.date | None = None) -> dict | None:
    """One filing of the entity, or None (another entity's filing is answered like a missing one)."""
    if kind not in _KINDS:
        return None
    obj = _KINDS[kind][0](entity.uscc).filter(pk=pk).first()
    return _view(kind, obj, today or timezone.localdate()) if obj else None


# --- who checked its credit ----------------------------------------------------------------------


def credit_checks(entity) -> QuerySet:
    """Each 逢办必查 check of the entity: department (or the querying system), purpose and time. The
    individual official (``checked_by``) is never loaded."""
    return (
        CreditCheck.objects.filter(entity_id=entity.uscc)
        .select_related("department", "client")
        .only("id", "purpose", "checked_at", "grade", "department__name", "client__name", "entity")
        .order_by("-checked_at", "-id")
    )


# --- home page -----------------------------------------------------------------------------------


def home_summary(entity, today: dt.date | None = None) -> dict:
    """The counts on the home page's cards."""
    today = today or timezone.localdate()
    records = file_records(entity, today)
    all_filings = filings(entity, today)
    orders = correction_orders(entity, today)
    return {
        "credit": file_credit(entity),
        "records": len(records),
        "records_not_public": sum(1 for r in records if not r.public_now),
        "lists": sum(1 for e in file_list_entries(entity, today) if e.in_force),
        "open_orders": sum(1 for o in orders if o.state == CorrectionState.OPEN),
        "filings": len(all_filings),
        "open_filings": sum(1 for f in all_filings if f["open"]),
        "complaints": credit_selectors.verified_complaint_count(entity.uscc, today),
        "checks": CreditCheck.objects.filter(entity_id=entity.uscc).count(),
        # The annual report now due (or last due): missing it is what puts an entity on 经营异常名录.
        "annual_report": next(iter(annual_reports.filing_status(entity, today=today)), None),
    }
