"""API lists at scale (issue 16 §3): every list endpoint of ``/api/v1/`` and ``/api/open/v1/``, p95.

    python bench/api_lists.py                  # each list ~20 times (first page, a deeper page, a filter)
    python bench/api_lists.py --calls 5        # fewer calls (the smoke run)

The private API is called with a key holding every read scope (as bench/credit.py makes its key);
the open API without one. Each endpoint is called ``--calls`` times, spread over a few query strings
(page 1, page 5, a search or filter where it has one) and entities sampled from the table; the p95
of each endpoint and whether its count was an estimate (``count_is_estimate``) are printed.

Goal (issue 16 §3): every API list ≤ 300 ms p95 at 1,000,000 entities and 5,000,000 records.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# The bench times the lists, not the open API's per-IP limit (120 a minute): its ~140 calls in a few seconds
# from one address would otherwise end in 429 (tests/api cover the limit itself).
os.environ.setdefault("OPEN_API_RATE", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from support import goals  # noqa: E402  (bench/ is on sys.path: the script's own folder)

from core import services as core_services  # noqa: E402
from supervision.models import Department  # noqa: E402

LIMIT_MS = 300  # issue 16 §3: every API list ≤ 300 ms p95
READ_SCOPES = ["credit:read", "inspections:read", "enforcement:read"]


def pct(values, p) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def sample(table: str, column: str, n: int) -> list[str]:
    """Up to ``n`` values of ``column`` spread over ``table`` (a block sample; the first rows if it is small)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}::text FROM {table} TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 200")
        rows = [r[0] for r in cursor.fetchall()]
        if len(rows) < n:
            cursor.execute(f"SELECT {column}::text FROM {table} ORDER BY {column} DESC LIMIT 200")
            rows = [r[0] for r in cursor.fetchall()]
    random.Random(7).shuffle(rows)
    return rows[:n] or ["0"]


def endpoints() -> list[tuple[str, list[str]]]:
    """``(label, [path with query, …])`` for every list endpoint."""
    entities = sample("supervision_marketentity", "uscc", 20)
    # Entities with records and a grade history: the entity's own lists are then not empty.
    with_records = sample("credit_creditrecord", "uscc", 20)
    graded = sample("credit_gradehistory", "uscc", 20)
    draws = sample("inspections_draw", "id", 5)
    v1, open_ = "/api/v1", "/api/open/v1"
    return [
        (
            "v1 entities",
            [
                f"{v1}/entities/",
                f"{v1}/entities/?page=5",
                f"{v1}/entities/?q=有限公司",
                f"{v1}/entities/?region=410105",
                f"{v1}/entities/?q={entities[0][:8]}",
            ],
        ),
        ("v1 entity credit-records", [f"{v1}/entities/{u}/credit-records/" for u in with_records]),
        ("v1 entity grade-history", [f"{v1}/entities/{u}/grade-history/" for u in graded]),
        (
            "v1 lists",
            [f"{v1}/lists/{t}/?active=true" for t in ("abnormal", "serious", "key_attention", "red")]
            + [f"{v1}/lists/abnormal/?page=5"],
        ),
        ("v1 inspection-plans", [f"{v1}/inspection-plans/", f"{v1}/inspection-plans/?page=2"]),
        (
            "v1 inspection-results",
            [
                f"{v1}/inspection-results/",
                f"{v1}/inspection-results/?page=5",
                f"{v1}/inspection-results/?uscc={entities[1]}",
            ],
        ),
        (
            "v1 penalties",
            [
                f"{v1}/penalties/",
                f"{v1}/penalties/?page=5",
                f"{v1}/penalties/?uscc={with_records[0]}",
                f"{v1}/penalties/?since=2026-01-01",
            ],
        ),
        ("v1 webhooks", [f"{v1}/webhooks/"]),
        (
            "open entities",
            [
                f"{open_}/entities/",
                f"{open_}/entities/?page=5",
                f"{open_}/entities/?q=有限公司",
                f"{open_}/entities/?cursor=",
            ],
        ),
        ("open penalties", [f"{open_}/penalties/", f"{open_}/penalties/?page=5", f"{open_}/penalties/?cursor="]),
        ("open lists", [f"{open_}/lists/{t}/" for t in ("abnormal", "serious", "red")]),
        ("open acts", [f"{open_}/acts/", f"{open_}/acts/?page=5"]),
        ("open inspection-plans", [f"{open_}/inspection-plans/"]),
        ("open draw selection", [f"{open_}/inspection-draws/{d}/selection/" for d in draws]),
        ("open inspection-results", [f"{open_}/inspection-results/", f"{open_}/inspection-results/?page=5"]),
        ("open rules", [f"{open_}/rules/{r}/" for r in ("departments", "items", "benchmarks", "measures")]),
    ]


def measure(calls: int) -> None:
    dept = Department.objects.order_by("id").first()
    _client, key = core_services.api_client_create(
        actor="task:bench", name="基准测试（全部读取范围）", department=dept, scopes=READ_SCOPES
    )
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    worst = (0.0, "")
    print(f"{'接口':<30}{'次数':>6}{'p50 ms':>9}{'p95 ms':>9}{'最大 ms':>9}  计数", flush=True)
    for label, paths in endpoints():
        client.get(paths[0], **auth)  # warm the connection and the plan cache
        timings, estimated, counts = [], False, set()
        for i in range(calls):
            path = paths[i % len(paths)]
            t = time.perf_counter()
            response = client.get(path, **auth)
            timings.append((time.perf_counter() - t) * 1000)
            if response.status_code in (404, 410):  # a page past the end of a short list
                continue
            if response.status_code != 200:
                raise SystemExit(f"{path} 返回 {response.status_code}: {response.content[:300]!r}")
            body = response.json() if response["Content-Type"].startswith("application/json") else {}
            if isinstance(body, dict) and "count" in body:
                counts.add(body["count"])
                estimated |= bool(body.get("count_is_estimate"))
        p95 = pct(timings, 95)
        shown = f"{'约' if estimated else ''}{max(counts):,}" if counts else "-"
        print(
            f"{label:<30}{len(timings):>6}{pct(timings, 50):>9.0f}{p95:>9.0f}{max(timings):>9.0f}  {shown}", flush=True
        )
        if p95 > worst[0]:
            worst = (p95, label)
    print(f"最慢的接口列表：{worst[1]}，p95 {worst[0]:.0f} ms", flush=True)
    goals.record("API 列表最慢 p95（每个列表接口）", worst[0], LIMIT_MS, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="API 列表接口计时（/api/v1/ 与 /api/open/v1/ 的每个列表）")
    parser.add_argument("--calls", type=int, default=20, help="每个接口调用几次（默认 20）")
    args = parser.parse_args()
    measure(max(1, args.calls))


if __name__ == "__main__":
    main()
