"""The daily figures at scale (issue 17 §1): one day's aggregation at 1,000,000 entities and 5,000,000
records (goal ≤ 60 s), and a backfill of 365 days.

    python bench/oversight.py --load               # load a year of the facts the figures read (set-based, marked)
    python bench/oversight.py                      # measure: one day (twice), each family, the 365-day backfill
    python bench/oversight.py --days 30            # a shorter backfill
    python bench/oversight.py --reset              # delete the facts --load wrote

Run ``bench/generate.py`` and ``bench/credit.py --load`` first (entities, records, list entries), and
``bench/enforcement.py --load`` for penalty disclosures (deadline items). The figures read more than
those loaders write, so ``--load`` adds, for the bench entities (USCC positions 9–10 ``MX``) and over
the last year, every row set-based in SQL (deterministic: md5 of the USCC or of a serial):

- grade history: every entity graded 13 months ago, 15 % changing grade once in the year, 5 % of
  them changing back (the stock ``entities_by_grade`` reads it from before the year);
- list entries listed and removed in the year (about 2 %), on top of credit.py's entries;
- complaints (0.3 per entity) with due days, closings on time and late, channels and verdicts, and an
  accepted 尽职免责 for some late ones; objections (2 %) on bench records;
- credit checks (2 per entity) by department and purpose;
- inspection plans (one every 3 days, a third joint), their draws, tasks, items, results (a quarter
  with findings, most published) and correction orders.

Marks, for ``--reset``: plan names ``OVBENCH-`` (not ``BENCH-``: bench/inspections.py resets those),
complaint and objection tracking numbers and list decision numbers ``OVBENCH-``, credit checks with
measures ``["OVBENCH"]``, grade history with ``{"bench": "oversight"}`` in its reasons, exemptions whose
reason starts ``基准测试``. The daily figures themselves are derived and replaced by every run. Run
``--reset`` here before the other scripts' resets (bench/run.py does): the objections hold bench
records that ``credit.py --reset`` deletes.
"""

import argparse
import datetime as dt
import os
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
from support import goals  # noqa: E402

from core import bulkload  # noqa: E402
from oversight import aggregates  # noqa: E402
from oversight.models import DailyFigure  # noqa: E402
from oversight.services import daily_figures_compute  # noqa: E402

MARK = "OVBENCH-"
BENCH = "substr(uscc, 9, 2) = 'MX'"
TZ = "Asia/Shanghai"
ACTOR = "bench:oversight"
FINDINGS = ["unreachable", "not_published", "problem_pending", "other_rules"]


def h(expr: str, salt: str) -> str:
    """A deterministic 28-bit hash of ``expr`` (as credit.py's list entries use)."""
    return f"('x' || substr(md5(({expr})::text || '{salt}'), 1, 7))::bit(28)::int"


