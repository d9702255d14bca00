"""The public credit evaluation (公共信用综合评价, DOMAIN §3), as set-based SQL.

One statement computes every entity's grade, score, reasons and risk class from its records and
list entries; the same SQL, restricted to some USCCs, serves the incremental re-evaluation. There
is no Python loop over entities. Rules, in order (DOMAIN §3):

1. 严重失信 (black): an active 严重违法失信名单 entry, or an active 严重 negative record.
2. 失信 (red): an active 经营异常名录 entry, an active 一般 negative record, or a commitment broken
   in the last 12 months.
3. 警示 (yellow): an active published 轻微 negative record, a 重点关注 entry, or ≥3 verified
   complaints in the last 12 months.
4. 良好 (green): otherwise.

The public grade, its score, its reasons and so its history count only facts that are public at
evaluation time (DOMAIN §3, issue 12 §3): a record counts when it is published and in its window
(``credit.selectors.public_records``). An unpublished 轻微 record changes no public colour and is
never hinted at in a reason. Two facts are public by their own publication, whatever the record's
``published`` flag: a broken commitment (the commitment and its 违诺 state are on the entity page,
``selectors.public_commitments``) and the count of verified complaints in 12 months (消费投诉公示,
seed 004 §15; ``selectors.verified_complaint_count``), which is what rule 3 reads.

The raw score starts at 900, loses the model's weights for each fact and gains a capped bonus for
positive facts (at most +100); it is then scaled into the grade's band (raw 0–1000 → band
minimum–maximum), so it ranks entities within a grade and never contradicts the grade. The
labels, colours, bands and weights are data (``EvaluationModel``), versioned with an effective date.

Risk class (SAMR 国市监信发〔2022〕6号, internal): points = the rank of the *internal* grade (the same
rules applied to every fact, published or not: 良好 0 … 严重失信 3) + 1 for a high-risk industry
+ 1 for a negative inspection finding in the last 12 months; 0 → A, 1 → B (also the floor for a
medium-risk industry), 2 → C, ≥ 3 → D. Unpublished facts count here only.

"The last 12 months" (rules 2 and 3, and recent findings): a fact decided on day D counts through
D + 12 months, that day included, and no longer (《民法典》第二百零一条: the day of the event is not
counted; 第二百零二条: a period in months ends on the corresponding day of the last month, or
that month's last day when there is none). So on day T it counts iff D ≥ ``lookback_start(T)``:
a fact decided exactly 12 months ago still counts, one decided a day earlier does not.
"""

import datetime as dt
import json
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from core import bulkload, pagecache
from credit import change_events
from credit.choices import GRADE_RANK, Grade, ListGround, ListType, RecordCategory, Severity
from credit.models import EvaluationModel

# Serialises evaluations: a nightly full run and an incremental one never interleave.
_EVAL_LOCK = 0x43524544  # "CRED"

DEFAULT_WEIGHTS = {
    "serious_record": 300,
    "general_record": 150,
    "minor_record": 50,
    "serious_list": 400,
    "abnormal_list": 200,
    "key_attention_list": 100,
    "broken_commitment": 150,
    "verified_complaint": 30,
    "positive_record": 10,
    "positive_cap": 100,
    "red_list": 50,
}
# Categories with a rule of their own (commitments, complaints) do not also count by severity.
OWN_RULE_CATEGORIES = (RecordCategory.COMMITMENT.value, RecordCategory.COMPLAINT.value)
BASE_SCORE = 900
COMPLAINT_THRESHOLD = 3  # DOMAIN §3: ≥3 verified complaints in 12 months → 警示
LOOKBACK_MONTHS = 12
# A first evaluation of at least this many entities rebuilds the indexes after writing (_first_evaluation);
# a small one (a new city's demo) writes through them.
BULK_WRITE_MIN = 50_000


def _case(column: str, choices) -> str:
    """A SQL CASE mapping a code column to its Chinese label (labels come from choices). Always Chinese,
    whatever language the request that triggered an evaluation reads: reasons are stored data, shown in the
    reader's language by ``credit.display_text.reason_text`` (issue 18 §2)."""
    with translation.override(settings.LANGUAGE_CODE):
        whens = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in choices)
    return f"(CASE {column} {whens} ELSE {column} END)"


