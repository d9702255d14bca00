"""Chinese substring search on core PostgreSQL (DESIGN.md): no extensions.

A name is indexed as the tsvector of its characters and character bigrams (``cjk_tsvector``,
an IMMUTABLE SQL function, under GIN). A word of length ≥ 2 becomes the AND of its bigrams, a
single character becomes itself; hits are then confirmed with LIKE, as CJK analyzers do. Words
separated by spaces (half- or full-width) must all occur, each through the index.

Bounded cost (issue 16 §2): a search never reads more than ``NAME_CANDIDATE_CAP + 1`` matching rows
(``name_candidates``). They are taken in the table's physical order, which is the same on every
call (no parallel workers, no synchronised scans), and then ordered by relevance, so page 2 of a
capped result continues page 1. Domain apps add result columns (grade badge, last inspection date)
through ``result_annotations``, so the lower app that owns a search page need not import them.
"""

import math
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, transaction
from django.db.models import BooleanField, Expression, F, Func, Q, Value

# The first definition (core/migrations/0001_initial.py): a set-returning query per row, about 45 µs for
# a 12-character name (46 s for the GIN index of 1,000,000 names).
CREATE_FUNCTION_V1 = r"""
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
# The same lexemes from one expression (core/migrations/0011_cjk_tsvector_v2.py), about 4.5 times faster
# (issue 16 §3: an index on 5,000,000 record titles). Whitespace becomes a space; the characters are the
# unigrams; "(..)" from the first and from the second character gives every adjacent pair, split on
# the spaces added between pairs. A pair holding whitespace splits into one-character pieces, which
# are unigrams already: so no lexeme holds whitespace, as before. array_to_tsvector sorts and
# removes duplicates. Same output for every input: the indexes built on V1 stay valid.
CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION cjk_tsvector(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array_remove(array_remove(array_cat(
    string_to_array(w, NULL),
    string_to_array(regexp_replace(w, '(..)', '\1 ', 'g') || ' ' || regexp_replace(substr(w, 2), '(..)', '\1 ', 'g'), ' ')
  ), ''), ' '))
  FROM (SELECT regexp_replace(lower(t), '\s', ' ', 'g') AS w) AS normalised
$$;
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS cjk_tsvector(text);"

# A search reads at most this many matches (+1, to know there are more): issue 16 §2, "about 1,000".
NAME_CANDIDATE_CAP = 1000
# The probe reads the table's first blocks with LIKE alone (no index). A fragment as common as 有限
# or 公司 (80% of names) finds its 1,001 rows there in under a millisecond, where the GIN bitmap of
# 800,000 postings costs 130–180 ms at 1,000,000 entities and grows with the table (bench/search.py).
# The probe covers about this many rows (≈ 11 ms of LIKE at worst), as blocks from the table's own
# density (pg_class).
PROBE_ROWS = 10_000
# A fragment the probe finds, but fewer than cap + 1 times, has a share s of the names. The index
# would read about s × N postings, the probe would need about cap / s rows: the probe reads further
# when that costs less (at 10,000,000 entities a 4% fragment like 商贸 cost 300 ms through the index,
# 25,000 rows of LIKE cost about 30 ms). Costs per row measured on the bench machine; the probe never
# reads more than PROBE_MAX_ROWS rows, and falls back to the index if it still finds too few.
PROBE_MAX_ROWS = 200_000
# The GIN bitmap of a 2% fragment at 10,000,000 entities (192,000 postings) went lossy in the default
# 4 MB: 700 pages rechecked, cjk_tsvector recomputed on 22,908 rows, 409 ms. Exact in 64 MB: 75 ms.
BITMAP_WORK_MEM = "64MB"
LIKE_ROW_COST = 1.1  # µs per row of the probe (10,000 rows ≈ 11 ms)
POSTING_COST = 0.75  # µs per posting of a GIN bitmap (bench/search.py at 10,000,000 entities)


class CjkTsvector(models.Func):
    function = "cjk_tsvector"
    output_field = SearchVectorField()


class _TsMatch(Func):
    """``cjk_tsvector(column) @@ 'query'::tsquery``: the expression of the GIN indexes. Written with
    ``F()``, so inside a subquery the column binds to the subquery's own alias (a raw table name
    would bind to an outer row of the same table and defeat the index)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _ToTsquery(Func):
    template = "%(expressions)s::tsquery"
    output_field = models.TextField()


class _CtidBelow(Expression):
    """``<base table>.ctid < '(blocks,0)'``: a TID range scan of the table's first blocks (PG ≥ 14)."""

    output_field = BooleanField()

    def __init__(self, blocks: int):
        super().__init__()
        self.blocks = int(blocks)

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.ctid < '({self.blocks},0)'::tid", []


def words(query: str) -> list[str]:
    """The words of a query: NFKC-folded (full-width space and letters become half-width), split on
    whitespace, duplicates and words contained in another word dropped."""
    text = unicodedata.normalize("NFKC", query or "").replace("\x00", "")
    unique = list(dict.fromkeys(text.split()))
    return [w for w in unique if not any(w != other and w in other for other in unique)]


