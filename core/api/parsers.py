"""The API's JSON parser: DRF's, plus two refusals that used to end as 500s (issue 11).

- Nesting deeper than ``MAX_DEPTH``: 5,000 levels made ``json.loads`` raise ``RecursionError``.
  No API body needs more than a few levels (API.md), so 32 leaves plenty of room.
- A lone UTF-16 surrogate (``"\\ud800"``): valid JSON text, but not a Unicode string PostgreSQL can
  store (UTF-8 cannot encode it), so the insert failed with ``UnicodeEncodeError``.

Both are a 400 in the API's error shape (``JsonRefused``, a ``ParseError``).
"""

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class JsonRefused(ParseError):
    """Valid JSON text that the API refuses (too deep, lone surrogate); its message names why."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_json(value, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if ``value`` (parsed JSON) nests deeper than ``max_depth`` or holds a lone surrogate."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JsonRefused("JSON 中含有无效的 Unicode 字符（孤立的代理项，如 \\ud800），请检查文字编码")
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonRefused(f"JSON 嵌套层数过多（超过 {max_depth} 层）")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JsonRefused(f"JSON 嵌套层数过多（超过 {MAX_DEPTH} 层）") from None
        check_json(data)
        return data
