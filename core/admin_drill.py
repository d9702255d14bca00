"""Drill-down lookups for admin lists (issue 17 §2): the dashboard links every figure to the rows behind
it, pre-filtered in the admin list. Django admin accepts a lookup on the model's own columns (and
``<fk>__id__in``) from the query string, but refuses one that crosses two relations unless a list filter
names it; a list that the dashboard filters on such a column (``entity__region_code``) lists it here."""


class DrillLookupsMixin:
    """``drill_lookups``: the extra query-string lookups the list accepts, e.g. ``("entity__region_code",)``."""

    drill_lookups = ()

    def lookup_allowed(self, lookup, value, request=None):
        if lookup in self.drill_lookups:
            return True
        return super().lookup_allowed(lookup, value, request)
