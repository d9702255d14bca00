"""FilterSets of the enforcement app, shared by the API and the public pages.

They narrow what a selector already allows (``enforcement.selectors.public_penalties``), so a
filtered list can never show more than the selector does.
"""

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import uscc as uscc_lib
from core.search import in_order, name_candidates
from credit.choices import PenaltyType
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from inspections.filters import DepartmentCodeFilter, IntegerFilter, USCCFilter
from supervision.models import Department
from supervision.selectors import USCC_PREFIX, code_prefix, unicode_name

# --- disclosure (双公示) ---------------------------------------------------------------------------


def uscc_range(prefix: str) -> tuple[str, str]:
    """``[prefix, upper)`` for a USCC prefix: a range walks the btree, where LIKE 'p%' cannot under the
    C.UTF-8 collation (bench/README.md). USCC characters are [0-9A-Y], so the successor exists."""
    last = prefix[-1]
    upper = prefix[:-1] + ("A" if last == "9" else chr(ord(last) + 1))
    return prefix, upper


def party_search(queryset, query: str):
    """Summaries whose party has this USCC (or prefix), else whose party name contains the query
    (the bigram GIN ``disclosure_party_cjk_gin`` first, LIKE confirms; core.search's rule)."""
    code = uscc_lib.normalize(query)
    if USCC_PREFIX.match(code):
        low, high = uscc_range(code_prefix(code))  # 91410100: the city and its districts, as the entity search
        by_code = (
            queryset.filter(entity_id=code)
            if len(code) == 18
            else queryset.filter(entity_id__gte=low, entity_id__lt=high)
        )
        if by_code.exists():
            return by_code
    # A bounded candidate set (issue 16 §2, core.search.name_candidates): at most 1,001 summaries,
    # the same ones on every call, then newest decision first. The partial GIN
    # ``disclosure_party_cjk_gin`` (state = 'published') serves the index path.
    name = unicode_name(query)
    found = name_candidates(
        queryset, name, field="party_name", fields=("decided_on",), key=lambda r: (-r[1].toordinal(), -r[0])
    )
    return in_order(queryset, found.ids)


def penalty_departments(request=None):
    """Departments with a published penalty: the choices of the ``department`` filter."""

    # EXISTS per department (a few dozen rows, each stopping at its first published summary), not a
    # semi-join over every published summary.
    published = PenaltyDisclosure.objects.filter(department=OuterRef("pk"), state=DisclosureState.PUBLISHED)
    return Department.objects.filter(Exists(published)).order_by("code")


class PenaltyFilter(django_filters.FilterSet):
    """Published penalties by party (name, USCC or prefix), department, year, penalty type and
    publication date (``since``: published on or after)."""

    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("当事人名称、统一社会信用代码或其前缀"))
    uscc = USCCFilter(field_name="entity", label=_("统一社会信用代码"))
    department = DepartmentCodeFilter(
        queryset=penalty_departments,
        to_field_name="code",
        label=_("处罚机关"),
        empty_label=_("全部处罚机关"),
        help_text=_("部门代码，如 ZZSJ"),
    )
    year = IntegerFilter(method="filter_year", label=_("决定年度"), min_value=2000, max_value=2100)
    penalty_type = django_filters.ChoiceFilter(
        choices=PenaltyType.choices, method="filter_penalty_type", label=_("处罚种类"), empty_label=_("全部处罚种类")
    )
    since = django_filters.DateFilter(method="filter_since", label=_("公示日期不早于（YYYY-MM-DD）"))

    class Meta:
        model = PenaltyDisclosure
        fields = ["q", "uscc", "department", "year", "penalty_type", "since"]

    def filter_queryset(self, queryset):
        # ``q`` goes last: a name search takes a bounded candidate set (issue 16 §2), drawn from the
        # summaries the other filters allow, not narrowed by them afterwards.
        data = dict(self.form.cleaned_data)
        q = data.pop("q", None)
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, q) if "q" in self.form.cleaned_data else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        return party_search(queryset, value) if value else queryset

    def filter_year(self, queryset, name, value):
        # A range on decided_on keeps the partial index order usable (no function on the column).
        return queryset.filter(decided_on__gte=dt.date(int(value), 1, 1), decided_on__lt=dt.date(int(value) + 1, 1, 1))

    def filter_penalty_type(self, queryset, name, value):
        return queryset.filter(penalty_types__contains=[value])

    def filter_since(self, queryset, name, value):
        # The day starts at midnight Asia/Shanghai (API.md dates are local).
        return queryset.filter(published_at__gte=timezone.make_aware(dt.datetime.combine(value, dt.time.min)))
