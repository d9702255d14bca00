"""Credit metrics: 逢办必查 on handled matters, and warnings closed with a disposition.

*Credit checks on handled matters* (逢办必查, seed 000; 国办发〔2019〕35号: check credit when handling
administrative matters). The platform holds two kinds of matter a department handles for an entity:

- the 行政许可 it granted, pushed as credit records of category ``administrative_licence`` by the
  department (``CreditRecord.department``, ``decided_on``);
- the 审批替代型 credit commitments (告知承诺制 / 容缺受理) it accepted (``made_on``), which by seed 004
  §1 are only for entities in good standing, so the department must have looked the entity up.

Enforcement cases and inspections are not "business" in the sense of 逢办必查 (they are supervision,
and their subject is found by the draw or the complaint), so they are not counted. A matter is checked
when the same department logged a credit check (``CreditCheck``, through the API or the admin) of the
same entity on the day of the decision or in the ``CHECK_WINDOW_DAYS`` days before it (行政许可法
第四十二条: a licence is decided within 20 working days of acceptance, which is under 30 calendar days).

*Warnings closed with a disposition* (issue 17 §5). Of the risk warnings raised for the department in
the period, the share closed by the end of the period with a disposition (已立案, 纳入抽查, 已约谈或提醒,
转交其他部门, 核实无问题). Warnings closed before dispositions existed (``unrecorded``) do not count as
closed with one.
"""

from django.conf import settings
from django.db import connection
from django.urls import reverse

from credit.choices import CommitmentType, RecordCategory, WarningDisposition, WarningState
from credit.models import CreditCheck, CreditCommitment, CreditRecord, RiskWarning
from oversight.metrics.base import RATE, Figure, MetricSpec, members_of, rate, register, scope_arrays

CHECK_WINDOW_DAYS = 30
DISPOSED = [d.value for d in WarningDisposition if d != WarningDisposition.UNRECORDED]


def _credit_check_rate(start, end, scope):
    roots, members = scope_arrays(scope)
    depts = members_of(scope)
    sql = f"""
        WITH scope AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS s(root_id, department_id)),
        matters AS (
            SELECT 'licence' AS source, r.department_id, r.uscc, r.decided_on AS handled_on
            FROM {CreditRecord._meta.db_table} r
            WHERE r.category = %s AND r.decided_on BETWEEN %s AND %s AND r.department_id = ANY(%s)
            UNION ALL
            SELECT 'commitment', c.department_id, c.uscc, c.made_on
            FROM {CreditCommitment._meta.db_table} c
            WHERE c.commitment_type = %s AND c.made_on BETWEEN %s AND %s AND c.department_id = ANY(%s)
        ),
        marked AS (
            SELECT m.*, EXISTS (
                SELECT 1 FROM {CreditCheck._meta.db_table} k
                WHERE k.uscc = m.uscc AND k.department_id = m.department_id
                  AND k.checked_at >= (m.handled_on - %s)::timestamp AT TIME ZONE %s
                  AND k.checked_at < (m.handled_on + 1)::timestamp AT TIME ZONE %s
            ) AS checked
            FROM matters m
        )
        SELECT s.root_id, count(*), count(*) FILTER (WHERE checked),
               count(*) FILTER (WHERE source = 'licence'), count(*) FILTER (WHERE source = 'commitment')
        FROM marked JOIN scope s ON s.department_id = marked.department_id
        GROUP BY s.root_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    tz = settings.TIME_ZONE
    params = [roots, members, RecordCategory.LICENCE, start, end, depts]
    params += [CommitmentType.APPROVAL_SUBSTITUTE, start, end, depts, CHECK_WINDOW_DAYS, tz, tz]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    figures = {}
    for root, matters, checked, licences, commitments in rows:
        figure = Figure(checked, matters, rate(checked, matters))
        ids = ",".join(str(i) for i in scope[root])
        period = f"department__id__in={ids}"
        figure.link(
            "办理的行政许可",
            licences,
            f"{reverse('admin:credit_creditrecord_changelist')}?category__exact={RecordCategory.LICENCE}&{period}"
            f"&decided_on__gte={start}&decided_on__lte={end}",
        )
        figure.link(
            "受理的审批替代型承诺",
            commitments,
            f"{reverse('admin:credit_creditcommitment_changelist')}?commitment_type__exact={CommitmentType.APPROVAL_SUBSTITUTE}"
            f"&{period}&made_on__gte={start}&made_on__lte={end}",
        )
        figure.link(
            "本部门信用核查记录",
            checked,
            f"{reverse('admin:credit_creditcheck_changelist')}?{period}&checked_at__date__lte={end}"
            f"&checked_at__date__gte={start}",
        )
        figures[root] = figure
    return figures


def _warning_disposed(start, end, scope):
    roots, members = scope_arrays(scope)
    tz = settings.TIME_ZONE
    sql = f"""
        WITH scope AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS s(root_id, department_id))
        SELECT s.root_id, count(*),
               count(*) FILTER (
                   WHERE w.state = %s AND w.disposition = ANY(%s) AND (w.handled_at AT TIME ZONE %s)::date <= %s
               )
        FROM {RiskWarning._meta.db_table} w JOIN scope s ON s.department_id = w.department_id
        WHERE (w.created_at AT TIME ZONE %s)::date BETWEEN %s AND %s
        GROUP BY s.root_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [roots, members, WarningState.HANDLED, DISPOSED, tz, end, tz, start, end])
        rows = cursor.fetchall()
    figures = {}
    url = reverse("admin:credit_riskwarning_changelist")
    for root, raised, disposed in rows:
        figure = Figure(disposed, raised, rate(disposed, raised))
        depts = ",".join(str(i) for i in scope[root])
        raised_q = f"department__id__in={depts}&created_at__date__gte={start}&created_at__date__lte={end}"
        figure.link("期间产生的预警", raised, f"{url}?state=all&{raised_q}")
        figure.link(
            "已处置关闭",
            disposed,
            f"{url}?state={WarningState.HANDLED}&{raised_q}&handled_at__date__lte={end}&disposition__in={','.join(DISPOSED)}",
        )
        figures[root] = figure
    return figures


register(
    MetricSpec(
        "credit_check_rate",
        "逢办必查核查率",
        RATE,
        "本期办理的行政许可和受理的审批替代型信用承诺中，本部门在办理当日或之前30日内查询过该主体信用的比例。",
        _credit_check_rate,
    )
)
register(
    MetricSpec(
        "warning_disposed_rate",
        "风险预警处置闭环率",
        RATE,
        "本期产生的风险预警中，期末前已按处置方式（立案、纳入抽查、约谈提醒、转交、核实无问题）关闭的比例。",
        _warning_disposed,
    )
)
