"""Task list filters for the admin (issue 12 §5): overdue tasks of closed plans, and why a task exists
(drawn, or only for a key item's full coverage). Kept out of ``inspections/admin.py`` (size)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inspections.closing import overdue_task_q


class OverdueTaskFilter(admin.SimpleListFilter):
    """The 待办 panel links here with ``?overdue=yes``: the same rule counts and lists."""

    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("计划已结束仍未完成（逾期）"))]

    def queryset(self, request, queryset):
        return queryset.filter(overdue_task_q()) if self.value() == "yes" else queryset
