"""Risk-scan rules (预警规则) of 双随机、一公开, registered into ``credit.scan`` from ``InspectionsConfig.ready``.

Like the credit rules, each is one set-based statement with a dedupe key, so the nightly scan can
run twice (or again after a crash) and raise nothing twice.
"""

from django.db import connection

from core import audit
from core.workdays import add_working_days
from credit.choices import ListGround, ListType
from credit.warning_rules import WarningRule
from inspections.choices import PlanState
from inspections.closing import UNFINISHED_TASK_STATES, plans_close

_RESULT_STATE_LABEL_SQL = "(CASE {col} WHEN 'submitted' THEN '待审核' ELSE '已审核待公示' END)"


class ResultPublicationDue(WarningRule):
    """DOMAIN §4: results are published within the statutory deadline stored on each result
    (``publish_due_on``, from ``supervision.deadlines``: 20 working days nationally, 7 in 二七区).

    Warns the department that entered a result not yet published whose deadline falls within 3
    working days, or has passed. "3 working days" follows the holiday calendar (调休 included), so the
    date is computed in Python with ``core.workdays`` and passed in as ``due_by``.
    """

    code = "RESULT_PUBLICATION_DUE"
    description = "抽查检查结果将于3个工作日内到期或已超过公示期限（按适用的法定时限，一般为检查后20个工作日）仍未公示"
    working_days = 3
    select = f"""
        SELECT 'r' || r.id || ':' || to_char(r.publish_due_on, 'YYYY-MM-DD') AS dedupe_key, t.uscc, r.department_id,
               format('抽查结果 #%%s：%%s（%%s）%%s 的检查结果（%%s）%%s %%s%%s，请及时审核并公示', r.id, coalesce(e.name, t.uscc), t.uscc,
                      to_char(r.inspected_on, 'YYYY-MM-DD'), {_RESULT_STATE_LABEL_SQL.format(col="r.state")},
                      CASE WHEN r.publish_due_on < %(today)s THEN '已超过公示期限' ELSE '公示期限为' END,
                      to_char(r.publish_due_on, 'YYYY-MM-DD'), CASE WHEN r.publish_due_provisional THEN '（暂定）' ELSE '' END) AS message
        FROM inspections_inspectionresult r
        JOIN inspections_inspectiontask t ON t.id = r.task_id
        LEFT JOIN supervision_marketentity e ON e.uscc = t.uscc
        WHERE r.state IN ('submitted', 'approved') AND r.publish_due_on <= %(due_by)s
    """  # noqa: S608  (assembled from constants; values are bound parameters)

    def params(self, *, today, now) -> dict:

        return {**super().params(today=today, now=now), "due_by": add_working_days(today, self.working_days).date}


