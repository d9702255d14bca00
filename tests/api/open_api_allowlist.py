"""The allow-list of the open API (/api/open/v1/, issue 15 §1): every key any answer may carry.

``tests/api/test_open_api_allowlist.py`` walks every route under /api/open/v1/ found in the URL resolver,
fetches it over real HTTP with the demo city seeded, and fails on any key path not allowed here for that
route (by URL name), naming the path. A route with no entry here fails too, and so does a path parameter
with no sample below: a new endpoint cannot escape the check.

Shapes are trees: ``{"key": None}`` is a leaf (a scalar, or a list of scalars), ``{"key": {...}}`` an
object, ``{"key": [{...}]}`` a list of objects. Paths read ``records[].department``; a top-level list is
``[].list_type``. Adding a key here is a decision that the public may see it: say why in the review.

Other owners add their routes with a small edit: the rulebook (issue 15 §7) its ``open-rules-*`` routes.
"""

from django.db.models import Count, Exists, OuterRef

from credit.models import CreditCommitment, CreditRecord, ListEntry, Objection, SelfDeclaration
from enforcement.models import PenaltyDisclosure
from inspections.models import Draw, InspectionPlan, InspectionResult
from opendata import rulebook
from supervision.models import AnnualReport, MarketEntity, SupervisionItem

# Never allowed anywhere, whatever a shape below says: secrets of draws, internal risk classes, the
# contacts of complainants, applicants and signatories, personal identifiers (DOMAIN §3–§5, API.md "Draws").
FORBIDDEN_KEYS = frozenset(
    {
        "seed_share",
        "population",
        "key_coverage",
        "risk_class",
        "contact_phone",
        "contact_email",
        "contact_name",
        "reporter_name",
        "signatory",
        "id_number",
        "id_numbers",
        "password",
        "key_hash",
        "evidence",
        "facts_raw",
    }
)


def leaves(*names: str) -> dict:
    return dict.fromkeys(names)


def paged(item: dict) -> dict:
    """``page``/``page_size`` (API.md) and ``cursor`` answers share these keys (open_paging)."""
    return {**leaves("count", "count_is_estimate", "next", "previous", "next_cursor"), "results": [item]}


