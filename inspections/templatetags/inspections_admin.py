"""The admin home's 待办 panel, 双随机 part (issue 12 §5, issue 17 §6): tasks of plans whose window has
ended still waiting for results; correction orders not yet corrected and targeted inspections (专项检查)
by how close their deadline is. Each count is made with the same selector as the list it links to."""

from django import template
from django.urls import reverse

from core import todo
from core.admin_base import todo_scope
from inspections.closing import overdue_task_q
from inspections.models import CorrectionOrder, InspectionTask, TargetedCheck
from inspections.selectors import correction_deadline_q, plans_visible_to, targeted_check_deadline_q

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def inspections_todo(context):
    """Counts for the plans ``request.user``'s department leads or joins, and its own orders and checks
    (a platform administrator: all)."""
    if (found := todo_scope(context)) is None:
        return {"sections": []}
    request, user, scope = found
    b = todo.bounds(request)
    items = []
    if user.has_perm("inspections.view_inspectiontask"):
        n = InspectionTask.objects.filter(overdue_task_q(), plan__in=plans_visible_to(user).values("pk")).count()
        url = reverse("admin:inspections_inspectiontask_changelist") + "?overdue=yes"
        items.append(
            todo.plain_item(
                key="overdue-tasks",
                label="检查任务：计划检查期间已结束仍未完成（逾期）",
                count=n,
                url=url,
                urgent=n > 0,
            )
        )
    if user.has_perm("inspections.view_correctionorder"):
        counts = todo.group_counts(scope(CorrectionOrder.objects.all()), correction_deadline_q, b)
        url = reverse("admin:inspections_correctionorder_changelist")
        items.append(todo.grouped_item(key="corrections", label="责令改正：尚未改正", counts=counts, url=url))
    if user.has_perm("inspections.view_targetedcheck"):
        counts = todo.group_counts(scope(TargetedCheck.objects.all()), targeted_check_deadline_q, b)
        url = reverse("admin:inspections_targetedcheck_changelist")
        items.append(todo.grouped_item(key="targeted-checks", label="专项检查对象：待检查", counts=counts, url=url))
    return {
        "sections": [{"key": "department", "title": todo.department_title(user), "items": items}],
        "groups": todo.GROUPS,
        "today": b.today,
        "caption": "待办：双随机抽查",
        "panel_id": "inspections-todo",
    }
