"""The scheduled risk scan (风险扫描) and its warning rules (预警规则).

Each rule is a small class with a code, a Chinese description and one set-based INSERT that raises
its warnings into the responsible department's inbox. A warning has a dedupe key, so running the
scan twice (or after a crash halfway) raises nothing twice. Other apps add rules with
``register_rule`` (e.g. complaint spikes, overdue corrections) without changing the job.

The responsible department is the entity's registration authority (登记机关), else the department
that decided the fact.
"""

import datetime as dt
import logging
import traceback

from django.db import connection, transaction
from django.utils import timezone

from core import audit
from credit.choices import ListGround, ListType, RunState
from credit.models import RiskScanRun

logger = logging.getLogger("credit.scan")

LOOKBACK_DAYS = 7  # rules on recent changes look this far back; dedupe keys make it safe

_GRADE_RANK_SQL = "(CASE {col} WHEN 'GOOD' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'DISHONEST' THEN 2 ELSE 3 END)"
_GRADE_LABEL_SQL = "(CASE {col} WHEN 'GOOD' THEN '良好' WHEN 'WARNING' THEN '警示' WHEN 'DISHONEST' THEN '失信' ELSE '严重失信' END)"
_INSERT = """
INSERT INTO credit_riskwarning (rule_code, dedupe_key, uscc, department_id, message, state, created_at, handling_note)
SELECT %(code)s, w.dedupe_key, w.uscc, w.department_id, left(w.message, 500), 'open', %(now)s, ''
FROM ({select}) w
WHERE w.department_id IS NOT NULL
ON CONFLICT (rule_code, dedupe_key) DO NOTHING
"""


class WarningRule:
    """A rule of the risk scan. Subclasses set ``code``, ``description`` and ``select``.

    ``select`` is SQL yielding ``dedupe_key, uscc, department_id, message``; parameters available:
    ``today``, ``now``, ``since`` (now − LOOKBACK_DAYS).
    """

    code = ""
    description = ""
    select = ""

    def params(self, *, today, now) -> dict:
        return {"today": today, "now": now, "since": now - dt.timedelta(days=LOOKBACK_DAYS), "code": self.code}

    def run(self, *, today, now) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT.format(select=self.select), self.params(today=today, now=now))
            return cursor.rowcount


class GradeWorsened(WarningRule):
    code = "GRADE_WORSENED"
    description = "信用等级下降（如良好降为警示、失信降为严重失信）"
    select = f"""
        SELECT 'h' || h.id AS dedupe_key, h.uscc,
               coalesce(e.registration_authority_id,
                        (SELECT r.department_id FROM credit_creditrecord r
                          WHERE r.uscc = h.uscc ORDER BY r.decided_on DESC, r.id DESC LIMIT 1)) AS department_id,
               format('%%s（%%s）信用等级由“%%s”降为“%%s”', coalesce(e.name, h.uscc), h.uscc,
                      {_GRADE_LABEL_SQL.format(col="h.prev")}, {_GRADE_LABEL_SQL.format(col="h.grade")}) AS message
        FROM (
            SELECT h.*, lag(h.grade) OVER (PARTITION BY h.uscc ORDER BY h.changed_at, h.id) AS prev
            FROM credit_gradehistory h
            WHERE h.uscc IN (SELECT uscc FROM credit_gradehistory WHERE changed_at >= %(since)s)
        ) h
        LEFT JOIN supervision_marketentity e ON e.uscc = h.uscc
        WHERE h.changed_at >= %(since)s AND h.prev IS NOT NULL
          AND {_GRADE_RANK_SQL.format(col="h.grade")} > {_GRADE_RANK_SQL.format(col="h.prev")}
    """


class ListEntered(WarningRule):
    code = "LIST_ENTERED"
    description = "主体被列入经营异常名录、严重违法失信名单或重点关注对象名单"
    select = """
        SELECT 'l' || l.id AS dedupe_key, l.uscc, coalesce(e.registration_authority_id, l.department_id) AS department_id,
               format('%%s（%%s）于 %%s 被列入%%s', coalesce(e.name, l.uscc), l.uscc, to_char(l.listed_on, 'YYYY-MM-DD'),
                      CASE l.list_type WHEN 'abnormal' THEN '经营异常名录' WHEN 'serious' THEN '严重违法失信名单' ELSE '重点关注对象名单' END) AS message
        FROM credit_listentry l LEFT JOIN supervision_marketentity e ON e.uscc = l.uscc
        WHERE l.list_type IN ('abnormal', 'serious', 'key_attention') AND l.created_at >= %(since)s AND l.removed_on IS NULL
    """