GRADE = leaves("code", "label", "colour")
DEPARTMENT = leaves("code", "name")
AUTHORITY = leaves("code", "name", "uscc")
ENTITY = leaves("uscc", "name", "entity_type", "entity_type_label", "status", "status_label")
ENTITY_BASE = {
    **ENTITY,
    **leaves(
        "legal_representative",
        "registered_address",
        "established_on",
        "registered_capital",
        "region_code",
        "industry_code",
    ),
}
RECORD = leaves(
    "id",
    "source_ref",
    "category",
    "category_label",
    "polarity",
    "polarity_label",
    "severity",
    "severity_label",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "publicity_ends_on",
    "department",
    "under_objection",
)
ENTITY_LIST_ENTRY = leaves(
    "id",
    "list_type",
    "list_type_label",
    "ground",
    "ground_label",
    "legal_basis",
    "decision_no",
    "decided_on",
    "listed_on",
    "department",
    "under_objection",
)
COMMITMENT = leaves(
    "tracking_no",
    "commitment_type",
    "commitment_type_label",
    "state",
    "state_label",
    "department",
    "matter",
    "content",
    "made_on",
    "due_on",
    "resolved_on",
)
PENALTY = {
    **leaves(
        "id",
        "number",
        "uscc",
        "party_name",
        "violation_type",
        "penalty_types",
        "penalty_type_labels",
        "fine_amount",
        "confiscation_amount",
        "decided_on",
        "publicity_ends_on",
    ),
    "department": DEPARTMENT,
}
PENALTY_DETAIL = {
    **PENALTY,
    **leaves(
        "state",
        "legal_representative",
        "facts",
        "legal_basis",
        "penalty_content",
        "period_basis",
        "published_at",
        "exposure_note",
        # a withdrawn summary (state "withdrawn"): what was withdrawn and why, never its facts
        "withdrawn_at",
        "withdraw_reason",
    ),
    "department": AUTHORITY,
}
RESULT = {
    **leaves(
        "id",
        "uscc",
        "entity_name",
        "department",
        "categories",
        "category_labels",
        "findings",
        "inspected_on",
        "out_of_window_reason",
        "published_at",
    ),
    "plan": leaves("id", "name"),
}
ANNUAL_REPORT = {
    **leaves("year", "kind", "filed_on", "late", "figures_public"),
    "rows": [leaves("name", "label", "text", "list")],
    "corrections": [{"on": None, "changes": [leaves("field", "label", "before", "after")]}],
}
DECLARATION = leaves("kind", "kind_label", "title", "issuer", "standard_no", "issued_on", "valid_until", "description")
PROFILE = {
    "entity": ENTITY_BASE,
    "credit": {
        **leaves("score", "improves_on", "changed_at", "model_version"),
        "grade": GRADE,
        "reasons": [leaves("level", "label", "colour", "text")],
    },
    "verified_complaints": leaves("count", "since"),
    "records": [RECORD],
    "other_acts": [RECORD],
    "list_entries": [ENTITY_LIST_ENTRY],
    "commitments": [COMMITMENT],
    "penalties": [PENALTY],
    "penalties_more": None,
    "inspection_results": [RESULT],
    "annual_reports": [ANNUAL_REPORT],
    "grade_history": [{"date": None, "score": None, "grade": GRADE}],
    "declarations": [DECLARATION],
}
LIST_ENTRY = leaves(
    "id",
    "uscc",
    "name",
    "list_type",
    "list_type_label",
    "ground",
    "ground_label",
    "legal_basis",
    "decision_no",
    "decided_on",
    "listed_on",
    "department",
)
ACT = {
    **leaves(
        "id",
        "uscc",
        "party_name",
        "category",
        "category_label",
        "title",
        "source_ref",
        "decided_on",
        "legal_basis",
        "publicity_ends_on",
    ),
    "department": DEPARTMENT,
}
PLAN = {
    **leaves(
        "id", "name", "year", "state", "state_label", "is_public_info_check", "starts_on", "ends_on", "approved_at"
    ),
    "lead_department": DEPARTMENT,
    "departments": [DEPARTMENT],
}
DRAW_COMMITMENT = leaves(
    "id",
    "committed_at",
    "seed_share_sha256",
    "population_sha256",
    "population_size",
    "public_value_source",
    "public_value_date",
    "public_value",
    "public_value_at",
    "reason",
    "withdrawn",
)
SELECTED = leaves("uscc", "name")
DRAW = {
    **leaves(
        "id",
        "algorithm",
        "seed",  # v1 only (the test checks that a v2 draw has none)
        "population_sha256",
        "population_size",
        "selected_count",
        "key_supervision",
        "key_coverage_size",
        "reason",
        "drawn_at",
        "superseded",
        "selection_url",
    ),
    "strata": [leaves("stratum", "size", "ratio", "selected")],  # v1 only
    "commitment": DRAW_COMMITMENT,  # v2 only (null for v1)
    "superseded_by": leaves("id", "reason", "drawn_at"),
    "selected": [SELECTED],
}
PLAN_DETAIL = {
    **PLAN,
    "description": None,
    "items": [leaves("name", "department", "method", "method_label", "legal_basis", "is_key")],
    "ratios": [leaves("stratum", "ratio")],
    "commitments": [DRAW_COMMITMENT],
    "draws": [DRAW],
}

# The rulebook (issue 15 §7, opendata/api/open_rules_serializers.py): never an item version's 责任人.
RULE_DEPARTMENT = leaves(
    "code",
    "name",
    "short_name",
    "level",
    "level_label",
    "uscc",
    "region_code",
    "item_count",
    "checklist_count",
    "benchmark_count",
    "url",
)
RULE_VERSION = {
    **leaves(
        "version",
        "status",
        "status_label",
        "effective_from",
        "effective_to",
        "object_type",
        "object_type_label",
        "method",
        "method_label",
        "legal_basis",
        "supervision_level",
        "supervision_level_label",
        "procedure",
        "standard",
        "responsible_unit",
        "is_random",
        "is_key",
        "default_ratio",
        "frequency",
        "frequency_label",
    ),
    "changes": [leaves("field", "label", "before", "after")],
}
RULE_ITEM = {
    **leaves("catalogue_code", "name", "parent_code", "status", "url"),
    "department": DEPARTMENT,
    "versions": [RULE_VERSION],
    "checklists": [leaves("code", "name", "content", "method", "method_label")],
}
FINE_RANGE = leaves("min", "max")
RULE_BENCHMARK = {
    **leaves("code", "violation_type", "violation_basis", "penalty_basis", "status", "effective_from", "effective_to"),
    "department": DEPARTMENT,
    "fines": {"lighter": FINE_RANGE, "general": FINE_RANGE, "heavier": FINE_RANGE},
    "heavy_penalty_types": [leaves("code", "label")],
}
RULE_MEASURE = {
    **leaves("code", "name", "kind", "kind_label", "legal_basis", "implementing_department"),
    "list_types": [leaves("code", "label")],
}

