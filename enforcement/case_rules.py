"""Who may move a case, and when a decision may follow the 告知 (issue 12 §6, DOMAIN §5).

Reads only: the services call these guards, and the admin asks them which buttons to show.

- Only the case's handlers (承办人员: certified officers whose roster entry is linked to the login,
  ``Inspector.user``) or a 部门负责人 of the case's department move a case. Tasks and imports (an actor
  that is not a logged-in user) act for the platform and are not asked.
- After the 告知书 is served the party has the working days of the ``party_answer`` deadline rule (5) to state, defend
  or ask for a hearing; no decision is issued before they have passed, unless the party's written
  waiver or its statement is recorded. A hearing request holds the decision until the 听证笔录 is filed.
"""

import datetime as dt

from django.core.exceptions import ValidationError

from core.choices import Role
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import Inspector

DEPARTMENT_HEAD_ROLE = Role.DEPARTMENT_HEAD.value


def is_department_head(user, department) -> bool:
    """A 部门负责人 of ``department`` (the role alone is not enough: it is the head of their own department)."""
    if not getattr(user, "is_authenticated", False) or department is None:
        return False
    if getattr(user, "department_id", None) != department.pk:
        return False
    cached = getattr(user, "_enforcement_head", None)
    if cached is None:
        cached = user._enforcement_head = user.groups.filter(name=DEPARTMENT_HEAD_ROLE).exists()
    return cached


def handles_case(user, case) -> bool:
    """Is ``user`` the login of one of the case's handlers?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return Inspector.objects.filter(user=user, pk__in=case.handler_links.values("inspector")).exists()


def may_move_case(user, case) -> bool:
    return handles_case(user, case) or is_department_head(user, case.department)


def check_may_move(actor, case) -> None:
    """Refuse an official who is neither a handler of the case nor the department's 部门负责人."""
    if not getattr(actor, "is_authenticated", False):
        return  # a task, an import or a test acting for the platform
    if not may_move_case(actor, case):
        names = "、".join(
            case.handler_links.order_by("-is_lead", "inspector__name").values_list("inspector__name", flat=True)
        )
        raise ValidationError(f"只有本案的承办人员（{names}）或{case.department.name}的部门负责人可以办理本案")


# --- the party's time to answer (陈述、申辩、听证) ---------------------------------------------------


def answer_deadline(case) -> deadlines.Due | None:
    """The last day of the party's answer period (the 5th working day after service), or None before service.
    《行政处罚法》第六十四条第（一）项; 《市场监督管理行政处罚程序规定》: 5 working days of silence are a waiver."""
    if case.notice_served_on is None:
        return None
    return deadlines.due(DeadlineKind.PARTY_ANSWER, case.notice_served_on, department=case.department_id)


def earliest_decision_day(case) -> dt.date | None:
    """The first day a decision may be issued on: the day after the answer period, or at once when the
    party waived in writing or stated its case (None while a hearing is pending or before service)."""
    if case.notice_served_on is None or (case.hearing_requested_on and not case.hearing_record_on):
        return None
    if case.hearing_record_on:
        return case.hearing_record_on
    answered = [d for d in (case.rights_waived_on, case.statement_on) if d]
    if answered:
        return min(answered)
    return answer_deadline(case).date + dt.timedelta(days=1)


def decision_wait_problem(case, *, today: dt.date, decided_on: dt.date) -> str | None:
    """Why no decision may be issued yet on ``case`` (None when it may)."""
    if case.notice_served_on is None:
        return (
            "尚未登记《行政处罚告知书》的送达日期，不能作出处罚决定（须先告知当事人并给予陈述、申辩和要求听证的期限）"
        )
    if case.hearing_requested_on and not case.hearing_record_on:
        return (
            f"当事人已于{case.hearing_requested_on}申请听证：须在听证结束、听证笔录归档后方可作出处罚决定"
            "（《行政处罚法》第六十四条）"
        )
    earliest = earliest_decision_day(case)
    if today >= earliest and decided_on >= earliest:
        return None
    if case.hearing_record_on:
        return f"决定日期不能早于听证笔录归档日期（{case.hearing_record_on}）"
    if case.rights_waived_on or case.statement_on:
        return f"决定日期不能早于当事人放弃权利或陈述申辩的日期（{earliest}）"
    deadline = answer_deadline(case)
    return (
        f"《行政处罚告知书》于{case.notice_served_on}送达，当事人可在{deadline.rule.working_days}个工作日内（至{deadline}）"
        f"陈述、申辩或者要求听证，最早可于{earliest}作出处罚决定（《行政处罚法》第六十四条）。"
        "当事人已书面放弃陈述申辩和听证权利或已陈述申辩的，请先登记"
    )