class AbnormalOverThreeYears(WarningRule):
    """DOMAIN §3: after 3 years on the abnormal list the entity moves to the serious list.

    Besides the warning, a ``ListProposal`` is raised for the deciding department to confirm.
    """

    code = "ABNORMAL_OVER_3_YEARS"
    description = "列入经营异常名录满3年，建议转列严重违法失信名单"
    select = """
        SELECT 'l' || l.id AS dedupe_key, l.uscc, l.department_id,
               format('%%s（%%s）自 %%s 列入经营异常名录已满3年，请确认是否列入严重违法失信名单', coalesce(e.name, l.uscc), l.uscc,
                      to_char(l.listed_on, 'YYYY-MM-DD')) AS message
        FROM credit_listentry l LEFT JOIN supervision_marketentity e ON e.uscc = l.uscc
        WHERE l.list_type = 'abnormal' AND l.removed_on IS NULL AND l.listed_on <= (%(today)s::date - interval '3 years')::date
    """
    proposal_sql = f"""
        INSERT INTO credit_listproposal (uscc, source_entry_id, list_type, ground, department_id, state, created_at)
        SELECT l.uscc, l.id, '{ListType.SERIOUS.value}', '{ListGround.ABNORMAL_3_YEARS.value}', l.department_id, 'pending', %(now)s
        FROM credit_listentry l
        WHERE l.list_type = 'abnormal' AND l.removed_on IS NULL AND l.listed_on <= (%(today)s::date - interval '3 years')::date
        ON CONFLICT (source_entry_id, list_type) DO NOTHING
    """

    def run(self, *, today, now) -> int:
        raised = super().run(today=today, now=now)
        with connection.cursor() as cursor:
            cursor.execute(self.proposal_sql, self.params(today=today, now=now))
            self.proposals = cursor.rowcount
        return raised


class NegativeRecordBurst(WarningRule):
    code = "NEGATIVE_RECORD_BURST"
    description = "90天内新增负面信用记录3条及以上"
    threshold = 3
    days = 90
    select = """
        SELECT r.uscc || ':' || max(r.id) AS dedupe_key, r.uscc,
               coalesce(min(e.registration_authority_id), (array_agg(r.department_id ORDER BY r.decided_on DESC, r.id DESC))[1]) AS department_id,
               format('%%s（%%s）近90天内新增负面信用记录 %%s 条', coalesce(min(e.name), r.uscc), r.uscc, count(*)) AS message
        FROM credit_creditrecord r LEFT JOIN supervision_marketentity e ON e.uscc = r.uscc
        WHERE r.polarity = 'negative' AND r.state <> 'revoked'
          AND r.decided_on > (%(today)s::date - 90) AND r.decided_on <= %(today)s
        GROUP BY r.uscc HAVING count(*) >= 3
    """


RULES: list[WarningRule] = [GradeWorsened(), ListEntered(), AbnormalOverThreeYears(), NegativeRecordBurst()]


def register_rule(rule: WarningRule) -> None:
    """For other apps (in their AppConfig.ready): add a rule to the scan."""
    if all(r.code != rule.code for r in RULES):
        RULES.append(rule)


def run_risk_scan(*, trigger: str = "schedule", today=None) -> RiskScanRun:
    """Expire closed windows, re-grade every entity, run every rule. Always leaves a run record."""
    from credit.evaluation import evaluate
    from credit.services import credit_records_expire

    now = timezone.now()
    today = today or timezone.localdate()
    run = RiskScanRun.objects.create(started_at=now, trigger=trigger)
    counts = {}
    try:
        with transaction.atomic():
            actor = "task:risk_scan"
            counts["expired_entities"] = credit_records_expire(actor=actor, today=today)
            result = evaluate(today=today)
            counts.update(evaluated=result.evaluated, grade_changed=result.changed, credit_updated=result.updated, evaluation_seconds=result.seconds)
            warnings = {}
            for rule in RULES:
                warnings[rule.code] = rule.run(today=today, now=now)
                if hasattr(rule, "proposals"):
                    counts["list_proposals"] = rule.proposals
            counts["warnings"] = warnings
            audit.record(actor=actor, action="risk_scan.run", target=run, after=counts)
        run.state = RunState.SUCCEEDED
    except Exception:
        logger.exception("risk scan failed")
        run.state, run.error = RunState.FAILED, traceback.format_exc()[-4000:]
    run.finished_at, run.counts = timezone.now(), counts
    run.save(update_fields=["state", "error", "finished_at", "counts"])
    return run