def grams(query: str) -> list[str]:
    """The lexemes a query must all match: each word's bigrams, or a one-character word itself."""
    out = set()
    for word in words(query):
        text = word.lower()
        if len(text) == 1:
            out.add(text)
        else:
            out.update(text[i : i + 2] for i in range(len(text) - 1))
    return sorted(out)


def to_tsquery_text(query: str) -> str:
    """A tsquery literal ANDing the grams, each quoted so punctuation stays a lexeme."""
    parts = []
    for g in grams(query):
        escaped = g.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{escaped}'")
    return " & ".join(parts)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains_all(queryset, query: str, field: str):
    return queryset.filter(_contains_all_q(query, field))


def _contains_all_q(query: str, field: str) -> Q:
    q = Q()
    for word in words(query):
        q &= Q(**{f"{field}__contains": word})
    return q


def matches_q(query: str, field: str = "name") -> Q | None:
    """A ``Q`` for rows whose ``field`` contains every word of ``query``: through the field's
    ``cjk_tsvector`` GIN index, then LIKE confirms. None when the query has no word. As a ``Q`` it can
    be ORed with another field's lookup (the admin's search), still through each field's index."""
    tsq = to_tsquery_text(query)
    if not tsq:
        return None
    return Q(_TsMatch(CjkTsvector(F(field)), _ToTsquery(Value(tsq)))) & _contains_all_q(query, field)


def name_matches(queryset, query: str, field: str = "name"):
    """Filter ``queryset`` to rows whose ``field`` contains every word of ``query`` (index first,
    LIKE confirms). Unbounded: public searches use ``name_candidates``."""
    q = matches_q(query, field)
    return queryset.none() if q is None else queryset.filter(q)


@dataclass
class Candidates:
    """The bounded candidate set of a name search: ``ids`` in display order (at most cap + 1)."""

    ids: list = field(default_factory=list)
    capped: bool = False
    cap: int = NAME_CANDIDATE_CAP


@dataclass
class _Extent:
    rows: float  # pg_class.reltuples (0 before the first ANALYZE)
    per_block: float  # rows per block; 30 (a guess) before the first ANALYZE

    def blocks(self, rows: int) -> int:
        return math.ceil(rows / self.per_block)


@contextmanager
def _physical_order(queryset):
    """Queries inside read the table in its physical order, the same on every call: parallel workers
    and synchronised sequential scans would each start elsewhere. No sequential scan either: the
    planner underrates ``cjk_tsvector`` per row, and a seq scan computing it for a rare pair of words
    ("中牟 合作") took 18 s at 1,000,000 entities where the GIN bitmap takes milliseconds. The
    settings hold for this block only and are put back (the caller may be inside a longer
    transaction). Yields the table's ``_Extent`` (its rows per block, from pg_class)."""
    using = queryset.db
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('synchronize_seqscans'),"
            " current_setting('enable_seqscan'), current_setting('work_mem'),"
            " set_config('max_parallel_workers_per_gather', '0', true),"
            " set_config('synchronize_seqscans', 'off', true), set_config('enable_seqscan', 'off', true),"
            " set_config('work_mem', %s, true),"
            " (SELECT reltuples::float8 FROM pg_class WHERE oid = %s::regclass),"
            " (SELECT relpages::float8 FROM pg_class WHERE oid = %s::regclass)",
            [BITMAP_WORK_MEM, *[queryset.model._meta.db_table] * 2],
        )
        workers, synchronise, seqscan, work_mem, _, _, _, _, rows, pages = cursor.fetchone()
        try:
            yield _Extent(rows=max(rows or 0, 0), per_block=rows / pages if rows and rows > 0 and pages else 30.0)
        finally:
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', %s, true),"
                " set_config('synchronize_seqscans', %s, true), set_config('enable_seqscan', %s, true),"
                " set_config('work_mem', %s, true)",
                [workers, synchronise, seqscan, work_mem],
            )


def further_probe(found: int, cap: int, table_rows: float) -> int | None:
    """How many rows a second probe should read, when the first (``PROBE_ROWS``) found ``found`` of the
    ``cap + 1`` it needs and reading on costs less than the fragment's posting lists; else None."""
    if not 0 < found <= cap or PROBE_ROWS <= 0:
        return None
    share = found / PROBE_ROWS
    further = math.ceil((cap + 1) / share * 1.25)  # a margin: names are not spread evenly
    if further <= PROBE_MAX_ROWS and further * LIKE_ROW_COST < share * table_rows * POSTING_COST:
        return further
    return None


