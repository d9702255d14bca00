"""Search latency at scale, measured the way the public search page runs it.

    python bench/search.py [--queries 200] [--seed 7]

For each kind of query (exact USCC, name substring of 2–4 Chinese characters, USCC prefix of
8–12 characters) it samples real values from the table, runs
``list(supervision.selectors.entity_search(q)[:20])`` (the first page) and prints p50/p95/p99,
then the EXPLAIN (ANALYZE, BUFFERS) of a typical query of each kind and of the slowest name query.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from supervision.models import MarketEntity  # noqa: E402
from supervision.selectors import entity_search, public_entities  # noqa: E402

TABLE = MarketEntity._meta.db_table
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
KINDS = {"exact": "精确 USCC", "name": "名称片段（2–4 个汉字）", "prefix": "USCC 前缀（8–12 位）"}


def sample_rows(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """About ``n`` × 20 rows spread over the whole table (block sample, repeatable)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [TABLE])
        estimate = max(cursor.fetchone()[0], 1)
        percent = min(100.0, 100.0 * n * 20 / estimate)
        cursor.execute(
            f"SELECT uscc, name FROM {TABLE} TABLESAMPLE SYSTEM (%s) REPEATABLE (%s)", [percent, rng.randrange(10**6)]
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows


def name_fragment(rng: random.Random, name: str) -> str | None:
    for _ in range(20):
        length = rng.randint(2, 4)
        if len(name) < length:
            continue
        start = rng.randrange(len(name) - length + 1)
        fragment = name[start : start + length]
        if CJK.match(fragment):
            return fragment
    return None


def make_queries(rng: random.Random, n: int) -> dict[str, list[str]]:
    rows = sample_rows(rng, n)
    names = [f for f in (name_fragment(rng, name) for _, name in rows) if f]
    return {
        "exact": [code for code, _ in rows[:n]],
        "name": names[:n],
        "prefix": [code[: rng.randint(8, 12)] for code, _ in rows[n : 2 * n]],
    }


def first_page(q: str) -> list:
    return list(entity_search(q)[:20])


def prefix_as_range(q: str) -> list:
    """What-if: the prefix written as a range, which the unique btree on uscc serves in order."""
    upper = q[:-1] + ("A" if q[-1] == "9" else chr(ord(q[-1]) + 1))
    return list(public_entities().filter(uscc__gte=q, uscc__lt=upper)[:20])


def name_bitmap_only(q: str) -> list:
    """What-if: the name query with ordered index scans disabled (always GIN bitmap + top-N sort)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
        return first_page(q)


def run(q: str, fn=first_page) -> tuple[float, int]:
    started = time.perf_counter()
    hits = fn(q)
    return (time.perf_counter() - started) * 1000, len(hits)


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description="市场主体搜索延迟基准")
    parser.add_argument("--queries", type=int, default=200, help="每类查询次数（默认 200）")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-explain", action="store_true", help="不打印执行计划")
    parser.add_argument("--what-if", action="store_true", help="另测两种改写：前缀改为区间查询；名称查询只用 GIN 位图")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    total = MarketEntity.objects.count()
    print(f"市场主体 {total:,} 条；每类 {args.queries} 次查询，取第一页（20 条）\n")
    queries = make_queries(rng, args.queries)
    for qs in queries.values():  # warm the cache and the connection
        for q in qs[:20]:
            run(q)

    results = {}
    for kind, qs in queries.items():
        results[kind] = [(q, *run(q)) for q in qs]
    labels = dict(KINDS)
    if args.what_if:
        results["prefix_range"] = [(q, *run(q, prefix_as_range)) for q in queries["prefix"]]
        results["name_bitmap"] = [(q, *run(q, name_bitmap_only)) for q in queries["name"]]
        labels.update({"prefix_range": "改写：前缀→区间", "name_bitmap": "改写：名称只用位图"})

    print(
        f"{pad('查询类型', 26)}{'次数':>4}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'最大 ms':>9}{'平均 ms':>9}{'有结果':>5}"
    )
    for kind, rows in results.items():
        ms = [r[1] for r in rows]
        found = sum(1 for r in rows if r[2])
        print(
            f"{pad(labels[kind], 26)}{len(ms):>6}{percentile(ms, 50):>10.1f}{percentile(ms, 95):>10.1f}"
            f"{percentile(ms, 99):>10.1f}{max(ms):>10.1f}{statistics.mean(ms):>10.1f}{found:>8}"
        )
    for kind, rows in results.items():
        slowest = sorted(rows, key=lambda r: -r[1])[:5]
        print(f"\n最慢的 {labels[kind]}：" + "，".join(f"{q}（{t:.0f} ms）" for q, t, _ in slowest))

    if args.no_explain:
        return
    for kind in KINDS:
        rows = results[kind]
        by_time = sorted(rows, key=lambda r: r[1])
        picks = [("典型（中位数）", by_time[len(by_time) // 2][0])]
        if kind == "name":
            picks.append(("最慢", by_time[-1][0]))
        for label, q in picks:
            matches = entity_search(q).count()
            print(f"\n===== EXPLAIN {KINDS[kind]} {label}：{q!r}（共 {matches:,} 条匹配）=====")
            print(entity_search(q)[:20].explain(analyze=True, buffers=True))


if __name__ == "__main__":
    main()
