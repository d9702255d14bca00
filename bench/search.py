"""Search latency at scale, measured the way the public pages run it (issue 16 §2).

    python bench/search.py [--queries 200] [--seed 7] [--no-explain]

Kinds of query: exact USCC; name fragments of 1, 2 and 3 characters sampled from real names; the
common fragments (有限, 公司, 科技有, 业合, …); two words separated by a space; USCC prefixes of 8–12
characters, with 91410100 (the city, taking in its districts); penalty party-name fragments.

An entity query runs what ``/entities/?q=`` runs: ``supervision.selectors.entity_search_full`` (the
bounded candidate set, at most 1,001 rows) and the first page's 20 rows with their grade badge and
last inspection date (``core.search.result_annotations``). A penalty query runs
``enforcement.filters.party_search`` on the public summaries and reads the first page. It prints
p50/p95/p99 and the worst case per kind, records the goals (bench/support/goals.py), and then the
EXPLAIN (ANALYZE) of the candidate and page queries of a typical and the slowest query of each kind.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from support import goals  # noqa: E402

from core import search  # noqa: E402
from enforcement.filters import party_search  # noqa: E402
from enforcement.models import PenaltyDisclosure  # noqa: E402
from enforcement.selectors import LIST_FIELDS, public_penalties  # noqa: E402
from supervision.models import MarketEntity  # noqa: E402
from supervision.selectors import entity_search_full, public_entities  # noqa: E402

PAGE = 20
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
COMMON = ["有限", "公司", "有限公司", "科技有", "业合", "有", "郑州", "市", "商贸", "店"]
FIXED_PREFIXES = ["91410100", "9141010", "91410105"]
NAME_KINDS = ("name1", "name2", "name3", "common", "words")
KINDS = {
    "exact": "精确 USCC",
    "name1": "名称 1 字",
    "name2": "名称 2 字",
    "name3": "名称 3 字",
    "common": "常见片段（有限、公司、业合…）",
    "words": "空格分隔两词",
    "prefix": "USCC 前缀（8–12 位，含 91410100）",
    "penalty": "处罚当事人名称片段",
}


def sample(rng: random.Random, table: str, columns: str, n: int, where: str = "") -> list[tuple]:
    """About ``n`` × 20 rows spread over the whole table (block sample, repeatable)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        estimate = max(cursor.fetchone()[0], 1)
        percent = min(100.0, 100.0 * n * 20 / estimate)
        cursor.execute(
            f"SELECT {columns} FROM {table} TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) {where}",
            [percent, rng.randrange(10**6)],
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows


def fragment(rng: random.Random, name: str, length: int) -> str | None:
    for _ in range(20):
        if len(name) < length:
            return None
        start = rng.randrange(len(name) - length + 1)
        piece = name[start : start + length]
        if CJK.match(piece):
            return piece
    return None


def two_words(rng: random.Random, name: str) -> str | None:
    """Two 2-character pieces of one name, apart and in either order ("小杨 烩面")."""
    if len(name) < 6:
        return None
    a, b = fragment(rng, name[: len(name) // 2], 2), fragment(rng, name[len(name) // 2 :], 2)
    if not a or not b:
        return None
    return f"{a} {b}" if rng.random() < 0.5 else f"{b}\u3000{a}"


def make_queries(rng: random.Random, n: int) -> dict[str, list[str]]:
    rows = sample(rng, MarketEntity._meta.db_table, "uscc, name", n)
    names = [name for _, name in rows]

    def pick(fn) -> list[str]:
        return [q for q in (fn(name) for name in names) if q][:n]

    penalties = sample(
        rng, PenaltyDisclosure._meta.db_table, "party_name", n, "WHERE state = 'published' AND party_name <> ''"
    )
    return {
        "exact": [code for code, _ in rows[:n]],
        "name1": pick(lambda s: fragment(rng, s, 1)),
        "name2": pick(lambda s: fragment(rng, s, 2)),
        "name3": pick(lambda s: fragment(rng, s, 3)),
        "common": [COMMON[i % len(COMMON)] for i in range(max(n // 2, len(COMMON)))],
        "words": pick(lambda s: two_words(rng, s)),
        "prefix": FIXED_PREFIXES + [code[: rng.randint(8, 12)] for code, _ in rows[n : 2 * n]],
        "penalty": [q for q in (fragment(rng, name, rng.randint(2, 3)) for (name,) in penalties) if q][:n],
    }


def entity_page(q: str) -> list:
    """What /entities/?q= reads: the outcome, then page 1 with the grade badge and last inspection."""
    outcome = entity_search_full(q)
    extras = search.result_annotations("entity")
    if outcome.ids is not None:
        return list(search.in_order(public_entities().annotate(**extras), outcome.ids[:PAGE]))
    return list(outcome.queryset.annotate(**extras)[:PAGE])


def penalty_page(q: str) -> list:
    base = public_penalties().only(*LIST_FIELDS)
    rows = party_search(base, q)
    len(rows.values_list("pk", flat=True)[:1001])  # the page's capped count (PenaltyPaginator)
    return list(rows[:PAGE])


def run(q: str, fn) -> tuple[float, int]:
    started = time.perf_counter()
    hits = fn(q)
    return (time.perf_counter() - started) * 1000, len(hits)


def pad(text: str, width: int) -> str:
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def explain(q: str, kind: str) -> None:
    """The EXPLAIN (ANALYZE) of every statement the query runs (candidates, probe, page)."""
    fn = penalty_page if kind == "penalty" else entity_page
    with CaptureQueriesContext(connection) as captured:
        fn(q)
    with connection.cursor() as cursor:
        for item in captured.captured_queries:
            sql = item["sql"]
            if not sql.startswith("SELECT") or "set_config" in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
            print("-" * 40)


def main() -> None:
    parser = argparse.ArgumentParser(description="市场主体与处罚当事人检索延迟基准")
    parser.add_argument("--queries", type=int, default=200, help="每类查询次数（默认 200）")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-explain", action="store_true", help="不打印执行计划")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    entities = MarketEntity.objects.count()
    penalties = public_penalties().count()
    print(f"市场主体 {entities:,} 条，公示中的处罚 {penalties:,} 条；每类最多 {args.queries} 次查询，取第一页（20 条）")
    print(
        f"名称检索候选上限 {search.NAME_CANDIDATE_CAP} 条（另读 1 条以判断是否超出），探测表首约 {search.PROBE_ROWS:,} 行\n"
    )
    queries = make_queries(rng, args.queries)
    for kind, qs in queries.items():  # warm the cache and the connection
        for q in qs[:10]:
            run(q, penalty_page if kind == "penalty" else entity_page)

    results = {}
    for kind, qs in queries.items():
        fn = penalty_page if kind == "penalty" else entity_page
        results[kind] = [(q, *run(q, fn)) for q in qs]

    print(
        f"{pad('查询类型', 34)}{'次数':>4}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'最大 ms':>9}{'平均 ms':>9}{'有结果':>5}"
    )
    for kind, rows in results.items():
        if not rows:
            print(f"{pad(KINDS[kind], 34)}     0（无样本）")
            continue
        ms = [r[1] for r in rows]
        found = sum(1 for r in rows if r[2])
        print(
            f"{pad(KINDS[kind], 34)}{len(ms):>6}{percentile(ms, 50):>10.1f}{percentile(ms, 95):>10.1f}"
            f"{percentile(ms, 99):>10.1f}{max(ms):>10.1f}{statistics.mean(ms):>10.1f}{found:>8}"
        )
    for kind, rows in results.items():
        slowest = sorted(rows, key=lambda r: -r[1])[:5]
        if slowest:
            print(f"最慢的{KINDS[kind]}：" + "，".join(f"{q!r}（{t:.0f} ms）" for q, t, _ in slowest))

    names = [r[1] for kind in NAME_KINDS for r in results[kind]]
    print()
    goals.record("实体名称检索 p99（第一页，含等级与最近检查）", percentile(names, 99), 100, "ms")
    goals.record("实体名称检索最坏情况", max(names), 250, "ms")
    if results["penalty"]:
        goals.record("处罚当事人名称检索 p95", percentile([r[1] for r in results["penalty"]], 95), 100, "ms")
    else:
        print("（没有公示中的处罚：不测处罚检索）")

    if args.no_explain:
        return
    for kind, rows in results.items():
        if not rows:
            continue
        by_time = sorted(rows, key=lambda r: r[1])
        for label, q in (("典型（中位数）", by_time[len(by_time) // 2][0]), ("最慢", by_time[-1][0])):
            print(f"\n===== EXPLAIN {KINDS[kind]} {label}：{q!r} =====")
            explain(q, kind)


if __name__ == "__main__":
    main()