def _sql(where_entities: str, where_records: str, *, select_only: bool = False, ordered: bool = True) -> str:
    category = _case("r.category", RecordCategory.choices)
    severity = _case("r.severity", Severity.choices)
    list_label = _case("l.list_type", ListType.choices)
    ground = _case("l.ground", ListGround.choices)
    own = ", ".join(f"'{c}'" for c in OWN_RULE_CATEGORIES)
    # Built from constants (choice labels, fixed clauses); every value is a bound parameter.
    # ``select_only``: the bare SELECT (bench/credit.py times it against the whole evaluation).
    head = "" if select_only else "CREATE TEMP TABLE credit_eval_new ON COMMIT DROP AS"
    # The writes below then fill the USCC indexes in order (bench/README.md, evaluation); not part of grading.
    # A first evaluation rebuilds the indexes after writing (``_first_evaluation``): no order needed.
    order = "ORDER BY c.uscc" if ordered and not select_only else ""
    return f"""
{head}
WITH ent AS (
    SELECT e.uscc, e.industry_code FROM supervision_marketentity e {where_entities}
),
rec AS (
    SELECT r.uscc,
        -- Public (grade, score, reasons): published records in their window, as selectors.public_records.
        count(*) FILTER (WHERE live AND generic AND r.published AND r.severity = 'serious') AS n_serious,
        count(*) FILTER (WHERE live AND generic AND r.published AND r.severity = 'general') AS n_general,
        count(*) FILTER (WHERE live AND generic AND r.published AND r.severity = 'minor') AS n_minor,
        -- Internal (risk class only): every record in its window, published or not.
        count(*) FILTER (WHERE live AND generic AND r.severity = 'serious') AS i_serious,
        count(*) FILTER (WHERE live AND generic AND r.severity = 'general') AS i_general,
        count(*) FILTER (WHERE live AND generic AND r.severity = 'minor') AS i_minor,
        count(*) FILTER (WHERE recent AND r.category = 'commitment') AS n_broken,
        count(*) FILTER (WHERE recent AND r.category = 'complaint') AS n_complaints,
        count(*) FILTER (WHERE recent AND r.category = 'inspection_result') AS n_findings,
        count(*) FILTER (WHERE r.polarity = 'positive' AND r.published AND r.state = 'active' AND r.publicity_ends_on >= %(today)s) AS n_positive,
        max(r.publicity_ends_on) FILTER (WHERE live AND generic AND r.published AND r.severity = 'serious') AS end_serious,
        max(r.publicity_ends_on) FILTER (WHERE live AND generic AND r.published AND r.severity = 'general') AS end_general,
        max(r.publicity_ends_on) FILTER (WHERE live AND generic AND r.published AND r.severity = 'minor') AS end_minor,
        max(r.decided_on) FILTER (WHERE recent AND r.category = 'commitment') AS last_broken,
        jsonb_agg(
            jsonb_build_object(
                'level', CASE r.severity WHEN 'serious' THEN 'SERIOUSLY_DISHONEST' WHEN 'general' THEN 'DISHONEST' ELSE 'WARNING' END,
                'text', format('%%s（%%s）%%s，公示至 %%s', {category}, {severity}, r.source_ref, to_char(r.publicity_ends_on, 'YYYY-MM-DD')),
                'until', r.publicity_ends_on)
            ORDER BY CASE r.severity WHEN 'serious' THEN 0 WHEN 'general' THEN 1 ELSE 2 END, r.decided_on DESC, r.id DESC
        ) FILTER (WHERE live AND generic AND r.published) AS reasons,  -- an unpublished record is never named nor hinted at
        jsonb_agg(
            jsonb_build_object('level', 'DISHONEST',
                'text', format('信用承诺违诺 %%s（%%s），12个月内计入', r.source_ref, to_char(r.decided_on, 'YYYY-MM-DD')),
                'until', (r.decided_on + interval '{LOOKBACK_MONTHS} months')::date)
            ORDER BY r.decided_on DESC, r.id DESC
        ) FILTER (WHERE recent AND r.category = 'commitment') AS commitment_reasons
    FROM (
        SELECT r.*,
            (r.polarity = 'negative' AND r.state = 'active' AND r.publicity_ends_on >= %(today)s AND r.decided_on <= %(today)s) AS live,
            (r.polarity = 'negative' AND r.category NOT IN ({own})) AS generic,
            (r.polarity = 'negative' AND r.state IN ('active', 'expired') AND r.decided_on >= %(cutoff)s AND r.decided_on <= %(today)s) AS recent
        FROM credit_creditrecord r
        WHERE r.state IN ('active', 'expired') AND r.decided_on <= %(today)s
          AND (r.publicity_ends_on >= %(today)s OR r.decided_on >= %(cutoff)s) {where_records}
    ) r
    GROUP BY r.uscc
),
lst AS (
    SELECT l.uscc,
        bool_or(l.list_type = 'serious') AS serious,
        bool_or(l.list_type = 'abnormal') AS abnormal,
        bool_or(l.list_type = 'key_attention') AS key_attention,
        bool_or(l.list_type = 'red') AS red,
        jsonb_agg(jsonb_build_object(
            'level', CASE l.list_type WHEN 'serious' THEN 'SERIOUSLY_DISHONEST' WHEN 'abnormal' THEN 'DISHONEST'
                                      WHEN 'key_attention' THEN 'WARNING' ELSE 'GOOD' END,
            'text', format('列入%%s（%%s），%%s 起', {list_label}, {ground}, to_char(l.listed_on, 'YYYY-MM-DD')),
            'until', NULL) ORDER BY l.listed_on, l.id) AS reasons
    FROM credit_listentry l
    WHERE l.removed_on IS NULL AND l.listed_on <= %(today)s {where_records.replace("r.uscc", "l.uscc")}
    GROUP BY l.uscc
),
ind AS (
    SELECT d.industry_code,
        (SELECT ir.level FROM credit_industryrisk ir
          WHERE d.industry_code LIKE ir.industry_prefix || '%%'
          ORDER BY length(ir.industry_prefix) DESC LIMIT 1) AS level
    -- Read from the table, not from ``ent``: a CTE read twice is materialised without statistics,
    -- and the planner then misjudged every join by up to 10^5 (bench/README.md, evaluation).
    FROM (SELECT DISTINCT e.industry_code FROM supervision_marketentity e {where_entities}) d
),
-- Computed once: inlined, the planner joined it to the four bands in a nested loop, i.e. evaluated it 4 times.
calc AS MATERIALIZED (
    SELECT ent.uscc, coalesce(ind.level, 'low') AS industry_level,  -- an industry not in the table is low risk
        coalesce(rec.n_findings, 0) AS n_findings,
        coalesce(rec.n_complaints, 0) AS n_complaints,
        CASE
            WHEN coalesce(lst.serious, false) OR coalesce(rec.n_serious, 0) > 0 THEN 'SERIOUSLY_DISHONEST'
            WHEN coalesce(lst.abnormal, false) OR coalesce(rec.n_general, 0) > 0 OR coalesce(rec.n_broken, 0) > 0 THEN 'DISHONEST'
            WHEN coalesce(rec.n_minor, 0) > 0 OR coalesce(lst.key_attention, false) OR coalesce(rec.n_complaints, 0) >= {COMPLAINT_THRESHOLD} THEN 'WARNING'
            ELSE 'GOOD'
        END AS grade,
        -- The same rules over every fact, published or not: the internal grade's rank (GRADE_RANK) for the risk class.
        CASE
            WHEN coalesce(lst.serious, false) OR coalesce(rec.i_serious, 0) > 0 THEN 3
            WHEN coalesce(lst.abnormal, false) OR coalesce(rec.i_general, 0) > 0 OR coalesce(rec.n_broken, 0) > 0 THEN 2
            WHEN coalesce(rec.i_minor, 0) > 0 OR coalesce(lst.key_attention, false) OR coalesce(rec.n_complaints, 0) >= {COMPLAINT_THRESHOLD} THEN 1
            ELSE 0
        END AS internal_rank,
        %(base)s
          - coalesce(rec.n_serious, 0) * %(w_serious_record)s
          - coalesce(rec.n_general, 0) * %(w_general_record)s
          - coalesce(rec.n_minor, 0) * %(w_minor_record)s
          - coalesce(rec.n_broken, 0) * %(w_broken_commitment)s
          - coalesce(rec.n_complaints, 0) * %(w_verified_complaint)s
          - CASE WHEN coalesce(lst.serious, false) THEN %(w_serious_list)s ELSE 0 END
          - CASE WHEN coalesce(lst.abnormal, false) THEN %(w_abnormal_list)s ELSE 0 END
          - CASE WHEN coalesce(lst.key_attention, false) THEN %(w_key_attention_list)s ELSE 0 END
          + least(coalesce(rec.n_positive, 0) * %(w_positive_record)s, %(w_positive_cap)s)
          + CASE WHEN coalesce(lst.red, false) THEN %(w_red_list)s ELSE 0 END AS raw,
        coalesce(lst.reasons, '[]'::jsonb) || coalesce(rec.commitment_reasons, '[]'::jsonb) || coalesce(rec.reasons, '[]'::jsonb)
          || CASE WHEN coalesce(rec.n_complaints, 0) >= {COMPLAINT_THRESHOLD}
                  THEN jsonb_build_array(jsonb_build_object('level', 'WARNING',
                       'text', format('近12个月经核实的投诉举报 %%s 件（达到3件即为警示）', rec.n_complaints), 'until', NULL))
                  ELSE '[]'::jsonb END AS reasons,
        lst.serious, lst.abnormal, lst.key_attention,
        rec.end_serious, rec.end_general, rec.end_minor, rec.last_broken
    FROM ent
    LEFT JOIN rec ON rec.uscc = ent.uscc
    LEFT JOIN lst ON lst.uscc = ent.uscc
    LEFT JOIN ind ON ind.industry_code = ent.industry_code
),
bands (grade, score_min, score_max, rank) AS (VALUES %(bands)s)
SELECT c.uscc, c.grade,
    (b.score_min + round((b.score_max - b.score_min) * greatest(0, least(1000, c.raw)) / 1000.0))::smallint AS score,
    CASE WHEN jsonb_array_length(c.reasons) = 0
         THEN jsonb_build_array(jsonb_build_object('level', 'GOOD', 'text', '无有效期内的失信、警示信息', 'until', NULL))
         ELSE c.reasons END AS reasons,
    -- The day this grade's facts have all aged out (no date while a list entry holds it).
    CASE c.grade
        WHEN 'SERIOUSLY_DISHONEST' THEN CASE WHEN coalesce(c.serious, false) THEN NULL ELSE c.end_serious + 1 END
        WHEN 'DISHONEST' THEN CASE WHEN coalesce(c.abnormal, false) THEN NULL
             ELSE greatest(c.end_general + 1, (c.last_broken + interval '{LOOKBACK_MONTHS} months')::date + 1) END
        WHEN 'WARNING' THEN CASE WHEN coalesce(c.key_attention, false) OR c.n_complaints >= {COMPLAINT_THRESHOLD} THEN NULL ELSE c.end_minor + 1 END
    END AS improves_on,
    CASE
        WHEN c.internal_rank + (c.industry_level = 'high')::int + (c.n_findings > 0)::int >= 3 THEN 'D'
        WHEN c.internal_rank + (c.industry_level = 'high')::int + (c.n_findings > 0)::int = 2 THEN 'C'
        WHEN c.internal_rank + (c.industry_level = 'high')::int + (c.n_findings > 0)::int = 1 OR c.industry_level = 'medium' THEN 'B'
        ELSE 'A'
    END AS risk_class
FROM calc c JOIN bands b ON b.grade = c.grade
{order}
"""


