"""双公示 at scale (issue 6 §6): the publication job for 10,000 due decisions, and the public penalty
list with 500,000 published penalties.

    python bench/enforcement.py --publish 10000       # (a) COPY 10,000 pending decisions, time disclosures_publish
    python bench/enforcement.py --load 500000         # (b) COPY 500,000 published penalties (cases, decisions, summaries)
    python bench/enforcement.py --measure             # (b) latency of /penalties/ (page 1, a deep page, searches) and the API
    python bench/enforcement.py --explain             # also EXPLAIN (ANALYZE, BUFFERS) the list queries
    python bench/enforcement.py --reset               # delete every bench case, decision and summary (and their credit records)

Run it in its own database (it adds hundreds of thousands of rows), e.g.

    createdb bench_enforcement
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_enforcement python manage.py migrate
    DATABASE_URL=… python manage.py seed_demo
    DATABASE_URL=… python bench/enforcement.py --publish 10000 --load 500000 --measure

- **Marked rows.** Bench cases, decisions and summaries have numbers starting ``BENCH``; their credit
  records have that ``source_ref``. ``--reset`` deletes them (the audit trail is append-only and
  keeps the job's events).
- **Parties** are entities of the roster (valid USCCs, as the credit service checks), cycled in
  USCC order; departments are the active ones. Deterministic: ``random.Random(seed)`` per chunk.
- **(a)** loads the rows by COPY (not 10,000 service calls), as ``penalty_decision_issue`` leaves
  them (pending summary, already redacted), then runs the real service, ``disclosures_publish``: it
  claims batches of 2,000 with SKIP LOCKED, pushes each department's credit records through
  ``credit_records_push``, marks them published, and looks for decisions no longer in force.
- **(b)** A load of 100,000 or more drops the three tables' secondary indexes and constraints first
  and rebuilds them after, each in one pass (core/bulkload.py). Latency is measured through Django's test client (URL resolution, middleware, the view,
  the template), one process, warm cache: p50/p95 over ``--rounds`` requests each.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import bulkload  # noqa: E402
from enforcement import services  # noqa: E402
from enforcement.models import Case, PenaltyDecision, PenaltyDisclosure  # noqa: E402
from supervision.models import Department, MarketEntity  # noqa: E402

ACTOR = "bench:enforcement"
MARK = "BENCH"
CHUNK = 50_000
TODAY = dt.date.today()
KINDS = [
    ["fine"],
    ["fine", "confiscate_income"],
    ["fine", "confiscate_income"],
    ["confiscate_property", "fine"],
    ["fine", "suspend_licence"],
    ["public_criticism"],
    ["revoke_licence", "fine"],
]
VIOLATIONS = [
    "销售超过保质期的食品",
    "未按规定明码标价",
    "经营无合格证明的产品",
    "虚假宣传",
    "未取得许可从事经营活动",
    "使用不合格计量器具",
]
FACTS = "经查，当事人于{d}存在{v}的行为，货值金额{a}元，违法所得{b}元。以上事实有现场检查笔录、询问笔录等证据证实。"
BASIS = "《中华人民共和国食品安全法》第一百二十四条"


def escape(value) -> str:
    """A value for COPY … (FORMAT text)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return "{" + ",".join(value) + "}"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(cursor, model, rows: list[dict]) -> None:
    """COPY every concrete column; a column the row does not name gets the model field's default,
    as ``Model.objects.create`` would give it (so a column added by a later migration cannot break the load)."""
    fields = model._meta.concrete_fields
    columns = [f.column for f in fields]
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(escape(row[f.attname] if f.attname in row else f.get_default()) for f in fields))
        buf.write("\n")
    buf.seek(0)
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({cols}) FROM STDIN (FORMAT text)", buf)


def reserve_ids(cursor, model, n: int) -> int:
    """The first of ``n`` fresh ids of ``model`` (the sequence moves past them)."""
    table = model._meta.db_table
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    seq = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT setval('{seq}', GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), (SELECT last_value FROM {seq})) + %s)",
        [n],
    )
    return cursor.fetchone()[0] - n + 1


