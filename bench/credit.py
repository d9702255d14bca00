"""Credit at scale: load 5,000,000 credit records with COPY, then time what issue 3 asks for.

    python bench/credit.py --load                 # load 5,000,000 records (and list entries) for the entities present
    python bench/credit.py                        # measure: evaluation ×2, credit-checks, a 5,000-record push, entity pages
    python bench/credit.py --fresh                # the same, the first evaluation from no grades at all
    python bench/credit.py --explain              # also EXPLAIN (ANALYZE, BUFFERS) the full evaluation
    python bench/credit.py --reset                # delete every bench credit row again

Run ``bench/generate.py --entities 1000000`` first. Bench rows are marked: records by
``source_ref`` ``BENCH-…``, list entries by ``decision_no`` ``BENCH-…``. ``--reset`` deletes those,
plus the grades, history, check logs and warnings of bench entities (USCC positions 9–10 ``MX``).
Run ``--reset`` here before ``generate.py --reset``.

The records are deterministic (chunk *i* of 100,000 rows is built from seed *i*, over the
entities sorted by USCC). Their publicity window, repair date, ``published`` flag and rule
version come from ``credit.services.publicity_window`` with the rule in force on the decision
date, exactly as the push service computes them. A record whose window has closed is loaded as
``expired``, as the nightly scan would have left it.
"""

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from support import credit_rows, goals  # noqa: E402  (bench/ is on sys.path: the script's own folder)
from support.credit_rows import BENCH_ENTITIES, CHUNK, COLUMNS, MARK, NULL, TABLE, chunk_csv  # noqa: E402

from core import bulkload  # noqa: E402
from core import services as core_services  # noqa: E402
from credit import evaluation  # noqa: E402
from credit.choices import Grade  # noqa: E402
from credit.models import EntityCredit, PublicityRule  # noqa: E402
from supervision.models import Department  # noqa: E402


def missing_columns(cursor) -> list[str]:
    """NOT NULL columns of the table without a database default that COPY would leave empty: a column
    added by a later migration must be added to ``COLUMNS`` and ``build_record`` in bench/support/credit_rows.py (the smoke test,
    tests/test_bench_smoke.py, runs ``--load`` on every ``make test``)."""
    cursor.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
           ORDER BY ordinal_position""",
        [TABLE],
    )
    return [name for (name,) in cursor.fetchall() if name not in COLUMNS]


def bench_count(cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE source_ref LIKE %s", [MARK + "%"])
    return cursor.fetchone()[0]


# --- load -----------------------------------------------------------------------------------------


def load(total: int, workers: int) -> None:
    with connection.cursor() as cursor:
        if bench_count(cursor):
            sys.exit("已有基准信用记录。请先运行 python bench/credit.py --reset")
        if missing := missing_columns(cursor):
            sys.exit(
                f"bench/credit.py 不认识信用记录表的必填列：{', '.join(missing)}"
                "（请在 bench/support/credit_rows.py 的 COLUMNS 和 build_record 中补上）"
            )
        cursor.execute("SELECT uscc FROM supervision_marketentity ORDER BY uscc")
        usccs = [row[0] for row in cursor.fetchall()]
    if len(usccs) < 100_000:
        print(
            f"注意：名录库只有 {len(usccs):,} 个市场主体（应先运行 bench/generate.py --entities 1000000）", flush=True
        )
    credit_rows.prepare(
        usccs=usccs,
        depts=dict(Department.objects.values_list("code", "pk")),
        rules=list(PublicityRule.objects.order_by("effective_from")),
        today=timezone.localdate(),
        now=timezone.now().isoformat(),
    )
    ranges = [(s, min(s + CHUNK, total)) for s in range(0, total, CHUNK)]
    connection.close()
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 0 else None
    chunks = pool.imap(chunk_csv, ranges) if pool else map(chunk_csv, ranges)
    timings = {}
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            constraints, indexes = bulkload.table_ddl(cursor, TABLE)
            bulkload.drop(cursor, TABLE, constraints, indexes)
            print(f"已临时删除 {len(constraints)} 个约束、{len(indexes)} 个索引", flush=True)
            copy_sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
            loaded, t = 0, time.perf_counter()
            for n, text in chunks:
                raw.copy_expert(copy_sql, io.StringIO(text))
                loaded += n
                if loaded % 500_000 == 0 or loaded == total:
                    elapsed = time.perf_counter() - t
                    print(f"  COPY {loaded:>10,} 行  {elapsed:6.1f} 秒  {loaded / elapsed:,.0f} 行/秒", flush=True)
            timings["COPY"] = time.perf_counter() - t
            bulkload.recreate(cursor, TABLE, constraints, indexes, timings)
            t = time.perf_counter()
            lists = load_list_entries(cursor)
            timings["名单记录（INSERT … SELECT）"] = time.perf_counter() - t
    finally:
        if pool:
            pool.close()
            pool.join()
    load_seconds = time.perf_counter() - started
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
        cursor.execute("VACUUM ANALYZE credit_listentry")
        timings["VACUUM ANALYZE"] = time.perf_counter() - t
        cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{TABLE}')) FROM {TABLE}")
        count, size = cursor.fetchone()
        cursor.execute(
            f"SELECT category, polarity, severity, state, count(*) FROM {TABLE} WHERE source_ref LIKE %s GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC",
            [MARK + "%"],
        )
        mix = cursor.fetchall()
    print("\n耗时明细：")
    for name, seconds in timings.items():
        print(f"  {name:<60} {seconds:7.1f} 秒")
    print(
        f"\n载入 {total:,} 条信用记录用时 {load_seconds:.1f} 秒（含重建索引和约束），{total / load_seconds:,.0f} 行/秒"
    )
    print(f"名单记录：{lists}")
    print(f"信用记录表现有 {count:,} 条，表和索引共 {size}")
    print("构成（类别、性质、程度、状态、条数）：")
    for row in mix:
        print("  ", *row)


LIST_SQL = """
INSERT INTO credit_listentry (uscc, list_type, ground, facts, legal_basis, department_id, decision_no, ground_established_on, notice_on,
                              decided_on, listed_on, removed_on, removal_reason, removal_note, created_at)
