"""Counts that stay cheap on big tables (issue 16 §3): the officials' admin lists and the API lists.

An exact ``COUNT(*)`` of a list of 5,000,000 credit records reads every row (3.6 s at 1M entities):
the price of a number nobody reads to the last digit. ``EstimatedCountPaginator`` counts exactly up
to ``LIST_COUNT_CAP`` rows (default 10,000), where the database stops reading. Past the cap the
count is PostgreSQL's own planner estimate (``EXPLAIN``, no rows read), and the paginator says so:
``count_is_estimate`` (the admin shows “约 N 条”, the API a ``count_is_estimate`` flag in the page
envelope).

Pages of an estimated list do not trust the estimate: a page reads ``per_page + 1`` rows, so "is
there a next page" is exact, and a page number past the real end is an empty page (404 in the API,
the admin's "invalid page"). The admin links at most ``cap / per_page`` pages of an estimated list
(the first 10,000 rows): deeper pages are an OFFSET scan of millions of rows; a search or a filter
is the way there.
"""

import json
import math

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

DEFAULT_COUNT_CAP = 10_000  # rows counted exactly; past this a count is an estimate


def count_cap() -> int:
    return int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP))


def planner_rows(queryset) -> int:
    """PostgreSQL's estimate of the rows ``queryset`` returns: ``EXPLAIN`` only plans, reads no row."""
    qs = queryset.order_by()
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return max(0, int(plan[0]["Plan"]["Plan Rows"]))


def capped_count(queryset, cap: int) -> int:
    """The exact count if it is at most ``cap``, else ``cap + 1``: the database stops reading there."""
    # No ORDER BY (the scan may stop at the cap in any order) and no computed columns (a roster-name
    # subquery per row): only the keys are counted. One query, as a plain count was.
    return queryset.order_by().values("pk")[: cap + 1].count()


class EstimatedPage(Page):
    """A page of an estimated list: whether a next page exists comes from the rows, not the count."""

    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to the cap; past it (or when counting is slow) uses the planner estimate."""

    count_is_estimate = False

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, error_messages=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, error_messages)
        self.cap = count_cap()

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return super().count  # a list, not a queryset
        exact = capped_count(self.object_list, self.cap)
        if exact <= self.cap:
            return exact
        self.count_is_estimate = True
        # At least cap + 1: the planner may think fewer rows match than the count just saw.
        return max(planner_rows(self.object_list), self.cap + 1)

    @property
    def num_pages(self):
        count = self.count
        if not self.count_is_estimate:
            return super().num_pages
        return max(1, min(math.ceil(count / self.per_page), math.ceil(self.cap / self.per_page)))

    def validate_number(self, number):
        if not (self.count and self.count_is_estimate):
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number  # past the real end: page() finds no rows

    def page(self, number):
        if not (self.count and self.count_is_estimate):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return EstimatedPage(rows, number, self, more)

    @property
    def cap_label(self) -> str:
        return f"{self.cap:,}"

    @property
    def shown_count_label(self):
        """The admin's count line: the number, or “约 N” past the cap."""
        if not self.count_is_estimate:
            return f"{self.count:,}"
        return _("约 %(n)s") % {"n": f"{self.count:,}"}