def parties():
    rows = list(MarketEntity.objects.order_by("uscc").values_list("uscc", "name", "legal_representative")[:200_000])
    if not rows:
        sys.exit("名录库为空：请先运行 manage.py seed_demo（或 bench/generate.py）")
    return rows


def build(
    n: int,
    *,
    state: str,
    seed: int,
    first_ids: tuple[int, int, int],
    days_back: int,
    entities,
    departments,
    serial0: int,
):
    """``n`` (case, decision, disclosure) row dicts as the issue service leaves them, published or pending."""
    rng = random.Random(seed)
    case_id, decision_id, disclosure_id = first_ids
    now = timezone.now()
    cases, decisions, disclosures = [], [], []
    for i in range(n):
        code, name, rep = entities[(serial0 + i) % len(entities)]
        dept = departments[(serial0 + i) % len(departments)]
        decided = TODAY - dt.timedelta(days=rng.randint(0, days_back))
        kinds = rng.choice(KINDS)
        fine = Decimal(rng.randrange(1000, 200_000, 100)) if "fine" in kinds else Decimal(0)
        confiscation = (
            Decimal(rng.randrange(0, 20_000, 10))
            if {"confiscate_income", "confiscate_property"} & set(kinds)
            else Decimal(0)
        )
        violation = rng.choice(VIOLATIONS)
        serial = serial0 + i
        number = f"{MARK}{dept.code}罚〔{decided.year}〕{serial}号"
        facts = FACTS.format(d=decided, v=violation, a=rng.randint(100, 99_999), b=rng.randint(0, 9_999))
        content = "、".join(kinds) + f"，罚款{fine}元"
        cases.append(
            {
                "id": case_id + i,
                "number": f"{MARK}-立-{serial}",
                "department_id": dept.pk,
                "entity_id": code,
                "party_name": name,
                "party_is_minor": False,
                "title": f"涉嫌{violation}",
                "source": "monitoring",
                "source_note": "bench",
                "is_major": False,
                "stage": "decision",
                "filed_on": decided,
                "outcome": "",
            }
        )
        decisions.append(
            {
                "id": decision_id + i,
                "case_id": case_id + i,
                "department_id": dept.pk,
                "number": number,
                "year": decided.year,
                "sequence": 10_000_000 + serial,
                "entity_id": code,
                "party_name": name,
                "party_address": "",
                "legal_representative": rep,
                "party_is_minor": False,
                "other_persons": [],
                "violation_type": violation,
                "facts": facts,
                "evidence": "现场检查笔录",
                "legal_basis": BASIS,
                "penalty_types": kinds,
                "penalty_content": content,
                "fine_amount": fine,
                "confiscation_amount": confiscation,
                "circumstance": "general",
                "out_of_range_reason": "",
                "procedure": "general",
                "performance": "十五日内缴纳",
                "remedies": services.DEFAULT_REMEDIES,
                "decided_on": decided,
                "state": "effective",
                "revoked_reason": "",
            }
        )
        published = state == "published"
        disclosures.append(
            {
                "id": disclosure_id + i,
                "decision_id": decision_id + i,
                "department_id": dept.pk,
                "number": number,
                "entity_id": code,
                "party_name": name,
                "legal_representative": rep,
                "violation_type": violation,
                "facts": facts,
                "legal_basis": BASIS,
                "penalty_types": kinds,
                "penalty_content": content,
                "fine_amount": fine,
                "confiscation_amount": confiscation,
                "decided_on": decided,
                "publicity_ends_on": decided + dt.timedelta(days=365) if published else None,  # 一般: at most 1 year
                "state": state,
                "not_public_reason": "",
                "publish_due_on": decided + dt.timedelta(days=9),
                "publish_due_provisional": False,
                "published_at": now if published else None,
                "withdraw_reason": "",
                "featured": published and i % 5000 == 0,
                "featured_note": "典型案例（bench）" if published and i % 5000 == 0 else "",
                "featured_at": now if published and i % 5000 == 0 else None,
            }
        )
    return cases, decisions, disclosures


