"""Public 双随机、一公开 pages (no login): the plans, each plan with its draws and results, and how
anyone can verify a draw.

Everything reads through ``inspections.selectors``. The strata of a draw are internal risk classes
(DOMAIN §3): a page shows the seed, the population hash, the counts and the selected entities, and
never loads who was in which stratum, nor the population file (``Draw.population`` is deferred by
``public_draws``, and selections are read as ``(draw, uscc)`` pairs only). A ``hmac-sha256-v2`` draw
(issue 11 §4) shows its commitment and public value instead of the seed, and no strata, per-class
ratios or counts at all: the seed share is never loaded, and the derived seed is never rendered.
"""

import json
import re
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import PublicHttp404
from inspections import draw as draw_algo
from inspections import selectors
from inspections.choices import ResultCategory
from inspections.filters import InspectionPlanFilter
from inspections.models import Draw
from supervision.models import MarketEntity

PAGE_SIZE = 20
RESULTS_PAGE_SIZE = 50
# A draw over a million entities selects tens of thousands: the plan page lists the first ones of
# each draw and pages through the rest on the draw's own page.
SELECTION_PREVIEW = 100
SELECTION_PAGE_SIZE = 200
CATEGORY_LABELS = dict(ResultCategory.choices)
SEED_PLACEHOLDER = '"<64 位十六进制随机种子>"'
VERIFIER_SELECTION_MAX = 20000  # the browser verifier compares up to this many selected codes itself


def entity_name_subquery(field: str = "entity_id"):
    # Rows are keyed by USCC without a join constraint: the name comes by subquery, never an inner join.
    return Subquery(MarketEntity.objects.filter(uscc=OuterRef(field)).values("name")[:1])


def percent(ratio) -> str:
    """``0.0100`` → ``1%``, ``0.025`` → ``2.5%`` (exact: the ratio is a decimal, never a float)."""
    value = (Decimal(str(ratio)) * 100).normalize()
    return f"{value:f}%"


def category_labels(codes) -> list[str]:
    return [str(CATEGORY_LABELS.get(c, c)) for c in codes]


def plan_list(request):
    """Approved (public) plans, newest year first, by year and department."""
    plans = selectors.public_plans().prefetch_related("departments").order_by("-year", "-starts_on", "-id")
    filterset = InspectionPlanFilter(request.GET or None, queryset=plans)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        plans, status = selectors.public_plans().none(), 400
    else:
        plans = filterset.qs
    page = Paginator(plans, PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    for plan in page:
        plan.other_departments = [d for d in plan.departments.all() if d.pk != plan.lead_department_id]
    years = selectors.public_plans().order_by("-year").values_list("year", flat=True).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": filterset.form,
        "years": list(years),
        "errors": filterset.errors if status == 400 else None,
        "query": query.urlencode(),
    }
    return render(request, "inspections/plan_list.html", context, status=status)


def _public_plan(pk: int):
    plan = selectors.public_plans().prefetch_related("departments").filter(pk=pk).first()
    if plan is None:
        raise PublicHttp404(_("未找到该抽查计划，或该计划尚未公布"))
    plan.other_departments = [d for d in plan.departments.all() if d.pk != plan.lead_department_id]
    return plan


def _public_draw(pk: int):
    """A draw of a public plan (the plan's visibility is the selector's), without its population file
    (nor, for v2, its seed share)."""
    return (
        Draw.objects.filter(pk=pk, plan__in=selectors.public_plans().values("pk"))
        .defer("population", "key_coverage", *(f"commitment__{f}" for f in selectors.COMMITMENT_SECRETS))
        .select_related("plan", "commitment")
        .first()
    )


def _commitment_view(commitment) -> dict:
    """A v2 commitment as the public sees it (DOMAIN §4): never the seed share nor the population file."""
    return {
        "id": commitment.pk,
        "seed_share_sha256": commitment.seed_share_sha256,
        "population_sha256": commitment.population_sha256,
        "population_size": commitment.population_size,
        "public_value_source": commitment.public_value_source,
        "public_value_date": commitment.public_value_date,
        "public_value": commitment.public_value,
        "public_value_at": commitment.public_value_at,
        "committed_at": commitment.committed_at,
        "reason": commitment.reason,
        "withdrawn": commitment.withdrawn,
    }


def _draw_view(draw, newer=None) -> dict:
    """A draw as the public sees it: its counts, never which entity is in which stratum. A v2 draw
    shows its commitment and public value and the totals only: no seed, strata or per-class figures."""
    selected_count = sum(s["selected"] for s in draw.strata)
    v2 = draw.commitment_id is not None
    strata = (
        []
        if v2
        else [
            {
                "stratum": s["stratum"],
                "size": s["size"],
                "ratio": s["ratio"],
                "percent": percent(s["ratio"]),
                "selected": s["selected"],
            }
            for s in draw.strata
        ]
    )
    return {
        "id": draw.pk,
        "algorithm": draw.algorithm,
        "v2": v2,
        "commitment": _commitment_view(draw.commitment) if v2 else None,
        "seed": "" if v2 else draw.seed,
        "population_sha256": draw.population_sha256,
        "population_size": draw.population_size,
        "selected_count": selected_count,
        "strata": strata,
        "key_supervision": draw.key_supervision,
        "key_coverage_size": draw.key_coverage_size,
        "reason": draw.reason,
        "drawn_at": draw.drawn_at,
        "superseded": draw.superseded,
        "superseded_by": {"id": newer.pk, "reason": newer.reason, "drawn_at": newer.drawn_at}
        if draw.superseded and newer is not None
        else None,
        "selected": [],
    }