SELECT e.uscc, %(list_type)s, (%(grounds)s::text[])[1 + (h %% array_length(%(grounds)s::text[], 1))], '基准测试数据', %(basis)s,
       e.registration_authority_id, %(mark)s || %(list_type)s || '-' || e.uscc,
       CASE WHEN %(list_type)s = 'abnormal' THEN %(today)s::date - (h %% 1400)::int - 7 END,
       CASE WHEN %(list_type)s = 'serious' THEN %(today)s::date - (h %% 1000)::int - 20 END,
       %(today)s::date - (h %% %(span)s)::int, %(today)s::date - (h %% %(span)s)::int, NULL, '', '', now()
FROM (SELECT uscc, registration_authority_id, ('x' || substr(md5(uscc || %(list_type)s), 1, 7))::bit(28)::int AS h
      FROM supervision_marketentity WHERE substr(uscc, 9, 2) = 'MX') e
WHERE e.h %% 1000 < %(per_mille)s AND e.registration_authority_id IS NOT NULL
"""
LISTS = [
    # list type, grounds, per mille of entities, days back, legal basis
    (
        "abnormal",
        ["no_annual_report", "info_not_published", "false_info", "unreachable"],
        20,
        1400,
        "《企业经营异常名录管理暂行办法》第四条",
    ),
    (
        "serious",
        ["heavy_fine", "licence_revoked", "business_restricted"],
        3,
        1000,
        "《市场监督管理严重违法失信名单管理办法》第二条",
    ),
    ("key_attention", ["dishonest_below_serious"], 5, 700, "国办发〔2019〕35号"),
    ("red", ["trustworthy"], 10, 700, "国发〔2016〕33号"),
]


def load_list_entries(cursor) -> dict:
    """List entries for a few per cent of the bench entities, set-based (deterministic by md5 of the USCC)."""
    counts = {}
    today = timezone.localdate()
    for list_type, grounds, per_mille, span, basis in LISTS:
        cursor.execute(
            LIST_SQL,
            {
                "list_type": list_type,
                "grounds": grounds,
                "per_mille": per_mille,
                "span": span,
                "basis": basis,
                "mark": MARK,
                "today": today,
            },
        )
        counts[list_type] = cursor.rowcount
    return counts


# --- reset ----------------------------------------------------------------------------------------


def reset() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for label, sql, params in [
            (
                "名单列入建议",
                "DELETE FROM credit_listproposal WHERE source_entry_id IN (SELECT id FROM credit_listentry WHERE decision_no LIKE %s)",
                [MARK + "%"],
            ),
            ("名单记录", "DELETE FROM credit_listentry WHERE decision_no LIKE %s", [MARK + "%"]),
            ("信用记录", f"DELETE FROM {TABLE} WHERE source_ref LIKE %s", [MARK + "%"]),
            ("主体信用评价", f"DELETE FROM credit_entitycredit WHERE {BENCH_ENTITIES}", []),
            ("信用等级历史", f"DELETE FROM credit_gradehistory WHERE {BENCH_ENTITIES}", []),
            ("信用核查记录", f"DELETE FROM credit_creditcheck WHERE {BENCH_ENTITIES}", []),
            ("风险预警", f"DELETE FROM credit_riskwarning WHERE {BENCH_ENTITIES}", []),
        ]:
            t = time.perf_counter()
            cursor.execute(sql, params)
            print(f"已删除{label} {cursor.rowcount:,} 条（{time.perf_counter() - t:.1f} 秒）", flush=True)
        t = time.perf_counter()
        for table in (TABLE, "credit_listentry", "credit_entitycredit", "credit_gradehistory", "credit_creditcheck"):
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        print(
            f"VACUUM FULL ANALYZE 完成（{time.perf_counter() - t:.1f} 秒）；共用时 {time.perf_counter() - started:.1f} 秒"
        )


# --- measure --------------------------------------------------------------------------------------


def pct(values, p) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def sample_usccs(rng: random.Random, n: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT uscc FROM supervision_marketentity WHERE {BENCH_ENTITIES} ORDER BY uscc")
        codes = [row[0] for row in cursor.fetchall()]
    return rng.sample(codes, min(n, len(codes)))


def forget_grades() -> None:
    """Delete the bench entities' grades and history, so the next evaluation is a first one."""
    with connection.cursor() as cursor:
        for table in ("credit_entitycredit", "credit_gradehistory"):
            cursor.execute(f"DELETE FROM {table} WHERE {BENCH_ENTITIES}")
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
    print("已删除基准主体的信用评价和等级历史（下一次评价为首次评价）", flush=True)