def existing_bench() -> int:
    return PenaltyDisclosure.objects.filter(number__startswith=MARK).count()


def load(n: int, *, state: str, days_back: int) -> dict:
    entities = parties()
    departments = list(Department.objects.filter(active=True).order_by("code"))
    serial0 = existing_bench() + 1
    timings = {}
    with transaction.atomic(), connection.cursor() as cursor:
        ids = tuple(reserve_ids(cursor, m, n) for m in (Case, PenaltyDecision, PenaltyDisclosure))
        # A big load goes in without the tables' secondary indexes and constraints, rebuilt after it in
        # one pass each (core/bulkload.py): the bigram GINs of the admin's and the public search would
        # otherwise be written row by row.
        tables = [m._meta.db_table for m in (Case, PenaltyDecision, PenaltyDisclosure)] if n >= 100_000 else []
        ddl = {table: bulkload.table_ddl(cursor, table) for table in tables}
        for table, (constraints, indexes) in ddl.items():
            bulkload.drop(cursor, table, constraints, indexes)
        t = time.perf_counter()
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            cases, decisions, disclosures = build(
                size,
                state=state,
                seed=serial0 + start,
                first_ids=tuple(i + start for i in ids),
                days_back=days_back,
                entities=entities,
                departments=departments,
                serial0=serial0 + start,
            )
            copy_rows(cursor, Case, cases)
            copy_rows(cursor, PenaltyDecision, decisions)
            copy_rows(cursor, PenaltyDisclosure, disclosures)
            if n >= 100_000:
                print(f"  COPY {start + size:>8,} × 3 表  {time.perf_counter() - t:6.1f} 秒", flush=True)
        timings["COPY"] = time.perf_counter() - t
        for table, (constraints, indexes) in ddl.items():
            bulkload.recreate(cursor, table, constraints, indexes, timings)
    timings["COPY + 重建索引与约束 + 提交"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Case, PenaltyDecision, PenaltyDisclosure):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    timings["ANALYZE"] = time.perf_counter() - t
    return timings


def bench_publish(n: int) -> None:
    print(f"(a) 公示任务：{n:,} 件到期待公示的处罚决定")
    timings = load(n, state="pending", days_back=6)
    print(f"  COPY {n:,} 件（案件、决定、待公示摘要）：{timings['COPY']:.1f} 秒")
    pending = PenaltyDisclosure.objects.filter(state="pending").count()
    t = time.perf_counter()
    result = services.disclosures_publish(actor=ACTOR)
    elapsed = time.perf_counter() - t
    print(
        f"  disclosures_publish：{elapsed:.1f} 秒（{result}，待公示 {pending:,} 件，{result['published'] / elapsed:,.0f} 件/秒）"
    )
    t = time.perf_counter()
    again = services.disclosures_publish(actor=ACTOR)
    print(f"  再运行一次（无待公示）：{(time.perf_counter() - t) * 1000:.0f} 毫秒 {again}")
    purge_broker()


def purge_broker() -> None:
    """The push enqueued grade evaluations on commit; no worker runs here, so drop them."""
    try:
        from portal.celery import app

        dropped = app.control.purge()
        print(f"  已清除队列中的评价任务 {dropped} 个")
    except Exception as exc:  # a bench: say it and go on
        print(f"  未能清除队列：{exc}")


