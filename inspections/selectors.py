"""Reads that carry a rule: what the public sees of plans, draws and results; an inspector's tasks;
which plans an official sees and acts on in the admin.

Strata of a draw are internal risk classes: the public sees the seed, the population hash, the
counts and the selected entities, never who was in which stratum, nor the population file. For a
``hmac-sha256-v2`` draw it sees the commitment and the public value instead of the seed, and no
strata or per-class figures at all (with the seed they identified high-risk entities, issue 11 §4).

Officials see the 双随机 plans their department leads or takes part in; a platform administrator and a
监督人员 (auditor, issue 11 §4: permission ``inspections.audit_drawcommitment``) see every plan. Only
the lead department (or a platform administrator) acts on a plan; an auditor's role is read-only.
"""

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from core.scoping import department_of, is_platform_admin, scope_to_department
from inspections.choices import (
    PUBLIC_PLAN_STATES,
    RESULT_SEVERITY,
    CorrectionState,
    ResultState,
    TargetedCheckState,
    TaskState,
)
from inspections.models import Draw, DrawCommitment, DrawSelection, InspectionPlan, InspectionResult, InspectionTask
from supervision.models import MarketEntity


def public_plans() -> QuerySet:
    """Approved plans and later (DOMAIN §4: the plan is published)."""
    return InspectionPlan.objects.filter(state__in=PUBLIC_PLAN_STATES).select_related("lead_department")


# A v2 commitment's secret half and its population file (strata = risk classes) never load on a public page.
COMMITMENT_SECRETS = ("seed_share", "population")


def public_draws(plan: InspectionPlan) -> QuerySet:
    """Every draw of a public plan, newest first, redraws included (the old one stays visible)."""
    return (
        Draw.objects.filter(plan=plan, plan__state__in=PUBLIC_PLAN_STATES)
        .select_related("commitment")
        .defer("population", "key_coverage", *(f"commitment__{f}" for f in COMMITMENT_SECRETS))
        .order_by("-drawn_at", "-id")
    )


def public_commitments(plan: InspectionPlan) -> QuerySet:
    """The v2 commitments of a public plan, newest first, without the seed share or the population file."""
    return (
        DrawCommitment.objects.filter(plan=plan, plan__state__in=PUBLIC_PLAN_STATES)
        .defer(*COMMITMENT_SECRETS)
        .order_by("-committed_at", "-id")
    )


def public_selection(draw: Draw) -> QuerySet:
    """The selected entities of a draw without their strata."""
    return DrawSelection.objects.filter(draw=draw).values_list("entity", flat=True).order_by("entity")


def selection_previews(draws, limit: int) -> dict[int, list[tuple[str, str]]]:
    """The first ``limit`` selected entities of each draw, by USCC, as ``{draw_id: [(uscc, name)]}``, in one
    query: the (draw, uscc) pairs of ``public_selection`` with the roster name, never the stratum or the rank.
    The public plan page and the open API show the same preview."""
    previews = {d.pk: [] for d in draws}
    if not previews:
        return previews
    # Rows are keyed by USCC without a join constraint: the name comes by subquery ("" when not in the roster).
    name = Subquery(MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values("name")[:1])
    rows = (
        DrawSelection.objects.filter(draw__in=list(previews))
        .annotate(n=Window(RowNumber(), partition_by=[F("draw_id")], order_by=[F("entity_id").asc()]), name=name)
        .filter(n__lte=limit)
        .order_by("draw_id", "entity_id")
        .values_list("draw_id", "entity_id", "name")
    )
    for draw_id, code, entity_name in rows:
        previews[draw_id].append((code, entity_name or ""))
    return previews


def public_results() -> QuerySet:
    """Published results only."""
    return InspectionResult.objects.filter(state=ResultState.PUBLISHED).select_related("task__plan", "department")


def inspector_tasks(inspector) -> QuerySet:
    """Tasks on whose team this inspector is (the field pages)."""
    return (
        InspectionTask.objects.filter(team__inspector=inspector)
        .exclude(state=TaskState.UNSTAFFED)
        .select_related("plan")
        .distinct()
        .order_by("due_on", "entity")
    )


AUDIT_PERMISSION = "inspections.audit_drawcommitment"


def is_auditor(user) -> bool:
    """监督人员: sees every plan's draws with the v2 seed share and the population file."""
    return bool(user) and user.has_perm(AUDIT_PERMISSION)


def plans_visible_to(user) -> QuerySet:
    """Plans the official's department leads or takes part in; all for a platform admin or an auditor."""
    qs = InspectionPlan.objects.all()
    if is_platform_admin(user) or is_auditor(user):
        return qs
    dept = department_of(user)
    if dept is None:
        return qs.none()
    joined = InspectionPlan.departments.through.objects.filter(department=dept).values("inspectionplan_id")
    return qs.filter(Q(lead_department=dept) | Q(pk__in=joined))


def plans_led_by(user, queryset: QuerySet) -> QuerySet:
    """Of ``queryset``, the plans the official's department leads (only the lead approves and draws)."""
    return scope_to_department(queryset, user, field="lead_department")


def targeted_check_deadline_q(lookup: str, day) -> Q:
    """Pending targeted checks (专项检查对象) whose deadline is ``lookup`` ``day``. A check without a
    deadline counts as later than any: it is in the 待办 panel's 更晚 group (core.todo)."""
    pending = Q(state=TargetedCheckState.PENDING)
    if lookup in ("gt", "gte"):
        return pending & (Q(**{f"due_on__{lookup}": day}) | Q(due_on__isnull=True))
    return pending & Q(**{f"due_on__{lookup}": day})


def correction_deadline_q(lookup: str, day) -> Q:
    """Correction orders (责令改正) not yet corrected (open, or marked 逾期未改正 by the scan) whose
    correction period ends ``lookup`` ``day``."""
    return Q(state__in=[CorrectionState.OPEN, CorrectionState.OVERDUE], **{f"due_on__{lookup}": day})


# Issue 17: a result "with findings" (发现问题) has a category that weighs as a credit record
# (RESULT_SEVERITY); the findings rate of the daily figures and the admin's 发现问题 filter both use it.
FINDING_CATEGORIES = tuple(str(c) for c in RESULT_SEVERITY)


def finding_q(prefix: str = "") -> Q:
    """Results with findings (``prefix`` the path to the result, e.g. ``"results__"``)."""
    return Q(**{f"{prefix}categories__overlap": list(FINDING_CATEGORIES)})
