"""The public rulebook pages (明规矩于前, issue 15 §7): /rules/, a department's rules, one item, the
joint measures catalogue. They read only through opendata.rulebook."""

from itertools import groupby

from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import PublicHttp404
from credit.choices import ListType, MeasureKind, PenaltyType
from opendata import rulebook


def rules_index(request):
    """The departments that publish rules, with what each publishes, and the measures catalogue."""
    # The departments with the most rules first: a newcomer looks for 市场监督管理局 before the others.
    departments = sorted(rulebook.rule_departments(), key=lambda d: -(d.item_count + d.benchmark_count))
    return render(
        request,
        "opendata/rules_index.html",
        {"departments": departments, "measure_count": rulebook.public_measures().count()},
    )


def _item_view(item, day):
    current = rulebook.in_force_version(item, day)
    upcoming = rulebook.upcoming_versions(item, day)
    shown = current or (upcoming[0] if upcoming else None)
    return {
        "item": item,
        "version": shown,
        "ratio": rulebook.percent(shown.default_ratio) if shown else "",
        "in_force": current is not None,
        "upcoming": [
            {
                "version": v,
                "changes": rulebook.version_changes(current, v) if current is not None else [],
            }
            for v in upcoming
            if v is not shown
        ],
        "checklists": item.public_checklists,
    }


def yuan(value) -> str:
    """A fine in yuan with thousands separators, without a zero fraction: 5,000 or 1,234.50."""
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _benchmark_view(standard, day):
    labels = dict(PenaltyType.choices)
    return {
        "standard": standard,
        "status": rulebook.status_on(standard.effective_from, standard.effective_to, day),
        "ranges": [
            {"code": code, "label": label, "min": yuan(low), "max": yuan(high)}
            for code, label, low, high in (
                ("lighter", _("从轻"), standard.lighter_min, standard.lighter_max),
                ("general", _("一般"), standard.general_min, standard.general_max),
                ("heavier", _("从重"), standard.heavier_min, standard.heavier_max),
            )
        ],
        "heavy_types": [str(labels.get(t, t)) for t in standard.heavy_penalty_types],
    }


def rules_department(request, code: str):
    """One department's items (main items with their sub-items), checklists and benchmarks."""
    department = rulebook.rule_department(code)
    if department is None:
        raise PublicHttp404(_("未找到该部门的监管规则"))
    day = rulebook.today()
    items = list(rulebook.public_items(day, department))
    views = {item.pk: _item_view(item, day) for item in items}
    # Main items with their sub-items under them; a sub-item whose main item is not listed stands alone.
    groups, children = [], {}
    for item in items:
        if item.parent_id is not None and item.parent_id in views:
            children.setdefault(item.parent_id, []).append(views[item.pk])
    for item in items:
        if item.parent_id is None or item.parent_id not in views:
            groups.append({"main": views[item.pk], "subs": children.get(item.pk, [])})
    benchmarks = [_benchmark_view(s, day) for s in rulebook.public_benchmarks(day, department)]
    context = {
        "department": department,
        "groups": groups,
        "item_count": len(items),
        "checklist_count": sum(len(i.public_checklists) for i in items),
        "benchmarks": benchmarks,
        "today": day,
    }
    return render(request, "opendata/rules_department.html", context)


def rules_item(request, catalogue_code: str):
    """One item: its version in force, announced versions, the history of versions with what changed,
    its checklists and its sub-items. The stable page other pages link to (a plan links ``#v<n>``)."""
    item = rulebook.public_item(catalogue_code)
    if item is None:
        raise PublicHttp404(_("未找到该监管事项"))
    day = rulebook.today()
    view = _item_view(item, day)
    context = {
        **view,
        "view": view,
        "versions": rulebook.version_views(item, day),
        "children": item.public_children,
        "ended": view["version"] is None,
        "today": day,
    }
    return render(request, "opendata/rules_item.html", context)


def rules_measures(request):
    """The joint reward and punishment measures catalogue (联合奖惩措施清单), by kind."""
    list_labels = dict(ListType.choices)
    kind_labels = dict(MeasureKind.choices)
    measures = list(rulebook.public_measures())
    for m in measures:
        m.list_labels = [str(list_labels.get(t, t)) for t in m.list_types or []]
    groups = [
        {"kind": kind, "label": kind_labels.get(kind, kind), "measures": list(rows)}
        for kind, rows in groupby(measures, key=lambda m: m.kind)
    ]
    return render(request, "opendata/rules_measures.html", {"groups": groups, "count": len(measures)})