def measure(rounds: int, explain: bool) -> None:
    from core import services as core_services

    total = PenaltyDisclosure.objects.filter(state="published").count()
    print(f"(b) 行政处罚公示列表：已公示 {total:,} 件，每项 {rounds} 次请求（p50 / p95 毫秒）")
    rng = random.Random(7)
    names = [n for _, n, _ in parties()]
    fragments = [name[len(name) // 2 - 2 : len(name) // 2 + 1] for name in rng.sample(names, min(50, len(names)))]
    codes = [c for c, _, _ in rng.sample(parties(), min(50, len(names)))]
    dept = Department.objects.filter(active=True).order_by("code").first()
    client = Client()
    _, key = core_services.api_client_create(
        actor=ACTOR, name=f"bench-{time.time():.0f}", department=dept, scopes=["enforcement:read"]
    )
    client.api_auth = f"Bearer {key}"
    cases = [
        ("/penalties/ 第1页", "/penalties/", lambda: {}),
        ("/penalties/ 第10页", "/penalties/", lambda: {"page": 10}),
        ("/penalties/ 第50页（最深：计数上限1000条）", "/penalties/", lambda: {"page": 50}),
        ("/penalties/?q= 名称片段（3字）", "/penalties/", lambda: {"q": rng.choice(fragments)}),
        ("/penalties/?q= 统一社会信用代码", "/penalties/", lambda: {"q": rng.choice(codes)}),
        ("/penalties/?q= 代码前缀（10位）", "/penalties/", lambda: {"q": rng.choice(codes)[:10]}),
        ("/penalties/?department=&year=", "/penalties/", lambda: {"department": dept.code, "year": TODAY.year - 1}),
        ("/penalties/?penalty_type=revoke_licence", "/penalties/", lambda: {"penalty_type": "revoke_licence"}),
        ("/penalties/<id>/", None, None),
        ("/exposure/", "/exposure/", lambda: {}),
        ("GET /api/v1/penalties/ 第1页", "/api/v1/penalties/", lambda: {}),
        ("GET /api/v1/penalties/?uscc=", "/api/v1/penalties/", lambda: {"uscc": rng.choice(codes)}),
    ]
    some = list(PenaltyDisclosure.objects.filter(state="published").values_list("pk", flat=True)[:200])
    for label, url, params in cases:
        if url is None:
            samples = []
            for _ in range(rounds):
                t = time.perf_counter()
                assert client.get(f"/penalties/{rng.choice(some)}/").status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        else:
            client.get(
                url, params(), **({"HTTP_AUTHORIZATION": client.api_auth} if url.startswith("/api/") else {})
            )  # warm
            samples = []
            for _ in range(rounds):
                p = params()
                t = time.perf_counter()
                response = client.get(
                    url, p, **({"HTTP_AUTHORIZATION": client.api_auth} if url.startswith("/api/") else {})
                )
                samples.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, p, response.status_code, response.content[:300])
            samples.sort()
            p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        print(f"  {label:<46} {p50:8.1f} {p95:8.1f}", flush=True)
    if explain:
        from enforcement import selectors
        from enforcement.filters import PenaltyFilter

        for label, params in (("page 50", None), ("name", {"q": fragments[0]}), ("prefix", {"q": codes[0][:10]})):
            qs = PenaltyFilter(params, queryset=selectors.public_penalties().only(*selectors.LIST_FIELDS)).qs
            qs = qs[980:1000] if params is None else qs[:20]
            print(f"--- EXPLAIN {label}\n" + qs.explain(analyze=True, buffers=True))


def reset() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM enforcement_penaltydisclosure WHERE number LIKE %s", [f"{MARK}%"])
        n = cursor.rowcount
        cursor.execute("DELETE FROM credit_creditrecord WHERE source_ref LIKE %s", [f"{MARK}%"])
        cursor.execute("DELETE FROM enforcement_penaltydecision WHERE number LIKE %s", [f"{MARK}%"])
        cursor.execute("DELETE FROM enforcement_case WHERE number LIKE %s", [f"{MARK}%"])
    print(f"已删除 {n:,} 件基准测试处罚公示及其决定、案件和信用记录")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish", type=int, default=0, help="(a) 待公示决定数，如 10000")
    parser.add_argument("--load", type=int, default=0, help="(b) 载入已公示处罚数，如 500000")
    parser.add_argument("--measure", action="store_true", help="(b) 测量列表页和接口延迟")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if args.reset:
        reset()
    if args.publish:
        bench_publish(args.publish)
    if args.load:
        print(f"(b) 载入 {args.load:,} 件已公示的处罚（COPY）")
        timings = load(args.load, state="published", days_back=364)
        print("  " + "，".join(f"{k} {v:.1f} 秒" for k, v in timings.items()))
    if args.measure or args.explain:
        measure(args.rounds, args.explain)


if __name__ == "__main__":
    main()
