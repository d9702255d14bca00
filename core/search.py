"""Chinese substring search on core PostgreSQL (DESIGN.md): no extensions.

A name is indexed as the tsvector of its characters and character bigrams (``cjk_tsvector``,
an IMMUTABLE SQL function, under GIN). A query of length ≥ 2 becomes the AND of its bigrams, a
single character becomes itself; hits are then confirmed with LIKE, as CJK analyzers do.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL

CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION cjk_tsvector(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT tok)), ''::tsvector)
  FROM (SELECT lower(t) AS l) AS src,
  LATERAL (
    SELECT substr(l, i, 1) AS tok FROM generate_series(1, length(l)) AS i
    UNION ALL
    SELECT substr(l, i, 2) FROM generate_series(1, length(l) - 1) AS i
  ) AS grams
  WHERE tok !~ '\s'
$$;
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS cjk_tsvector(text);"


class CjkTsvector(models.Func):
    function = "cjk_tsvector"
    output_field = SearchVectorField()


def grams(query: str) -> list[str]:
    """The lexemes a query must all match: its bigrams, or the single character."""
    text = "".join(query.lower().split())
    if len(text) == 1:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def to_tsquery_text(query: str) -> str:
    """A tsquery literal ANDing the grams, each quoted so punctuation stays a lexeme."""
    parts = []
    for g in grams(query):
        escaped = g.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{escaped}'")
    return " & ".join(parts)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_matches(queryset, query: str, field: str = "name"):
    """Filter ``queryset`` to rows whose ``field`` contains ``query`` (index first, LIKE confirms)."""

    tsq = to_tsquery_text(query)
    if not tsq:
        return queryset.none()
    table = queryset.model._meta.db_table
    column = queryset.model._meta.get_field(field).column
    # Table and column come from the model's meta, the query text is a bound parameter.
    indexed = RawSQL(f'cjk_tsvector("{table}"."{column}") @@ %s::tsquery', [tsq], output_field=models.BooleanField())  # noqa: S611
    return queryset.filter(indexed).filter(**{f"{field}__contains": query})
