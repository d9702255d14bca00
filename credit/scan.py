"""The scheduled risk scan (风险扫描) and its warning rules (预警规则).

Each rule is a small class with a code, a Chinese description and one set-based INSERT that raises
its warnings into the responsible department's inbox. A warning has a dedupe key, so running the
scan twice (or after a crash halfway) raises nothing twice. Other apps add rules with
``register_rule`` (e.g. complaint spikes, overdue corrections) without changing the job.

The responsible department is the entity's registration authority (登记机关), else the department
that decided the fact.

The rule base class is ``credit.warning_rules.WarningRule``. The nightly task
``risk_scan`` (task name ``credit.risk_scan``, referenced by the beat schedule in the database) lives
here, next to its rules.
"""

import datetime as dt
import logging
import traceback

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.jobs import limits_for
from core.workdays import add_working_days
from credit.choices import ListGround, ListType, RunState
from credit.evaluation import evaluate
from credit.models import RiskScanRun
from credit.regrade import regrade_drain
from credit.services.list_exits import serious_list_entries_end
from credit.services.records import credit_records_expire
from credit.warning_rules import WarningRule

logger = logging.getLogger("credit.scan")

_GRADE_RANK_SQL = "(CASE {col} WHEN 'GOOD' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'DISHONEST' THEN 2 ELSE 3 END)"
_GRADE_LABEL_SQL = (
    "(CASE {col} WHEN 'GOOD' THEN '良好' WHEN 'WARNING' THEN '警示' WHEN 'DISHONEST' THEN '失信' ELSE '严重失信' END)"
)


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
        INSERT INTO credit_listproposal (uscc, source_entry_id, source_ref, reason, list_type, ground, department_id, state, created_at)
        SELECT l.uscc, l.id, '', '列入经营异常名录届满3年', '{ListType.SERIOUS.value}', '{ListGround.ABNORMAL_3_YEARS.value}',
               l.department_id, 'pending', %(now)s
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


_COMMITMENT_TYPE_LABEL_SQL = (
    "(CASE {col} WHEN 'approval_substitute' THEN '审批替代型' WHEN 'voluntary' THEN '主动型'"
    " WHEN 'repair' THEN '信用修复型' ELSE '行业自律型' END)"
)


class CommitmentOverdue(WarningRule):
    """Issue 4 §1: a commitment past its due date that nobody has found fulfilled or broken."""

    code = "COMMITMENT_OVERDUE"
    description = "信用承诺已过履约期限仍为“履约中”，请核实并认定已履约或违诺"
    select = f"""
        SELECT 'c' || c.id AS dedupe_key, c.uscc, c.department_id,
               format('%%s（%%s）的%%s信用承诺（编号 %%s）履约期限 %%s 已过，仍为“履约中”，请核实并认定已履约或违诺',
                      coalesce(e.name, c.uscc), c.uscc, {_COMMITMENT_TYPE_LABEL_SQL.format(col="c.commitment_type")}, c.tracking_no,
                      to_char(c.due_on, 'YYYY-MM-DD')) AS message
        FROM credit_creditcommitment c LEFT JOIN supervision_marketentity e ON e.uscc = c.uscc
        WHERE c.state = 'in_progress' AND c.due_on < %(today)s
    """


# The deadline that applies to an open objection: 受理 while submitted, 办结 once accepted (DOMAIN §3).
_OPEN_OBJECTIONS_SQL = """
    SELECT o.id, o.uscc, o.department_id, o.tracking_no, o.deadline_provisional, s.stage, s.due_on
    FROM credit_objection o
    CROSS JOIN LATERAL (
        SELECT CASE o.state WHEN 'submitted' THEN 'accept' ELSE 'decide' END AS stage,
               CASE o.state WHEN 'submitted' THEN o.accept_due_on ELSE o.decide_due_on END AS due_on
    ) s
    WHERE o.state IN ('submitted', 'accepted')
"""
_STAGE_LABEL_SQL = (
    "(CASE {col} WHEN 'accept' THEN '受理（或不予受理）期限（5个工作日）' ELSE '办结期限（20个工作日）' END)"
)


