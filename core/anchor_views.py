"""The public page of the audit chain's daily heads (/audit/anchors/, issue 11 §3).

Anyone may copy these heads: once a head is public, rewriting the chain before it shows.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.models import AuditAnchor

DAYS_PER_PAGE = 31


@require_GET
def audit_anchors(request):
    """The last anchor of each day (Asia/Shanghai), newest day first."""
    daily = (
        AuditAnchor.objects.order_by("-day", "-anchored_at")
        .distinct("day")
        .only("event_id", "event_hash", "anchored_at", "day")
    )
    page = Paginator(daily, DAYS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "public/audit_anchors.html", {"page": page})
