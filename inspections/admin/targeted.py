"""专项检查对象 (issue 17 §5): entities put on a department's targeted inspection list, e.g. from a risk
warning (纳入抽查). Added by ``targeted_check_add`` (from the warning's page); 已检查 only through the
action, which calls ``targeted_check_complete``."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    ObjectActionsMixin,
    ScopedAdmin,
    StateFilter,
    ViewOnceSavedMixin,
    coloured,
    intermediate_action,
)
from inspections import services
from inspections.admin.scope import EntityColumns, entity_name_of
from inspections.choices import TargetedCheckState
from inspections.models import TargetedCheck
from inspections.selectors import targeted_check_deadline_q


class CompleteForm(forms.Form):
    inspected_on = forms.DateField(label=_("检查日期"), widget=AdminDateWidget)
    note = forms.CharField(label=_("检查情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class PendingFilter(StateFilter):
    choices_class = TargetedCheckState
    default = TargetedCheckState.PENDING


class TargetedDeadlineFilter(DeadlineFilter):
    deadline_q = staticmethod(targeted_check_deadline_q)


@admin.register(TargetedCheck)
class TargetedCheckAdmin(ViewOnceSavedMixin, EntityColumns, ObjectActionsMixin, ScopedAdmin):
    list_display = (
        "uscc_display",
        "entity_name_display",
        "department",
        "reason",
        "due_display",
        "state",
        "inspected_on",
        "warning_link",
    )
    list_filter = (PendingFilter, TargetedDeadlineFilter)
    list_select_related = ("department",)
    search_fields = ("=entity__uscc",)
    fields = (
        "uscc_display",
        "entity_name_display",
        "department",
        "reason",
        "warning_link",
        "due_display",
        "state",
        "added_by",
        "added_at",
        "inspected_on",
        "outcome_note",
    )
    readonly_fields = fields
    actions = ["complete"]
    action_query = "?state=all"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entity_name=entity_name_of("entity_id"))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("检查期限"), ordering="due_on")
    def due_display(self, obj):
        if obj.due_on is None:
            return "-"
        late = obj.state == TargetedCheckState.PENDING and obj.due_on < timezone.localdate()
        return coloured(f"{obj.due_on:%Y-%m-%d}", "overdue") if late else f"{obj.due_on:%Y-%m-%d}"

    @admin.display(description=_("来源风险预警"))
    def warning_link(self, obj):
        if obj.source_warning_id is None:
            return "-"
        url = reverse("admin:credit_riskwarning_change", args=[obj.source_warning_id])
        return format_html('<a href="{}">风险预警 #{}</a>', url, obj.source_warning_id)

    def object_actions(self, request, obj):
        return [("complete", "登记检查情况")] if obj.state == TargetedCheckState.PENDING else []

    @admin.action(description=_("登记检查情况"), permissions=["change"])
    def complete(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=TargetedCheckState.PENDING),
            form_class=CompleteForm,
            title=_("登记检查情况"),
            single=True,
            refusal_on_form=True,
            apply=lambda c, data: services.targeted_check_complete(
                actor=request.user, check=c, inspected_on=data["inspected_on"], note=data["note"]
            ),
            done=_("已登记检查情况"),
        )