class ObjectionDueSoon(WarningRule):
    """DOMAIN §3 deadlines: an open objection whose deadline is today or the next working day.

    "Next working day" follows the holiday calendar (调休 included), so it is computed in Python
    with ``core.workdays`` and passed in as ``next_working_day``.
    """

    code = "OBJECTION_DUE_SOON"
    description = "异议申诉将于1个工作日内到期（受理5个工作日、办结20个工作日）"
    select = f"""
        SELECT 'o' || o.id || ':' || o.stage || ':' || to_char(o.due_on, 'YYYY-MM-DD') AS dedupe_key, o.uscc, o.department_id,
               format('异议 %%s：%%s（%%s）%%s为 %%s%%s，%%s，请及时处理', o.tracking_no, coalesce(e.name, o.uscc), o.uscc,
                      {_STAGE_LABEL_SQL.format(col="o.stage")}, to_char(o.due_on, 'YYYY-MM-DD'),
                      CASE WHEN o.deadline_provisional THEN '（暂定）' ELSE '' END,
                      CASE WHEN o.due_on = %(today)s THEN '今日到期' ELSE '下一个工作日到期' END) AS message
        FROM ({_OPEN_OBJECTIONS_SQL}) o LEFT JOIN supervision_marketentity e ON e.uscc = o.uscc
        WHERE o.due_on >= %(today)s AND o.due_on <= %(next_working_day)s
    """

    def params(self, *, today, now) -> dict:
        return {**super().params(today=today, now=now), "next_working_day": add_working_days(today, 1).date}


class ObjectionOverdue(WarningRule):
    code = "OBJECTION_OVERDUE"
    description = "异议申诉已超过受理或办结期限仍未处理完毕"
    select = f"""
        SELECT 'o' || o.id || ':' || o.stage AS dedupe_key, o.uscc, o.department_id,
               format('异议 %%s：%%s（%%s）已超过%%s %%s%%s，请立即处理', o.tracking_no, coalesce(e.name, o.uscc), o.uscc,
                      {_STAGE_LABEL_SQL.format(col="o.stage")}, to_char(o.due_on, 'YYYY-MM-DD'),
                      CASE WHEN o.deadline_provisional THEN '（暂定）' ELSE '' END) AS message
        FROM ({_OPEN_OBJECTIONS_SQL}) o LEFT JOIN supervision_marketentity e ON e.uscc = o.uscc
        WHERE o.due_on < %(today)s
    """


_OPEN_EXITS_SQL = """
    SELECT a.id, a.uscc, a.department_id, a.tracking_no, a.deadline_provisional, a.decide_due_on AS due_on,
           CASE a.list_type WHEN 'abnormal' THEN '经营异常名录' ELSE '严重违法失信名单' END AS list_label
    FROM credit_listexitapplication a WHERE a.state = 'submitted' AND a.decide_due_on IS NOT NULL
"""


class ListExitDueSoon(WarningRule):
    """Issue 12 §4: a list exit application whose decision deadline (移出经营异常名录: 5 working days,
    supervision.deadlines ABNORMAL_REMOVAL) is today or the next working day."""

    code = "LIST_EXIT_DUE_SOON"
    description = "移出名单申请将于1个工作日内到期（经营异常名录：5个工作日内作出决定）"
    select = f"""
        SELECT 'x' || a.id || ':' || to_char(a.due_on, 'YYYY-MM-DD') AS dedupe_key, a.uscc, a.department_id,
               format('移出申请 %%s：%%s（%%s）申请移出%%s，决定期限为 %%s%%s，%%s，请及时作出决定', a.tracking_no, coalesce(e.name, a.uscc),
                      a.uscc, a.list_label, to_char(a.due_on, 'YYYY-MM-DD'), CASE WHEN a.deadline_provisional THEN '（暂定）' ELSE '' END,
                      CASE WHEN a.due_on = %(today)s THEN '今日到期' ELSE '下一个工作日到期' END) AS message
        FROM ({_OPEN_EXITS_SQL}) a LEFT JOIN supervision_marketentity e ON e.uscc = a.uscc
        WHERE a.due_on >= %(today)s AND a.due_on <= %(next_working_day)s
    """

    def params(self, *, today, now) -> dict:
        return {**super().params(today=today, now=now), "next_working_day": add_working_days(today, 1).date}


class ListExitOverdue(WarningRule):
    code = "LIST_EXIT_OVERDUE"
    description = "移出名单申请已超过决定期限仍未作出决定"
    select = f"""
        SELECT 'x' || a.id AS dedupe_key, a.uscc, a.department_id,
               format('移出申请 %%s：%%s（%%s）申请移出%%s，已超过决定期限 %%s%%s，请立即作出决定', a.tracking_no, coalesce(e.name, a.uscc),
                      a.uscc, a.list_label, to_char(a.due_on, 'YYYY-MM-DD'), CASE WHEN a.deadline_provisional THEN '（暂定）' ELSE '' END) AS message
        FROM ({_OPEN_EXITS_SQL}) a LEFT JOIN supervision_marketentity e ON e.uscc = a.uscc
        WHERE a.due_on < %(today)s
    """


