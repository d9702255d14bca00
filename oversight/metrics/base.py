"""The registry and the figure every metric returns (see the package's docstring)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RATE, COUNT = "rate", "count"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class Figure:
    """One department's figure: ``value`` is a percentage (``RATE``) or the numerator (``COUNT``);
    None when there is nothing to measure (a rate over no items)."""

    numerator: int = 0
    denominator: int | None = None
    value: Decimal | None = None
    exempted: int = 0
    links: list = field(default_factory=list)

    def link(self, label: str, count: int, url: str, **extra) -> None:
        """A link to the rows behind a part of the figure; ``extra`` (e.g. the excused items' ``kind``
        and ``ids``) is kept with it for the reports."""
        self.links.append({"label": label, "count": int(count), "url": url, **extra})


def rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MetricSpec:
    code: str
    label: str
    unit: str  # RATE (per cent) or COUNT
    definition: str  # what is counted, for people (shown beside the indicator)
    compute: Callable  # (start, end, scope) -> {department id: Figure}


REGISTRY: dict[str, MetricSpec] = {}


def register(spec: MetricSpec) -> MetricSpec:
    REGISTRY[spec.code] = spec
    return spec


def choices() -> list[tuple[str, str]]:
    return [(code, f"{spec.label}（{code}）") for code, spec in REGISTRY.items()]


def compute(code: str, *, start: dt.date, end: dt.date, scope: dict[int, list[int]]) -> dict[int, Figure]:
    """Every department of ``scope`` gets a figure (zero counts where nothing happened)."""
    figures = REGISTRY[code].compute(start, end, scope)
    return {root: figures.get(root) or empty_figure(REGISTRY[code]) for root in scope}


def empty_figure(spec: MetricSpec) -> Figure:
    return Figure(0, 0, Decimal(0) if spec.unit == COUNT else None)


def members_of(scope: dict[int, list[int]]) -> list[int]:
    return sorted({m for members in scope.values() for m in members})


def roots_of(scope: dict[int, list[int]]) -> dict[int, list[int]]:
    """``{member id: [roots it counts for]}`` (a member may count for itself and for its parent)."""
    roots = {}
    for root, members in scope.items():
        for member in members:
            roots.setdefault(member, []).append(root)
    return roots


def scope_arrays(scope: dict[int, list[int]]) -> tuple[list[int], list[int]]:
    """Two parallel arrays (root, member) for ``unnest(%s::bigint[], %s::bigint[])`` in SQL."""
    pairs = [(root, member) for root, members in scope.items() for member in members]
    return [p[0] for p in pairs], [p[1] for p in pairs]
