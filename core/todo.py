"""The 待办 panels' deadline groups (issue 17 §6): every open item shows at once, grouped by how close
its deadline is, and each count links to the list that shows exactly its rows.

The groups are disjoint, by working days (core.workdays, the officials' holiday overrides first):

- ``overdue`` 已逾期: the deadline is before today;
- ``d1`` 1个工作日内: today or the next working day (the old panel's only window, issue 4);
- ``d3`` 3个工作日内: after that, up to the third working day from today (the 2nd and 3rd);
- ``later`` 更晚: after the third working day (or, where a kind allows it, no deadline set yet).

Three working days is the shortest answer period a 督办 gives by default (oversight.directives), so an
item in ``d3`` can still be pressed and saved before it is due.

A kind supplies ``deadline_q(lookup, day)``: the *open* rows whose deadline is ``lookup`` ``day`` (the
same function the admin's 期限 filter, ``core.admin_base.DeadlineFilter``, reads), and the panel and the
list both call ``group_q`` on it, so a number and its list agree.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.scoping import is_platform_admin
from core.workdays import working_day_map

GROUPS = (("overdue", "已逾期"), ("d1", "1个工作日内"), ("d3", "3个工作日内"), ("later", "更晚"))
GROUP_LABELS = dict(GROUPS)
OPEN = "open"  # every open row with a deadline: the union of the four groups


@dataclass(frozen=True)
class Bounds:
    today: object
    d1: object  # the last day of ``d1``: the next working day
    d3: object  # the last day of ``d3``: the third working day


def bounds(request=None) -> Bounds:
    """The groups' days for today, worked out once per request."""
    cached = getattr(request, "_todo_bounds", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    # One read of the officials' overrides for both days (the longest PRC holiday run is 8–9 days).
    working = [
        day for day, is_working in sorted(working_day_map(today, today + dt.timedelta(days=30)).items()) if is_working
    ]
    found = Bounds(today, working[0], working[2])
    if request is not None:
        request._todo_bounds = found
    return found


def group_q(deadline_q, group: str, b: Bounds) -> Q:
    """The open rows of ``group`` (or of every group, ``OPEN``). ``deadline_q`` ORs over exclusive
    states (e.g. an objection's 受理 and 办结 deadlines), so two of its conditions ANDed stay exact."""
    if group == "overdue":
        return deadline_q("lt", b.today)
    if group == "d1":
        return deadline_q("gte", b.today) & deadline_q("lte", b.d1)
    if group == "d3":
        return deadline_q("gt", b.d1) & deadline_q("lte", b.d3)
    if group == "later":
        return deadline_q("gt", b.d3)
    if group == OPEN:
        return deadline_q("lt", b.today) | deadline_q("gte", b.today)
    raise ValueError(f"unknown 待办 group {group!r}")


def group_counts(queryset: QuerySet, deadline_q, b: Bounds) -> dict:
    """Each group's count and the total, in one aggregate query."""
    return queryset.aggregate(
        **{code: Count("pk", filter=group_q(deadline_q, code, b)) for code, _label in GROUPS},
        **{OPEN: Count("pk", filter=group_q(deadline_q, OPEN, b))},
    )


def department_title(user) -> str:
    """The "本部门" section's title: a platform administrator's panels count every department."""
    return "全部部门" if is_platform_admin(user) else "本部门"


def grouped_item(*, key: str, label: str, counts: dict, url: str, param: str = "deadline") -> dict:
    """A panel line with a cell per group, each linking to ``url`` filtered to its rows."""
    sep = "&" if "?" in url else "?"
    return {
        "key": key,
        "label": label,
        "count": counts[OPEN],
        "url": f"{url}{sep}{param}={OPEN}",
        "cells": [
            {"group": code, "count": counts[code], "url": f"{url}{sep}{param}={code}", "urgent": code == "overdue"}
            for code, _label in GROUPS
        ],
        "urgent": counts["overdue"] > 0,
    }


def plain_item(*, key: str, label: str, count: int, url: str, urgent: bool = False) -> dict:
    """A panel line without deadlines (e.g. cases awaiting review): one count and its list."""
    return {"key": key, "label": label, "count": count, "url": url, "cells": None, "urgent": urgent}
