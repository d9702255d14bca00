"""Public pages (no login): home with search, search results, an entity's page."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import cached_property

from core import uscc as uscc_lib
from core.http import PublicHttp404
from supervision.filters import MarketEntityFilter
from supervision.selectors import public_entities

PAGE_SIZE = 20
# A broad name search over a million entities must not count every hit: past this, "1000+".
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        return len(self.object_list.values_list("pk", flat=True)[: COUNT_CAP + 1])

    @property
    def cap(self):
        return COUNT_CAP

    @property
    def capped(self):
        return self.count > COUNT_CAP


def home(request):
    return render(request, "public/home.html", {"q": ""})


def entity_search(request):
    q = request.GET.get("q", "").strip()
    if not q:
        return render(request, "public/entity_list.html", {"q": q, "page": None, "form": MarketEntityFilter().form})
    filterset = MarketEntityFilter(request.GET, queryset=public_entities().order_by("uscc"))
    if not filterset.is_valid():
        return render(
            request,
            "public/entity_list.html",
            {"q": q, "page": None, "form": filterset.form, "errors": filterset.errors},
            status=400,
        )
    results = filterset.qs
    # An exact, valid USCC that matches one entity goes straight to its page.
    code = uscc_lib.normalize(q)
    if len(code) == 18 and uscc_lib.problems(code) is None:
        only = list(results[:2])
        if len(only) == 1 and only[0].uscc == code:
            return redirect("entity-detail", uscc=code)
    paginator = CappedPaginator(results, PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "public/entity_list.html", {"q": q, "page": page, "form": filterset.form})


def entity_detail(request, uscc: str):
    code = uscc_lib.normalize(uscc)
    if code and code != uscc:  # blank after normalising (" ", "\u3000"): no canonical URL, a 400 below
        return redirect("entity-detail", uscc=code)
    reason = uscc_lib.problems(code)
    if reason and not uscc_lib.is_verified_exception(code):
        return render(request, "public/error.html", {"title": "统一社会信用代码有误", "message": reason}, status=400)
    entity = public_entities().select_related(None).filter(uscc=code).first()
    if entity is None:
        raise PublicHttp404(f"未找到统一社会信用代码为 {code} 的市场主体")
    return render(request, "public/entity_detail.html", {"entity": entity})
