"""Credit checks (信用核查) and the grades: each entity's current grade and its history. Read-only.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    LargeListMixin,
    ReadOnlyAdmin,
    UsccSearchMixin,
)
from core.admin_drill import DrillLookupsMixin
from credit.admin.common import (
    entity_name_column,
    reasons_list,
    uscc_column,
    with_entity_name,
)
from credit.models import (
    CreditCheck,
    EntityCredit,
    GradeHistory,
)
from credit.selectors import checks_visible_to
from supervision.models import MarketEntity
from supervision.selectors import entity_search

# --- checks, grades -----------------------------------------------------------------------------------


@admin.register(CreditCheck)
class CreditCheckAdmin(LargeListMixin, UsccSearchMixin, ReadOnlyAdmin):
    """逢办必查 log: checks by the official's own systems, and who checked their entities."""

    list_display = (
        "checked_at",
        uscc_column,
        entity_name_column,
        "purpose",
        "department",
        "client",
        "checked_by",
        "found",
        "grade",
        "measures_display",
    )
    list_filter = ("found", "grade")
    search_fields = ("purpose",)
    search_help_text = _("按统一社会信用代码（18位）或办理事项搜索")
    text_search_fields = ("purpose",)
    list_per_page = 50

    def get_queryset(self, request):
        return with_entity_name(checks_visible_to(request.user).select_related("checked_by"))

    @admin.display(description=_("适用措施"))
    def measures_display(self, obj):
        return "、".join(obj.measures or []) or "-"


@admin.register(EntityCredit)
class EntityCreditAdmin(DrillLookupsMixin, LargeListMixin, ReadOnlyAdmin):
    """Grade, score, reasons and the internal risk class (officials only; never public)."""

    list_display = (
        uscc_column,
        entity_name_column,
        "grade",
        "score",
        "risk_class",
        "improves_on",
        "model",
        "changed_at",
    )
    ordering = ("entity_id",)  # the column itself: ordering by the relation would join the roster
    list_filter = ("grade", "risk_class")
    # Issue 17 §2: the dashboard's drill-down (entities by grade, per registration department, region, industry).
    drill_lookups = (
        "entity__registration_authority__id__in",
        "entity__region_code",
        "entity__industry_code__startswith",
    )
    search_fields = ("entity__uscc",)
    search_help_text = _("按统一社会信用代码（全部或前几位）或主体名称搜索")
    list_select_related = ("model",)
    list_per_page = 50
    fields = (
        "uscc_display",
        "entity_name_display",
        "grade",
        "score",
        "reasons_display",
        "improves_on",
        "risk_class",
        "model",
        "changed_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(
            entity_id__in=entity_search(search_term, MarketEntity.objects.all()).values("uscc")
        ), False

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    @admin.display(description=_("评价理由"))
    def reasons_display(self, obj):
        return reasons_list(obj.reasons)


@admin.register(GradeHistory)
class GradeHistoryAdmin(LargeListMixin, UsccSearchMixin, ReadOnlyAdmin):
    list_display = (uscc_column, entity_name_column, "changed_at", "grade", "score", "model")
    ordering = ("-changed_at", "-id")
    list_filter = ("grade",)
    search_fields = ("model__note",)
    search_help_text = _("按统一社会信用代码（全部或前几位）搜索")
    list_select_related = ("model",)
    list_per_page = 50
    fields = ("uscc_display", "changed_at", "grade", "score", "reasons_display", "model")
    readonly_fields = fields

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("评价理由"))
    def reasons_display(self, obj):
        return reasons_list(obj.reasons)