BARE_AGGREGATE = (
    "SELECT count(*), sum(score), sum(jsonb_array_length(reasons)), count(improves_on), sum(ascii(risk_class)), "
    "sum(length(grade)) FROM ({}) s"
)


def time_bare_aggregate() -> float:
    """The evaluation's own SELECT (``evaluation.evaluation_sql(select_only=True)``: every entity's grade,
    score, reasons, improvement date and risk class), under the same session settings, consumed by an
    aggregate over every output column so that nothing is left uncomputed; nothing is written."""
    _model, sql, params = evaluation.evaluation_sql(select_only=True)
    with transaction.atomic(), connection.cursor() as cursor:
        with evaluation.session_settings(cursor, evaluation.FULL_PASS_SETTINGS):
            started = time.perf_counter()
            cursor.execute(BARE_AGGREGATE.format(sql), params)
            row = cursor.fetchone()
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"裸聚合（同一 SELECT，不写入）：{seconds:.1f} 秒；{row[0]:,} 个主体", flush=True)
    return seconds


def time_evaluation(results: list, *, fresh: bool = False) -> None:
    # Issue 16 §4: the first full evaluation ≤ 1.5 × the bare aggregate, measured in the same run (the
    # aggregate before and after the evaluations; the faster of the two, so the ratio is not flattered).
    # The aggregate first, then the grades are forgotten, so that the first evaluation follows at once
    # (on a shared database another evaluation may still run in between: then it is not a first one).
    bare = [time_bare_aggregate()] if fresh else []
    if fresh:
        forget_grades()
    walls, first = [], None
    for label in ("全量重新评价（第1次）", "全量重新评价（无变化重跑）"):
        t = time.perf_counter()
        r = evaluation.evaluate()
        wall = time.perf_counter() - t - r.steps.get("lock", 0)  # not the wait for another evaluation
        walls.append(wall)
        first = first or r
        steps = "、".join(f"{name} {seconds:.1f}" for name, seconds in r.steps.items())
        print(
            f"{label}：{wall:.1f} 秒（{steps} 秒）；评价 {r.evaluated:,} 个主体，等级或分数变化 {r.changed:,}，更新 {r.updated:,}",
            flush=True,
        )
        results.append((label, f"{wall:.1f} s", f"{r.evaluated:,} 个主体；变化 {r.changed:,}；更新 {r.updated:,}"))
    if fresh:
        bare.append(time_bare_aggregate())
        ratio = walls[0] / min(bare)
        results.append(
            ("裸聚合（同一 SELECT，不写入，两次取快）", f"{min(bare):.1f} s", f"首次评价为其 {ratio:.2f} 倍")
        )
        if first.changed < first.evaluated * 0.9:
            print(f"注意：第1次评价只改变了 {first.changed:,} 个主体，不是首次评价（期间另有评价运行），不记录目标")
        else:
            goals.record("首次全量评价 / 裸聚合", ratio, 1.5, "倍")
    counts = dict(EntityCredit.objects.values_list("grade").annotate(n=Count("entity")).order_by())
    total = sum(counts.values())
    print(
        "等级分布："
        + "、".join(
            f"{Grade(g).label} {counts.get(g, 0):,}（{counts.get(g, 0) * 100 / total:.1f}%）" for g in Grade.values
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('credit_entitycredit')), pg_size_pretty(pg_total_relation_size('credit_gradehistory'))"
        )
        print("主体信用评价表 {}，等级历史表 {}".format(*cursor.fetchone()))


