"""A public plan with its draws, as data for the open API (issue 15 §1), read through ``inspections.selectors``.

The public plan page builds the same facts in ``inspections.views`` (which another app may not import):
items with their legal bases, the per-class ratios (none for a v2 plan), the v2 commitments and every
draw, newest first. A v1 draw shows its seed and per-class counts. A v2 draw shows its commitment, the
public value, the totals and the selection, and never the seed share, the derived seed, the strata or
per-class figures (API.md "Draws", DOMAIN §4). Selections are read as codes only, never with their stratum.
"""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from inspections import selectors
from supervision.models import MarketEntity

SELECTION_PREVIEW = 100  # the plan page's preview of each draw (inspections.views.SELECTION_PREVIEW)


def entity_name(field: str = "entity_id"):
    """The roster name, or "" for a code not in the roster (rows are keyed by USCC without a join constraint)."""
    return Coalesce(Subquery(MarketEntity.objects.filter(uscc=OuterRef(field)).values("name")[:1]), Value(""))


def commitment_view(c) -> dict:
    return {
        "id": c.pk,
        "committed_at": c.committed_at,
        "seed_share_sha256": c.seed_share_sha256,
        "population_sha256": c.population_sha256,
        "population_size": c.population_size,
        "public_value_source": c.public_value_source,
        "public_value_date": c.public_value_date,
        "public_value": c.public_value,
        "public_value_at": c.public_value_at,
        "reason": c.reason,
        "withdrawn": c.withdrawn,
    }


def draw_view(draw, newer=None) -> dict:
    v2 = draw.commitment_id is not None
    view = {
        "id": draw.pk,
        "algorithm": draw.algorithm,
        "v2": v2,
        "commitment": commitment_view(draw.commitment) if v2 else None,
        "population_sha256": draw.population_sha256,
        "population_size": draw.population_size,
        "selected_count": sum(s["selected"] for s in draw.strata),
        "key_supervision": draw.key_supervision,
        "key_coverage_size": draw.key_coverage_size,
        "reason": draw.reason,
        "drawn_at": draw.drawn_at,
        "superseded": draw.superseded,
        "superseded_by": {"id": newer.pk, "reason": newer.reason, "drawn_at": newer.drawn_at}
        if draw.superseded and newer is not None
        else None,
        "selected": [],
        "selection_url": reverse("open-draw-selection", kwargs={"id": draw.pk}),
    }
    if not v2:  # a v2 draw's seed and strata are never even put into the view
        view["seed"] = draw.seed
        view["strata"] = [
            {"stratum": s["stratum"], "size": s["size"], "ratio": str(s["ratio"]), "selected": s["selected"]}
            for s in draw.strata
        ]
    return view


def plan_detail_view(pk: int):
    """The public plan ``pk`` with ``public_items``, ``public_ratios``, ``public_commitments`` and
    ``public_draws``; None when it is not public."""
    plan = selectors.public_plans().prefetch_related("departments").filter(pk=pk).first()
    if plan is None:
        return None
    plan.public_items = list(
        plan.items.select_related("item_version__item", "department").order_by("department__code", "id")
    )
    draws = list(selectors.public_draws(plan))
    views = [draw_view(d, draws[i - 1] if i else None) for i, d in enumerate(draws)]
    commitments = list(selectors.public_commitments(plan))
    plan.public_commitments = [commitment_view(c) for c in commitments]
    # A v2 plan publishes no per-class ratios (with the selection they hint at risk classes, DOMAIN §4).
    plan.public_ratios = [] if commitments else [{"stratum": k, "ratio": str(v)} for k, v in plan.ratios().items()]
    by_id = {v["id"]: v for v in views}
    for draw_id, preview in selectors.selection_previews(draws, SELECTION_PREVIEW).items():
        by_id[draw_id]["selected"].extend({"uscc": code, "name": name} for code, name in preview)
    plan.public_draws = views
    return plan
