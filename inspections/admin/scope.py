"""Pieces every 双随机 admin page shares: the plan and draw filters, offering only what the official
may see (``inspections.selectors.plans_visible_to``), the entity columns and links between records."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from inspections.choices import PlanState
from inspections.models import Draw
from inspections.selectors import plans_visible_to
from supervision.models import MarketEntity


def entity_name_of(ref: str):
    """The roster name of the USCC in ``ref``, without a join that would drop codes not in the roster."""
    return Subquery(MarketEntity.objects.filter(uscc=OuterRef(ref)).values("name")[:1])


class EntityColumns:
    """The USCC and the roster name (annotated as ``entity_name``) of a row's entity."""

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id if hasattr(obj, "entity_id") else obj.task.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return getattr(obj, "entity_name", None) or _("（名录库中暂无）")


def admin_link(model_name: str, pk, text) -> str:
    if pk is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(f"admin:inspections_{model_name}_change", args=[pk]), text)


def strata_text(strata) -> str:
    """``A：812户，抽 9`` per stratum (internal: strata are risk classes)."""
    rows = [(s["stratum"], s["size"], s["ratio"], s["selected"]) for s in strata or []]
    if not rows:
        return "-"
    return format_html_join("；", "{}类 {} 户 × {} → 抽 {} 户", rows)


class ScopedPlanFilter(admin.SimpleListFilter):
    """Filter by plan, offering only the plans the official may see."""

    title = _("抽查计划")
    parameter_name = "plan"
    lookup = "plan_id"

    def lookups(self, request, model_admin):
        plans = plans_visible_to(request.user).exclude(state=PlanState.DRAFT).order_by("-year", "-id")[:50]
        return [(str(p.pk), str(p)) for p in plans]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup: int(value)})
        return queryset


class ScopedDrawFilter(admin.SimpleListFilter):
    title = _("摇号")
    parameter_name = "draw"

    def lookups(self, request, model_admin):
        draws = (
            Draw.objects.filter(plan__in=plans_visible_to(request.user).values("pk"))
            .select_related("plan")
            .defer("population")[:50]
        )
        return [(str(d.pk), f"#{d.pk} {d.plan.name}{'（已被取代）' if d.superseded else ''}") for d in draws]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(draw_id=int(value)) if value and value.isdigit() else queryset
