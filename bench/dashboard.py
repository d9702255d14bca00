"""The dashboard at scale (issue 17 §2): p50/p95 of ``/admin/dashboard/`` for the platform administrator and a
district official, with a few filter combinations, reading only the daily snapshots (``DailyFigure``).

    python bench/dashboard.py                       # a year of snapshots shaped on the entities loaded
    python bench/dashboard.py --days 30 --requests 5   # the smoke run
    python bench/dashboard.py --keep                # leave the synthetic snapshots for another run
    python bench/dashboard.py --reset               # delete the synthetic snapshots

The 03:00 job (``oversight.aggregates``) writes the real figures. So that this script measures the page on
its own, it first writes synthetic snapshots of the same shape, set-based in SQL, for ``--days`` days
ending on BENCH_END (a year no real figure uses), and deletes them at the end:

- ``entities_by_grade``: every (registration department, region, industry section) of the entities in
  the database × 4 grades, every day (the biggest metric: the page reads it on each month's end);
- ``negative_records`` from the credit records in the database: their groups (department, region, section,
  category|severity) of the last ``--days`` days of decisions, moved into the window; that is what the job
  writes (at 1,000,000 entities and 5,000,000 records: about 750 rows a day);
- the other flows (list entries, draws, inspections, findings by item, plans, complaints by channel and
  verdict, credit checks by purpose) on a random share of the combinations, about as many rows a day as
  facts a day (``FLOWS``);
- the deadline stocks per department and kind every day, their flows on half of the days.

``--spread`` shapes ``entities_by_grade`` and the synthetic flows on every department × region × section
(the upper bound of the estimate) instead of the combinations that have entities.

When the database also holds real figures (the job's own bench ran before), the page is timed on their
latest year too. Each request is a whole request through Django's test ``Client`` (middleware, queries,
template). Goal (issue 17 §2): p95 ≤ 300 ms at 1,000,000 entities.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from support import goals  # noqa: E402  (bench/ is on sys.path: the script's own folder)

from core import accounts  # noqa: E402
from core.choices import Role  # noqa: E402
from core.deadline_items import specs  # noqa: E402
from oversight.models import DailyFigure  # noqa: E402
from supervision.models import Department  # noqa: E402

LIMIT_MS = 300  # issue 17 §2: p95 ≤ 300 ms at 1,000,000 entities, reading only the snapshots
BENCH_END = dt.date(2001, 12, 31)
DISTRICT_LOGIN = "bench-dash-district"
URL = "/admin/dashboard/"

GRADES = ("GOOD", "WARNING", "DISHONEST", "SERIOUSLY_DISHONEST")
GRADE_SHARE = (0.9, 0.06, 0.03, 0.01)
NEGATIVE_KEYS = [
    f"{c}|{s}"
    for c in ("administrative_penalty", "inspection_result", "business_abnormal", "complaint")
    for s in ("minor", "general", "serious")
]
# (metric, keys, facts a day per entity): the rows a day are about the facts a day (each fact is its own
# group at most), e.g. 3% of the entities inspected a year, 730 negative records a day at 1,000,000
# entities (bench_scratch: 1,598,603 negative records over 2,191 days).
FLOWS = [
    ("negative_records", NEGATIVE_KEYS, 0.00073),
    ("list_entries", ["abnormal", "serious"], 0.00002),
    ("entities_drawn", ["joint", "single"], 0.03 / 365),
    ("entities_inspected", ["joint", "single"], 0.03 / 365),
    ("results_published", ["joint", "single"], 0.03 / 365),
]
# Negative records from the records themselves when the database has them: their groups of the last
# ``days`` days of decisions, moved into the window (what the 03:00 job writes for those days).
REAL_NEGATIVE = """
    INSERT INTO oversight_dailyfigure (day, metric, department_id, region_code, industry, key, value)
    SELECT %(end)s::date - (%(last)s::date - r.decided_on), 'negative_records', r.department_id,
           coalesce(e.region_code, ''), coalesce(left(e.industry_code, 1), ''), r.category || '|' || r.severity, count(*)
    FROM credit_creditrecord r LEFT JOIN supervision_marketentity e ON e.uscc = r.uscc
    WHERE r.polarity = 'negative' AND r.decided_on > %(last)s::date - %(days)s AND r.decided_on <= %(last)s::date
    GROUP BY 1, 2, 3, 4, 5, 6