_APPLY = """
INSERT INTO credit_gradehistory (uscc, grade, score, reasons, model_id, changed_at)
SELECT n.uscc, n.grade, n.score, n.reasons, %(model)s, %(now)s
FROM credit_eval_new n LEFT JOIN credit_entitycredit o ON o.uscc = n.uscc
WHERE o.uscc IS NULL OR o.grade <> n.grade OR o.score <> n.score;
"""
# The current rows: an UPDATE of the rows that differ, then an INSERT of the missing ones. One
# INSERT … ON CONFLICT DO UPDATE … WHERE locked (so wrote) every existing row, changed or not.
_UPDATE = """
UPDATE credit_entitycredit o SET
    grade = n.grade, score = n.score, reasons = n.reasons, improves_on = n.improves_on,
    risk_class = n.risk_class, model_id = %(model)s,
    changed_at = CASE WHEN o.grade <> n.grade OR o.score <> n.score THEN %(now)s ELSE o.changed_at END
FROM credit_eval_new n
WHERE o.uscc = n.uscc
  AND (o.grade, o.score, o.reasons, o.improves_on, o.risk_class, o.model_id)
      IS DISTINCT FROM (n.grade, n.score, n.reasons, n.improves_on, n.risk_class, %(model)s::bigint);
"""
# Evaluations are serialised (_EVAL_LOCK); ON CONFLICT only guards a row another writer inserted meanwhile.
_INSERT = """
INSERT INTO credit_entitycredit AS o (uscc, grade, score, reasons, improves_on, risk_class, model_id, changed_at)
SELECT n.uscc, n.grade, n.score, n.reasons, n.improves_on, n.risk_class, %(model)s, %(now)s FROM credit_eval_new n
WHERE NOT EXISTS (SELECT 1 FROM credit_entitycredit x WHERE x.uscc = n.uscc)
ON CONFLICT (uscc) DO UPDATE SET
    grade = EXCLUDED.grade, score = EXCLUDED.score, reasons = EXCLUDED.reasons, improves_on = EXCLUDED.improves_on,
    risk_class = EXCLUDED.risk_class, model_id = EXCLUDED.model_id,
    changed_at = CASE WHEN o.grade <> EXCLUDED.grade OR o.score <> EXCLUDED.score THEN EXCLUDED.changed_at ELSE o.changed_at END
WHERE (o.grade, o.score, o.reasons, o.improves_on, o.risk_class, o.model_id)
      IS DISTINCT FROM (EXCLUDED.grade, EXCLUDED.score, EXCLUDED.reasons, EXCLUDED.improves_on, EXCLUDED.risk_class, EXCLUDED.model_id);
"""
# A first evaluation (the tables locked, ``_first_evaluation``): nobody else can write a row meanwhile, so a
# plain INSERT, without ON CONFLICT's speculative insertion into the key's index for every row.
_INSERT_BULK = """
INSERT INTO credit_entitycredit (uscc, grade, score, reasons, improves_on, risk_class, model_id, changed_at)
SELECT n.uscc, n.grade, n.score, n.reasons, n.improves_on, n.risk_class, %(model)s, %(now)s FROM credit_eval_new n
WHERE NOT EXISTS (SELECT 1 FROM credit_entitycredit x WHERE x.uscc = n.uscc);
"""

