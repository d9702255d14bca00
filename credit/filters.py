"""FilterSets of the credit app, shared by the API, the admin lists and the public pages.

The filters that carry a rule ("active", what is public) delegate to ``credit.selectors``, so a
filtered list can never show more than the selector allows.
"""

import django_filters
from django import forms as django_forms
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from core import uscc as uscc_lib
from core.search import to_tsquery_text
from credit import selectors
from credit.choices import PUBLIC_ACT_CATEGORIES, Grade, RecordCategory
from credit.models import CreditRecord, ListEntry
from supervision.filters import MarketEntityFilter
from supervision.models import Department, MarketEntity
from supervision.selectors import USCC_PREFIX, unicode_name


class CreditEntityFilter(MarketEntityFilter):
    """The roster search, plus the current credit grade (an entity not yet graded has none)."""

    grade = django_filters.ChoiceFilter(field_name="credit__grade", choices=Grade.choices, label=_("信用等级"))

    class Meta(MarketEntityFilter.Meta):
        fields = [*MarketEntityFilter.Meta.fields, "grade"]


class CreditRecordFilter(django_filters.FilterSet):
    """Records of one entity: by category, and ``active`` = only those public now."""

    category = django_filters.ChoiceFilter(choices=RecordCategory.choices, label=_("信息类别"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("仅公示中的记录"))

    class Meta:
        model = CreditRecord
        fields = ["category", "active"]

    def filter_active(self, queryset, name, value):
        # The one publication rule (selectors.public_records): 轻微 unpublished, repaired, revoked
        # and aged-out records are not "active".
        return queryset & selectors.public_records() if value else queryset


class ListEntryFilter(django_filters.FilterSet):
    """Entries of one list: ``active`` (the default) = on the list now; ``active=false`` adds removed ones."""

    active = django_filters.BooleanFilter(method="filter_active", label=_("仅当前在列的记录（默认 true）"))

    class Meta:
        model = ListEntry
        fields = ["active"]

    def __init__(self, data=None, *args, **kwargs):
        # Anything but an explicit false means the current entries: removed ones are only on request.
        if data is not None and str(data.get("active", "")).lower() not in ("false", "0"):
            data = data.copy()
            data["active"] = "true"
        super().__init__(data, *args, **kwargs)

    def filter_active(self, queryset, name, value):
        return queryset & selectors.active_list_entries() if value is not False else queryset


# --- other administrative acts (/acts/, issue 12 §2) ---------------------------------------------------


def act_departments(request=None):
    """Departments with a public act: the choices of the ``department`` filter (one EXISTS each)."""
    return Department.objects.filter(Exists(selectors.public_acts().filter(department=OuterRef("pk")))).order_by("code")


def act_search(queryset, query: str):
    """Acts whose party has this USCC (exact, or a prefix), else whose party's roster name contains
    the query: the semantics of the entity and penalty searches (core.search's bigram index + LIKE)."""
    code = uscc_lib.normalize(query)
    if USCC_PREFIX.match(code):
        if len(code) == 18:
            by_code = queryset.filter(entity_id=code)
        else:  # [prefix, successor): a range walks the btree, where LIKE 'p%' cannot under C.UTF-8 (bench/README.md)
            last = code[-1]
            by_code = queryset.filter(
                entity_id__gte=code, entity_id__lt=code[:-1] + ("A" if last == "9" else chr(ord(last) + 1))
            )
        if by_code.exists():
            return by_code
    name = unicode_name(query)
    tsq = to_tsquery_text(name)
    if not tsq:
        return queryset.none()
    # core.search.name_matches builds this predicate on the entity's own table; here the entity is the
    # joined table (a join names it by its table, a subquery would alias it), so it is spelt out.
    table = MarketEntity._meta.db_table
    indexed = RawSQL(f'cjk_tsvector("{table}"."name") @@ %s::tsquery', [tsq], output_field=BooleanField())  # noqa: S611
    return queryset.filter(entity__name__contains=name).filter(indexed)


class ActFilterForm(django_forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", _("决定日期的截止日不能早于起始日"))
        return cleaned


class ActFilter(django_filters.FilterSet):
    """/acts/: by party (name, USCC or prefix), act type, department (by code) and decision-date range."""

    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("名称、统一社会信用代码或其前缀"))
    category = django_filters.ChoiceFilter(
        choices=[(c.value, c.label) for c in PUBLIC_ACT_CATEGORIES], label=_("行为类别"), empty_label=_("全部类别")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=act_departments,
        to_field_name="code",
        label=_("实施机关"),
        empty_label=_("全部实施机关"),
        help_text=_("部门代码，如 ZZSJ"),
    )
    decided_from = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("决定日期自（YYYY-MM-DD）")
    )
    decided_to = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("决定日期至（YYYY-MM-DD）")
    )

    class Meta:
        model = CreditRecord
        fields = ["q", "category", "department", "decided_from", "decided_to"]
        form = ActFilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        return act_search(queryset, value) if value else queryset
