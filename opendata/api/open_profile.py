"""An entity's profile in the open API (issue 15 §1): the public entity page's facts, as data.

Each section reads the public selector the page's section reads, with the same limits and order:
credit (``credit.selectors``: grade, reasons, history, records, lists, commitments, the verified-complaint
count), penalties in disclosure (``enforcement.selectors``), published inspection results
(``inspections.selectors``), the annual reports' public part (``supervision.annual_reports.public_view``)
and the entity's own declarations (``SelfDeclaration.objects.published()``). The risk class is never read.
"""

from django.db.models import Prefetch
from django.utils import timezone

from credit import selectors as credit_selectors
from credit.choices import OTHER_ACT_CATEGORIES
from credit.evaluation import grade_display, lookback_start
from credit.models import GradeBand, SelfDeclaration
from enforcement import selectors as enforcement_selectors
from inspections import selectors as inspection_selectors
from supervision.annual_reports import public_view
from supervision.models import AnnualReport

# The entity page's own limits (EnforcementConfig.ENTITY_PAGE_PENALTIES, InspectionsConfig.ENTITY_PAGE_RESULTS,
# SupervisionConfig.ENTITY_PAGE_REPORTS, credit.views.HISTORY_POINTS): the API shows what the page shows.
PENALTIES_MAX = 50
RESULTS_MAX = 50
REPORTS_MAX = 5
HISTORY_POINTS = 120
OTHER_ACTS = {c.value for c in OTHER_ACT_CATEGORIES}


def _credit(code: str):
    credit = credit_selectors.entity_credit(code)
    if credit is None:
        return None
    badge = credit_selectors.grade_badge(credit)
    bands = {b.grade: b for b in credit.model.bands.all()}
    reasons = []
    for reason in credit.reasons or []:
        reason = reason if isinstance(reason, dict) else {"text": str(reason)}
        band = bands.get(reason.get("level"))
        reasons.append(
            {
                "level": reason.get("level"),
                "label": band.label if band else "",
                "colour": band.colour if band else "",
                "text": reason.get("text", ""),
            }
        )
    return {
        "grade": {"code": badge["code"], "label": badge["label"], "colour": badge["colour"]},
        "score": badge["score"],
        "reasons": reasons,
        "improves_on": credit.improves_on,
        "changed_at": credit.changed_at,
        "model_version": credit.model.version,
    }


def _history(code: str) -> list[dict]:
    rows = list(
        credit_selectors.grade_history(code)
        .order_by("-changed_at", "-id")
        .only("grade", "score", "changed_at", "model")
        .prefetch_related(Prefetch("model__bands", queryset=GradeBand.objects.all()))[:HISTORY_POINTS]
    )
    rows.reverse()
    return [
        {
            "date": timezone.localtime(r.changed_at).date(),
            "grade": grade_display(r.model, r.grade),
            "score": r.score,
        }
        for r in rows
    ]


def _records(code: str, today) -> list:
    records = list(
        credit_selectors.public_records(today)
        .filter(entity_id=code)
        .only(*credit_selectors.PUBLIC_RECORD_FIELDS, "department__name")
        .order_by("category", "-decided_on", "-id")
    )
    objected = credit_selectors.records_under_objection(r.pk for r in records) if records else set()
    for r in records:
        r.under_objection = r.pk in objected
    return records


def _list_entries(code: str, today) -> list:
    entries = list(credit_selectors.public_list_entries(today=today).filter(entity_id=code).order_by("listed_on", "id"))
    objected = credit_selectors.entries_under_objection(e.pk for e in entries) if entries else set()
    for e in entries:
        e.under_objection = e.pk in objected
    return entries


def entity_profile(entity) -> dict:
    """The profile of a public entity (``supervision.selectors.public_entities`` row)."""
    today = timezone.localdate()
    code = entity.uscc
    records = _records(code, today)
    penalties = list(
        enforcement_selectors.entity_penalties(code).only(*enforcement_selectors.LIST_FIELDS)[: PENALTIES_MAX + 1]
    )
    results = list(
        inspection_selectors.public_results()
        .filter(task__entity=code)
        .only(
            "categories",
            "findings",
            "inspected_on",
            "out_of_window_reason",
            "published_at",
            "task__plan__name",
            "task__plan_id",
            "task__entity_id",
            "department__name",
        )
        .order_by("-published_at", "-id")[:RESULTS_MAX]
    )
    for r in results:
        r.entity_name = entity.name
    reports = AnnualReport.objects.filter(entity_id=code).order_by("-year")[:REPORTS_MAX]
    return {
        "entity": entity,
        "credit": _credit(code),
        "verified_complaints": {
            "count": credit_selectors.verified_complaint_count(code, today),
            "since": lookback_start(today),
        },
        "records": [r for r in records if r.category not in OTHER_ACTS],
        "other_acts": [r for r in records if r.category in OTHER_ACTS],
        "list_entries": _list_entries(code, today),
        "commitments": list(
            credit_selectors.public_commitments(code)
            .only(*credit_selectors.PUBLIC_COMMITMENT_FIELDS)
            .order_by("-made_on", "-id")
        ),
        "penalties": penalties[:PENALTIES_MAX],
        "penalties_more": len(penalties) > PENALTIES_MAX,
        "inspection_results": results,
        "annual_reports": [public_view(r) for r in reports],
        "grade_history": _history(code),
        "declarations": list(
            SelfDeclaration.objects.published()
            .filter(entity_id=code)
            .only("kind", "title", "issuer", "standard_no", "issued_on", "valid_until", "description")
            .order_by("-issued_on", "-id")
        ),
    }