def api_client(scopes: list[str], department_code="ZZSJ") -> str:
    dept = Department.objects.get(code=department_code)
    _client, key = core_services.api_client_create(
        actor="task:bench", name=f"基准测试（{','.join(scopes)}）", department=dept, scopes=scopes
    )
    return key


def time_checks(results: list, rng: random.Random, calls: int) -> None:
    key = api_client(["credit:read"])
    client = Client()
    pool = sample_usccs(rng, 200_000)
    timings = []
    for i in range(calls + 1):
        body = {"usccs": rng.sample(pool, 1000), "purpose": "政府采购供应商资格审查（基准测试）"}
        t = time.perf_counter()
        response = client.post(
            "/api/v1/credit-checks/",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()["results"]) == 1000
        if i:  # the first call warms the connection and caches
            timings.append(elapsed)
    p50, p95 = statistics.median(timings), pct(timings, 95)
    print(
        f"credit-checks（1000 个代码）×{calls}：p50 {p50:.0f} ms，p95 {p95:.0f} ms，最大 {max(timings):.0f} ms",
        flush=True,
    )
    results.append(
        (
            "POST /api/v1/credit-checks/（1000 个代码）",
            f"p50 {p50:.0f} ms · p95 {p95:.0f} ms",
            f"{calls} 次；最大 {max(timings):.0f} ms",
        )
    )


