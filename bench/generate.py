"""Load market entities at scale with PostgreSQL COPY.

    python bench/generate.py --entities 1000000     # load 1,000,000 bench entities
    python bench/generate.py --reset                # delete the bench entities again
    python bench/generate.py --reset --entities N   # both

Rows are built by the demo's own builders (demo/city.py), so
names, industries, districts and USCCs look the same as the demo's; every USCC is valid and unique,
and the data are deterministic. Bench rows are marked by their organisation code: positions 9–10 of
the USCC are ``MX`` (demo rows use ``MA``), so ``--reset`` deletes exactly them. Bench rows get no
audit events: they are not business data.

Secondary indexes, the USCC unique constraint and the foreign key are dropped before COPY and
rebuilt after it, in the same transaction (a failure leaves the table as it was). ANALYZE follows.
"""

import argparse
import csv
import io
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import bulkload  # noqa: E402
from demo.city import (  # noqa: E402
    BENCH_ORG_PREFIX,
    ORG_SPACE,
    REGION_CODES,
    REGISTRATION_DEPARTMENT,
    build_entity,
)
from supervision.models import Department, MarketEntity  # noqa: E402

TABLE = MarketEntity._meta.db_table
# Fixed, so the rows do not depend on how the work is split: chunk i is built from seed i.
CHUNK = 50_000
SEED = 20_260_401
COLUMNS = [
    "uscc",
    "name",
    "entity_type",
    "legal_representative",
    "legal_rep_id_number",
    "contact_phone",
    "registered_address",
    "region_code",
    "industry_code",
    "registered_capital",
    "established_on",
    "status",
    "registration_authority_id",
    "updated_at",
    "name_en",
    "business_scope",
]
BENCH_WHERE = f"substr(uscc, 9, {len(BENCH_ORG_PREFIX)}) = %s"
NULL = r"\N"

# Set in the parent before the worker pool forks.
_authority: dict[str, int] = {}
_updated_at = ""


def chunk_csv(args) -> tuple[int, str]:
    """CSV text of rows [start, stop), built from the chunk's own seed."""
    start, stop = args
    rng = random.Random(SEED * 1_000_003 + start // CHUNK)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for seq in range(start, stop):
        e = build_entity(rng, seq, BENCH_ORG_PREFIX)
        capital = e["registered_capital"]
        writer.writerow(
            (
                e["uscc"],
                e["name"],
                e["entity_type"],
                e["legal_representative"],
                e["legal_rep_id_number"],
                e["contact_phone"],
                e["registered_address"],
                e["region_code"],
                e["industry_code"],
                NULL if capital is None else str(capital),
                e["established_on"].isoformat(),
                e["status"],
                _authority[e["region_code"]],
                _updated_at,
                "",  # name_en: no registered English name
                "",  # business_scope
            )
        )
    return stop - start, out.getvalue()


def bench_count(cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {BENCH_WHERE}", [BENCH_ORG_PREFIX])
    return cursor.fetchone()[0]


def reset() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {BENCH_WHERE}", [BENCH_ORG_PREFIX])
        deleted = cursor.rowcount
        print(f"已删除基准数据 {deleted:,} 条（{time.perf_counter() - started:.1f} 秒）", flush=True)
        if deleted:
            # Give the space back and rebuild the indexes at demo size (brief exclusive lock).
            t = time.perf_counter()
            cursor.execute(f"VACUUM (FULL, ANALYZE) {TABLE}")
            print(f"VACUUM FULL ANALYZE 完成（{time.perf_counter() - t:.1f} 秒）", flush=True)
        cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{TABLE}')) FROM {TABLE}")
        total, size = cursor.fetchone()
        print(f"市场主体表现有 {total:,} 条，占用 {size}")


def load(total: int, workers: int) -> None:
    if total > ORG_SPACE:
        sys.exit(f"最多可生成 {ORG_SPACE:,} 条")
    if not Department.objects.exists():
        print("尚无部门数据：先运行 seed_demo …", flush=True)
        call_command("seed_demo")
    global _updated_at
    depts = {d.code: d.pk for d in Department.objects.filter(code__in=["ZZSJ", *REGISTRATION_DEPARTMENT.values()])}
    _authority.update({region: depts[REGISTRATION_DEPARTMENT.get(region, "ZZSJ")] for region in REGION_CODES})
    _updated_at = timezone.now().isoformat()
    with connection.cursor() as cursor:
        existing = bench_count(cursor)
    if existing:
        sys.exit(
            f"已有基准数据 {existing:,} 条。请先运行 python bench/generate.py --reset（或加上 --reset 重新生成）。"
        )

    ranges = [(s, min(s + CHUNK, total)) for s in range(0, total, CHUNK)]
    connection.close()  # no open connection while the pool forks
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 0 else None
    chunks = pool.imap(chunk_csv, ranges) if pool else map(chunk_csv, ranges)
    timings = {}
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2 cursor, for copy_expert
            constraints, indexes = bulkload.table_ddl(cursor, TABLE)
            bulkload.drop(cursor, TABLE, constraints, indexes)
            print(f"已临时删除 {len(constraints)} 个约束、{len(indexes)} 个索引", flush=True)

            copy_sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
            loaded = 0
            t = time.perf_counter()
            for n, text in chunks:
                raw.copy_expert(copy_sql, io.StringIO(text))
                loaded += n
                if loaded % 200_000 == 0 or loaded == total:
                    elapsed = time.perf_counter() - t
                    print(f"  COPY {loaded:>10,} 行  {elapsed:6.1f} 秒  {loaded / elapsed:,.0f} 行/秒", flush=True)
            timings["COPY"] = time.perf_counter() - t

            bulkload.recreate(cursor, TABLE, constraints, indexes, timings)
    finally:
        if pool:
            pool.close()
            pool.join()
    load_seconds = time.perf_counter() - started

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
        analyze_seconds = time.perf_counter() - t
        cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{TABLE}')) FROM {TABLE}")
        count, size = cursor.fetchone()

    print("\n耗时明细：")
    for name, seconds in timings.items():
        print(f"  {name:<62} {seconds:7.1f} 秒")
    print(f"\n载入 {total:,} 条用时 {load_seconds:.1f} 秒（含重建索引和约束），{total / load_seconds:,.0f} 行/秒")
    print(f"ANALYZE 用时 {analyze_seconds:.1f} 秒")
    print(f"市场主体表现有 {count:,} 条，表和索引共 {size}")


def main() -> None:
    parser = argparse.ArgumentParser(description="大规模生成市场主体（基准测试用）")
    parser.add_argument("--entities", type=int, help="生成的市场主体数量（默认 1,000,000；只给 --reset 时不生成）")
    parser.add_argument("--reset", action="store_true", help="先删除以前生成的基准数据（USCC 第9–10位为 MX）")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="生成数据的子进程数（默认为 CPU 核数；0 = 在主进程中生成）",
    )
    args = parser.parse_args()
    if args.reset:
        reset()
    if args.entities is not None or not args.reset:
        load(args.entities if args.entities is not None else 1_000_000, args.workers)


if __name__ == "__main__":
    main()
