"""Paging of the open API (issue 15 §1): pages for people, a cursor for bulk reading.

- ``?page=N&page_size=M`` (M at most 500): ``{"count", "next", "previous", "results"}`` as API.md, in each
  resource's own order (newest first where the page shows it so).
- ``?cursor=`` (empty: from the start) with ``page_size``: ``{"next", "next_cursor", "results"}`` in the
  order of a unique key (an entity's USCC, otherwise the row id), by keyset, so a reader walking a
  million rows pays the same for the last page as for the first and never sees a row twice or misses
  one that existed when it started (rows added meanwhile with a higher key are read too). The cursor
  is opaque: base64 of the last key read; pass ``next`` (or ``next_cursor`` as ``cursor``) back.
"""

import base64
import binascii
import json

from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.api.pagination import PagePagination, count_is_estimate_schema

CURSOR_PARAM = "cursor"
MAX_PAGE_SIZE = 500
BAD_CURSOR = "cursor（游标）无效：请使用上一页返回的 next 或 next_cursor，或留空从头读取"


def encode_cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": key}, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(text: str, key_type: type):
    """The last key of the previous page; a cursor that was not ours is a 400 in Chinese, never a 500."""
    try:
        padded = text + "=" * (-len(text) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())["k"]
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise exceptions.ValidationError({CURSOR_PARAM: [BAD_CURSOR]}) from None
    if not isinstance(key, key_type) or isinstance(key, bool) or (isinstance(key, str) and "\x00" in key):
        raise exceptions.ValidationError({CURSOR_PARAM: [BAD_CURSOR]})
    if isinstance(key, int) and not 0 <= key < 2**63:
        raise exceptions.ValidationError({CURSOR_PARAM: [BAD_CURSOR]})
    return key


class OpenPagination(BasePagination):
    """Page numbers (API.md) unless the request names ``cursor``; then keyset paging on the view's
    ``cursor_field`` (a unique column: ``uscc`` or ``id``)."""

    def __init__(self):
        self.pages = PagePagination()
        self.mode = "page"

    # --- which mode ---

    def paginate_queryset(self, queryset, request, view=None):
        if CURSOR_PARAM in request.query_params:
            self.mode = "cursor"
            return self._cursor_page(queryset, request, view)
        self.mode = "page"
        return self.pages.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.mode == "page":
            return self.pages.get_paginated_response(data)
        return Response({"next": self.next_url, "next_cursor": self.next_cursor, "results": data})

    # --- cursor mode ---

    def _cursor_page(self, queryset: QuerySet, request, view):
        field = getattr(view, "cursor_field", "id")
        key_type = int if field == "id" else str
        size = self.pages.get_page_size(request)  # as in page mode: at most 500, anything invalid is the default
        raw = request.query_params.get(CURSOR_PARAM, "")
        qs = queryset.order_by(field)
        if raw:
            qs = qs.filter(**{f"{field}__gt": decode_cursor(raw, key_type)})
        rows = list(qs[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        self.next_cursor = encode_cursor(self._key(rows[-1], getattr(view, "cursor_row_key", field))) if more else None
        url = request.build_absolute_uri()
        self.next_url = replace_query_param(url, CURSOR_PARAM, self.next_cursor) if more else None
        if self.next_url:
            self.next_url = remove_query_param(self.next_url, "page")
        return rows

    @staticmethod
    def _key(row, field):
        return row[field] if isinstance(row, dict) else getattr(row, field)

    # --- OpenAPI ---

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "页码（从 1 开始），供人工浏览；返回 count、next、previous、results",
                "schema": {"type": "integer"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"每页条数，默认 {self.pages.page_size}，最多 {MAX_PAGE_SIZE}",
                "schema": {"type": "integer", "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "游标分页，供批量读取：带上 cursor=（留空）从头开始，按唯一键顺序返回 next、next_cursor、results；"
                "将 next_cursor 作为 cursor 传回（或直接请求 next）读取下一页，直到 next 为 null。带 cursor 时忽略 page",
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "oneOf": [
                {
                    "type": "object",
                    "title": "按页码",
                    "required": ["count", "count_is_estimate", "results"],
                    "properties": {
                        "count": {"type": "integer"},
                        "count_is_estimate": count_is_estimate_schema(),
                        "next": {"type": "string", "nullable": True, "format": "uri"},
                        "previous": {"type": "string", "nullable": True, "format": "uri"},
                        "results": schema,
                    },
                },
                {
                    "type": "object",
                    "title": "按游标",
                    "required": ["results"],
                    "properties": {
                        "next": {"type": "string", "nullable": True, "format": "uri"},
                        "next_cursor": {"type": "string", "nullable": True},
                        "results": schema,
                    },
                },
            ]
        }