"""
DEPARTMENT_FLOWS = [
    ("plans_started", ["joint", "single"], 0.05),
    ("complaints_filed", ["web", "12345", "12315", "window", "api"], 0.6),
    ("complaints_closed", [f"{c}|{v}" for c in ("web", "12345", "12315") for v in ("verified", "unfounded")], 0.5),
    ("credit_checks", ["政府采购", "招标投标", "财政资金申请", "评优评先", "公共资源交易", "行政许可"], 0.7),
]
DEADLINE_FLOWS = ["deadline_opened", "deadline_closed", "deadline_on_time", "deadline_late", "deadline_late_exempted"]
DEADLINE_STOCKS = ["deadline_open", "deadline_overdue"]


def window(days: int) -> tuple[dt.date, dt.date]:
    return BENCH_END - dt.timedelta(days=days - 1), BENCH_END


def reset() -> int:
    """Delete every synthetic snapshot (all days up to BENCH_END: no real figure is that old)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM oversight_dailyfigure WHERE day <= %s", [BENCH_END])
        return cursor.rowcount


COMBOS = """
    SELECT registration_authority_id AS department_id, region_code, left(industry_code, 1) AS industry, count(*) AS n
    FROM supervision_marketentity GROUP BY 1, 2, 3
"""
# The upper bound of the estimate: every department × every region × every section has entities.
SPREAD = """
    WITH e AS (SELECT region_code, left(industry_code, 1) AS industry FROM supervision_marketentity),
         r AS (SELECT DISTINCT region_code FROM e), s AS (SELECT DISTINCT industry FROM e),
         d AS (SELECT id FROM supervision_department)
    SELECT d.id AS department_id, r.region_code, s.industry,
           greatest(1, (SELECT count(*) FROM e) / ((SELECT count(*) FROM d) * (SELECT count(*) FROM r) * (SELECT count(*) FROM s))) AS n
    FROM d CROSS JOIN r CROSS JOIN s
"""


