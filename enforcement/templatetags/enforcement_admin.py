"""The admin dashboard's 待办 panel, enforcement part: complaints near their deadline, cases waiting
for 法制审核, and penalties whose publication deadline has passed."""

from django import template
from django.db.models import Count
from django.urls import reverse

from core.admin_base import due_window, todo_scope
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import Case, Complaint, PenaltyDisclosure
from enforcement.selectors import complaint_deadline_q

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def enforcement_todo(context):
    """Counts for ``request.user``'s department (a platform administrator: all departments)."""
    if (found := todo_scope(context)) is None:
        return {"items": []}
    request, user, scope = found
    today, until = due_window(request)
    items = []
    if user.has_perm("enforcement.view_complaint"):
        # The same filter as the list it links to (ComplaintDeadlineFilter), so the number and the list agree.
        counts = scope(Complaint.objects.filter(complaint_deadline_q("lte", until))).aggregate(
            due=Count("id"), overdue=Count("id", filter=complaint_deadline_q("lt", today))
        )
        items.append(
            {
                "label": "投诉举报：1个工作日内到期或已逾期",
                "count": counts["due"],
                "key": "complaints",
                "detail": f"其中已逾期 {counts['overdue']} 件" if counts["overdue"] else "",
                "url": reverse("admin:enforcement_complaint_changelist") + "?deadline=due",
                "urgent": counts["overdue"] > 0,
            }
        )
    if user.has_perm("enforcement.view_case"):
        n = scope(Case.objects.filter(stage=CaseStage.LEGAL_REVIEW)).count()
        items.append(
            {
                "label": "执法案件：待法制审核",
                "count": n,
                "key": "legal-review",
                "detail": "",
                "url": reverse("admin:enforcement_case_changelist") + f"?stage={CaseStage.LEGAL_REVIEW}",
                "urgent": False,
            }
        )
    if user.has_perm("enforcement.view_penaltydisclosure"):
        # 国办发〔2018〕118号: published within 7 working days; anything still pending past its date is late.
        n = scope(PenaltyDisclosure.objects.filter(state=DisclosureState.PENDING, publish_due_on__lt=today)).count()
        items.append(
            {
                "label": "行政处罚决定：超过7个工作日仍未公示",
                "count": n,
                "key": "late-disclosures",
                "detail": "",
                "url": reverse("admin:enforcement_penaltydisclosure_changelist") + "?state__exact=pending",
                "urgent": n > 0,
            }
        )
    return {"items": items, "today": today, "caption": "待办：执法监管", "panel_id": "enforcement-todo"}
