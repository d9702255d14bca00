import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.choices import EntityStatus, EntityType
from supervision.models import Inspector, MarketEntity, SupervisionItem
from supervision.selectors import entity_search_full


class MarketEntityFilter(django_filters.FilterSet):
    """Shared by the API, the admin list and the public search."""

    q = django_filters.CharFilter(method="search", label=_("名称、统一社会信用代码或其前缀"))
    region = django_filters.CharFilter(
        field_name="region_code", lookup_expr="startswith", label=_("行政区划代码（可为前缀）")
    )
    industry = django_filters.CharFilter(
        field_name="industry_code", lookup_expr="startswith", label=_("行业代码（可为门类或前缀）")
    )
    entity_type = django_filters.ChoiceFilter(choices=EntityType.choices, label=_("主体类型"))
    status = django_filters.ChoiceFilter(choices=EntityStatus.choices, label=_("登记状态"))

    class Meta:
        model = MarketEntity
        fields = ["q", "region", "industry", "entity_type", "status"]

    # What the last ``q`` search found (capped, broadened prefix) for the page that shows it.
    outcome = None

    def filter_queryset(self, queryset):
        # ``q`` goes last: a name search takes a bounded candidate set (issue 16 §2), which must be
        # drawn from the rows the other filters allow, not narrowed by them afterwards.
        data = dict(self.form.cleaned_data)
        q = data.pop("q", None)
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, q) if "q" in self.form.cleaned_data else queryset

    def search(self, queryset, name, value):
        if not value or not value.strip():
            return queryset
        self.outcome = entity_search_full(value, queryset)
        return self.outcome.queryset


class InspectorFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains", label=_("姓名"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("执法证在该日有效"))

    class Meta:
        model = Inspector
        fields = ["department", "active", "name"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(certificate_valid_from__lte=value, certificate_valid_to__gte=value)


class SupervisionItemFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains", label=_("事项名称"))

    class Meta:
        model = SupervisionItem
        fields = ["department", "parent", "name"]
