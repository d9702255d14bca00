"""The public rulebook (明规矩于前, issue 15 §7): which rules the public sees, and which of their fields.

Every public reader of the rules (the pages under /rules/, the open API, the bulk files) goes through
these selectors, so none of them can show more than the others.

What is public:
- supervision items (监管事项清单) that are in force or announced: an item whose every version has
  ended is no longer listed (its own page still answers, marked as ended);
- every version of such an item, past, in force and upcoming. A version recorded with a future
  effective date is an announced rule and is shown as "将于…施行": rules are made public before they
  are enforced (seed 002/003, 明规矩于前; 《优化营商环境条例》第六十七条 also asks for a transition period
  between publication and effect). Past versions stay public so that a past inspection can be
  explained with the rule that applied then (DOMAIN §2);
- inspection checklists (检查实施清单) of those items;
- discretion benchmarks (自由裁量基准) in force and upcoming;
- the active joint reward and punishment measures (联合奖惩措施清单).

What stays internal: the 责任人 of an item version (a natural person's name, never on a public page,
DOMAIN §5), bookkeeping (created_at, database ids), inactive departments and disabled measures.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import JointMeasure
from enforcement.models import DiscretionStandard
from supervision.models import Department, InspectionChecklist, SupervisionItem, SupervisionItemVersion

# The public columns of each model: pages, the open API and the bulk files read only these.
PUBLIC_DEPARTMENT_FIELDS = ("id", "code", "name", "short_name", "level", "uscc", "region_code")
PUBLIC_ITEM_FIELDS = ("id", "catalogue_code", "name", "parent_id", "department_id")
# Not public: responsible_person (a natural person, DOMAIN §5), created_at (bookkeeping).
PUBLIC_VERSION_FIELDS = (
    "id",
    "item_id",
    "version",
    "effective_from",
    "effective_to",
    "object_type",
    "method",
    "legal_basis",
    "supervision_level",
    "procedure",
    "standard",
    "responsible_unit",
    "is_random",
    "is_key",
    "default_ratio",
    "frequency",
)
PUBLIC_CHECKLIST_FIELDS = ("id", "item_id", "department_id", "code", "name", "content", "method")
PUBLIC_BENCHMARK_FIELDS = (
    "id",
    "department_id",
    "code",
    "violation_type",
    "violation_basis",
    "penalty_basis",
    "lighter_min",
    "lighter_max",
    "general_min",
    "general_max",
    "heavier_min",
    "heavier_max",
    "heavy_penalty_types",
    "effective_from",
    "effective_to",
)
PUBLIC_MEASURE_FIELDS = ("id", "code", "name", "kind", "list_types", "legal_basis", "implementing_department")

# The fields whose change a reader cares about, in the order "what changed" names them.
VERSION_CHANGE_FIELDS = (
    "default_ratio",
    "frequency",
    "method",
    "object_type",
    "is_key",
    "is_random",
    "supervision_level",
    "legal_basis",
    "standard",
    "procedure",
    "responsible_unit",
)

IN_FORCE, UPCOMING, ENDED = "in_force", "upcoming", "ended"


def today() -> dt.date:
    return timezone.localdate()


def status_on(effective_from: dt.date, effective_to: dt.date | None, day: dt.date) -> str:
    """in_force, upcoming (announced, not yet in force) or ended on ``day``."""
    if effective_from > day:
        return UPCOMING
    if effective_to is not None and effective_to < day:
        return ENDED
    return IN_FORCE


def _not_ended(day: dt.date) -> Q:
    return Q(effective_to__isnull=True) | Q(effective_to__gte=day)


# --- departments --------------------------------------------------------------------------------------


def rule_departments(day: dt.date | None = None) -> QuerySet:
    """Active departments that publish at least one item or benchmark in force or announced, with
    their counts of items, checklists and benchmarks (one query)."""
    day = day or today()
    items = SupervisionItem.objects.filter(
        Exists(SupervisionItemVersion.objects.filter(_not_ended(day), item_id=OuterRef("pk"))),
        department_id=OuterRef("pk"),
    )
    checklists = InspectionChecklist.objects.filter(
        Exists(SupervisionItemVersion.objects.filter(_not_ended(day), item_id=OuterRef("item_id"))),
        department_id=OuterRef("pk"),
    )
    benchmarks = DiscretionStandard.objects.filter(_not_ended(day), department_id=OuterRef("pk"))
    return (
        Department.objects.filter(active=True)
        .filter(Exists(items) | Exists(benchmarks))
        .only(*PUBLIC_DEPARTMENT_FIELDS)
        .annotate(
            item_count=_count(items),
            checklist_count=_count(checklists),
            benchmark_count=_count(benchmarks),
        )
        .order_by("code")
    )


def _count(queryset: QuerySet):
    """The number of rows of a subquery correlated on ``department_id`` (no join fan-out between counts)."""
    counted = queryset.order_by().values("department_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def rule_department(code: str) -> Department | None:
    """An active department by its code (the /rules/<code>/ key), or None."""
    return Department.objects.filter(active=True, code=code).only(*PUBLIC_DEPARTMENT_FIELDS).first()


# --- items, versions, checklists ------------------------------------------------------------------------


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=SupervisionItemVersion.objects.only(*PUBLIC_VERSION_FIELDS).order_by("effective_from"),
        to_attr="public_versions",
    )


def _checklists_prefetch() -> Prefetch:
    return Prefetch(
        "checklists",
        queryset=InspectionChecklist.objects.only(*PUBLIC_CHECKLIST_FIELDS).order_by("code"),
        to_attr="public_checklists",
    )


def public_items(day: dt.date | None = None, department: Department | None = None) -> QuerySet:
    """Items in force or announced on ``day``, with their versions (``public_versions``, oldest first)
    and checklists (``public_checklists``): three queries, whatever the number of items."""
    day = day or today()
    live = SupervisionItemVersion.objects.filter(_not_ended(day), item_id=OuterRef("pk"))
    qs = (
        SupervisionItem.objects.filter(Exists(live), department__active=True)
        .select_related("department", "parent")
        .only(
            *PUBLIC_ITEM_FIELDS,
            *(f"department__{f}" for f in PUBLIC_DEPARTMENT_FIELDS),
            "parent__catalogue_code",
            "parent__name",
        )
        .prefetch_related(_versions_prefetch(), _checklists_prefetch())
        .order_by("catalogue_code")
    )
    if department is not None:
        qs = qs.filter(department=department)
    return qs


def public_item(catalogue_code: str) -> SupervisionItem | None:
    """One item by its catalogue code, with any public version (an ended item still answers, so that
    links from past plans keep working); None when unknown or never given a version."""
    return (
        SupervisionItem.objects.filter(catalogue_code=catalogue_code, department__active=True)
        .filter(Exists(SupervisionItemVersion.objects.filter(item_id=OuterRef("pk"))))
        .select_related("department", "parent")
        .only(
            *PUBLIC_ITEM_FIELDS,
            *(f"department__{f}" for f in PUBLIC_DEPARTMENT_FIELDS),
            "parent__catalogue_code",
            "parent__name",
        )
        .prefetch_related(
            _versions_prefetch(),
            _checklists_prefetch(),
            Prefetch(
                "children",
                queryset=SupervisionItem.objects.only(*PUBLIC_ITEM_FIELDS).order_by("catalogue_code"),
                to_attr="public_children",
            ),
        )
        .first()
    )


@dataclass
class VersionView:
    """A version as the public reads it: its status today and what changed from the one before."""

    version: SupervisionItemVersion
    status: str
    changes: list = field(default_factory=list)

    @property
    def ratio(self) -> str:
        return percent(self.version.default_ratio)


def _display(version, name: str) -> str:
    value = getattr(version, name)
    if name == "default_ratio":
        return percent(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    getter = getattr(version, f"get_{name}_display", None)
    return str(getter()) if getter else str(value or "")


def version_changes(before: SupervisionItemVersion, after: SupervisionItemVersion) -> list[dict]:
    """The fields that differ between two versions, with the label and both values (long texts get
    no values: the version itself shows them)."""
    changes = []
    for name in VERSION_CHANGE_FIELDS:
        if getattr(before, name) == getattr(after, name):
            continue
        label = str(SupervisionItemVersion._meta.get_field(name).verbose_name)
        long_text = name in ("legal_basis", "standard", "procedure")
        changes.append(
            {
                "field": name,
                "label": label,
                "before": None if long_text else _display(before, name),
                "after": None if long_text else _display(after, name),
            }
        )
    return changes


def version_views(item: SupervisionItem, day: dt.date | None = None) -> list[VersionView]:
    """The item's versions, newest first, each with its status and its changes (from prefetched rows)."""
    day = day or today()
    versions = item.public_versions
    views = []
    for i, v in enumerate(versions):
        changes = version_changes(versions[i - 1], v) if i else []
        views.append(VersionView(version=v, status=status_on(v.effective_from, v.effective_to, day), changes=changes))
    return list(reversed(views))