def insert(cursor, model, exprs: dict, source: str, params: dict) -> int:
    """``INSERT INTO <model> (…) SELECT <exprs> <source>``; every other NOT NULL column gets the model
    field's default, as ``objects.create`` would (the database holds no defaults)."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in exprs:
            columns.append(field.column)
            values.append(exprs[field.column])
        elif not field.null:
            if not field.has_default() and not field.blank:
                raise SystemExit(f"bench/oversight.py：{model._meta.db_table}.{field.column} 未赋值（请在脚本中补上）")
            name = f"default_{field.column}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            columns.append(field.column)
            values.append(f"%({name})s")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}", params
    )
    return cursor.rowcount


def local(day: str, seconds: str) -> str:
    """A timestamptz at ``day`` 08:00 local plus ``seconds``."""
    return f"(({day}) + time '08:00' + ({seconds}) * interval '1 second') AT TIME ZONE '{TZ}'"


# --- load -----------------------------------------------------------------------------------------


def load() -> None:
    from credit.models import CreditCheck, GradeHistory, ListEntry, Objection
    from enforcement.models import Complaint
    from oversight.models import DutyExemption

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspections_inspectionplan WHERE name LIKE %s", [MARK + "%"])
        if cursor.fetchone()[0]:
            sys.exit("已有基准统计数据。请先运行 python bench/oversight.py --reset")
        cursor.execute(f"SELECT count(*) FROM supervision_marketentity WHERE {BENCH}")
        entities = cursor.fetchone()[0]
        if not entities:
            sys.exit("没有基准市场主体：请先运行 bench/generate.py")
        cursor.execute("SELECT id FROM credit_evaluationmodel ORDER BY effective_from LIMIT 1")
        model_id = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM core_user ORDER BY id LIMIT 1")
        user_id = (cursor.fetchone() or [None])[0]  # who filed and accepted the 尽职免责 (seed_demo's logins)
        cursor.execute("SELECT id FROM supervision_department WHERE active ORDER BY code")
        departments = [row[0] for row in cursor.fetchall()]
    print(f"为 {entities:,} 个基准市场主体载入一年的统计用数据（截至 {today - dt.timedelta(days=1)}）", flush=True)
    p = {"today": today, "model": model_id, "user": user_id, "depts": departments, "mark": MARK}
    timings, counts = {}, {}
    started = time.perf_counter()

    def step(label, run):
        t = time.perf_counter()
        counts[label] = run()
        timings[label] = time.perf_counter() - t
        print(f"  {label}：{counts[label]:,} 行（{timings[label]:.1f} 秒）", flush=True)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TEMPORARY TABLE ov_ents ON COMMIT DROP AS
                SELECT uscc, name, registration_authority_id AS dept, row_number() OVER (ORDER BY uscc) - 1 AS rn,
                       {h("uscc", "ov")} AS h
                FROM supervision_marketentity WHERE {BENCH}"""
        )
        cursor.execute("CREATE UNIQUE INDEX ON ov_ents (rn)")
        cursor.execute("ANALYZE ov_ents")
        p["n"] = entities
        # Any department for an entity without a registration authority.
        p["fallback"] = departments[0]

        def grades():
            # Each entity graded 13 months ago; 15 % change once in the year, a third of those back later.
            grade = "(ARRAY['GOOD','WARNING','DISHONEST','SERIOUSLY_DISHONEST'])[g + 1]"
            source = """
            FROM (
                SELECT uscc, g0 AS g, %(today)s::date - 400 + h %% 30 AS day, h %% 3600 AS sec, h FROM (
                    SELECT uscc, h, CASE WHEN h %% 1000 < 790 THEN 0 WHEN h %% 1000 < 835 THEN 1
                                         WHEN h %% 1000 < 947 THEN 2 ELSE 3 END AS g0 FROM ov_ents) s
                UNION ALL
                SELECT uscc, (g0 + 1 + (h >> 20) %% 3) %% 4, %(today)s::date - 1 - (h >> 8) %% 365, (h >> 3) %% 3600, h
                FROM (SELECT uscc, h, CASE WHEN h %% 1000 < 790 THEN 0 WHEN h %% 1000 < 835 THEN 1
                                           WHEN h %% 1000 < 947 THEN 2 ELSE 3 END AS g0 FROM ov_ents) s
                WHERE (h >> 4) %% 100 < 15
                UNION ALL
                SELECT uscc, g0, %(today)s::date - 1 - (h >> 8) %% 365 + 1 + (h >> 16) %% 60, (h >> 5) %% 3600, h
                FROM (SELECT uscc, h, CASE WHEN h %% 1000 < 790 THEN 0 WHEN h %% 1000 < 835 THEN 1
                                           WHEN h %% 1000 < 947 THEN 2 ELSE 3 END AS g0 FROM ov_ents) s
                WHERE (h >> 4) %% 100 < 5 AND (h >> 8) %% 365 - (h >> 16) %% 60 >= 1
            ) r"""
            exprs = {
                "uscc": "r.uscc",
                "grade": grade,
                "score": "(ARRAY[900, 700, 500, 300])[g + 1] + h %% 100",
                "reasons": f"""jsonb_build_array(jsonb_build_object('text', '基准测试数据（bench/oversight.py）',
                                 'level', {grade}, 'until', NULL, 'bench', 'oversight'))""",
                "model_id": "%(model)s",
                "changed_at": local("r.day", "r.sec"),
            }
            with bulkload.rebuilt(cursor, GradeHistory._meta.db_table, timings):
                return insert(cursor, GradeHistory, exprs, source, p)

        def lists():
            exprs = {
                "uscc": "e.uscc",
                "list_type": "CASE WHEN e.h %% 2 = 0 THEN 'abnormal' ELSE 'key_attention' END",
                "ground": "CASE WHEN e.h %% 2 = 0 THEN 'unreachable' ELSE 'dishonest_below_serious' END",
                "facts": "'基准测试数据'",
                "legal_basis": "'《企业经营异常名录管理暂行办法》第四条'",
                "department_id": "COALESCE(e.dept, %(fallback)s)",
                "decision_no": "%(mark)s || e.uscc",
                "ground_established_on": "d.listed - 3",
                "decided_on": "d.listed",
                "listed_on": "d.listed",
                "removed_on": "d.listed + 10 + (e.h >> 12) %% 200",
                "removal_reason": "'duty_fulfilled'",
                "created_at": "now()",
            }
            source = """FROM ov_ents e CROSS JOIN LATERAL (SELECT %(today)s::date - 1 - (e.h >> 8) %% 365 AS listed) d
                        WHERE e.h %% 1000 BETWEEN 500 AND 539 AND d.listed + 10 + (e.h >> 12) %% 200 < %(today)s"""
            return insert(cursor, ListEntry, exprs, source, p)

        def complaints():
            day = "%(today)s::date - 365 + s.i %% 365"
            closed = f"{day} + 1 + (s.i * 17) %% 30"
            exprs = {
                "query_code_hash": "md5(s.i::text || 'q')",
                "tracking_no": "%(mark)s || 'C' || s.i",
                "kind": "CASE WHEN s.i %% 4 = 0 THEN 'report' ELSE 'complaint' END",
                "channel": "(ARRAY['web', '12345', '12315', 'window', 'api'])[1 + s.i %% 5]",
                "entity_name": "e.name",
                "uscc": "e.uscc",
                "content": "'基准测试投诉举报'",
                "filed_at": local(day, "(s.i * 7) %% 36000"),
                "department_id": "COALESCE(e.dept, %(fallback)s)",
                "working_days": "15",
                "due_on": f"{day} + 21",
                "state": f"CASE WHEN (s.i * 31) %% 100 < 88 AND {closed} < %(today)s THEN 'closed' ELSE 'handling' END",
                "verdict": f"""CASE WHEN (s.i * 31) %% 100 < 88 AND {closed} < %(today)s
                               THEN (ARRAY['verified', 'partly', 'unfounded', 'converted'])[1 + s.i %% 4] ELSE '' END""",
                "outcome": "''",
                "closed_at": f"CASE WHEN (s.i * 31) %% 100 < 88 AND {closed} < %(today)s THEN {local(closed, '(s.i * 13) %% 36000')} END",
            }
            source = "FROM generate_series(0, %(n)s * 3 / 10 - 1) AS s(i) JOIN ov_ents e ON e.rn = (s.i::bigint * 7919) %% %(n)s"
            return insert(cursor, Complaint, exprs, source, p)

        def exemptions():
            exprs = {
                "kind": "'complaint'",
                "object_id": "c.id",
                "department_id": "c.department_id",
                "reason_kind": "'holiday_notice'",
                "reason": "'基准测试：节假日调休通知'",
                "evidence": "''",
                "filed_by_id": "%(user)s",
                "filed_at": "c.closed_at",
                "state": "'accepted'",
                "decided_by_id": "%(user)s",
                "decided_at": "c.closed_at + interval '1 day'",
            }
            source = f"""FROM {Complaint._meta.db_table} c
                WHERE c.tracking_no LIKE %(mark)s || '%%' AND c.closed_at IS NOT NULL
                  AND (c.closed_at AT TIME ZONE '{TZ}')::date > c.due_on AND c.id %% 20 = 0"""
            return insert(cursor, DutyExemption, exprs, source, p)

        def objections():
            day = "%(today)s::date - 365 + s.i %% 365"
            decided = f"{day} + 2 + (s.i * 13) %% 30"
            done = f"(s.i * 7) %% 10 < 9 AND {decided} < %(today)s"
            exprs = {
                "query_code_hash": "md5(s.i::text || 'o')",
                "tracking_no": "%(mark)s || 'O' || s.i",
                "applicant_name": "'基准测试申请人'",
                "contact_phone": "''",
                "contact_email": "''",
                "filed_at": local(day, "(s.i * 11) %% 36000"),
                "uscc": "r.uscc",
                "record_id": "r.id",
                "department_id": "r.department_id",
                "reason": "'基准测试异议'",
                "state": f"CASE WHEN {done} THEN 'decided' ELSE 'accepted' END",
                "accept_due_on": f"{day} + 7",
                "decide_due_on": f"{day} + 28",
                "accepted_at": local(day, "40000"),
                "accept_reason": "''",
                "outcome": f"CASE WHEN {done} THEN 'upheld' ELSE '' END",
                "outcome_reason": "''",
                "decided_at": f"CASE WHEN {done} THEN {local(decided, '3600')} END",
            }
            source = f"""FROM (SELECT id, uscc, department_id, (row_number() OVER (ORDER BY id))::int - 1 AS i
                              FROM credit_creditrecord WHERE source_ref LIKE 'BENCH-%%' AND polarity = 'negative'
                                AND id %% 50 = 0 AND {BENCH}
                              LIMIT %(n)s / 50) r
                        CROSS JOIN LATERAL (SELECT r.i) AS s(i)"""
            return insert(cursor, Objection, exprs, source, p)

        def checks():
            exprs = {
                "department_id": "(%(depts)s::bigint[])[1 + s.i %% array_length(%(depts)s::bigint[], 1)]",
                "uscc": "e.uscc",
                "purpose": "(ARRAY['政府采购供应商资格审查', '行政许可', '财政资金申报', '评优评先', '招标投标', '公共资源交易'])[1 + (s.i / 7) %% 6]",
                "found": "true",
                "grade": "''",
                "measures": """'["OVBENCH"]'::jsonb""",
                "checked_at": local("%(today)s::date - 365 + s.i %% 365", "(s.i * 3) %% 43200"),
            }
            source = "FROM generate_series(0, %(n)s * 2 - 1) AS s(i) JOIN ov_ents e ON e.rn = (s.i::bigint * 104729) %% %(n)s"
            return insert(cursor, CreditCheck, exprs, source, p)

        step("信用等级历史", grades)
        step("名单记录（一年内列入并移出）", lists)
        step("投诉举报", complaints)
        if user_id is not None:
            step("尽职免责（已认可）", exemptions)
        step("异议", objections)
        step("信用核查记录", checks)
        step("双随机抽查（计划、摇号、任务、结果、责令改正）", lambda: inspections(cursor, p))
    with connection.cursor() as cursor:
        t = time.perf_counter()
        for table in (
            "credit_gradehistory",
            "credit_listentry",
            "enforcement_complaint",
            "credit_objection",
            "credit_creditcheck",
            "inspections_inspectionresult",
            "inspections_inspectiontask",
            "inspections_drawselection",
        ):
            cursor.execute(f"ANALYZE {table}")
        timings["ANALYZE"] = time.perf_counter() - t
    print(f"\n载入统计用数据 {sum(counts.values()):,} 行，用时 {time.perf_counter() - started:.1f} 秒（含 ANALYZE）")


