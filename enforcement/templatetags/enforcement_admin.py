"""The admin home's 待办 panel, enforcement part (issue 17 §6).

- 我的: the open cases I handle (承办), and the cases waiting for my 法制审核 (a 法制审核人员);
- 本部门: every open complaint and every penalty decision waiting for publication, by how close the
  deadline is, and the department's cases waiting for 法制审核.

Each count is made with the same selector as the list it links to (enforcement.selectors through
core.todo), one aggregate query per line.
"""

from django import template
from django.urls import reverse

from core import todo
from core.admin_base import todo_scope
from enforcement.choices import CaseStage
from enforcement.models import Case, Complaint, PenaltyDisclosure
from enforcement.selectors import (
    cases_for_review_q,
    cases_handled_by_q,
    complaint_deadline_q,
    disclosure_deadline_q,
)
from enforcement.services import LEGAL_REVIEWER_ROLE

register = template.Library()


@register.inclusion_tag("admin/core/todo_panel.html", takes_context=True)
def enforcement_todo(context):
    """Counts for ``request.user`` and their department (a platform administrator: all departments)."""
    if (found := todo_scope(context)) is None:
        return {"sections": []}
    request, user, scope = found
    b = todo.bounds(request)
    mine, department = [], []
    cases = reverse("admin:enforcement_case_changelist")
    if user.has_perm("enforcement.view_case"):
        n = scope(Case.objects.filter(cases_handled_by_q(user))).count()
        mine.append(todo.plain_item(key="my-cases", label="我承办的未结案件", count=n, url=f"{cases}?mine=handler"))
        if user.groups.filter(name=LEGAL_REVIEWER_ROLE).exists():
            n = scope(Case.objects.filter(cases_for_review_q(user))).count()
            mine.append(
                todo.plain_item(key="my-reviews", label="待我法制审核的案件", count=n, url=f"{cases}?mine=review")
            )
    if user.has_perm("enforcement.view_complaint"):
        counts = todo.group_counts(scope(Complaint.objects.all()), complaint_deadline_q, b)
        url = reverse("admin:enforcement_complaint_changelist")
        department.append(todo.grouped_item(key="complaints", label="投诉举报：待办结", counts=counts, url=url))
    if user.has_perm("enforcement.view_case"):
        n = scope(Case.objects.filter(stage=CaseStage.LEGAL_REVIEW)).count()
        department.append(
            todo.plain_item(
                key="legal-review", label="执法案件：待法制审核", count=n, url=f"{cases}?stage={CaseStage.LEGAL_REVIEW}"
            )
        )
    if user.has_perm("enforcement.view_penaltydisclosure"):
        # 国办发〔2018〕118号: published within 7 working days of the decision.
        counts = todo.group_counts(scope(PenaltyDisclosure.objects.all()), disclosure_deadline_q, b)
        url = reverse("admin:enforcement_penaltydisclosure_changelist")
        department.append(
            todo.grouped_item(
                key="late-disclosures", label="行政处罚决定：待公示（7个工作日内）", counts=counts, url=url
            )
        )
    return {
        "sections": [
            {"key": "mine", "title": "我的", "items": mine},
            {"key": "department", "title": todo.department_title(user), "items": department},
        ],
        "groups": todo.GROUPS,
        "today": b.today,
        "caption": "待办：执法监管",
        "panel_id": "enforcement-todo",
    }