def load(days: int, spread: bool = False) -> int:
    """Write the synthetic snapshots, set-based; returns the number of rows."""
    start, end = window(days)
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_combo ON COMMIT DROP AS {SPREAD if spread else COMBOS}")
        cursor.execute("SELECT count(*) FROM bench_combo")
        print(f"（部门, 行政区划, 行业门类）组合 {cursor.fetchone()[0]:,} 个", flush=True)
        cursor.execute(
            "CREATE TEMP TABLE bench_day ON COMMIT DROP AS SELECT d::date AS day FROM generate_series(%s::date, %s::date, '1 day') d",
            [start, end],
        )
        insert = "INSERT INTO oversight_dailyfigure (day, metric, department_id, region_code, industry, key, value) "
        cursor.execute(
            insert
            + """
            SELECT d.day, 'entities_by_grade', c.department_id, c.region_code, c.industry, g.grade,
                   greatest(1, round(c.n * g.share * (1 + (d.day - %s) / 3650.0)))::bigint
            FROM bench_day d CROSS JOIN bench_combo c
            CROSS JOIN unnest(%s::text[], %s::float8[]) AS g(grade, share)
            """,
            [start, list(GRADES), list(GRADE_SHARE)],
        )
        cursor.execute("SELECT count(*), sum(n) FROM bench_combo")
        combos, entities = cursor.fetchone()
        cursor.execute("SELECT max(decided_on) FROM credit_creditrecord WHERE polarity = 'negative'")
        last = cursor.fetchone()[0]
        if last is not None:
            cursor.execute(REAL_NEGATIVE, {"end": end, "last": last, "days": days})
            print(f"负面记录：按库中 {last} 之前 {days} 天的信用记录分组，{cursor.rowcount:,} 行", flush=True)
        for metric, keys, rate in FLOWS:
            if metric == "negative_records" and last is not None:
                continue
            share = min(1.0, float(entities or 0) * rate / max(1, combos * len(keys)))
            cursor.execute(
                insert
                + """
                SELECT d.day, %s, c.department_id, c.region_code, c.industry, k.key, 1 + (random() * 4)::int
                FROM bench_day d CROSS JOIN bench_combo c CROSS JOIN unnest(%s::text[]) AS k(key)
                WHERE random() < %s
                """,
                [metric, keys, share],
            )
        departments = "SELECT id AS department_id FROM supervision_department"
        for metric, keys, share in DEPARTMENT_FLOWS:
            cursor.execute(
                insert
                + f"""
                SELECT d.day, %s, p.department_id, '', '', k.key, 1 + (random() * 9)::int
                FROM bench_day d CROSS JOIN ({departments}) p CROSS JOIN unnest(%s::text[]) AS k(key)
                WHERE random() < %s
                """,
                [metric, keys, share],
            )
        kinds = [s.kind for s in specs()]
        cursor.execute(
            insert
            + f"""
            SELECT d.day, m.metric, p.department_id, '', '', k.kind, 1 + (random() * 20)::int
            FROM bench_day d CROSS JOIN ({departments}) p CROSS JOIN unnest(%s::text[]) AS k(kind)
            CROSS JOIN unnest(%s::text[]) AS m(metric)
            WHERE m.metric IN ('deadline_open', 'deadline_overdue') OR random() < 0.5
            """,
            [kinds, DEADLINE_FLOWS + DEADLINE_STOCKS],
        )
        # Findings by supervision item: the items of the catalogue, per department and industry section.
        cursor.execute(
            insert
            + """
            SELECT d.day, m.metric, i.department_id, '', s.industry, i.catalogue_code,
                   CASE WHEN m.metric = 'inspected_by_item' THEN 2 + (random() * 8)::int ELSE (random() * 2)::int END
            FROM bench_day d CROSS JOIN supervision_supervisionitem i
            CROSS JOIN (SELECT DISTINCT industry FROM bench_combo) s
            CROSS JOIN unnest(ARRAY['inspected_by_item', 'findings_by_item']) AS m(metric)
            WHERE random() < 0.02
            """
        )
    with connection.cursor() as cursor:
        # The steady state the job leaves (autovacuum after its daily replace), not an earlier run's dead rows.
        cursor.execute("VACUUM ANALYZE oversight_dailyfigure")
        cursor.execute("SELECT count(*) FROM oversight_dailyfigure WHERE day BETWEEN %s AND %s", [start, end])
        rows = cursor.fetchone()[0]
    print(f"合成快照：{days} 天，{rows:,} 行，用时 {time.perf_counter() - t:.1f} 秒", flush=True)
    return rows