# Session settings of an evaluation, set for its statements only (and restored after them, since
# the caller's transaction may go on, e.g. the nightly risk scan). Measured at 1,000,000 entities
# (bench/README.md, evaluation): JIT spent seconds compiling a statement that runs once; the
# whole-population pass sorts and hashes about 2 million records, which spilled to disk at 4 MB.
SETTINGS = {"jit": "off"}
FULL_PASS_SETTINGS = {**SETTINGS, "work_mem": "256MB"}


@dataclass
class EvaluationResult:
    evaluated: int
    changed: int  # grade or score changed (history rows written)
    updated: int  # current rows written (any field changed)
    model_version: int
    seconds: float
    steps: dict = field(default_factory=dict)  # seconds per statement, for bench/credit.py


def model_in_force(day: dt.date):
    model = EvaluationModel.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if model is None:  # before the first version's date: the first version explains it
        model = EvaluationModel.objects.order_by("effective_from").first()
    if model is None:
        raise RuntimeError("没有信用评价模型版本：请先运行 migrate")
    return model


def _add_months(day: dt.date, months: int) -> dt.date:
    return day + relativedelta(months=months)


def lookback_start(today: dt.date, months: int = LOOKBACK_MONTHS) -> dt.date:
    """The earliest decision day that still counts on ``today`` as "in the last ``months`` months":
    the first day D with D + months ≥ today (《民法典》第二百零一、二百零二条; see the module docstring).
    Usually today − 12 months; a day later when that day has no corresponding day (on 2024-02-29,
    2023-02-28 + 12 months is 2024-02-28, already past)."""
    start = _add_months(today, -months)
    while _add_months(start, months) < today:
        start += dt.timedelta(days=1)
    return start