def plan_detail(request, pk: int):
    """A plan: items with their legal bases, ratios, window; every draw (newest first, redraws
    marked 已重新摇号); the selected entities; the results published for it."""
    plan = _public_plan(pk)
    items = list(plan.items.select_related("item_version__item", "department").order_by("department__code", "id"))
    draws = list(selectors.public_draws(plan))
    views = [_draw_view(d, draws[i - 1] if i else None) for i, d in enumerate(draws)]
    commitments = list(selectors.public_commitments(plan))
    by_id = {v["id"]: v for v in views}
    for draw_id, preview in selectors.selection_previews(draws, SELECTION_PREVIEW).items():
        by_id[draw_id]["selected"].extend({"uscc": code, "name": name} for code, name in preview)
    results = (
        selectors.public_results()
        .filter(task__plan=plan)
        .annotate(entity_name=entity_name_subquery("task__entity_id"))
        .order_by("-inspected_on", "-id")
    )
    results_page = Paginator(results, RESULTS_PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    for r in results_page:
        r.labels = category_labels(r.categories)
    context = {
        "plan": plan,
        "items": items,
        # A v2 plan publishes no per-class ratios (with the selection they hint at risk classes, DOMAIN §4).
        "ratios": []
        if commitments
        else [{"stratum": s, "ratio": r, "percent": percent(r)} for s, r in plan.ratios().items()],
        "commitments": [_commitment_view(c) for c in commitments],
        "draws": views,
        "preview": SELECTION_PREVIEW,
        "results": results_page,
    }
    return render(request, "inspections/plan_detail.html", context)


def draw_selection(request, pk: int):
    """Every entity a draw selected, paged, without strata (the plan page lists the first ones)."""
    draw = _public_draw(pk)
    if draw is None:
        raise PublicHttp404(_("未找到该摇号记录"))
    codes = selectors.public_selection(draw)
    page = Paginator(codes, SELECTION_PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    codes_here = list(page.object_list)
    names = dict(MarketEntity.objects.filter(uscc__in=codes_here).values_list("uscc", "name"))
    selected = [{"uscc": code, "name": names.get(code, "")} for code in codes_here]
    context = {"plan": draw.plan, "draw": _draw_view(draw), "page": page, "selected": selected}
    return render(request, "inspections/draw_selection.html", context)


def _snippet_for(draw) -> str:
    """The verifier with this draw's seed and ratios filled in (v1). A v2 draw's snippet has
    placeholders only: the auditor fills in the seed share, the public value and the ratios."""
    if draw.commitment_id is not None:
        return draw_algo.VERIFY_SNIPPET_V2.replace(
            '"<公开随机数，按录入原文>"', json.dumps(draw.commitment.public_value, ensure_ascii=False)
        )
    snippet = draw_algo.VERIFY_SNIPPET.replace(SEED_PLACEHOLDER, f'"{draw.seed}"')
    ratios = ", ".join(f'"{s["stratum"]}": Decimal("{s["ratio"]}")' for s in draw.strata)
    return re.sub(r"^ratios = .*$", lambda _m: f"ratios = {{{ratios}}}", snippet, count=1, flags=re.MULTILINE)


def _verifier_data(draw, view) -> dict:
    codes = list(selectors.public_selection(draw)[: VERIFIER_SELECTION_MAX + 1])
    data = {
        "algorithm": draw.algorithm,
        "population_sha256": draw.population_sha256,
        "selected_count": view["selected_count"],
        "selected": codes if len(codes) <= VERIFIER_SELECTION_MAX else None,
    }
    if view["v2"]:
        data.update(
            seed_share_sha256=view["commitment"]["seed_share_sha256"], public_value=view["commitment"]["public_value"]
        )
    else:
        data.update(seed=draw.seed, ratios={s["stratum"]: s["ratio"] for s in draw.strata})
    return data


def verify(request):
    """How a third party recomputes a draw: ~20 lines of Python, or any HMAC tool."""
    draw = None
    raw = request.GET.get("draw", "")
    if raw.isdigit() and len(raw) < 19:
        draw = _public_draw(int(raw))
    view = _draw_view(draw) if draw else None
    context = {
        "draw": view,
        "plan": draw.plan if draw else None,
        "snippet": _snippet_for(draw) if draw else draw_algo.VERIFY_SNIPPET,
        "snippet_v2": draw_algo.VERIFY_SNIPPET_V2 if draw is None else None,
        "algorithm": draw_algo.ALGORITHM,
        "algorithm_v2": draw_algo.ALGORITHM_V2,
        # For the browser verifier: the published facts to compare with (never a seed share or strata).
        "verifier_data": _verifier_data(draw, view) if draw else None,
    }
    return render(request, "inspections/verify.html", context)
