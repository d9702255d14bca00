"""Statutory deadlines as data (issue 12 §2): the one place services read a deadline from.

Every deadline in working days is a ``StatutoryDeadline`` row: a kind, a scope (national, a
department and everything under it, or a region-code prefix), the working days, the citation and
the dates it is in force. Where several rules cover a department on a day, the shortest applies
(DOMAIN §4: "where rules overlap the shorter deadline applies"; DOMAIN preamble: "where two sources
disagree, the stricter deadline is the default"). No service keeps a deadline constant of its own.
"""

import datetime as dt
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from core.workdays import add_working_days
from supervision.choices import DeadlineKind
from supervision.models import Department, StatutoryDeadline

# The labels of each kind's variant codes (e.g. 投诉举报 channels), registered by the app that owns
# them (enforcement registers ComplaintChannel): the admin list shows 网站, not "web" (issue 18 §1.6).
VARIANT_LABELS: dict[str, dict[str, str]] = {}


class Due(NamedTuple):
    """A computed deadline: the day, whether the holiday data behind it is provisional, and the rule."""

    date: dt.date
    provisional: bool
    rule: StatutoryDeadline

    def __str__(self):
        return f"{self.date:%Y-%m-%d}{'（暂定）' if self.provisional else ''}"


def _department(department) -> Department | None:
    if department is None or isinstance(department, Department):
        return department
    return Department.objects.only("id", "parent_id", "region_code").get(pk=department)


def _lineage(department: Department | None) -> tuple[set[int], str]:
    """The ids of the department and all its ancestors, and its region code."""
    if department is None:
        return set(), ""
    ids, node, region = set(), department, department.region_code
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = Department.objects.only("id", "parent_id").filter(pk=node.parent_id).first() if node.parent_id else None
    return ids, region


def _covers(rule: StatutoryDeadline, lineage: set[int], region: str) -> bool:
    if rule.department_id:
        return rule.department_id in lineage
    if rule.region_code:
        return bool(region) and region.startswith(rule.region_code)
    return True


def _in_force(kind: str, on: dt.date, variant: str = ""):
    rules = StatutoryDeadline.objects.filter(kind=kind, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    return rules.filter(variant__in={"", variant}).select_related("department")


def rule_for(kind: str, *, department=None, on: dt.date | None = None, variant: str = "") -> StatutoryDeadline:
    """The rule that governs ``kind`` for ``department`` on ``on``: the shortest of those covering it.

    A variant (e.g. a complaint channel) matches its own rules and the kind's general ones. Ties go to
    the most specific scope (department, then region, then national), then the latest version.
    """
    on = on or timezone.localdate()
    lineage, region = _lineage(_department(department))
    candidates = [rule for rule in _in_force(kind, on, variant) if _covers(rule, lineage, region)]
    if not candidates:
        raise LookupError(f"没有适用于{DeadlineKind(kind).label}的法定时限（{on:%Y-%m-%d}），请在“法定时限”中录入")
    return min(
        candidates,
        key=lambda r: (
            r.working_days,
            not r.department_id,
            not r.region_code,
            r.variant == "",
            -r.effective_from.toordinal(),
            r.pk,
        ),
    )


def working_days(kind: str, *, department=None, on: dt.date | None = None, variant: str = "") -> int:
    return rule_for(kind, department=department, on=on, variant=variant).working_days


def due(kind: str, start: dt.date, *, department=None, variant: str = "") -> Due:
    """The deadline of ``kind`` counted in working days from ``start`` (the rule in force on ``start``)."""
    rule = rule_for(kind, department=department, on=start, variant=variant)
    deadline = add_working_days(start, rule.working_days)
    return Due(deadline.date, deadline.provisional, rule)


def rules_for_department(
    department, on: dt.date | None = None
) -> list[tuple[str, StatutoryDeadline | None, list[StatutoryDeadline]]]:
    """For the admin: each kind, the rule that wins for ``department`` on ``on``, and every rule covering it."""
    on = on or timezone.localdate()
    department = _department(department)
    lineage, region = _lineage(department)
    rules = (
        StatutoryDeadline.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("department")
    )
    by_kind: dict[str, list[StatutoryDeadline]] = {}
    for rule in rules:
        if _covers(rule, lineage, region):
            by_kind.setdefault(rule.kind, []).append(rule)
    rows = []
    for kind in DeadlineKind.values:
        covering = sorted(by_kind.get(kind, []), key=lambda r: (r.variant, r.working_days))
        general = [r for r in covering if not r.variant]
        winner = (
            min(general, key=lambda r: (r.working_days, not r.department_id, not r.region_code)) if general else None
        )
        rows.append((kind, winner, covering))
    return rows