class CorrectionOverdue(WarningRule):
    """未按规定公示 → 责令改正 with a deadline, then list if not corrected (DOMAIN §4).

    Open correction orders past their deadline are marked 逾期未改正, the ordering department is
    warned, and a ``ListProposal`` to 经营异常名录 (ground: 未在责令期限内公示有关企业信息, 《企业经营异常名录管理暂行办法》
    第四条第（二）项) is raised for it to confirm, keyed by ``source_ref`` "责令改正 #<id>" so it is raised
    once. No proposal while the entity is already on the abnormal list (one active entry per list).
    """

    code = "CORRECTION_OVERDUE"
    description = "责令改正逾期未改正（未按规定公示），建议列入经营异常名录"
    select = """
        SELECT 'c' || c.id AS dedupe_key, c.uscc, c.department_id,
               format('%%s（%%s）未按规定公示应当公示的信息，责令改正期限 %%s 已过仍未改正，已提出列入经营异常名录建议，请确认',
                      coalesce(e.name, c.uscc), c.uscc, to_char(c.due_on, 'YYYY-MM-DD')) AS message
        FROM inspections_correctionorder c LEFT JOIN supervision_marketentity e ON e.uscc = c.uscc
        WHERE c.state = 'overdue'
    """
    # Issue 14 §3: an answer submitted in time (answers are accepted only up to the due date) and still
    # under review keeps the order open until the department decides (inspections.services.corrections).
    overdue_sql = """
        UPDATE inspections_correctionorder c SET state = 'overdue'
        WHERE c.state = 'open' AND c.due_on < %(today)s
          AND NOT EXISTS (SELECT 1 FROM inspections_correctionresponse r
                           WHERE r.order_id = c.id AND r.state = 'submitted')
        RETURNING c.id
    """
    proposal_sql = f"""
        INSERT INTO credit_listproposal (uscc, source_entry_id, source_ref, reason, list_type, ground, department_id, state, created_at)
        SELECT c.uscc, NULL, '责令改正 #' || c.id,
               format('抽查发现未按规定公示应当公示的信息，责令于 %%s 前改正，逾期未改正', to_char(c.due_on, 'YYYY-MM-DD')),
               '{ListType.ABNORMAL.value}', '{ListGround.INFO_NOT_PUBLISHED.value}', c.department_id, 'pending', %(now)s
        FROM inspections_correctionorder c
        WHERE c.state = 'overdue'
          AND NOT EXISTS (SELECT 1 FROM credit_listentry l
                           WHERE l.uscc = c.uscc AND l.list_type = '{ListType.ABNORMAL.value}' AND l.removed_on IS NULL)
        ON CONFLICT (source_ref, list_type) WHERE source_ref <> '' DO NOTHING
        RETURNING id
    """  # noqa: S608  (choice values are constants; values are bound parameters)

    def run(self, *, today, now) -> int:
        params = self.params(today=today, now=now)
        with connection.cursor() as cursor:
            cursor.execute(self.overdue_sql, params)
            overdue = sorted(row[0] for row in cursor.fetchall())
        raised = super().run(today=today, now=now)
        with connection.cursor() as cursor:
            cursor.execute(self.proposal_sql, params)
            proposals = sorted(row[0] for row in cursor.fetchall())
        # Not ``self.proposals``: run_risk_scan reports one rule's proposals under that name, and
        # this would overwrite AbnormalOverThreeYears'. The audit event carries them instead.
        self.marked_overdue, self.raised_proposals = len(overdue), len(proposals)
        if overdue or proposals:
            audit.record(
                actor="task:risk_scan",
                action="correction.overdue",
                target=("inspections.correctionorder", f"overdue:{today:%Y-%m-%d}"),
                target_label=f"责令改正逾期 {len(overdue)} 件，提出列入经营异常名录建议 {len(proposals)} 条",
                after={"overdue": overdue, "list_proposals": proposals},
            )
        return raised


_UNFINISHED_SQL = ", ".join(f"'{state.value}'" for state in UNFINISHED_TASK_STATES)


class PlanWindowClosed(WarningRule):
    """Issue 12 §5: a plan past its window moves to 已完成 (``inspections.closing.plans_close``), and
    each of its tasks still waiting for results is overdue: the lead department is warned once per task."""

    code = "PLAN_TASK_OVERDUE"
    description = "抽查计划检查期间已结束（计划转为已完成），检查任务仍未完成，已逾期"
    select = f"""
        SELECT 't' || t.id || ':overdue' AS dedupe_key, t.uscc, p.lead_department_id AS department_id,
               format('%%s（%%s）：“%%s”的检查期间已于 %%s 结束，该主体的检查任务仍未完成，已逾期', coalesce(e.name, t.uscc), t.uscc, p.name,
                      to_char(p.ends_on, 'YYYY-MM-DD')) AS message
        FROM inspections_inspectiontask t
        JOIN inspections_inspectionplan p ON p.id = t.plan_id
        JOIN inspections_draw d ON d.id = t.draw_id
        LEFT JOIN supervision_marketentity e ON e.uscc = t.uscc
        WHERE p.state = '{PlanState.COMPLETED.value}' AND NOT d.superseded AND t.state IN ({_UNFINISHED_SQL})
    """  # noqa: S608  (choice values are constants)

    def run(self, *, today, now) -> int:
        self.closed_plans = len(plans_close(actor="task:risk_scan", today=today))
        return super().run(today=today, now=now)


RULES: list[WarningRule] = [ResultPublicationDue(), CorrectionOverdue(), PlanWindowClosed()]