def district_official():
    """A 部门监管人员 of a district bureau (a department with a parent and the most entities)."""
    user = get_user_model().objects.filter(username=DISTRICT_LOGIN).first()
    if user is not None:
        return user
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.id FROM supervision_department d
            LEFT JOIN supervision_marketentity e ON e.registration_authority_id = d.id
            WHERE d.parent_id IS NOT NULL GROUP BY d.id ORDER BY count(e.uscc) DESC, d.id LIMIT 1
            """
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return accounts.user_create(
        actor="bench",
        username=DISTRICT_LOGIN,
        password=None,
        department=Department.objects.get(pk=row[0]),
        is_staff=True,
        groups=[Group.objects.get(name=Role.DEPARTMENT_OFFICIAL)],
    )


def platform_admin():
    user = get_user_model().objects.filter(username="admin").first()
    return user or get_user_model().objects.filter(groups__name=Role.PLATFORM_ADMIN, is_active=True).first()


def combinations(end: dt.date, user) -> list[tuple[str, dict]]:
    year_start = end - dt.timedelta(days=364)
    quarter = end - dt.timedelta(days=90)
    region = user.department.region_code if user.department_id else "410105"
    return [
        ("一年", {"start": year_start.isoformat(), "end": end.isoformat()}),
        ("一季度（按周）", {"start": quarter.isoformat(), "end": end.isoformat()}),
        (
            "一年·行政区划+行业",
            {"start": year_start.isoformat(), "end": end.isoformat(), "region": region, "industry": "F"},
        ),
        ("一年·按行业分组", {"start": year_start.isoformat(), "end": end.isoformat(), "findings_by": "industry"}),
    ]


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def measure(label: str, end: dt.date, requests: int) -> list[float]:
    everything = []
    for role, user in (("平台管理员", platform_admin()), ("区县部门工作人员", district_official())):
        if user is None:
            print(f"（跳过 {role}：没有该账号）", flush=True)
            continue
        client = Client()
        client.force_login(user)
        for name, params in combinations(end, user):
            response = client.get(URL, params)  # a first request warms the caches; not counted
            if response.status_code != 200:
                raise SystemExit(f"{URL} {params}（{user.username}）返回 {response.status_code}")
            times = []
            for _ in range(requests):
                t = time.perf_counter()
                client.get(URL, params)
                times.append((time.perf_counter() - t) * 1000)
            everything += times
            print(
                f"{label:<10}{role:<10}{name:<18} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
                f"  （{requests} 次）",
                flush=True,
            )
    return everything


def check_links(end: dt.date) -> None:
    """Every linked figure of the platform administrator's page for the month up to ``end`` against the
    count of its admin list (on real figures: the job and the links must count the same rows)."""
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client keeps each response's context
    client = Client()
    client.force_login(platform_admin())
    start = end.replace(day=1)
    response = client.get(URL, {"start": start.isoformat(), "end": end.isoformat()})
    checked, mismatched = 0, []
    for chart in response.context["charts"]:
        for table in chart.tables:
            for label, cells in table.rows:
                for column, cell in zip(table.head[1:], cells, strict=True):
                    if not cell.url:
                        continue
                    listed = client.get(cell.url)
                    n = listed.context["cl"].queryset.count() if listed.status_code == 200 else None
                    checked += 1
                    if n != cell.value:
                        mismatched.append(f"{chart.title} · {label} · {column}: 图表 {cell.value}，列表 {n}")
    print(f"下钻核对（{start}–{end}，平台管理员）：{checked} 个数字，{len(mismatched)} 个与列表不一致", flush=True)
    for line in mismatched[:20]:
        print("  " + line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="监管数据看板（/admin/dashboard/）按角色和筛选条件计时")
    parser.add_argument("--days", type=int, default=365, help="合成快照的天数（默认 365）")
    parser.add_argument("--requests", type=int, default=20, help="每种组合的请求次数（默认 20）")
    parser.add_argument(
        "--spread", action="store_true", help="按上限估计合成：每个部门 × 每个行政区划 × 每个行业门类都有主体"
    )
    parser.add_argument("--keep", action="store_true", help="保留合成快照")
    parser.add_argument("--reset", action="store_true", help="只删除合成快照")
    parser.add_argument("--reuse", action="store_true", help="使用上次 --keep 留下的合成快照（不重新生成）")
    parser.add_argument(
        "--check-links", action="store_true", help="有实际快照时，核对最近一个月每个可点击数字与其后台列表的条数"
    )
    args = parser.parse_args()
    if args.reset:
        print(f"已删除合成快照 {reset():,} 行", flush=True)
        return
    entities = connection.cursor()
    entities.execute("SELECT count(*) FROM supervision_marketentity")
    print(f"市场主体 {entities.fetchone()[0]:,} 户", flush=True)
    if not args.reuse:
        reset()
        load(args.days, spread=args.spread)
    try:
        times = measure("合成快照", BENCH_END, args.requests)
        real_end = DailyFigure.objects.filter(day__gt=BENCH_END).order_by("-day").values_list("day", flat=True).first()
        if real_end is not None:
            times += measure("实际快照", real_end, args.requests)
            if args.check_links:
                check_links(real_end)
    finally:
        if not args.keep:
            reset()
    if not times:
        raise SystemExit("没有可用的登录账号（平台管理员、区县部门工作人员），未计时：请先运行 manage.py seed_demo")
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"全部请求 {len(times)} 次：p50 {p50:.1f} ms，p95 {p95:.1f} ms", flush=True)
    goals.record("监管数据看板 p95（平台管理员与区县部门，含筛选）", p95, LIMIT_MS, "ms")


if __name__ == "__main__":
    main()
