"""Who may open the dashboard, what they see, and its filters (issue 17 §2).

Scope (the rule of the issue: an official sees their department's subtree; the platform administrator
sees everything):

- the platform administrator (or a superuser) sees every department, and the rows of no department;
- any other official with a department sees that department and every department under it
  (``supervision.selectors.department_subtree_ids``), whatever the query string asks;
- a 监督人员 is an official like the others: with a department, its subtree. A 监督人员 without a
  department sees the whole platform: the role is granted by the platform administrator to the
  platform-wide 督查 staff (seed 000: 网上督查室), and the page shows aggregate figures only; the rows
  behind them stay behind each list's own permissions and department scoping.
- anyone else (no department and not one of the above, an entity's account, no permission) is refused.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from core.choices import Role
from core.scoping import department_of, is_platform_admin
from supervision.models import Department
from supervision.selectors import department_subtree_ids

PERMISSION = "oversight.view_dailyfigure"
MAX_DAYS = 3 * 366  # a longer period is refused: monthly columns stay readable and the queries bounded

# GB/T 4754-2017 门类: the ``industry`` cut of the daily figures is the section letter.
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}


def _is_overseer(user) -> bool:
    return user.groups.filter(name=Role.AUDITOR).exists()


def can_open(user) -> bool:
    """An active official (staff) with the dashboard permission who has a department, or the platform
    administrator, or a 监督人员."""
    if not (user.is_authenticated and user.is_active and user.is_staff and user.has_perm(PERMISSION)):
        return False
    return is_platform_admin(user) or department_of(user) is not None or _is_overseer(user)


@dataclass(frozen=True)
class Scope:
    """The departments a viewer may see: ``ids`` None means every department (and rows of none)."""

    ids: tuple | None
    root: Department | None

    @property
    def everything(self) -> bool:
        return self.ids is None

    def allows(self, department_id: int) -> bool:
        return self.ids is None or department_id in self.ids


def viewer_scope(user) -> Scope:
    if is_platform_admin(user):
        return Scope(ids=None, root=None)
    department = department_of(user)
    if department is None:
        return Scope(ids=None, root=None)  # a 监督人员 without a department (can_open let them in)
    return Scope(ids=tuple(department_subtree_ids(department.pk)), root=department)


def yesterday() -> dt.date:
    """The last day the 03:00 job has figures for."""
    return timezone.localdate() - dt.timedelta(days=1)


def default_period(today_figures: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, to the last day with figures."""
    first = dt.date(today_figures.year, today_figures.month, 1)
    month = first.month - 11
    year = first.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1), today_figures


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def period_shortcuts(last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """``[(label, from, to)]``: the month, quarter, half-year and year up to ``last``, and the ones before."""
    y, m = last.year, last.month
    q0 = (m - 1) // 3 * 3 + 1
    h0 = 1 if m <= 6 else 7
    prev_m = (y, m - 1) if m > 1 else (y - 1, 12)
    prev_q = (y, q0 - 3) if q0 > 1 else (y - 1, 10)
    prev_h = (y, 1) if h0 == 7 else (y - 1, 7)
    return [
        ("本月", dt.date(y, m, 1), last),
        ("上月", dt.date(*prev_m, 1), _month_end(*prev_m)),
        ("本季度", dt.date(y, q0, 1), last),
        ("上季度", dt.date(*prev_q, 1), _month_end(prev_q[0], prev_q[1] + 2)),
        ("本半年", dt.date(y, h0, 1), last),
        ("上半年度" if h0 == 7 else "上年下半年", dt.date(*prev_h, 1), _month_end(prev_h[0], prev_h[1] + 5)),
        ("本年度", dt.date(y, 1, 1), last),
        ("上年度", dt.date(y - 1, 1, 1), dt.date(y - 1, 12, 31)),
    ]


class DashboardForm(forms.Form):
    """The filters, from the query string. Every error names its field; nothing typed is lost."""

    start = forms.DateField(label="起始日期", required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label="截止日期", required=False, input_formats=["%Y-%m-%d"])
    department = forms.CharField(label="部门", required=False)
    region = forms.CharField(label="行政区划", required=False)
    industry = forms.CharField(label="行业门类", required=False)
    findings_by = forms.ChoiceField(
        label="发现问题率分组",
        required=False,
        choices=[("item", "按监管事项"), ("industry", "按行业")],
    )

    def __init__(self, data, *, scope: Scope, last_day: dt.date):
        super().__init__(data)
        self.scope = scope
        self.last_day = last_day
        self.refused = False  # a department outside the viewer's subtree (403, not 400)

    def clean_department(self):
        raw = (self.cleaned_data.get("department") or "").strip()
        if not raw:
            return None
        department = Department.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if department is None:
            raise forms.ValidationError("未找到该部门，请从列表中选择。")
        if not self.scope.allows(department.pk):
            self.refused = True
            raise forms.ValidationError(
                f"“{department.name}”不在您可以查看的范围内：只能查看本部门（{self.scope.root}）及其下级部门。"
            )
        return department

    def clean_region(self):
        raw = (self.cleaned_data.get("region") or "").strip()
        if raw and not re.fullmatch(r"\d{6}", raw):
            raise forms.ValidationError("行政区划代码应为6位数字（GB/T 2260），如 410105。")
        return raw

    def clean_industry(self):
        raw = (self.cleaned_data.get("industry") or "").strip().upper()
        if raw and raw not in INDUSTRY_SECTIONS:
            raise forms.ValidationError("行业门类应为 A–T 中的一个字母（GB/T 4754-2017）。")
        return raw

    def clean(self):
        data = super().clean()
        if self.errors.get("start") or self.errors.get("end"):
            return data
        start, end = data.get("start"), data.get("end")
        default_start, default_end = default_period(self.last_day)
        start, end = start or (default_start if end is None else None), end or default_end
        if start is None:  # only an end given: the twelve months before it
            start = default_period(end)[0]
        if start > end:
            self.add_error("start", "起始日期不能晚于截止日期。")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", "统计期间最长3年，请缩短期间。")
        data["start"], data["end"] = start, end
        return data

    def error_list(self) -> list[str]:
        """``["字段：消息"]`` for the page."""
        return [
            f"{self.fields[name].label}：{message}" for name, messages in self.errors.items() for message in messages
        ]


@dataclass(frozen=True)
class Filters:
    """What the charts read: the period, the departments (None: all), the region and the industry."""

    start: dt.date
    end: dt.date
    department_ids: tuple | None
    region: str = ""
    industry: str = ""
    findings_by: str = "item"


def filters_from(form: DashboardForm) -> Filters:
    data = form.cleaned_data
    department = data.get("department")
    # A chosen department (already checked to be in scope) narrows the scope to its own subtree.
    ids = tuple(department_subtree_ids(department.pk)) if department is not None else form.scope.ids
    return Filters(
        start=data["start"],
        end=data["end"],
        department_ids=ids,
        region=data.get("region", ""),
        industry=data.get("industry", ""),
        findings_by=data.get("findings_by") or "item",
    )


def department_choices(scope: Scope):
    """The departments the filter offers: the viewer's subtree, or all active ones."""
    qs = Department.objects.order_by("code")
    return qs.filter(pk__in=scope.ids) if scope.ids is not None else qs.filter(active=True)