@contextmanager
def session_settings(cursor, values: dict):
    """``SET LOCAL`` these for the statements inside, then put the previous values back. On an
    error the enclosing atomic block rolls back, which undoes ``SET LOCAL`` by itself."""
    names = list(values)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = cursor.fetchone()
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)), [x for n in names for x in (n, values[n])]
    )
    yield
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
        [x for p in zip(names, before, strict=True) for x in p],
    )


def evaluation_sql(
    usccs: list[str] | None = None, *, today: dt.date | None = None, select_only: bool = False, ordered: bool = True
):
    """``(model, sql, params)`` of an evaluation: every entity (``usccs`` None) or just these."""
    today = today or timezone.localdate()
    model = model_in_force(today)
    bands = list(model.bands.all())
    weights = {**DEFAULT_WEIGHTS, **(model.weights or {})}
    params = {f"w_{k}": int(v) for k, v in weights.items()}
    params.update(base=BASE_SCORE, today=today, cutoff=lookback_start(today), model=model.pk, now=timezone.now())
    band_values = ", ".join(
        connection.ops.compose_sql("(%s, %s, %s, %s)", [b.grade, b.score_min, b.score_max, GRADE_RANK[b.grade]])
        for b in bands
    )
    if usccs is None:
        sql = _sql("", "", select_only=select_only, ordered=ordered)
    else:
        params["usccs"] = list(usccs)
        sql = _sql(
            "WHERE e.uscc = ANY(%(usccs)s)", "AND r.uscc = ANY(%(usccs)s)", select_only=select_only, ordered=ordered
        )
    return model, sql.replace("%(bands)s", band_values.replace("%", "%%")), params


