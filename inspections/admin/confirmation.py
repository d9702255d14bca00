"""Before and at the draw, in the admin (issue 12 §5): how many entities the plan's scope covers, and
a confirmation page before the draw runs.

- The plan's page and the confirmation page show the total in scope, how many of them the random
  draw ranks (the sampled items' population) and how many each key item covers in full. Counts per
  risk class (A–D) are internal and shown only to a 监督人员 (``inspections.selectors.is_auditor``).
- “录入公开随机数并摇号” asks three times: the public value, then a confirmation page with the figures
  above (POST ``confirm`` to draw), and every refusal of ``commitments.reveal_check`` comes before the
  confirmation page, so nothing is drawn until the official has seen what will be drawn.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import show_refusal
from inspections import commitments, coverage, services
from inspections.forms import RevealForm
from inspections.selectors import is_auditor

UNGRADED = "未评价"


def scope_counts(plan) -> dict:
    """``{"total", "per_class": {class: n}, "sampled", "key": [(item, n)]}``: reads only (no grading)."""
    where, params = services.scope_sql(plan)
    sampled_items, key_items = coverage.plan_items(plan)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(c.risk_class, ''), count(*) FROM supervision_marketentity e "
            f"LEFT JOIN credit_entitycredit c ON c.uscc = e.uscc WHERE {where} GROUP BY 1 ORDER BY 1",
            params,
        )
        per_class = {(risk_class or UNGRADED): n for risk_class, n in cursor.fetchall()}
        sampled = 0
        extra = coverage.sampled_scope(sampled_items)
        if extra is not None:
            cursor.execute(
                f"SELECT count(*) FROM supervision_marketentity e WHERE {where}{extra[0]}", [*params, *extra[1]]
            )
            sampled = cursor.fetchone()[0]
        key = []
        for item in key_items:
            types = coverage.entity_types_of(item.item_version)
            clause, more = (" AND e.entity_type = ANY(%s)", [list(types)]) if types else ("", [])
            cursor.execute(f"SELECT count(*) FROM supervision_marketentity e WHERE {where}{clause}", [*params, *more])
            key.append((item, cursor.fetchone()[0]))
    return {"total": sum(per_class.values()), "per_class": per_class, "sampled": sampled, "key": key}


def scope_summary(plan, *, per_class: bool):
    """The figures as an admin read-only value; per-class counts for a 监督人员 only."""
    counts = scope_counts(plan)
    html = format_html(
        '<p data-scope-total="{}"><strong>抽查范围内共 {} 户市场主体</strong>；适用随机抽查事项、参加摇号的 {} 户（按各类比例抽取）。</p>',
        counts["total"],
        counts["total"],
        counts["sampled"],
    )
    if counts["key"]:
        html = format_html(
            "{}<p>重点监管事项全覆盖（不抽样，不参加摇号）：{}</p>",
            html,
            format_html_join("；", "“{}”{} 户", ((i.item_version.item.name, n) for i, n in counts["key"])),
        )
    if per_class:
        html = format_html(
            "{}<p data-scope-per-class>按信用风险分类（内部信息，仅监督人员可见）：{}</p>",
            html,
            format_html_join("；", "{}类 {} 户", ((c, n) for c, n in counts["per_class"].items())),
        )
    return html


def reveal_action(modeladmin, request, queryset):
    """录入公开随机数并摇号: the value, then a confirmation page (POST ``confirm``), then the draw."""
    plans = modeladmin._led(request, queryset)
    if plans.count() != 1:
        if plans.exists():
            messages.error(request, _("请一次只选择一个计划执行“录入公开随机数并摇号”。"))
        return None
    plan = plans.get()
    applying = "apply" in request.POST
    form = RevealForm(request.POST if applying else None)
    if applying and form.is_valid():
        value = form.cleaned_data["public_value"]
        try:
            commitments.reveal_check(actor=request.user, plan=plan, public_value=value)
            if request.POST.get("confirm") == "1":
                modeladmin._draw(
                    request, commitments.commitment_reveal(actor=request.user, plan=plan, public_value=value)
                )
                messages.success(request, _("已摇号：%(plan)s。") % {"plan": plan})
                return None
        except ValidationError as exc:
            show_refusal(request, exc, f"{plan}：")
            return None
        return _page(modeladmin, request, plan, form, confirming=True)
    return _page(modeladmin, request, plan, form, confirming=False)


def _page(modeladmin, request, plan, form, *, confirming: bool):
    commitment = commitments.open_commitment(plan)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("确认摇号") if confirming else _("录入公开随机数并摇号"),
        "opts": modeladmin.model._meta,
        "plan": plan,
        "form": form,
        "confirming": confirming,
        "public_value": form.cleaned_data["public_value"] if confirming else "",
        "commitment": commitment,
        "scope": scope_summary(plan, per_class=is_auditor(request.user)),
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": [str(plan.pk)],
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/inspections/draw_confirm.html", context)
