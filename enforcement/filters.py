"""FilterSets of the enforcement app, shared by the API and the public pages.

They narrow what a selector already allows (``enforcement.selectors.public_penalties``), so a
filtered list can never show more than the selector does.
"""

import datetime as dt

import django_filters
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import uscc as uscc_lib
from core.search import to_tsquery_text
from credit.choices import PenaltyType
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from inspections.filters import DepartmentCodeFilter, IntegerFilter, USCCFilter
from supervision.models import Department
from supervision.selectors import USCC_PREFIX, unicode_name

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
        low, high = uscc_range(code)
        by_code = (
            queryset.filter(entity_id=code)
            if len(code) == 18
            else queryset.filter(entity_id__gte=low, entity_id__lt=high)
        )
        if by_code.exists():
            return by_code
    name = unicode_name(query)
    tsq = to_tsquery_text(name)
    if not tsq:
        return queryset.none()
    table = PenaltyDisclosure._meta.db_table
    # The expression of the partial GIN index (migration 0003), the query text a bound parameter.
    indexed = RawSQL(f'cjk_tsvector("{table}"."party_name") @@ %s::tsquery', [tsq], output_field=BooleanField())  # noqa: S611
    return queryset.filter(indexed).filter(party_name__contains=name)


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