def in_force_version(item: SupervisionItem, day: dt.date | None = None):
    day = day or today()
    for v in item.public_versions:
        if status_on(v.effective_from, v.effective_to, day) == IN_FORCE:
            return v
    return None


def upcoming_versions(item: SupervisionItem, day: dt.date | None = None) -> list:
    day = day or today()
    return [v for v in item.public_versions if v.effective_from > day]


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return ""
    value = (ratio * 100).normalize()
    return f"{value:f}%"


# --- discretion benchmarks ------------------------------------------------------------------------------


def public_benchmarks(day: dt.date | None = None, department: Department | None = None) -> QuerySet:
    """Benchmarks in force or announced on ``day``, by code then effective date (one query)."""
    day = day or today()
    qs = (
        DiscretionStandard.objects.filter(_not_ended(day), department__active=True)
        .select_related("department")
        .only(*PUBLIC_BENCHMARK_FIELDS, *(f"department__{f}" for f in PUBLIC_DEPARTMENT_FIELDS))
        .order_by("department__code", "code", "effective_from")
    )
    if department is not None:
        qs = qs.filter(department=department)
    return qs


# --- joint measures ---------------------------------------------------------------------------------------


def public_measures() -> QuerySet:
    """The joint reward and punishment measures catalogue (active measures only)."""
    return JointMeasure.objects.filter(active=True).only(*PUBLIC_MEASURE_FIELDS).order_by("kind", "code")
