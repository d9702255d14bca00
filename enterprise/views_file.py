"""The entity's own file (issue 14 §2): credit file, inspections, complaints, filings and credit checks.

Read-only pages. Every read is an ``enterprise.selectors`` function of ``request.entity``; a filing
of another entity is a 404, like one that does not exist.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from enterprise import selectors
from enterprise.access import entity_required


def _page(request, template: str, nav: str, **context):
    return render(
        request,
        f"enterprise/{template}.html",
        {"entity": request.entity, "account": request.account, "nav": nav, "today": timezone.localdate(), **context},
    )


@require_safe
@entity_required
def credit_file(request):
    today = timezone.localdate()
    entity = request.entity
    return _page(
        request,
        "file",
        "file",
        credit=selectors.file_credit(entity),
        history=selectors.file_grade_history(entity),
        records=selectors.file_records(entity, today),
        entries=selectors.file_list_entries(entity, today),
        measures=selectors.joint_measures_today(entity, today),
        commitments=list(selectors.file_commitments(entity)),
    )


@require_safe
@entity_required
def inspections(request):
    return _page(
        request,
        "inspections",
        "inspections",
        results=list(selectors.published_results(request.entity)),
        orders=selectors.correction_orders(request.entity),
    )


@require_safe
@entity_required
def complaints(request):
    return _page(request, "complaints", "complaints", summary=selectors.complaint_summary(request.entity))


@require_safe
@entity_required
def filings(request):
    return _page(request, "filings", "filings", filings=selectors.filings(request.entity))


@require_safe
@entity_required
def filing_detail(request, kind: str, pk: int):
    filing = selectors.filing(request.entity, kind, pk)
    if filing is None:
        raise Http404(_("未找到该申请"))
    return _page(request, "filing_detail", "filings", filing=filing)


@require_safe
@entity_required
def checks(request):
    return _page(request, "checks", "checks", checks=list(selectors.credit_checks(request.entity)))
