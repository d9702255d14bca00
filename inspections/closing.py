"""Plans close (issue 12 §5): a plan past its window moves to 已完成, and its unfinished tasks are
overdue (listed in the admin's 待办 panel and raised as warnings by the nightly risk scan).

``plans_close`` is a service (keyword-only, owns its transaction, writes its audit event); the
nightly risk scan runs it through ``inspections.scan_rules.PlanWindowClosed``, so no extra beat job.
It is one conditional UPDATE, so two runs (or a rerun after a crash) close each plan once.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from inspections.choices import PlanState, TaskState
from inspections.models import InspectionPlan, InspectionTask

# A plan in one of these states is still running; past its window it is closed.
OPEN_PLAN_STATES = (PlanState.APPROVED, PlanState.DRAWN, PlanState.IN_PROGRESS)
# A task still waiting for (some of) its results; SUBMITTED and COMPLETED ones are done on site.
UNFINISHED_TASK_STATES = (TaskState.ASSIGNED, TaskState.UNSTAFFED)


@transaction.atomic
def plans_close(*, actor, today: dt.date | None = None) -> list[int]:
    """Move every open plan whose window ended before ``today`` to 已完成; returns their ids."""
    today = today or timezone.localdate()
    due = InspectionPlan.objects.select_for_update(skip_locked=True).filter(
        state__in=OPEN_PLAN_STATES, ends_on__lt=today
    )
    closing = list(due.values_list("pk", flat=True))
    if not closing:
        return []
    InspectionPlan.objects.filter(pk__in=closing, state__in=OPEN_PLAN_STATES).update(state=PlanState.COMPLETED)
    overdue = InspectionTask.objects.filter(overdue_task_q(), plan_id__in=closing).count()
    audit.record(
        actor=actor,
        action="inspection_plan.close",
        target=("inspections.inspectionplan", f"close:{today:%Y-%m-%d}"),
        target_label=f"检查期间已结束的抽查计划 {len(closing)} 个转为已完成，未完成的检查任务 {overdue} 个列为逾期",
        after={"plans": sorted(closing), "overdue_tasks": overdue, "today": today},
    )
    return sorted(closing)


def overdue_task_q() -> Q:
    """A task of a closed plan (past its window) still waiting for results, of the current draw."""
    return Q(plan__state=PlanState.COMPLETED, state__in=UNFINISHED_TASK_STATES, draw__superseded=False)