def name_candidates(
    queryset, query: str, *, field: str = "name", fields: tuple = (), key=None, cap: int | None = None
) -> Candidates:
    """The first ``cap + 1`` rows of ``queryset`` whose ``field`` contains every word of ``query``.

    Cost is bounded: a probe of the table's first blocks (about ``PROBE_ROWS`` rows, LIKE only) serves
    a very common fragment, and reads further for a fragment whose posting lists would cost more
    (``PROBE_MAX_ROWS``); otherwise the GIN index gives the candidates, LIKE confirms, and the scan
    stops at ``cap + 1``. Both read the table in physical order, so the set is the same on every call
    and the probe's rows are the index path's first rows. ``key(row)`` orders the set (rows are
    ``(pk, *fields)``); ``ids`` are the pks in that order.
    """
    cap = NAME_CANDIDATE_CAP if cap is None else cap
    if not to_tsquery_text(query):
        return Candidates(cap=cap)
    columns = ("pk", *fields)
    with _physical_order(queryset) as extent:

        def probe(n: int) -> list:
            first = _contains_all(queryset.filter(_CtidBelow(extent.blocks(n))), query, field)
            return list(first.order_by().values_list(*columns)[: cap + 1])

        rows = probe(PROBE_ROWS)
        further = further_probe(len(rows), cap, extent.rows)
        if further:
            rows = probe(further)
        if len(rows) <= cap:
            indexed = name_matches(queryset, query, field)
            rows = list(indexed.order_by().values_list(*columns)[: cap + 1])
    if key is not None:
        rows.sort(key=key)
    return Candidates(ids=[r[0] for r in rows], capped=len(rows) > cap, cap=cap)


def bounded_text_matches(queryset, query: str, fields: tuple, ordering: tuple, *, cap: int | None = None) -> Candidates:
    """The rows of ``queryset`` whose text ``fields`` (each with a ``cjk_tsvector`` GIN index) contain
    every word of ``query`` in one of them: at most ``cap + 1``, the newest first (the officials'
    lists, issue 16 §3). ``ids`` are pks.

    1. The probe: the first ``PROBE_ROWS`` rows in the list's ``ordering`` (its own index), LIKE only.
       A common word finds ``cap + 1`` there, and they are exactly the newest matches.
    2. Otherwise the GIN indexes give the rest, read in physical order up to ``cap + 1`` (a word in no
       row costs an index probe). The probe's matches come first, so the newest are always shown.

    Without the probe, a word in every row (a shared source prefix) went to the GIN bitmap: millions
    of rows, a lossy bitmap and ``cjk_tsvector`` recomputed on each, 35 s (bench/admin_lists.py)."""
    cap = NAME_CANDIDATE_CAP if cap is None else cap
    indexed = [matches_q(query, f) for f in fields]
    if not indexed or any(q is None for q in indexed):
        return Candidates(cap=cap)
    like = Q()
    for f in fields:
        like |= _contains_all_q(query, f)
    window = queryset.order_by(*ordering).values("pk")[:PROBE_ROWS]
    ids = list(queryset.filter(pk__in=window).filter(like).order_by(*ordering).values_list("pk", flat=True)[: cap + 1])
    if len(ids) <= cap:
        gin = Q()
        for q in indexed:
            gin |= q
        with _physical_order(queryset):
            more = queryset.filter(gin).exclude(pk__in=ids).order_by().values_list("pk", flat=True)
            ids += list(more[: cap + 1 - len(ids)])
    return Candidates(ids=ids, capped=len(ids) > cap, cap=cap)


def relevance_key(query: str):
    """Order of a name search's candidates: the whole query as the exact name, then names starting
    with its first word, then shorter names first, then by name and code (rows: ``(pk, name, code)``)."""
    ws = words(query)
    whole = " ".join(ws)
    first = ws[0] if ws else ""

    def key(row):
        name = row[1] or ""
        rank = 0 if name == whole else 1 if name.startswith(first) else 2
        return (rank, len(name), name, row[2] or "")

    return key


class ArrayPosition(Func):
    """``array_position(ARRAY[...], column)``: orders rows as a list of pks (the candidates' order)."""

    function = "array_position"
    output_field = models.IntegerField()


def in_order(queryset, ids: list, pk_type: str = "bigint"):
    """``queryset`` restricted to ``ids`` and ordered as they are (at most cap + 1 values)."""
    return queryset.filter(pk__in=ids).order_by(
        ArrayPosition(Func(Value(list(ids)), template=f"%(expressions)s::{pk_type}[]"), F("pk"))
    )


def result_annotations(kind: str) -> dict:
    """Columns other apps add to a search result list (issue 18 §1.3: grade badge, last inspection).

    A lower app's search page (supervision) may not import the apps above it (DESIGN.md), so each
    app's config may define ``search_result_annotations(kind)`` returning ``{name: expression}``
    (correlated subqueries on the row's ``uscc``). They are evaluated for the page's rows only, in
    the page's one query."""
    found = {}
    for config in apps.get_app_configs():
        hook = getattr(config, "search_result_annotations", None)
        if callable(hook):
            found.update(hook(kind))
    return found
