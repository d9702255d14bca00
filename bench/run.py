"""Every benchmark, end to end, in order: what ``make bench`` runs, and (``--smoke``) what the test suite
runs at a small size (tests/test_bench_smoke.py), so that no script can rot unnoticed.

    python bench/run.py                      # full size: 1,000,000 entities, 5,000,000 records, 500,000 penalties
    python bench/run.py --smoke              # small size: 20,000 entities, 100,000 records (checks that it works)
    ENTITIES=… RECORDS=… PENALTIES=… python bench/run.py   # other sizes (as ``make bench`` passes them)
    python bench/run.py --province           # 10,000,000 entities, 50,000,000 records (docs/SCALING.md)

It uses the database ``manage.py`` uses (``DATABASE_URL`` or the embedded one). It migrates first, so
a fresh clone works; then it deletes the rows an earlier run left (each script's ``--reset``), loads
the bench data and runs every script once, each as its own process. It stops at the first script that
fails and exits with its status. Every script in bench/ must be in ``steps`` (the smoke test checks).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))  # also when imported by tests/test_bench_smoke.py

from support import goals  # noqa: E402


def steps(*, smoke: bool, entities: int, records: int, penalties: int) -> list[list[str]]:
    """The commands, in order: (script, arguments…), relative to the repository root."""
    small = (lambda *args: list(args)) if smoke else (lambda *args: [])
    return [
        ["manage.py", "migrate", "--no-input"],
        # Earlier bench rows go first (in this order: the scripts' own --reset, see bench/README.md).
        ["bench/oversight.py", "--reset"],  # its facts point at plans, records and entities the others delete
        ["bench/enforcement.py", "--reset"],
        ["bench/credit_report.py", "--reset"],
        ["bench/inspections.py", "--reset"],
        ["bench/credit.py", "--reset"],
        ["bench/generate.py", "--reset", "--entities", str(entities)],  # runs seed_demo first on an empty database
        ["bench/search.py", *small("--queries", "20", "--no-explain")],
        ["bench/credit.py", "--load", "--records", str(records)],
        ["bench/credit.py", "--fresh", *small("--calls", "3", "--pages", "10", "--push", "200")],
        ["bench/inspections.py", *([] if smoke else ["--rounds", "3"])],  # issue 16 §4: best of 3 at full size
        ["bench/credit_report.py", *small("--runs", "2")],
        [
            "bench/enforcement.py",
            "--publish",
            "500" if smoke else "10000",
            "--load",
            str(penalties),
            "--measure",
            *small("--rounds", "5"),
        ],
        # The nightly open-data dump (issue 15 §2) on everything loaded above.
        ["bench/opendata.py"],
        # Issue 17 §1: a year of the facts the daily figures read, then one day's figures and a 365-day backfill.
        ["bench/oversight.py", "--load", "--measure", *small("--days", "60")],
        ["bench/reseed.py", *small("--rounds", "1")],
        ["bench/webhooks.py", *small("--smoke")],  # issue 15 §4: 10,000 events to a local receiver
        # Issue 16 §3: every admin list (its search and filters) for each role, and every API list.
        ["bench/admin_lists.py", *small("--runs", "1")],
        ["bench/api_lists.py", *small("--calls", "5")],
        # Issue 17 §2: the dashboard on a year of snapshots shaped on the entities loaded above.
        ["bench/dashboard.py", *small("--days", "60", "--requests", "3")],
        # Issue 16 §1: public pages under wrk -t2 -c20 (gunicorn, 2 workers), on everything loaded above.
        ["bench/load.py", *small("--duration", "3")],
        # Issue 16 §1: the busiest entity's page at 390 px on Fast 3G (chromium; skipped without it).
        ["bench/light_page.py", *small("--runs", "1")],
        ["bench/partitions.py", *small("--rows", "2000", "--runs", "1")],  # issue 16 §5: converting 100,000 rows
    ]


def province_steps(*, entities: int, records: int) -> list[list[str]]:
    """Issue 16 §5, a province: the load, the evaluation, search, credit checks, a draw and the nightly
    dump at 10,000,000 entities and 50,000,000 records (docs/SCALING.md). About 55 GB of disk and
    1.5 hours on 2 cores; it leaves the data in place for further runs (``--reset`` them by hand)."""
    return [
        ["manage.py", "migrate", "--no-input"],
        ["bench/generate.py", "--reset", "--entities", str(entities)],
        ["bench/search.py", "--no-explain"],
        ["bench/credit.py", "--load", "--records", str(records)],
        ["bench/credit.py", "--fresh", "--calls", "10", "--pages", "50"],  # evaluation, credit checks, pages
        ["bench/search.py", "--no-explain"],  # with every entity graded (the badge in the results)
        ["bench/inspections.py", "--rounds", "1"],
        ["bench/opendata.py"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="全部基准测试（先迁移数据库，再依次运行 bench/ 下每个脚本）")
    parser.add_argument("--smoke", action="store_true", help="小规模运行（2万主体、10万条信用记录），只检查脚本能跑通")
    parser.add_argument(
        "--province",
        action="store_true",
        help="省级规模（1000万主体、5000万条信用记录）：载入、评价、搜索、查询、摇号和每日导出",
    )
    args = parser.parse_args()

    def size(name: str, full: int, smoke: int) -> int:
        return int(os.environ.get(name) or (smoke if args.smoke else full))

    if args.province:
        plan = province_steps(
            entities=int(os.environ.get("ENTITIES") or 10_000_000), records=int(os.environ.get("RECORDS") or 50_000_000)
        )
    else:
        plan = steps(
            smoke=args.smoke,
            entities=size("ENTITIES", 1_000_000, 20_000),
            records=size("RECORDS", 5_000_000, 100_000),
            penalties=size("PENALTIES", 500_000, 5_000),
        )
    goals.reset()
    started = time.perf_counter()
    for command in plan:
        print(f"\n=== {' '.join(command)}", flush=True)
        t = time.perf_counter()
        status = subprocess.call([sys.executable, *command], cwd=BASE_DIR)
        print(f"=== {command[0]} 用时 {time.perf_counter() - t:.1f} 秒（退出码 {status}）", flush=True)
        if status:
            sys.exit(status)
    print(f"\n全部基准测试完成，用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    print(goals.report(), flush=True)


if __name__ == "__main__":
    main()
