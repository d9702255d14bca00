"""Who sees which 双随机 plans in the admin (shared by ``inspections.admin`` and ``inspections.admin_commitments``).

Officials see the plans their department leads or takes part in; a platform administrator and a
监督人员 (auditor, issue 11 §4: permission ``inspections.audit_drawcommitment``) see every plan. Only
the lead department (or a platform administrator) acts on a plan; an auditor's role is read-only.
"""

from django.db.models import Q

from inspections.models import InspectionPlan
from supervision.selectors import department_of, is_platform_admin

AUDIT_PERMISSION = "inspections.audit_drawcommitment"


def platform_admin(request) -> bool:
    """Asked once per request (each call is a query)."""
    if not hasattr(request, "_inspections_platform_admin"):
        request._inspections_platform_admin = is_platform_admin(request.user)
    return request._inspections_platform_admin


def auditor(request) -> bool:
    """监督人员: sees every plan's draws with the v2 seed share and the population file."""
    if not hasattr(request, "_inspections_auditor"):
        request._inspections_auditor = request.user.has_perm(AUDIT_PERMISSION)
    return request._inspections_auditor


def plans_visible_to(request):
    """Plans the official's department leads or takes part in; all for a platform admin or an auditor."""
    qs = InspectionPlan.objects.all()
    if platform_admin(request) or auditor(request):
        return qs
    dept = department_of(request.user)
    if dept is None:
        return qs.none()
    joined = InspectionPlan.departments.through.objects.filter(department=dept).values("inspectionplan_id")
    return qs.filter(Q(lead_department=dept) | Q(pk__in=joined))


def plans_led_by(request, queryset):
    """Of ``queryset``, the plans the official's department leads (only the lead approves and draws)."""
    if platform_admin(request):
        return queryset
    dept = department_of(request.user)
    return queryset.filter(lead_department=dept) if dept is not None else queryset.none()
