"""The admin home's 待办 panel, 督办 part (issue 17 §4, §6), on both sides:

- 我的: answers to the 督办 I issued, waiting for my review (办结 or 退回);
- 本部门: 督办 pressing my department, by how close the answer deadline is (overdue marked), and 督办
  my department issued that still wait for the other side's answer.

Each count is made with the same selector as the list it links to (oversight.directives through
core.todo), one aggregate query per line.
"""

from django import template
from django.urls import reverse

from core import todo
from core.admin_base import todo_scope
from oversight.directives import directive_deadline_q, directives_visible_to, inbox_q, issued_q, review_q

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def oversight_todo(context):
    if (found := todo_scope(context)) is None:
        return {"sections": []}
    request, user, _scope = found
    if not user.has_perm("oversight.view_directive"):
        return {"sections": []}
    b = todo.bounds(request)
    url = reverse("admin:oversight_directive_changelist")
    visible = directives_visible_to(user)
    mine = [
        todo.plain_item(
            key="directive-review",
            label="我发出的督办：答复待我审核",
            count=visible.filter(review_q(user)).count(),
            url=f"{url}?side=review",
        )
    ]
    department = []
    if user.department_id is not None:
        counts = todo.group_counts(visible.filter(inbox_q(user)), directive_deadline_q, b)
        department.append(
            todo.grouped_item(key="directive-inbox", label="督办：待本部门答复", counts=counts, url=f"{url}?side=inbox")
        )
    counts = todo.group_counts(visible.filter(issued_q(user)), directive_deadline_q, b)
    department.append(
        todo.grouped_item(
            key="directive-issued", label="本部门发出的督办：待对方答复", counts=counts, url=f"{url}?side=issued"
        )
    )
    return {
        "sections": [
            {"key": "mine", "title": "我的", "items": mine},
            {"key": "department", "title": "本部门", "items": department},
        ],
        "groups": todo.GROUPS,
        "today": b.today,
        "caption": "待办：督办",
        "panel_id": "oversight-todo",
    }
