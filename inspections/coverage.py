"""Which of a plan's items are drawn and which cover their scope in full, and which items each task
carries (DOMAIN §4; issue 12 §5). The design is written up in ``inspections/draw.py`` (steps 6–8).

Reads only: the draw services (``inspections.services``, ``inspections.commitments``) call these
inside their own transaction. ``where``/``params`` are the plan's scope clause on
``supervision_marketentity e`` (``services.scope_sql``).
"""

from collections import defaultdict

from django.db import connection

from inspections import draw as draw_algo
from inspections.models import PlanItem
from supervision.choices import EntityType, ObjectType
from supervision.models import MarketEntity

# 监管对象 → the entity types it applies to; 产品、场所、各类市场主体 apply to every entity in scope.
OBJECT_ENTITY_TYPES = {
    ObjectType.ENTERPRISE: (EntityType.ENTERPRISE,),
    ObjectType.INDIVIDUAL: (EntityType.INDIVIDUAL,),
    ObjectType.COOPERATIVE: (EntityType.COOPERATIVE,),
    ObjectType.SOCIAL_ORG: (EntityType.SOCIAL_ORG,),
}


def entity_types_of(version) -> tuple | None:
    """The entity types an item version applies to; None: every type."""
    types = OBJECT_ENTITY_TYPES.get(version.object_type)
    return tuple(str(t) for t in types) if types else None


def applies(version, entity_type: str) -> bool:
    types = entity_types_of(version)
    return types is None or entity_type in types


def plan_items(plan) -> tuple[list, list]:
    """``(sampled, key)``: the plan's items drawn at the plan's ratios, and those under 重点监管
    (full coverage, never sampled), each in catalogue order."""
    items = list(
        PlanItem.objects.filter(plan=plan)
        .select_related("item_version__item", "department")
        .order_by("item_version__item__catalogue_code", "pk")
    )
    return [i for i in items if not i.item_version.is_key], [i for i in items if i.item_version.is_key]


def sampled_scope(sampled: list) -> tuple[str, list] | None:
    """Extra WHERE for the population file (step 6): entities to which some sampled item applies.
    ``None`` when no item is sampled (the population file is then empty)."""
    if not sampled:
        return None
    types = [entity_types_of(i.item_version) for i in sampled]
    if any(t is None for t in types):
        return "", []
    return " AND e.entity_type = ANY(%s)", [sorted({t for group in types for t in group})]


def key_coverage(plan_key_items: list, where: str, params: list) -> bytes:
    """The key coverage file (step 7): every entity in each key item's own scope, one statement per item."""
    rows = []
    with connection.cursor() as cursor:
        for item in plan_key_items:
            types = entity_types_of(item.item_version)
            extra, extra_params = (" AND e.entity_type = ANY(%s)", [list(types)]) if types else ("", [])
            cursor.execute(
                f"SELECT e.uscc FROM supervision_marketentity e WHERE {where}{extra}", [*params, *extra_params]
            )
            code = item.item_version.item.catalogue_code
            rows.extend((uscc, code) for (uscc,) in cursor.fetchall())
    return draw_algo.coverage_file(rows)


def task_items(*, selected: list[str], coverage: bytes, sampled: list, key: list) -> dict[str, list]:
    """``{uscc: [PlanItem]}`` for every task (step 8): a selected entity gets the sampled items that
    apply to it and its key items; a covered entity that was not selected, its key items only."""
    by_code = {i.item_version.item.catalogue_code: i for i in key}
    items = defaultdict(list)
    types = dict(MarketEntity.objects.filter(uscc__in=selected).values_list("uscc", "entity_type")) if selected else {}
    for uscc in selected:
        # An entity no longer in the roster (v2: committed at approval, closed since) keeps every sampled item.
        items[uscc].extend(i for i in sampled if uscc not in types or applies(i.item_version, types[uscc]))
    for uscc, codes in draw_algo.parse_coverage(coverage).items():
        items[uscc].extend(by_code[c] for c in sorted(codes) if c in by_code)
    return dict(items)
