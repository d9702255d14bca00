"""API list pages: ``?page=N&page_size=M`` (max 500), as API.md, with a bounded count (issue 16 §3).

The envelope is ``{"count", "count_is_estimate", "next", "previous", "results"}``. ``count`` is exact
up to ``LIST_COUNT_CAP`` rows (10,000); past that, or when counting would be slow, it is PostgreSQL's
estimate and ``count_is_estimate`` is true (``core.counting``). ``next`` and ``previous`` are exact
either way: a client pages until ``next`` is null. ``count_is_estimate`` is an additive field; a
client that ignores it reads the same envelope as before.
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.counting import EstimatedCountPaginator

COUNT_IS_ESTIMATE_DESCRIPTION = (
    "count 是否为估算值：为 false 时 count 为精确条数；为 true 时结果超过 10,000 条（或精确计数耗时过长），"
    "count 为数据库按统计信息估算的条数。无论哪种情况，next 都准确：翻页直到 next 为 null 即读完全部结果。"
)


class PagePagination(PageNumberPagination):
    """``?page=N&page_size=M`` (max 500), as API.md; the count is capped (``count_is_estimate``)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "页码无效"
    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": bool(getattr(paginator, "count_is_estimate", False)),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        response["properties"] = {
            "count": {**properties["count"], "description": "结果条数（精确或估算，见 count_is_estimate）"},
            "count_is_estimate": count_is_estimate_schema(),
            **{k: v for k, v in properties.items() if k != "count"},
        }
        response["required"] = ["count", "count_is_estimate", "results"]
        return response


def count_is_estimate_schema() -> dict:
    return {"type": "boolean", "example": False, "description": COUNT_IS_ESTIMATE_DESCRIPTION}