def evaluate(usccs: list[str] | None = None, *, today: dt.date | None = None) -> EvaluationResult:
    """Re-grade every entity (``usccs`` None) or just these; one transaction, set-based SQL."""
    started = time.monotonic()
    steps = {}

    def timed(name, statement, *args):
        t = time.monotonic()
        cursor.execute(statement, *args)
        steps[name] = round(time.monotonic() - t, 3)
        return cursor.rowcount

    with transaction.atomic(), connection.cursor() as cursor, ExitStack() as bulk:
        timed("lock", "SELECT pg_advisory_xact_lock(%s)", [_EVAL_LOCK])  # waits for a running evaluation
        first = usccs is None and _first_evaluation(cursor)
        model, sql, params = evaluation_sql(usccs, today=today, ordered=not first)
        with session_settings(cursor, FULL_PASS_SETTINGS if usccs is None else SETTINGS):
            if first:
                # The first full evaluation writes a grade and a history row for every entity: written
                # without the tables' indexes, keys and foreign keys, which are then rebuilt in one pass
                # each (core/bulkload.py; issue 16 §4). The tables are locked until the commit.
                bulk.enter_context(bulkload.rebuilt(cursor, "credit_gradehistory"))
                bulk.enter_context(bulkload.rebuilt(cursor, "credit_entitycredit", primary_key=True))
                steps["rebuild"] = 0.0
            evaluated = timed("compute", sql, params)
            changed = timed("history", _APPLY, params)
            t = time.monotonic()
            change_events.grades_changed()  # issue 15 §3: before the old grades are overwritten
            steps["events"] = round(time.monotonic() - t, 3)
            updated = timed("update", _UPDATE, params)
            updated += timed("insert", _INSERT_BULK if "rebuild" in steps else _INSERT, params)
            if updated:
                # A first grade (no grade.changed event for a new entity graded 良好) or new reasons: the public
                # pages of the entities written show them at once (issue 16 §1).
                pagecache.retire_entities(usccs)
            if "rebuild" in steps:  # rebuild what a first evaluation dropped, before the settings are put back
                t = time.monotonic()
                bulk.close()
                steps["rebuild"] = round(time.monotonic() - t, 3)
        cursor.execute("DROP TABLE credit_eval_new")
        committing = time.monotonic()
    # The commit runs the deferred foreign-key checks (model_id), one per row written through the
    # constraint (none after a rebuild: ADD CONSTRAINT checked the rows in one join).
    steps["commit"] = round(time.monotonic() - committing, 3)
    return EvaluationResult(evaluated, changed, updated, model.version, round(time.monotonic() - started, 3), steps)


def _first_evaluation(cursor) -> bool:
    """True when fewer than half the entities in the roster have a current grade (a first evaluation of
    at least ``BULK_WRITE_MIN`` entities): graded rows are counted up to that half only."""
    cursor.execute("SELECT count(*) FROM supervision_marketentity")
    half = cursor.fetchone()[0] // 2
    if half < BULK_WRITE_MIN:
        return False
    cursor.execute("SELECT count(*) FROM (SELECT 1 FROM credit_entitycredit LIMIT %s) AS s", [half])
    return cursor.fetchone()[0] < half


def grade_display(model, grade: str) -> dict:
    """``{"code", "label", "colour"}`` of a grade under a model version (API.md)."""
    for band in model.bands.all():
        if band.grade == grade:
            return {"code": grade, "label": band.label, "colour": band.colour}
    return {"code": grade, "label": Grade(grade).label, "colour": ""}


def reasons_json(reasons) -> str:
    return json.dumps(reasons, ensure_ascii=False)
