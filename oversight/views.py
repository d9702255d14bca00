"""The dashboard at ``/admin/dashboard/`` (issue 17 §2), inside the admin: its base template, breadcrumbs
and login. It reads only the daily figures (``oversight.dashboard``)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from oversight.dashboard import regions_with_figures
from oversight.dashboard_charts import all_charts
from oversight.dashboard_filters import (
    INDUSTRY_SECTIONS,
    DashboardForm,
    can_open,
    department_choices,
    filters_from,
    period_shortcuts,
    viewer_scope,
    yesterday,
)
from oversight.dashboard_links import Linker

TEMPLATE = "admin/oversight/dashboard.html"


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    params.update({k: v for k, v in changes.items()})
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _regions(departments, scope, last) -> list:
    """The region filter's choices: the entities' regions in the figures and the departments' regions, each
    code with the names of the departments there."""
    regions = {code: [] for code in regions_with_figures(last, scope.ids)}
    for d in departments:
        regions.setdefault(d.region_code, []).append(d.short_name or d.name)

    def label(code, names):
        return f"{code}（{'、'.join(names[:2])}{'等' if len(names) > 2 else ''}）" if names else code

    return [(code, label(code, names)) for code, names in sorted(regions.items())]


@require_GET
def dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not can_open(request.user):
        raise PermissionDenied  # an entity's account, or an official without the permission or a department
    scope = viewer_scope(request.user)
    last = yesterday()
    form = DashboardForm(request.GET, scope=scope, last_day=last)
    departments = list(department_choices(scope))
    context = {
        **admin.site.each_context(request),
        "title": "监管数据看板",
        "form": form,
        "scope": scope,
        "departments": departments,
        "regions": _regions(departments, scope, last),
        "industries": sorted(INDUSTRY_SECTIONS.items()),
        "values": {
            k: request.GET.get(k, "") for k in ("start", "end", "department", "region", "industry", "findings_by")
        },
        "charts": [],
    }
    if not form.is_valid():
        context["errors"] = form.error_list()
        return TemplateResponse(request, TEMPLATE, context, status=403 if form.refused else 400)
    f = filters_from(form)
    charts = all_charts(f, Linker(request.user, f))
    context.update(
        {
            "filters": f,
            "charts": charts,
            "chart_specs": [c.spec() for c in charts],
            "shortcuts": [
                (label, _query(request, start=s.isoformat(), end=e.isoformat()), s == f.start and e == f.end)
                for label, s, e in period_shortcuts(last)
            ],
            "findings_toggle": _query(request, findings_by="industry" if f.findings_by == "item" else "item"),
            "subtree_links_note": scope.root is not None and len(f.department_ids or ()) > 1,
        }
    )
    return TemplateResponse(request, TEMPLATE, context)
