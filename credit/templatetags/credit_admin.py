"""The admin home's 待办 panel, credit part (issue 17 §6): every open objection and list-exit application
by how close its deadline is, repairs to review, overdue commitments and open warnings.

Each count is made with the same selector as the list it links to (``objection_deadline_q`` and
``exit_deadline_q`` through core.todo, the warnings inbox's own filter), so a number and its list agree;
one aggregate query per line.
"""

from django import template
from django.urls import reverse

from core import todo
from core.admin_base import todo_scope
from credit.choices import RepairState, WarningState
from credit.models import CreditCommitment, ListExitApplication, Objection, RepairApplication, RiskWarning
from credit.selectors import commitment_overdue_q, exit_deadline_q, objection_deadline_q

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def credit_todo(context):
    """Counts for ``request.user``'s department (a platform administrator: all departments)."""
    if (found := todo_scope(context)) is None:
        return {"sections": []}
    request, user, scope = found
    b = todo.bounds(request)
    items = []
    if user.has_perm("credit.view_objection"):
        counts = todo.group_counts(scope(Objection.objects.all()), objection_deadline_q, b)
        url = reverse("admin:credit_objection_changelist")
        items.append(todo.grouped_item(key="objections", label="异议申诉：待受理或待办结", counts=counts, url=url))
    if user.has_perm("credit.view_listexitapplication"):
        counts = todo.group_counts(scope(ListExitApplication.objects.all()), exit_deadline_q, b)
        url = reverse("admin:credit_listexitapplication_changelist")
        items.append(todo.grouped_item(key="list-exits", label="移出名单申请：待决定", counts=counts, url=url))
    if user.has_perm("credit.view_repairapplication"):
        n = scope(RepairApplication.objects.filter(state=RepairState.SUBMITTED)).count()
        url = reverse("admin:credit_repairapplication_changelist")
        items.append(todo.plain_item(key="repairs", label="信用修复申请：待审核", count=n, url=url))
    if user.has_perm("credit.view_creditcommitment"):
        n = scope(CreditCommitment.objects.filter(commitment_overdue_q(b.today))).count()
        url = reverse("admin:credit_creditcommitment_changelist") + "?overdue=yes"
        items.append(todo.plain_item(key="commitments", label="信用承诺：已过履约期限仍在履约中", count=n, url=url))
    if user.has_perm("credit.view_riskwarning"):
        # The inbox's default view: the department's own open warnings (credit.admin.scans).
        n = scope(RiskWarning.objects.filter(state=WarningState.OPEN)).count()
        url = reverse("admin:credit_riskwarning_changelist") + "?scope=mine&state=open"
        items.append(todo.plain_item(key="warnings", label="风险预警：待处置", count=n, url=url))
    return {
        "sections": [{"key": "department", "title": todo.department_title(user), "items": items}],
        "groups": todo.GROUPS,
        "today": b.today,
        "caption": "待办：信用监管",
        "panel_id": "credit-todo",
    }
