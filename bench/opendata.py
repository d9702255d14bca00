"""The nightly open-data dump at scale (issue 15 §2): ``opendata.dumps.write_all()`` on whatever the
database holds. ``make bench`` runs it after the credit and penalty loads, so at 1,000,000 entities,
5,000,000 credit records and 500,000 penalties. Goal: ≤ 60 s for all datasets together.

    python bench/opendata.py              # every dataset together (one snapshot), as the 02:00 job runs
    python bench/opendata.py --each       # also each dataset alone
    python bench/opendata.py --runs 3     # several runs (the median is reported)

It uses the database ``manage.py`` uses (``DATABASE_URL`` or the embedded one). The files go to a
temporary folder, deleted at the end; the ``OpenDataFile`` rows as they were before the bench are
put back afterwards (the run's audit events stay: the trail is append-only), so the portal's own
/open-data/ index is unchanged. Figures per dataset: rows, seconds and size of each format, and
rows per second for both formats together.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from opendata import dictionary, dumps  # noqa: E402
from opendata.models import OpenDataFile  # noqa: E402

ACTOR = "bench:opendata"
GOAL_SECONDS = 60  # issue 15 §2: all datasets together at 1,000,000 entities and 5,000,000 records


def mb(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def report(result: dict) -> None:
    files = {(f.dataset, f.format): f for f in OpenDataFile.objects.filter(day=result["day"])}
    print(
        f"  {'数据集':<20}{'行数':>12}  {'CSV 秒':>8} {'CSV 大小':>10}  {'JSONL 秒':>8} {'JSONL 大小':>10}  {'行/秒':>10}"
    )
    for data in dictionary.DATASETS:
        if data.code not in result["rows"]:
            continue
        c, j = files[(data.code, dumps.CSV)], files[(data.code, dumps.JSONL)]
        rate = c.rows / (c.seconds + j.seconds) if c.seconds + j.seconds else 0
        print(
            f"  {data.code:<20}{c.rows:>12,}  {c.seconds:>8.2f} {mb(c.size):>10}  "
            f"{j.seconds:>8.2f} {mb(j.size):>10}  {rate:>10,.0f}"
        )


def run(datasets=None) -> dict:
    return dumps.write_all(datasets=datasets, actor=ACTOR)


def main() -> None:
    parser = argparse.ArgumentParser(description="开放数据每日导出基准测试（全部数据集，一个快照）")
    parser.add_argument("--runs", type=int, default=1, help="全部数据集一起导出的次数（默认 1，报告中位数）")
    parser.add_argument("--each", action="store_true", help="另外逐个数据集单独导出计时")
    args = parser.parse_args()

    saved = list(OpenDataFile.objects.all())
    folder = tempfile.mkdtemp(prefix="bench-opendata-")
    settings.OPEN_DATA_DIR = folder
    try:
        totals = []
        for i in range(args.runs):
            result = run()
            totals.append(result["total_seconds"])
            rows = sum(result["rows"].values())
            print(
                f"write_all（全部数据集，第{i + 1}次）：{result['total_seconds']:.2f} 秒，{result['files']} 个文件，"
                f"{rows:,} 行，共 {mb(result['bytes'])}（目标 ≤ {GOAL_SECONDS} 秒）",
                flush=True,
            )
            report(result)
        if args.runs > 1:
            print(f"write_all（全部数据集）中位数：{statistics.median(totals):.2f} 秒")
        if args.each:
            for data in dictionary.DATASETS:
                started = time.perf_counter()
                result = run([data.code])
                print(
                    f"单独导出 {data.code}：{time.perf_counter() - started:.2f} 秒，"
                    f"{result['rows'][data.code]:,} 行，{mb(result['bytes'])}",
                    flush=True,
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with transaction.atomic():
            OpenDataFile.objects.all().delete()
            OpenDataFile.objects.bulk_create(saved)
            for row in saved:  # bulk_create stamps auto_now_add fields with now
                OpenDataFile.objects.filter(pk=row.pk).update(created_at=row.created_at)
        print(f"已删除基准文件，开放数据索引恢复为原来的 {len(saved)} 个文件")


if __name__ == "__main__":
    main()