def inspections(cursor, p: dict) -> int:
    """Plans one every 3 days over the year (a third joint), each drawing 10 % of the entities / plans."""
    from inspections.models import (
        CorrectionOrder,
        Draw,
        DrawSelection,
        InspectionPlan,
        InspectionResult,
        InspectionTask,
        PlanItem,
    )

    cursor.execute(
        """SELECT DISTINCT i.department_id FROM supervision_supervisionitem i
           JOIN supervision_supervisionitemversion v ON v.item_id = i.id AND v.effective_to IS NULL
           JOIN supervision_department d ON d.id = i.department_id AND d.active ORDER BY 1"""
    )
    p["item_depts"] = [row[0] for row in cursor.fetchall()]
    if not p["item_depts"]:
        sys.exit("没有监管事项：请先运行 manage.py seed_demo")
    p["plans"] = 122
    p["per_plan"] = max(10, p["n"] // 10 // p["plans"])
    total = 0
    start = "%(today)s::date - 365 + s.i * 3"
    depts = "%(item_depts)s::bigint[]"
    total += insert(
        cursor,
        InspectionPlan,
        {
            "name": "%(mark)s || '基准统计抽查计划' || s.i",
            "year": f"extract(year FROM {start})::int",
            "lead_department_id": f"({depts})[1 + s.i %% array_length({depts}, 1)]",
            "description": "'基准测试数据'",
            "scope_region": "''",
            "scope_industry": "''",
            "starts_on": start,
            "ends_on": f"{start} + 60",
            "state": "'completed'",
            "created_at": "now()",
        },
        "FROM generate_series(0, %(plans)s - 1) AS s(i)",
        p,
    )
    cursor.execute(
        """CREATE TEMPORARY TABLE ov_plans ON COMMIT DROP AS
           SELECT id, lead_department_id AS lead, starts_on, ends_on, (row_number() OVER (ORDER BY id))::int - 1 AS i
           FROM inspections_inspectionplan WHERE name LIKE %(mark)s || '%%'""",
        p,
    )
    # A third of the plans are joint: the next department with items takes part.
    cursor.execute(
        f"""INSERT INTO inspections_inspectionplan_departments (inspectionplan_id, department_id)
            SELECT id, ({depts})[1 + (i + 1) %% array_length({depts}, 1)] FROM ov_plans
            WHERE i %% 3 = 0 AND array_length({depts}, 1) > 1""",
        p,
    )
    total += cursor.rowcount
    # Each department of a plan checks its first open item version.
    total += insert(
        cursor,
        PlanItem,
        {"plan_id": "pd.plan", "item_version_id": "v.id", "department_id": "pd.dept"},
        """FROM (SELECT id AS plan, lead AS dept FROM ov_plans
                 UNION ALL SELECT inspectionplan_id, department_id FROM inspections_inspectionplan_departments
                           WHERE inspectionplan_id IN (SELECT id FROM ov_plans)) pd
           CROSS JOIN LATERAL (SELECT v.id FROM supervision_supervisionitemversion v
                               JOIN supervision_supervisionitem si ON si.id = v.item_id
                               WHERE si.department_id = pd.dept AND v.effective_to IS NULL ORDER BY si.id LIMIT 1) v""",
        p,
    )
    total += insert(
        cursor,
        Draw,
        {
            "plan_id": "pl.id",
            "seed": "md5(pl.id::text) || md5(pl.id::text || 's')",
            "population_sha256": "md5(pl.id::text || 'p') || md5(pl.id::text || 'q')",
            "population": "''",
            "population_size": "%(n)s",
            "reason": "''",
            "drawn_at": local("pl.starts_on - 3", "7200"),
            "key_coverage": "''",
            "key_coverage_sha256": "''",
        },
        "FROM ov_plans pl",
        p,
    )
    cursor.execute(
        """CREATE TEMPORARY TABLE ov_tasks ON COMMIT DROP AS
           SELECT pl.id AS plan, d.id AS draw, e.uscc, pl.starts_on, pl.ends_on, j, e.h
           FROM ov_plans pl JOIN inspections_draw d ON d.plan_id = pl.id
           CROSS JOIN generate_series(0, %(per_plan)s - 1) AS j
           JOIN ov_ents e ON e.rn = (pl.i * %(per_plan)s + j) %% %(n)s""",
        p,
    )
    total += insert(
        cursor,
        DrawSelection,
        {
            "draw_id": "t.draw",
            "uscc": "t.uscc",
            "stratum": "'A'",
            "rank": "t.j + 1",
            "digest": "md5(t.uscc) || md5(t.uscc || 'd')",
        },
        "FROM ov_tasks t",
        p,
    )
    total += insert(
        cursor,
        InspectionTask,
        {
            "plan_id": "t.plan",
            "draw_id": "t.draw",
            "uscc": "t.uscc",
            "due_on": "t.ends_on",
            "state": "'completed'",
            "unstaffed_reason": "''",
        },
        "FROM ov_tasks t",
        p,
    )
    cursor.execute(
        """INSERT INTO inspections_inspectiontask_items (inspectiontask_id, planitem_id)
           SELECT t.id, pi.id FROM inspections_inspectiontask t JOIN ov_plans pl ON pl.id = t.plan_id
           JOIN inspections_planitem pi ON pi.plan_id = pl.id"""
    )
    total += cursor.rowcount
    # 95 % of each department's tasks get a result within the plan's window (none in the future).
    inspected = "pl.starts_on + (x.h >> 3) %% 60"
    published = f"{inspected} + 1 + (x.h >> 9) %% 25"
    total += insert(
        cursor,
        InspectionResult,
        {
            "task_id": "t.id",
            "department_id": "pi.department_id",
            "categories": """CASE WHEN x.h %% 100 < 25 THEN ARRAY[(%(findings)s::varchar[])[1 + (x.h >> 7) %% 4]]
                             ELSE ARRAY['no_problem']::varchar[] END""",
            "findings": "CASE WHEN x.h %% 100 < 25 THEN '基准测试：发现问题' ELSE '' END",
            "inspected_on": inspected,
            "out_of_window_reason": "''",
            "submitted_at": local(inspected, "32400"),
            "state": f"CASE WHEN {published} < %(today)s THEN 'published' ELSE 'approved' END",
            "approved_at": local(inspected, "36000"),
            "publish_due_on": f"{inspected} + 28",
            "published_at": f"CASE WHEN {published} < %(today)s THEN {local(published, '7200')} END",
        },
        f"""FROM inspections_inspectiontask t
            JOIN ov_plans pl ON pl.id = t.plan_id
            CROSS JOIN LATERAL (SELECT DISTINCT department_id FROM inspections_planitem WHERE plan_id = t.plan_id) pi
            CROSS JOIN LATERAL (SELECT {h("t.id::text || '-' || pi.department_id", "r")} AS h) x
            WHERE x.h %% 100 < 95 AND {inspected} < %(today)s""",
        {**p, "findings": FINDINGS},
    )
    # 未按规定公示 → 责令改正 (DOMAIN §4), 70 % corrected by now.
    total += insert(
        cursor,
        CorrectionOrder,
        {
            "result_id": "r.id",
            "uscc": "t.uscc",
            "department_id": "r.department_id",
            "due_on": "r.inspected_on + 20",
            "state": "CASE WHEN r.id %% 10 < 7 AND r.inspected_on + 5 + (r.id %% 30)::int < %(today)s THEN 'corrected' ELSE 'open' END",
            "corrected_on": "CASE WHEN r.id %% 10 < 7 AND r.inspected_on + 5 + (r.id %% 30)::int < %(today)s THEN r.inspected_on + 5 + (r.id %% 30)::int END",
        },
        """FROM inspections_inspectionresult r JOIN inspections_inspectiontask t ON t.id = r.task_id
           JOIN ov_plans pl ON pl.id = t.plan_id WHERE r.categories @> ARRAY['not_published']::varchar[]""",
        p,
    )
    return total


# --- reset ----------------------------------------------------------------------------------------

PLANS = "SELECT id FROM inspections_inspectionplan WHERE name LIKE 'OVBENCH-%%'"
TASKS = f"SELECT id FROM inspections_inspectiontask WHERE plan_id IN ({PLANS})"
RESET = [
    ("尽职免责", "DELETE FROM oversight_dutyexemption WHERE reason LIKE '基准测试%%'"),
    (
        "责令改正",
        f"DELETE FROM inspections_correctionorder WHERE result_id IN (SELECT id FROM inspections_inspectionresult WHERE task_id IN ({TASKS}))",
    ),
    ("检查结果", f"DELETE FROM inspections_inspectionresult WHERE task_id IN ({TASKS})"),
    ("任务事项", f"DELETE FROM inspections_inspectiontask_items WHERE inspectiontask_id IN ({TASKS})"),
    ("检查任务", f"DELETE FROM inspections_inspectiontask WHERE plan_id IN ({PLANS})"),
    (
        "摇中主体",
        f"DELETE FROM inspections_drawselection WHERE draw_id IN (SELECT id FROM inspections_draw WHERE plan_id IN ({PLANS}))",
    ),
    ("摇号", f"DELETE FROM inspections_draw WHERE plan_id IN ({PLANS})"),
    ("抽查事项", f"DELETE FROM inspections_planitem WHERE plan_id IN ({PLANS})"),
    ("参与部门", f"DELETE FROM inspections_inspectionplan_departments WHERE inspectionplan_id IN ({PLANS})"),
    ("抽查计划", "DELETE FROM inspections_inspectionplan WHERE name LIKE 'OVBENCH-%%'"),
    ("投诉举报", "DELETE FROM enforcement_complaint WHERE tracking_no LIKE 'OVBENCH-%%'"),
    ("异议", "DELETE FROM credit_objection WHERE tracking_no LIKE 'OVBENCH-%%'"),
    ("信用核查记录", f"""DELETE FROM credit_creditcheck WHERE {BENCH} AND measures = '["OVBENCH"]'::jsonb"""),
    ("名单记录", "DELETE FROM credit_listentry WHERE decision_no LIKE 'OVBENCH-%%'"),
    (
        "信用等级历史",
        f"""DELETE FROM credit_gradehistory WHERE {BENCH} AND reasons @> '[{{"bench": "oversight"}}]'::jsonb""",
    ),
]


def reset() -> None:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for label, sql in RESET:
            cursor.execute(sql, [])
            print(f"已删除{label} {cursor.rowcount:,} 条", flush=True)
    print(f"删除完成，用时 {time.perf_counter() - started:.1f} 秒")


# --- measure --------------------------------------------------------------------------------------


def one_day(day: dt.date) -> tuple[float, int]:
    t = time.perf_counter()
    result = daily_figures_compute(start=day, end=day, actor=ACTOR)
    return time.perf_counter() - t, result.total


def families(day: dt.date) -> None:
    """Each family of metrics alone for one day, rolled back (where the time goes)."""
    for family in aggregates.FAMILIES:
        t = time.perf_counter()
        with transaction.atomic():
            result = aggregates.compute(start=day, end=day, metrics=family.metrics)
            transaction.set_rollback(True)
        print(f"  {'、'.join(family.metrics)[:70]:<72} {time.perf_counter() - t:6.2f} 秒  {result.total:,} 行")


def measure(days: int) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM supervision_marketentity")
        entities = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'credit_creditrecord'")
        records = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM credit_gradehistory")
        history = cursor.fetchone()[0]
    print(f"市场主体 {entities:,} 个，信用记录约 {records:,} 条，信用等级历史 {history:,} 条")
    print(f"\n(a) 每日统计：{yesterday} 一天（每日 03:00 任务的工作量）")
    runs = [one_day(yesterday) for _ in range(2)]
    for n, (seconds, rows) in enumerate(runs, 1):
        print(f"  第{n}次：{seconds:.2f} 秒，写入 {rows:,} 行")
    print("  各指标组单独计算（回滚）：")
    families(yesterday)
    goals.record(f"每日统计快照（1天，{entities:,} 个主体）", min(s for s, _ in runs), 60, "s")
    start = yesterday - dt.timedelta(days=days - 1)
    print(f"\n(b) 补算 {days} 天：backfill_figures --from {start} --to {yesterday}（按月分批）")
    t = time.perf_counter()
    call_command("backfill_figures", "--from", start.isoformat(), "--to", yesterday.isoformat(), stdout=sys.stdout)
    seconds = time.perf_counter() - t
    rows = DailyFigure.objects.filter(day__range=(start, yesterday)).count()
    print(f"补算 {days} 天用时 {seconds:.1f} 秒（每天 {seconds / days:.2f} 秒），共 {rows:,} 行")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT metric, count(*), sum(value) FROM oversight_dailyfigure WHERE day BETWEEN %s AND %s GROUP BY 1 ORDER BY 1",
            [start, yesterday],
        )
        print("各指标行数与合计值：")
        for metric, n, total in cursor.fetchall():
            print(f"  {metric:<26} {n:>9,} 行  合计 {total:>14,}")


def main() -> None:
    parser = argparse.ArgumentParser(description="每日统计快照基准测试（issue 17 §1）")
    parser.add_argument(
        "--load", action="store_true", help="载入一年的统计用数据（等级历史、投诉、异议、核查、抽查等）"
    )
    parser.add_argument("--reset", action="store_true", help="删除 --load 载入的数据")
    parser.add_argument("--measure", action="store_true", help="测量（不带 --load/--reset 时默认测量）")
    parser.add_argument("--days", type=int, default=365, help="补算天数（默认 365）")
    args = parser.parse_args()
    if args.reset:
        reset()
    if args.load:
        load()
    if args.measure or not (args.load or args.reset):
        measure(args.days)


if __name__ == "__main__":
    main()
