"""Public pages (no login): home with search, search results, an entity's page."""

import re

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from core import search as core_search
from core import uscc as uscc_lib
from core.http import PublicHttp404
from supervision.filters import MarketEntityFilter
from supervision.selectors import public_entities, public_entity_detail

PAGE_SIZE = 20
# 18 letters and digits: meant as a code, so a wrong one is named rather than searched as a name.
CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")
# A broad code-prefix search over a million entities must not count every hit: past this, "1000+".
# A name search is bounded before paging (core.search.NAME_CANDIDATE_CAP, issue 16 §2).
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` rows and pages through the first ``COUNT_CAP``."""

    @cached_property
    def found(self):
        return len(self.object_list.values_list("pk", flat=True)[: COUNT_CAP + 1])

    @cached_property
    def count(self):
        return min(self.found, COUNT_CAP)

    @property
    def cap(self):
        return COUNT_CAP

    @property
    def capped(self):
        return self.found > COUNT_CAP


def home(request):
    return render(request, "public/home.html", {"q": ""})


def help_page(request):
    """帮助 (issue 18 §1.2): searching, the grades, verifying a report, objections and repair, contact."""
    return render(request, "public/help.html")


def about_page(request):
    """关于本站: who runs the site, its legal basis and where its data come from."""
    return render(request, "public/about.html")


def _error(request, q, form, errors):
    return render(
        request, "public/entity_list.html", {"q": q, "page": None, "form": form, "errors": errors}, status=400
    )


def entity_search(request):
    """Search results (DESIGN.md ``/entities/?q=``): name words, USCC or USCC prefix, 20 a page, each
    result with its grade badge and last inspection date (issue 18 §1.3)."""
    q = request.GET.get("q", "").strip()
    if not q:
        return render(request, "public/entity_list.html", {"q": q, "page": None, "form": MarketEntityFilter().form})
    filterset = MarketEntityFilter(request.GET, queryset=public_entities())
    if not filterset.is_valid():
        return _error(request, q, filterset.form, filterset.errors)
    code = uscc_lib.normalize(q)
    if CODE_LIKE.match(code):
        # An exact code goes straight to its entity; a wrong one is named with its expected check
        # character (DOMAIN §1), unless it is registered as a verified exception and exists.
        if public_entities().filter(uscc=code).exists():
            return redirect("entity-detail", uscc=code)
        if (reason := uscc_lib.problems(code)) is not None:
            return _error(request, q, filterset.form, {"q": [reason]})
    results = filterset.qs
    outcome = filterset.outcome
    # The grade badge and the last inspection date come from the apps above supervision, as
    # correlated subqueries of the page's one query (core.search.result_annotations), for its 20 rows.
    extras = core_search.result_annotations("entity")
    if outcome is not None and outcome.ids is not None:
        # A name search pages through its bounded candidates (issue 16 §2) and loads only the page's rows.
        page = Paginator(outcome.ids[: outcome.cap], PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(core_search.in_order(public_entities().annotate(**extras), list(page.object_list)))
    else:
        page = CappedPaginator(results.annotate(**extras), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "page": page,
        "form": filterset.form,
        "name_capped": bool(outcome and outcome.capped),
        "cap": outcome.cap if outcome else COUNT_CAP,
        "broadened_prefix": outcome.prefix if outcome else "",
    }
    return render(request, "public/entity_list.html", context)


def entity_detail(request, uscc: str):
    code = uscc_lib.normalize(uscc)
    if code and code != uscc:  # blank after normalising (" ", "\u3000"): no canonical URL, a 400 below
        return redirect("entity-detail", uscc=code)
    reason = uscc_lib.problems(code)
    if reason and not uscc_lib.is_verified_exception(code):
        return render(request, "public/error.html", {"title": _("统一社会信用代码有误"), "message": reason}, status=400)
    entity = public_entity_detail().filter(uscc=code).first()
    if entity is None:
        raise PublicHttp404(_("未找到统一社会信用代码为 %(code)s 的市场主体") % {"code": code})
    return render(request, "public/entity_detail.html", {"entity": entity})
