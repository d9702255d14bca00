"""Public enforcement pages (no login): penalties (双公示), the 曝光台, complaints.

Penalty pages read through ``enforcement.selectors`` (the redacted ``PenaltyDisclosure`` only,
never the decision itself).
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache  # complaints
from django.views.decorators.http import require_http_methods  # complaints

from core import pagecache
from core.api.throttling import form_throttled as _throttled
from core.filing_done import done_pop, done_redirect, shown_once
from core.forms import add_service_errors
from core.http import PublicHttp404
from credit.choices import PenaltyType
from enforcement import selectors, services
from enforcement.choices import DisclosureState
from enforcement.filters import PenaltyFilter
from enforcement.forms import ComplaintForm
from enforcement.models import Complaint

# --- disclosure (双公示) ---------------------------------------------------------------------------

PENALTY_PAGE_SIZE = 20
EXPOSURE_PAGE_SIZE = 10
# A broad search over 500,000 summaries must not count every hit on each page (bench/README.md).
PENALTY_COUNT_CAP = 1000


class PenaltyPaginator(Paginator):
    """Counts at most ``PENALTY_COUNT_CAP + 1`` rows: past that the page says "共 1000 条以上" and
    offers the first 50 pages (a reader narrows the search rather than paging further), as the
    entity search does. Counting 10,000 cost 300 ms on a filtered list (bench/README.md)."""

    @cached_property
    def count(self):
        return len(self.object_list.values_list("pk", flat=True)[: PENALTY_COUNT_CAP + 1])

    @property
    def cap(self):
        return PENALTY_COUNT_CAP

    @property
    def capped(self):
        return self.count > PENALTY_COUNT_CAP


def penalty_type_labels(codes) -> list[str]:

    labels = dict(PenaltyType.choices)
    return [str(labels.get(c, c)) for c in codes]


@pagecache.cached("penalties")  # issue 16 §1
def penalty_list(request):
    """Published penalties: search by party name or USCC (prefix), filter by department, year and
    penalty type, 20 a page, newest decision first."""

    base = selectors.public_penalties().only(*selectors.LIST_FIELDS)
    filterset = PenaltyFilter(request.GET or None, queryset=base)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        rows, status = base.none(), 400
    else:
        rows = filterset.qs
    page = PenaltyPaginator(rows, PENALTY_PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    for d in page:
        d.type_labels = penalty_type_labels(d.penalty_types)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": filterset.form,
        "q": request.GET.get("q", "").strip()[:100],
        "errors": filterset.errors if status == 400 else None,
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    return render(request, "enforcement/penalty_list.html", context, status=status)


def penalty_detail(request, pk: int):
    """One summary with the DOMAIN §5 fields; a withdrawn one says 已撤回 and why, nothing more."""

    disclosure = selectors.public_penalty(pk)
    if disclosure is None:
        raise PublicHttp404(_("未找到该行政处罚公示信息"))
    withdrawn = disclosure.state == DisclosureState.WITHDRAWN
    context = {
        "d": disclosure,
        "withdrawn": withdrawn,
        "type_labels": [] if withdrawn else penalty_type_labels(disclosure.penalty_types),
    }
    return render(request, "enforcement/penalty_detail.html", context)


def exposure(request):
    """曝光台: typical cases chosen by officials, with their 评析."""

    page = Paginator(selectors.exposure_cases(), EXPOSURE_PAGE_SIZE, allow_empty_first_page=True).get_page(
        request.GET.get("page")
    )
    for d in page:
        d.type_labels = penalty_type_labels(d.penalty_types)
    return render(request, "enforcement/exposure.html", {"page": page})


# --- end disclosure -------------------------------------------------------------------------------


# --- complaints (投诉举报) ----------------------------------------------------------------------------
# The public form (DESIGN.md: /complaints/new/). Throttled per IP like credit's public filings, never
# cached (the form holds contacts, the success page the query code). /track/ finds TS numbers through
# EnforcementConfig.filing_models.


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """File a complaint or report (投诉举报) without an account; the success page shows the number and code."""

    if request.method == "POST":
        if (limited := _throttled(request)) is not None:
            return limited
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint, code = services.complaint_file(
                    actor="public:web",
                    entity_name=data["entity_name"],
                    content=data["content"],
                    kind=data["kind"],
                    channel="web",
                    entity_uscc=data["entity_uscc"],
                    reporter_name=data["reporter_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    whistleblower=data["whistleblower"],
                    attachments=data["attachments"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"department": None})
            else:
                # Post/Redirect/Get (issue 12 §6): a refresh of the answer files nothing (core.filing_done).
                return done_redirect(
                    request,
                    kind="complaint",
                    to="complaint-done",
                    pk=complaint.pk,
                    query_code=code,
                    attachment_count=len(data["attachments"]),
                )
    else:
        form = ComplaintForm(initial={"entity_uscc": request.GET.get("uscc", "")[:40]})
    return render(request, "enforcement/complaint_form.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def complaint_done(request):
    """Where a filed complaint lands: its number and query code, shown once (core.filing_done)."""

    if (payload := done_pop(request, "complaint")) is None:
        return shown_once(request, title=_("投诉举报已提交"))
    complaint = Complaint.objects.select_related("department").get(pk=payload["pk"])
    context = {
        "complaint": complaint,
        "query_code": payload["query_code"],
        "attachment_count": payload.get("attachment_count", 0),
    }
    return render(request, "enforcement/complaint_done.html", context)


# --- end complaints -----------------------------------------------------------------------------------
