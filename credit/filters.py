"""FilterSets of the credit app, shared by the API, the admin lists and the public pages.

The filters that carry a rule ("active", what is public) delegate to ``credit.selectors``, so a
filtered list can never show more than the selector allows.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from credit import selectors
from credit.choices import Grade, RecordCategory
from credit.models import CreditRecord, ListEntry
from supervision.filters import MarketEntityFilter


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
