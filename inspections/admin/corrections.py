"""责令改正 in the admin: made by ``result_submit``; 已改正 only through the action. An order belongs to
the department that entered the result."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_base import ObjectActionsMixin, ScopedAdmin, ViewOnceSavedMixin, coloured, intermediate_action
from inspections import services
from inspections.admin.scope import EntityColumns, admin_link, entity_name_of
from inspections.choices import CorrectionState
from inspections.forms import CorrectedForm
from inspections.models import CorrectionOrder


@admin.register(CorrectionOrder)
class CorrectionOrderAdmin(ViewOnceSavedMixin, EntityColumns, ObjectActionsMixin, ScopedAdmin):
    """责令改正: made by ``result_submit``; 已改正 only through the action."""

    list_display = (
        "uscc_display",
        "entity_name_display",
        "department",
        "due_on_display",
        "state",
        "corrected_on",
        "result_link",
    )
    list_filter = ("state",)
    search_fields = ("=entity__uscc",)
    list_select_related = ("department",)
    actions = ["mark_corrected"]
    list_per_page = 50
    fields = (
        "result_link",
        "uscc_display",
        "entity_name_display",
        "department",
        "due_on_display",
        "state",
        "corrected_on",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entity_name=entity_name_of("entity_id"))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("改正期限"), ordering="due_on")
    def due_on_display(self, obj):
        if obj.state != CorrectionState.CORRECTED and obj.due_on < timezone.localdate():
            return coloured(f"{obj.due_on}（已逾期）", "overdue")
        return str(obj.due_on)

    @admin.display(description=_("检查结果"))
    def result_link(self, obj):
        return admin_link("inspectionresult", obj.result_id, f"检查结果 #{obj.result_id}")

    def object_actions(self, request, obj):
        return [("mark_corrected", _("标记已改正"))] if obj.state != CorrectionState.CORRECTED else []

    @admin.action(description=_("标记已改正"), permissions=["change"])
    def mark_corrected(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CorrectedForm,
            title=_("标记已改正"),
            done=_("已标记改正"),
            submit=_("确认已改正"),
            initial={"corrected_on": timezone.localdate()},
            note=_("标记已改正后不再因逾期未改正列入经营异常名录；操作记入审计日志。"),
            apply=lambda order, data: services.correction_mark_corrected(
                actor=request.user, order=order, corrected_on=data["corrected_on"]
            ),
        )
