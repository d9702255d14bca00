"""督办 in 履职评估 (issue 17 §4: open and overdue 督办 count in the evaluation).

*Overdue 督办* at the end of the period: issued by then, not closed by then, its answer deadline
(``answer_due_on``) passed, and not answered by then (a 督办 sent back, ``returned``, waits for a new
answer). The denominator shown beside the count is every 督办 open at the end of the period. The state
at a past period's end is read from the timestamps the 督办 keeps (issued, answered, closed).
"""

from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, reverse

from oversight.metrics.base import COUNT, Figure, MetricSpec, register, scope_arrays
from oversight.models import Directive, DirectiveState


def _directive_overdue(start, end, scope):
    roots, members = scope_arrays(scope)
    tz = settings.TIME_ZONE
    sql = f"""
        WITH scope AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS s(root_id, department_id)),
        open_at_end AS (
            SELECT d.* FROM {Directive._meta.db_table} d
            WHERE (d.issued_at AT TIME ZONE %s)::date <= %s
              AND (d.closed_at IS NULL OR (d.closed_at AT TIME ZONE %s)::date > %s)
        )
        SELECT s.root_id, count(*),
               count(*) FILTER (
                   WHERE o.answer_due_on < %s
                     AND (o.state = %s OR o.answered_at IS NULL OR (o.answered_at AT TIME ZONE %s)::date > %s)
               )
        FROM open_at_end o JOIN scope s ON s.department_id = o.department_id
        GROUP BY s.root_id
    """  # noqa: S608 (table names from the models; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [roots, members, tz, end, tz, end, end, DirectiveState.RETURNED, tz, end])
        rows = cursor.fetchall()
    try:
        url = reverse("admin:oversight_directive_changelist")
    except NoReverseMatch:  # the 督办 admin is not installed: figures without links
        url = None
    figures = {}
    for root, open_count, overdue in rows:
        figure = Figure(overdue, open_count, overdue)
        if url:
            depts = ",".join(str(i) for i in scope[root])
            figure.link(
                "期末未办结督办", open_count, f"{url}?department__id__in={depts}&state__in=open,answered,returned"
            )
            figure.link(
                "逾期未答复督办",
                overdue,
                f"{url}?department__id__in={depts}&state__in=open,returned&answer_due_on__lt={end}",
            )
        figures[root] = figure
    return figures


register(
    MetricSpec(
        "directive_overdue",
        "督办逾期未答复数",
        COUNT,
        "期末已过答复期限仍未答复（或被退回重办后未再答复）的督办件数；分母为期末未办结的督办件数，仅供参考。",
        _directive_overdue,
    )
)
