"""预警规则有效性 (issue 17 §5; seed 000 and 002 ask for the analysis of the platform's own data): for
each warning rule over a chosen period, the warnings it raised, how they were disposed of, and how
many warned entities had a confirmed negative finding within 6 months, with the rate.

Every number links to the warnings list filtered by ``RaisedFilter``, which selects with the same
selectors (``credit.selectors.warnings_raised`` and ``with_later_finding``) as the report counts.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from core.scoping import is_platform_admin
from credit.choices import WarningDisposition, WarningState
from credit.scan import RULES
from credit.selectors import (
    FINDING_WINDOW_MONTHS,
    rule_effectiveness,
    warnings_raised,
    warnings_visible_to,
    with_later_finding,
)

# A rule is flagged as rarely right below this share of warned entities with a later finding, once it
# has warned enough entities for the share to mean something (a product choice, shown on the page).
LOW_HIT_RATE = 0.10
MIN_ENTITIES_FOR_RATE = 5
# Column headers of the dispositions, short enough for the table to fit beside the admin's navigation.
SHORT_LABELS = {
    WarningDisposition.CASE_OPENED: "已立案",
    WarningDisposition.ADDED_TO_INSPECTION: "纳入抽查",
    WarningDisposition.INTERVIEWED: "约谈提醒",
    WarningDisposition.TRANSFERRED: "转交",
    WarningDisposition.NO_ISSUE: "核实无问题",
    WarningDisposition.UNRECORDED: "未记录（此前关闭）",
}
OUTCOMES = {
    "raised": "全部预警",
    "open": "待处理",
    **{d.value: d.label for d in WarningDisposition},
    "hit": f"{FINDING_WINDOW_MONTHS}个月内被认定失信的主体的预警",
}


def _day(value: str | None) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


class RaisedFilter(admin.ListFilter):
    """``?raised_from=&raised_to=&outcome=``: the warnings behind a figure of the effectiveness report."""

    title = "预警规则有效性"
    parameter_name = "outcome"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in ("raised_from", "raised_to", "outcome"):
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return True

    def expected_parameters(self):
        return ["raised_from", "raised_to", "outcome"]

    def choices(self, changelist):
        current = self.values.get("outcome")
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": "全部",
        }
        if current in OUTCOMES:
            yield {"selected": True, "query_string": changelist.get_query_string(), "display": OUTCOMES[current]}

    def queryset(self, request, queryset):
        outcome = self.values.get("outcome")
        start, end = _day(self.values.get("raised_from")), _day(self.values.get("raised_to"))
        if outcome not in OUTCOMES or start is None or end is None:
            return queryset
        return outcome_rows(warnings_raised(start, end, queryset), outcome)


def outcome_rows(queryset, outcome: str):
    """The rows behind one column of the report, with the same rule as ``rule_effectiveness``."""
    if outcome == "open":
        return queryset.filter(state=WarningState.OPEN)
    if outcome in WarningDisposition.values:
        return queryset.filter(disposition=outcome)
    if outcome == "hit":
        return with_later_finding(queryset).filter(later_finding=True)
    return queryset


class WarningEffectivenessMixin:
    """The report's page, under the warnings' admin: ``/admin/credit/riskwarning/effectiveness/``."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.effectiveness_view)
        return [path("effectiveness/", view, name="credit_riskwarning_effectiveness"), *super().get_urls()]

    def effectiveness_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        errors = {}
        start = _period_day(request.GET.get("start"), dt.date(today.year, 1, 1), "start", "开始日期", errors)
        end = _period_day(request.GET.get("end"), today, "end", "结束日期", errors)
        if not errors and start > end:
            errors["end"] = "结束日期不能早于开始日期"
        rows = []
        if not errors:
            figures = rule_effectiveness(start, end, warnings_visible_to(request.user))
            rows = _rows(figures, start, end)
        context = {
            **self.admin_site.each_context(request),
            "title": "预警规则有效性分析",
            "opts": self.model._meta,
            # What was typed stays in the form, right or wrong (a bad date is named, never lost).
            "start": request.GET.get("start") or start.isoformat(),
            "end": request.GET.get("end") or end.isoformat(),
            "errors": errors,
            "rows": rows,
            "dispositions": [SHORT_LABELS[d] for d in WarningDisposition],
            "window_months": FINDING_WINDOW_MONTHS,
            "low_rate": f"{LOW_HIT_RATE:.0%}",
            "min_entities": MIN_ENTITIES_FOR_RATE,
            "scope_label": "全部部门" if is_platform_admin(request.user) else "本部门及下级部门",
        }
        return TemplateResponse(request, "admin/credit/riskwarning/effectiveness.html", context)


def _period_day(raw, default, field, label, errors):
    if not raw:
        return default
    day = _day(raw.strip())
    if day is None:
        errors[field] = f"{label}应为“年-月-日”格式的日期，例如 2026-01-01"
        return default
    return day


def _rows(figures: dict, start: dt.date, end: dt.date) -> list[dict]:
    """One row per rule of the registry (rules that raised nothing show zeros), with links."""
    base = reverse("admin:credit_riskwarning_changelist")
    described = {rule.code: rule.description for rule in RULES}
    codes = list(described) + sorted(set(figures) - set(described))
    rows = []
    for code in codes:
        f = figures.get(code, {})

        def link(outcome, rule=code):
            params = {"scope": "subtree", "state": "all", "rule_code": rule, "outcome": outcome}
            params.update(raised_from=start.isoformat(), raised_to=end.isoformat())
            return f"{base}?{urlencode(params)}"

        entities, hits = f.get("entities", 0), f.get("hit_entities", 0)
        rate = hits / entities if entities else None
        rows.append(
            {
                "code": code,
                "description": described.get(code, code),
                "raised": (f.get("raised", 0), link("raised")),
                "open": (f.get("open", 0), link("open")),
                "dispositions": [(f.get(f"d_{d.value}", 0), link(d.value)) for d in WarningDisposition],
                "entities": entities,
                "hits": (hits, link("hit")),
                "rate": "-" if rate is None else f"{rate:.1%}",
                "rarely_right": rate is not None and entities >= MIN_ENTITIES_FOR_RATE and rate < LOW_HIT_RATE,
            }
        )
    return rows
