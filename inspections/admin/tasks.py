"""检查任务 in the admin: made by the draw, read-only, with their team and results; results are entered
through “录入检查结果”. The list filters: overdue tasks of closed plans (issue 12 §5), and why a task
exists (drawn, or only for a key item's full coverage)."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin, coloured
from core.admin_drill import DrillLookupsMixin
from core.scoping import department_of
from inspections.admin.scope import EntityColumns, ScopedPlanFilter, admin_link, entity_name_of
from inspections.choices import TaskState
from inspections.closing import overdue_task_q
from inspections.models import InspectionResult, InspectionTask, TeamMember
from inspections.selectors import plans_visible_to


class OverdueTaskFilter(admin.SimpleListFilter):
    """The 待办 panel links here with ``?overdue=yes``: the same rule counts and lists."""

    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("计划已结束仍未完成（逾期）"))]

    def queryset(self, request, queryset):
        return queryset.filter(overdue_task_q()) if self.value() == "yes" else queryset


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    can_delete = False
    fields = ("inspector", "certificate_no", "department", "digest", "repeat_reason", "confirmed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("inspector", "department")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("执法证号"))
    def certificate_no(self, obj):
        return obj.inspector.certificate_no


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    can_delete = False
    fields = (
        "result_link",
        "department",
        "categories_display",
        "inspected_on",
        "state",
        "publish_due_on",
        "published_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("检查结果"))
    def result_link(self, obj):
        return admin_link("inspectionresult", obj.pk, f"#{obj.pk}")

    @admin.display(description=_("结果类别"))
    def categories_display(self, obj):
        return "、".join(obj.category_labels())


@admin.register(InspectionTask)
class InspectionTaskAdmin(DrillLookupsMixin, EntityColumns, ReadOnlyAdmin):
    """Tasks are made by the draw; results are entered through “录入检查结果”."""

    list_display = (
        "uscc_display",
        "entity_name_display",
        "plan",
        "due_on",
        "state_display",
        "team_size",
        "unstaffed_reason",
    )
    list_filter = (ScopedPlanFilter, "state", OverdueTaskFilter, "drawn")
    # Issue 17 §2: the dashboard's drill-down (entities drawn, per lead department, draw day, region, industry).
    drill_lookups = (
        "plan__lead_department__id__in",
        "draw__drawn_at__date__gte",
        "draw__drawn_at__date__lte",
        "entity__region_code",
        "entity__industry_code__startswith",
    )
    search_fields = ("=entity__uscc",)
    list_select_related = ("plan",)
    inlines = [TeamInline, ResultInline]
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "plan",
        "draw_link",
        "uscc_display",
        "entity_name_display",
        "due_on",
        "state_display",
        "unstaffed_reason_display",
        "items_display",
        "result_entry",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        dept = department_of(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(plan__in=plans_visible_to(request.user).values("pk"))
            .annotate(
                entity_name=entity_name_of("entity_id"),
                team_size_value=Count("team"),
                my_team=Exists(TeamMember.objects.filter(task=OuterRef("pk"), department=dept)),
                my_result=Exists(InspectionResult.objects.filter(task=OuterRef("pk"), department=dept)),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    @admin.display(description=_("状态"), ordering="state")
    def state_display(self, obj):
        if obj.state == TaskState.UNSTAFFED:
            return coloured(obj.get_state_display(), "overdue")
        return obj.get_state_display()

    @admin.display(description=_("检查组人数"))
    def team_size(self, obj):
        return getattr(obj, "team_size_value", None)

    @admin.display(description=_("未配齐人员原因"))
    def unstaffed_reason_display(self, obj):
        return coloured(obj.unstaffed_reason, "overdue") if obj.unstaffed_reason else "-"

    @admin.display(description=_("摇号"))
    def draw_link(self, obj):
        return admin_link("draw", obj.draw_id, f"摇号 #{obj.draw_id}")

    @admin.display(description=_("本任务的检查事项（只含适用于该主体的事项；进一次门、查多项事）"))
    def items_display(self, obj):
        items = obj.items.select_related("item_version__item", "department").order_by(
            "department__code", "pk"
        )  # issue 12 §5
        rows = [
            (
                i.department.short_name or i.department.name,
                f"{i.item_version.item}{'（重点监管全覆盖）' if i.item_version.is_key else ''}",
                i.item_version.version,
            )
            for i in items
        ]
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>", format_html_join("", "<li>{}：{}（第 {} 版）</li>", rows)
        )

    @admin.display(description=_("录入本部门检查结果"))
    def result_entry(self, obj):
        if obj.state == TaskState.UNSTAFFED:
            return _("未配齐检查人员，不能录入结果")
        if not getattr(obj, "my_team", False):
            return _("本部门不在该任务的检查组中")
        if getattr(obj, "my_result", False):
            return _("本部门已录入")
        url = reverse("admin:inspections_inspectionresult_add") + f"?task={obj.pk}"
        return format_html('<a class="button" href="{}">录入检查结果</a>', url)