RULES: list[WarningRule] = [
    GradeWorsened(),
    ListEntered(),
    AbnormalOverThreeYears(),
    NegativeRecordBurst(),
    CommitmentOverdue(),
    ObjectionDueSoon(),
    ObjectionOverdue(),
    ListExitDueSoon(),
    ListExitOverdue(),
]


def register_rule(rule: WarningRule) -> None:
    """For other apps (in their AppConfig.ready): add a rule to the scan."""
    if all(r.code != rule.code for r in RULES):
        RULES.append(rule)


def risk_scan_time_limit() -> dt.timedelta:
    """The risk scan job's hard time limit (core.jobs): a run older than this is not running any more."""
    return dt.timedelta(seconds=limits_for("credit.risk_scan")[1])


def _db_session() -> tuple[int, dt.datetime]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        return cursor.fetchone()


def _session_alive(run: RiskScanRun) -> bool:
    if run.session_pid is None:
        return True  # recorded before sessions were: only the time limit can tell
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND backend_start = %s",
            [run.session_pid, run.session_started_at],
        )
        return cursor.fetchone() is not None


@transaction.atomic
def risk_scan_runs_interrupt(*, actor: str, now: dt.datetime) -> list[int]:
    """Issue 11 §2: mark 已中断 every run still 运行中 that is past its time limit or whose database
    session is gone (its worker was killed; a frozen worker's session is ended by PostgreSQL after
    ``idle_in_transaction_session_timeout``, core.jobs). Whatever such a run wrote was rolled back with
    its transaction, so the run that calls this redoes all of it."""
    limit = risk_scan_time_limit()
    interrupted = []
    for run in RiskScanRun.objects.select_for_update(skip_locked=True).filter(state=RunState.RUNNING).order_by("pk"):
        if run.started_at < now - limit:
            reason = f"运行超过时限（{int(limit.total_seconds() // 60)} 分钟）仍未结束，已由下一次运行标记为已中断"
        elif not _session_alive(run):
            reason = "运行所在的工作进程已退出（数据库会话已结束），未完成的部分已回滚；已由下一次运行标记为已中断"
        else:
            continue
        run.state, run.finished_at, run.error = RunState.INTERRUPTED, now, reason
        run.save(update_fields=["state", "finished_at", "error"])
        audit.record(
            actor=actor,
            action="risk_scan.interrupt",
            target=run,
            before={"state": RunState.RUNNING.value},
            after={"state": RunState.INTERRUPTED.value, "reason": reason},
        )
        interrupted.append(run.pk)
    if interrupted:
        logger.warning("risk scan runs %s marked interrupted", interrupted)
    return interrupted


def run_risk_scan(*, trigger: str = "schedule", today=None) -> RiskScanRun:
    """Expire closed windows, re-grade every entity, run every rule. Always leaves a run record, and
    first marks 已中断 the runs that died before leaving theirs."""
    now = timezone.now()
    today = today or timezone.localdate()
    actor = "task:risk_scan"
    interrupted = risk_scan_runs_interrupt(actor=actor, now=now)
    pid, session_started_at = _db_session()
    run = RiskScanRun.objects.create(
        started_at=now, trigger=trigger, session_pid=pid, session_started_at=session_started_at
    )
    counts = {"interrupted_runs": interrupted} if interrupted else {}
    try:
        with transaction.atomic():
            counts["expired_entities"] = credit_records_expire(actor=actor, today=today)
            # 严重违法失信名单管理办法 第二十条: the serious list ends by itself after 3 years (before the re-grade).
            counts["serious_list_ended"] = serious_list_entries_end(actor=actor, today=today)
            counts["regrade_marks_drained"] = regrade_drain()  # the safety net of credit.regrade
            result = evaluate(today=today)
            counts.update(
                evaluated=result.evaluated,
                grade_changed=result.changed,
                credit_updated=result.updated,
                evaluation_seconds=result.seconds,
            )
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


# The beat schedule in the database names this task "credit.risk_scan": the name must not change.
@shared_task(name="credit.risk_scan", acks_late=True)
def risk_scan(trigger: str = "schedule") -> dict:
    """Nightly: expire records, re-grade everyone, raise warnings (预警). Recorded as a RiskScanRun."""
    run = run_risk_scan(trigger=trigger)
    return {"run": run.pk, "state": run.state, "counts": run.counts, "error": run.error}
