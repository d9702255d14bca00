"""The pages a successful public credit filing lands on (Post/Redirect/Get, issue 12 §6).

A successful POST of /commitments/new/, /repairs/new/ or /objections/new/ answers 303 here; the
tracking number and query code come from the session, once (core.filing_done); a refresh files
nothing and shows no code.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.filing_done import done_pop, shown_once
from credit.models import CreditCommitment, Objection, RepairApplication
from supervision.selectors import public_entities


def _entity_name(code: str) -> str:
    return public_entities().filter(uscc=code).values_list("name", flat=True).first() or ""


@never_cache
@require_http_methods(["GET"])
def commitment_done(request):
    if (payload := done_pop(request, "commitment")) is None:
        return shown_once(request, title=_("信用承诺已提交"))
    commitment = CreditCommitment.objects.select_related("department").get(pk=payload["pk"])
    context = {
        "commitment": commitment,
        "entity_name": _entity_name(commitment.entity_id),
        "query_code": payload["query_code"],
        "department": commitment.department.name,
    }
    return render(request, "credit/commitment_done.html", context)


@never_cache
@require_http_methods(["GET"])
def repair_done(request):
    if (payload := done_pop(request, "repair")) is None:
        return shown_once(request, title=_("信用修复申请已提交"))
    application = RepairApplication.objects.select_related("department", "record").get(pk=payload["pk"])
    context = {
        "application": application,
        "record": application.record,
        "query_code": payload["query_code"],
        "evidence_count": payload.get("evidence_count", 0),
    }
    return render(request, "credit/repair_done.html", context)


@never_cache
@require_http_methods(["GET"])
def objection_done(request):
    if (payload := done_pop(request, "objection")) is None:
        return shown_once(request, title=_("异议已提交"))
    objection = Objection.objects.select_related("department", "record", "list_entry").get(pk=payload["pk"])
    context = {
        "objection": objection,
        "record": objection.record,
        "entry": objection.list_entry,
        "query_code": payload["query_code"],
        "entity_uscc": objection.entity_id,
    }
    return render(request, "credit/objection_done.html", context)
