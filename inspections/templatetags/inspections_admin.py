"""The admin dashboard's 待办 panel, 双随机 part (issue 12 §5): tasks of plans whose window has ended
(the plan is 已完成) that are still waiting for results, listed as overdue."""

from django import template
from django.urls import reverse

from core.admin_base import due_window, todo_scope
from inspections.closing import overdue_task_q
from inspections.models import InspectionTask
from inspections.selectors import plans_visible_to

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def inspections_todo(context):
    """Counts for the plans ``request.user``'s department leads or joins (a platform administrator: all)."""
    if (found := todo_scope(context)) is None:
        return {"items": []}
    request, user, _scope = found
    if not user.has_perm("inspections.view_inspectiontask"):
        return {"items": []}
    today, _until = due_window(request)
    n = InspectionTask.objects.filter(overdue_task_q(), plan__in=plans_visible_to(request.user).values("pk")).count()
    items = [
        {
            "label": "检查任务：计划检查期间已结束仍未完成（逾期）",
            "count": n,
            "key": "overdue-tasks",
            "detail": "",
            "url": reverse("admin:inspections_inspectiontask_changelist") + "?overdue=yes",
            "urgent": n > 0,
        }
    ]
    return {"items": items, "today": today, "caption": "待办：双随机抽查", "panel_id": "inspections-todo"}
