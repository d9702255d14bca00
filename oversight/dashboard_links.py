"""Drill-down (issue 17 §2): the admin list of the rows behind each figure on the dashboard, pre-filtered.

Deadline items link through ``core.deadline_items`` (``spec.drill_url``: the admin's 办理时限 filter
counts with the same rule as the aggregates). The other metrics link to their list with query-string
lookups the admin accepts (own columns, ``<fk>__id__in``, and each list's ``drill_lookups``). What each
link assumes of the 03:00 job (``oversight.aggregates``), i.e. which fact a metric counts on which day:

| metric | rows | day | department |
|---|---|---|---|
| entities_by_grade | 主体信用评价 by grade (today's grades: only the latest day links) | — | entity's 登记机关 |
| negative_records | 信用记录, 性质=负面, by category and severity | decided_on | 来源部门 |
| plans_started | 抽查计划 (joint: with participating departments) | starts_on | 牵头部门 |
| entities_drawn | 检查任务 | the draw's drawn_at (local day) | the plan's 牵头部门 |
| entities_inspected | 检查结果 | inspected_on | 检查部门 |
| *_by_item | 检查结果 whose task has the item for the result's department (findings: FINDING_CATEGORIES) | inspected_on | 检查部门 |
| results_published | 检查结果 | published_at (local day) | 检查部门 |
| complaints_filed / _closed | 投诉举报 by channel (and verdict) | filed_at / closed_at (local day) | 承办部门 |
| credit_checks | 信用核查记录 by purpose | checked_at (local day) | 查询部门 |

Findings are the categories of ``inspections.selectors.FINDING_CATEGORIES``. A link is shown only where
the list will show exactly those rows: the admin lists show an official their own department's rows
(``core.scoping``), so a figure of a department below the viewer's own is shown without a link (the
platform administrator gets a link everywhere); and a viewer without the list's view permission gets the
number alone.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from core import deadline_items
from core.scoping import department_of, is_platform_admin


@dataclass(frozen=True)
class ListTarget:
    """An admin list and how the dashboard's filters become its query string."""

    changelist: str
    permission: str
    department: str  # the path of the department, ``<path>__id__in``
    day: str = ""  # the path of the day, ``<path>__gte`` / ``__lte``; "" for a stock of today
    region: str = ""
    industry: str = ""
    fixed: tuple = ()


GRADE_LIST = ListTarget(
    "admin:credit_entitycredit_changelist",
    "credit.view_entitycredit",
    department="entity__registration_authority",
    region="entity__region_code",
    industry="entity__industry_code__startswith",
)
NEGATIVE_LIST = ListTarget(
    "admin:credit_creditrecord_changelist",
    "credit.view_creditrecord",
    department="department",
    day="decided_on",
    region="entity__region_code",
    industry="entity__industry_code__startswith",
    fixed=(("polarity", "negative"),),
)
PLAN_LIST = ListTarget(
    "admin:inspections_inspectionplan_changelist",
    "inspections.view_inspectionplan",
    department="lead_department",
    day="starts_on",
)
TASK_LIST = ListTarget(
    "admin:inspections_inspectiontask_changelist",
    "inspections.view_inspectiontask",
    department="plan__lead_department",
    day="draw__drawn_at__date",
    region="entity__region_code",
    industry="entity__industry_code__startswith",
)
RESULT_LIST = ListTarget(
    "admin:inspections_inspectionresult_changelist",
    "inspections.view_inspectionresult",
    department="department",
    day="inspected_on",
    region="task__entity__region_code",
    industry="task__entity__industry_code__startswith",
)
PUBLISHED_LIST = ListTarget(
    RESULT_LIST.changelist,
    RESULT_LIST.permission,
    department="department",
    day="published_at__date",
    region=RESULT_LIST.region,
    industry=RESULT_LIST.industry,
)
# The findings by item are not cut by region (oversight.figures): their list takes no region filter either.
FINDINGS_LIST = ListTarget(
    RESULT_LIST.changelist,
    RESULT_LIST.permission,
    department="department",
    day="inspected_on",
    industry=RESULT_LIST.industry,
)
COMPLAINT_FILED_LIST = ListTarget(
    "admin:enforcement_complaint_changelist",
    "enforcement.view_complaint",
    department="department",
    day="filed_at__date",
    fixed=(("state", "all"),),
)
COMPLAINT_CLOSED_LIST = ListTarget(
    COMPLAINT_FILED_LIST.changelist,
    COMPLAINT_FILED_LIST.permission,
    department="department",
    day="closed_at__date",
    fixed=(("state", "all"),),
)
CHECK_LIST = ListTarget(
    "admin:credit_creditcheck_changelist",
    "credit.view_creditcheck",
    department="department",
    day="checked_at__date",
)
ITEM_LOOKUP = "task__items__item_version__item__catalogue_code"
ITEM_DEPARTMENT_LOOKUP = "task__items__department__id__in"


class Linker:
    """Builds the links for one viewer and one set of filters."""

    def __init__(self, user, filters):
        self.user = user
        self.f = filters
        self.platform = is_platform_admin(user)
        own = department_of(user)
        self.own = own.pk if own is not None else None
        self._perms = {}

    def _may(self, permission: str, department_ids) -> bool:
        if permission not in self._perms:
            self._perms[permission] = self.user.has_perm(permission)
        if not self._perms[permission]:
            return False
        if self.platform:
            return True
        # The list shows an official their own department's rows only (core.scoping).
        return department_ids is not None and self.own is not None and set(department_ids) <= {self.own}

    def departments(self, department_id=None):
        """The departments of a cell: one department, or the filters' (None: all)."""
        return (department_id,) if department_id is not None else self.f.department_ids

    def list_url(self, target: ListTarget, *, department_ids, start=None, end=None, **params) -> str | None:
        """``target``'s list filtered to the departments, the period (or ``start``–``end`` within it), the
        region and industry filters and ``params``; None where the viewer would not see those rows."""
        if department_ids is not None and None in department_ids:
            return None  # rows of no department: no list filter selects exactly them
        if not self._may(target.permission, department_ids):
            return None
        query = dict(target.fixed)
        if department_ids is not None:
            query[f"{target.department}__id__in"] = ",".join(str(i) for i in department_ids)
        if target.day:
            query[f"{target.day}__gte"] = max(start or self.f.start, self.f.start).isoformat()
            query[f"{target.day}__lte"] = min(end or self.f.end, self.f.end).isoformat()
        if self.f.region and target.region:
            query[target.region] = self.f.region
        if self.f.industry and target.industry:
            query[target.industry] = self.f.industry
        query.update({k: v for k, v in params.items() if v is not None})
        return f"{reverse(target.changelist)}?{urlencode(query)}"

    def deadline_url(self, kind: str, status: str, *, start=None, end=None, department_ids=None) -> str | None:
        try:
            spec = deadline_items.spec(kind)
        except KeyError:
            return None  # a kind the job counts but no app registers any more
        opts = spec.model._meta
        if not self._may(f"{opts.app_label}.view_{opts.model_name}", department_ids):
            return None
        return spec.drill_url(status, start or self.f.start, end or self.f.end, department_ids)


def month_span(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``month``."""
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month, nxt - dt.timedelta(days=1)
