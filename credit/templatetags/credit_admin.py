"""The admin dashboard's 待办 panel: what the official's department has to do now.

Counted with the same filters as the lists the panel links to, so a number and its list agree.
"""

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from core.admin_base import due_window, todo_scope
from credit.choices import RepairState, WarningState
from credit.models import CreditCommitment, Objection, RepairApplication, RiskWarning
from credit.selectors import commitment_overdue_q, objection_deadline_q

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def credit_todo(context):
    """Counts for ``request.user``'s department (a platform administrator: all departments)."""
    if (found := todo_scope(context)) is None:
        return {"items": []}
    request, user, scope = found
    today, until = due_window(request)
    items = []
    if user.has_perm("credit.view_objection"):
        counts = scope(Objection.objects.filter(objection_deadline_q("lte", until))).aggregate(
            due=Count("id"), overdue=Count("id", filter=objection_deadline_q("lt", today))
        )
        items.append(
            {
                "label": "异议申诉：1个工作日内到期或已逾期",
                "count": counts["due"],
                "key": "objections",
                "detail": f"其中已逾期 {counts['overdue']} 件" if counts["overdue"] else "",
                "url": reverse("admin:credit_objection_changelist") + "?deadline=due",
                "urgent": counts["overdue"] > 0,
            }
        )
    if user.has_perm("credit.view_repairapplication"):
        n = scope(RepairApplication.objects.filter(state=RepairState.SUBMITTED)).count()
        items.append(
            {
                "label": "信用修复申请：待审核",
                "count": n,
                "key": "repairs",
                "detail": "",
                "url": reverse("admin:credit_repairapplication_changelist"),
                "urgent": False,
            }
        )
    if user.has_perm("credit.view_creditcommitment"):
        n = scope(CreditCommitment.objects.filter(commitment_overdue_q(today))).count()
        items.append(
            {
                "label": "信用承诺：已过履约期限仍在履约中",
                "count": n,
                "key": "commitments",
                "detail": "",
                "url": reverse("admin:credit_creditcommitment_changelist") + "?overdue=yes",
                "urgent": False,
            }
        )
    if user.has_perm("credit.view_riskwarning"):
        n = scope(RiskWarning.objects.filter(Q(state=WarningState.OPEN))).count()
        items.append(
            {
                "label": "风险预警：待处理",
                "count": n,
                "key": "warnings",
                "detail": "",
                "url": reverse("admin:credit_riskwarning_changelist"),
                "urgent": False,
            }
        )
    return {"items": items, "today": today}