SHAPES = {
    "open-entities": paged(ENTITY),
    "open-entity": PROFILE,
    "open-penalties": paged(PENALTY),
    "open-penalty": PENALTY_DETAIL,
    "open-lists": [leaves("list_type", "label", "count")],
    "open-list": paged(LIST_ENTRY),
    "open-acts": paged(ACT),
    "open-plans": paged(PLAN),
    "open-plan": PLAN_DETAIL,
    "open-draw-selection": paged(SELECTED),
    "open-results": paged(RESULT),
    "open-rules-departments": paged(RULE_DEPARTMENT),
    "open-rules-department": RULE_DEPARTMENT,
    "open-rules-items": paged(RULE_ITEM),
    "open-rules-item": RULE_ITEM,
    "open-rules-benchmarks": paged(RULE_BENCHMARK),
    "open-rules-measures": paged(RULE_MEASURE),
}


def flatten(shape, prefix: str = "") -> set[str]:
    """Every key path a shape allows (``a``, ``a.b``, ``a[].c``; ``[].c`` for a top-level list)."""
    if isinstance(shape, list):
        return flatten(shape[0], f"{prefix}[]") if shape else set()
    paths = set()
    for key, sub in (shape or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        paths.add(path)
        if sub is not None:
            paths |= flatten(sub, path)
    return paths


def allowed(route_name: str) -> set[str] | None:
    shape = SHAPES.get(route_name)
    return None if shape is None else flatten(shape)


# --- samples for path parameters: (route name, parameter) → the values to fetch (DB reads) ------------


def sample_usccs() -> list[str]:
    """Entities of the roster that show each kind of fact at least once (lists, penalties, results,
    commitments, declarations, annual reports with corrections, records under objection, acts), and one
    with nothing."""
    roster = MarketEntity.objects.values("uscc")
    picks = [
        ListEntry.objects.filter(entity_id__in=roster).values_list("entity_id", flat=True)[:4],
        PenaltyDisclosure.objects.filter(entity_id__in=roster, state="published").values_list("entity_id", flat=True)[
            :3
        ],
        PenaltyDisclosure.objects.filter(entity_id__in=roster, featured=True).values_list("entity_id", flat=True)[:1],
        InspectionResult.objects.filter(state="published", task__entity__in=roster).values_list(
            "task__entity_id", flat=True
        )[:3],
        CreditCommitment.objects.filter(entity_id__in=roster).values_list("entity_id", flat=True)[:2],
        SelfDeclaration.objects.filter(entity_id__in=roster).values_list("entity_id", flat=True)[:2],
        AnnualReport.objects.exclude(corrections=[]).values_list("entity_id", flat=True)[:2],
        CreditRecord.objects.filter(
            entity_id__in=roster, category="administrative_enforcement", state="active"
        ).values_list("entity_id", flat=True)[:2],
        CreditRecord.objects.filter(Exists(Objection.objects.filter(record=OuterRef("pk"))))
        .filter(entity_id__in=roster)
        .values_list("entity_id", flat=True)[:2],
        MarketEntity.objects.annotate(n=Count("credit_records")).filter(n=0).values_list("uscc", flat=True)[:1],
    ]
    seen = []
    for qs in picks:
        seen += [code for code in qs if code not in seen]
    return seen


def sample_penalty_ids() -> list[str]:
    published = PenaltyDisclosure.objects.filter(state="published").values_list("pk", flat=True)[:20]
    withdrawn = PenaltyDisclosure.objects.filter(state="withdrawn", published_at__isnull=False).values_list(
        "pk", flat=True
    )[:2]
    featured = PenaltyDisclosure.objects.filter(state="published", featured=True).values_list("pk", flat=True)[:2]
    return [str(pk) for pk in {*published, *withdrawn, *featured}]


PATH_SAMPLES = {
    ("open-entity", "uscc"): sample_usccs,
    ("open-penalty", "id"): sample_penalty_ids,
    ("open-list", "list_type"): lambda: ["abnormal", "serious", "key_attention", "red"],
    ("open-plan", "id"): lambda: [str(pk) for pk in InspectionPlan.objects.values_list("pk", flat=True)],
    ("open-draw-selection", "id"): lambda: [str(pk) for pk in Draw.objects.values_list("pk", flat=True)],
    ("open-rules-department", "code"): lambda: list(rulebook.rule_departments().values_list("code", flat=True)),
    # every item of the rulebook, ended ones included (their pages still answer)
    ("open-rules-item", "catalogue_code"): lambda: list(
        SupervisionItem.objects.filter(versions__isnull=False).values_list("catalogue_code", flat=True).distinct()
    ),
}