def time_push(results: list, rng: random.Random, size: int = 5000) -> None:
    key = api_client(["records:write"])
    client = Client()
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    codes = sample_usccs(rng, size)
    today = timezone.localdate()

    def batch(version: int) -> list[dict]:
        return [
            {
                "source_ref": f"{MARK}PUSH-{run}-{i:04d}",
                "uscc": code,
                "category": "administrative_penalty",
                "polarity": "negative",
                "severity": "general",
                "title": "未按规定明码标价",
                "content": f"经查，当事人销售商品未按规定明码标价。（第{version}版）",
                "decided_on": (today - dt.timedelta(days=10 + i % 300)).isoformat(),
                "legal_basis": "《中华人民共和国价格法》第四十二条",
                "amount": f"{2000 + i % 3000}.00",
            }
            for i, code in enumerate(codes)
        ]

    for label, records in (
        (f"新建 {len(codes)} 条", batch(1)),
        ("原样重推（幂等，无变化）", batch(1)),
        (f"更新 {len(codes)} 条", batch(2)),
    ):
        payload = json.dumps({"records": records}, ensure_ascii=False)
        t = time.perf_counter()
        response = client.post(
            "/api/v1/credit-records/", data=payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        elapsed = time.perf_counter() - t
        assert response.status_code == 200, response.content[:500]
        print(
            f"推送 {label}：{elapsed:.2f} 秒 → {response.json()}（请求体 {len(payload.encode()) / 1e6:.1f} MB）",
            flush=True,
        )
        results.append((f"POST /api/v1/credit-records/：{label}", f"{elapsed:.2f} s", json.dumps(response.json())))


def time_pages(results: list, rng: random.Random, pages: int) -> None:
    client = Client()
    codes = sample_usccs(rng, pages + 1)
    # About half of them entities with a negative grade, so the page shows reasons and records.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT uscc FROM credit_entitycredit TABLESAMPLE SYSTEM (1) REPEATABLE (7) WHERE grade <> 'GOOD' AND {BENCH_ENTITIES} LIMIT %s",
            [pages // 2],
        )
        dark = [row[0] for row in cursor.fetchall()]
    codes = codes[: pages + 1 - len(dark)] + dark
    rng.shuffle(codes)
    timings = []
    for i, code in enumerate(codes):
        t = time.perf_counter()
        response = client.get(f"/entities/{code}/")
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (code, response.status_code)
        if i:
            timings.append(elapsed)
    p50, p95 = statistics.median(timings), pct(timings, 95)
    print(
        f"主体页面 GET /entities/<uscc>/ ×{len(timings)}：p50 {p50:.0f} ms，p95 {p95:.0f} ms，最大 {max(timings):.0f} ms",
        flush=True,
    )
    results.append(
        (
            "GET /entities/<uscc>/（公开主体页面）",
            f"p50 {p50:.0f} ms · p95 {p95:.0f} ms",
            f"{len(timings)} 个主体，其中约一半非良好",
        )
    )


def explain() -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the full evaluation's statement, under its session settings, rolled back."""
    _model, sql, params = evaluation.evaluation_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        with evaluation.session_settings(cursor, evaluation.FULL_PASS_SETTINGS):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)


def measure(args) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM supervision_marketentity")
        entities = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        records = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM credit_listentry WHERE removed_on IS NULL")
        lists = cursor.fetchone()[0]
    print(f"数据规模：市场主体 {entities:,}，信用记录 {records:,}，在列名单记录 {lists:,}\n", flush=True)
    results = []
    if args.fresh and args.skip_evaluation:
        forget_grades()
    if not args.skip_evaluation:
        time_evaluation(results, fresh=args.fresh)
    if args.explain:
        explain()
    time_checks(results, rng, args.calls)
    time_push(results, rng, args.push)
    time_pages(results, rng, args.pages)
    print("\n| 项目 | 结果 | 说明 |\n|---|---|---|")
    for row in results:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="信用模块基准测试（100万主体、500万条信用记录）")
    parser.add_argument("--load", action="store_true", help="用 COPY 载入基准信用记录和名单记录")
    parser.add_argument("--records", type=int, default=5_000_000, help="载入的信用记录条数（默认 5,000,000）")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="删除全部基准信用数据（source_ref/decision_no 以 BENCH- 开头，及 MX 主体的评价、历史、核查记录）",
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="生成数据的子进程数（默认为 CPU 核数）"
    )
    parser.add_argument("--explain", action="store_true", help="输出全量评价 SQL 的 EXPLAIN (ANALYZE, BUFFERS)")
    parser.add_argument("--only-explain", action="store_true", help="只输出 EXPLAIN，不计时")
    parser.add_argument(
        "--fresh", action="store_true", help="计时前删除基准主体的信用评价和等级历史，使第1次评价为首次评价"
    )
    parser.add_argument("--skip-evaluation", action="store_true", help="不计时全量评价")
    parser.add_argument("--calls", type=int, default=30, help="credit-checks 调用次数（默认 30）")
    parser.add_argument("--pages", type=int, default=200, help="主体页面请求数（默认 200）")
    parser.add_argument("--push", type=int, default=5000, help="推送接口每批记录数（默认 5000）")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.reset:
        reset()
    if args.load:
        load(args.records, args.workers)
    if args.only_explain:
        explain()
    elif not args.reset and not args.load:
        measure(args)


if __name__ == "__main__":
    main()
