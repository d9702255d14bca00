"""逢办必查 (credit checks before doing business). The warnings' inbox is ``credit.services.warnings``."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils import timezone

from core import uscc
from credit.evaluation import evaluate, grade_display
from credit.models import (
    CreditCheck,
    EntityCredit,
    JointMeasure,
    ListEntry,
)
from credit.record_upsert import RecordsInvalid
from credit.services.records import (
    RecordErrors,
)
from supervision.models import MarketEntity

MAX_CHECK = 1000  # API.md: 1 to 1000 codes a check


# --- checks (逢办必查) ---------------------------------------------------------------------------


@dataclass
class CheckResult:
    checked_at: dt.datetime
    results: list


def credit_check(*, department, usccs, purpose, client=None, user=None) -> CheckResult:
    """Check 1–1000 codes: grade, active lists and the measures that apply now; log every code."""
    errors = RecordErrors()
    if not isinstance(purpose, str) or not purpose.strip():
        errors.add(None, "purpose", "purpose（办理事项）为必填项，将记入查询日志", "required")
    elif len(purpose.strip()) > 200:
        errors.add(None, "purpose", "purpose（办理事项）不能超过200个字符")
    if not isinstance(usccs, list) or not usccs:
        errors.add(None, "usccs", f"usccs 应为包含 1 至 {MAX_CHECK} 个统一社会信用代码的数组", "required")
    elif len(usccs) > MAX_CHECK:
        errors.add(None, "usccs", f"一次最多核查 {MAX_CHECK} 个代码，本次 {len(usccs)} 个", "max_length")
    codes = []
    if not errors:
        for i, raw in enumerate(usccs):
            code = uscc.normalize(raw) if isinstance(raw, str) else ""
            problem = uscc.problems(code) if code else "统一社会信用代码为空或不是字符串"
            if problem and not (code and uscc.is_verified_exception(code)):
                errors.add(i, "usccs", problem)
            codes.append(code)
    if errors:
        raise RecordsInvalid(errors.items)
    unique = sorted(set(codes))
    names = dict(MarketEntity.objects.filter(uscc__in=unique).values_list("uscc", "name"))
    missing = [c for c in names if not EntityCredit.objects.filter(entity_id=c).exists()] if len(names) < 50 else None
    if missing is None:
        graded = set(EntityCredit.objects.filter(entity_id__in=list(names)).values_list("entity_id", flat=True))
        missing = [c for c in names if c not in graded]
    if missing:
        evaluate(missing)  # a new roster entity not graded yet: grade it now, set-based
    credits = {c.entity_id: c for c in EntityCredit.objects.filter(entity_id__in=list(names)).select_related("model")}
    bands = {}
    for c in credits.values():
        if c.model_id not in bands:
            bands[c.model_id] = c.model
    prefetch_related_objects(
        list(bands.values()), "bands"
    )  # grade_display reads model.bands: once per model, not once per code
    lists = {}
    for entry in ListEntry.objects.filter(entity_id__in=list(names), removed_on__isnull=True).order_by("listed_on"):
        lists.setdefault(entry.entity_id, []).append(entry)
    measures = list(JointMeasure.objects.filter(active=True))
    now = timezone.now()
    results, logs = [], []
    for code in codes:
        found = code in names
        credit = credits.get(code)
        entries = lists.get(code, [])
        types = {e.list_type for e in entries}
        applying = [m for m in measures if types.intersection(m.list_types)]
        results.append(
            {
                "uscc": code,
                "found": found,
                "name": names.get(code),
                "grade": grade_display(bands[credit.model_id], credit.grade) if credit else None,
                # issue 18 §1.8: the grade's reasons, in the entity profile's two shapes (additive).
                "reasons": [r.get("text", "") for r in credit.reasons] if credit else [],
                "reason_items": [
                    {"level": r.get("level"), "text": r.get("text", ""), "until": r.get("until")}
                    for r in credit.reasons
                ]
                if credit
                else [],
                "lists": [
                    {"list_type": e.list_type, "since": e.listed_on, "reason": e.get_ground_display()} for e in entries
                ],
                "measures": [
                    {
                        "code": m.code,
                        "name": m.name,
                        "kind": m.kind,
                        "legal_basis": m.legal_basis,
                        "department": m.implementing_department,
                    }
                    for m in applying
                ],
            }
        )
        logs.append(
            CreditCheck(
                client=client,
                checked_by=user if getattr(user, "is_authenticated", False) else None,
                department=department,
                entity_id=code,
                purpose=purpose.strip(),
                found=found,
                grade=credit.grade if credit else "",
                measures=[m.code for m in applying],
                checked_at=now,
            )
        )
    CreditCheck.objects.bulk_create(logs, batch_size=1000)
    return CheckResult(now, results)
