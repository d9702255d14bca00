"""The public list of administrative acts, ``/acts/`` (DESIGN.md public URLs; issue 12 §2).

行政许可 and the other administrative acts (行政强制、确认、征收、给付、裁决、补偿、奖励) as the public
may see them now (``selectors.public_acts``: the one publication rule of every public record view),
searched and filtered by ``filters.ActFilter``. Only the public record fields and the party's roster
name are read: no personal data is loaded, so none can be shown.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from credit import selectors
from credit.choices import OTHER_ACT_CATEGORIES
from credit.filters import ActFilter
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import MarketEntity

PAGE_SIZE = 20
# A broad search must not count every hit on each page: past this, "1000 条以上" (as /penalties/).
COUNT_CAP = 1000
LIST_FIELDS = (
    "id",
    "entity",
    "department",
    "source_ref",
    "category",
    "title",
    "decided_on",
    "legal_basis",
    "publicity_ends_on",
    "department__name",
    "department__code",
)


class ActPaginator(Paginator):
    @cached_property
    def count(self):
        return len(self.object_list.values_list("pk", flat=True)[: COUNT_CAP + 1])

    @property
    def cap(self):
        return COUNT_CAP

    @property
    def capped(self):
        return self.count > COUNT_CAP


def _national_deadline():
    """The national OTHER_ACT rule in force (supervision.deadlines), for the page's note; None if unset."""
    try:
        return deadlines.rule_for(DeadlineKind.OTHER_ACT)
    except LookupError:
        return None


def act_list(request):
    """Public acts: search by party name or USCC (prefix), filter by type, department and decision
    dates, 20 a page, newest decision first. Bad filters are a 400 naming the field, never a 500."""
    base = selectors.public_acts().only(*LIST_FIELDS)
    filterset = ActFilter(request.GET or None, queryset=base)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        rows, status = base.none(), 400
    else:
        rows = filterset.qs
    page = ActPaginator(rows, PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    # The party's public name from the roster, in one query; a code not in the roster yet shows alone.
    names = dict(MarketEntity.objects.filter(uscc__in={a.entity_id for a in page}).values_list("uscc", "name"))
    for act in page:
        act.party_name = names.get(act.entity_id, "")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": filterset.form,
        "q": request.GET.get("q", "").strip()[:100],
        "errors": filterset.errors if status == 400 else None,
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "other_act_labels": "、".join(str(c.label) for c in OTHER_ACT_CATEGORIES),
        "deadline": _national_deadline(),
    }
    return render(request, "credit/act_list.html", context, status=status)
