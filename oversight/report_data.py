"""The facts of a 履职评估 report for one department, as plain data: the same shape whether read from a
stored evaluation (``evaluation_facts``) or computed now for a half-year report (``live_facts``), so
the XLSX, the PDF and the half-year report print the same rows.

``{"department", "period": {...}, "indicator_set", "total", "rank", "ranked_among", "rows": [...],
"exemptions": [...], "directives": [...]}``; every value is a string or a number (JSON-ready).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core import deadline_items
from oversight import metrics
from oversight.eval_scope import department_scope
from oversight.models import (
    Directive,
    DirectiveState,
    DutyExemption,
    EvaluationResult,
    EvaluationTotal,
    ExemptionState,
)
from oversight.scoring import indicator_set_in_force, score_of


def _num(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):.2f}" if not isinstance(value, int) else str(value)


def _plain(value) -> str:
    """A weight or a count as people write it: 15, 0, 7.5 (no trailing zeros)."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _row(indicator, *, numerator, denominator, value, score, weighted, exempted, links) -> dict:
    spec = metrics.REGISTRY.get(indicator.metric)
    unit = spec.unit if spec else metrics.RATE
    shown = _plain if unit == metrics.COUNT else _num
    return {
        "code": indicator.code,
        "name": indicator.name,
        "metric": indicator.metric,
        "unit": "%" if unit == metrics.RATE else " 件",
        "weight": _plain(indicator.weight),
        "target": shown(indicator.target),
        "direction": indicator.get_direction_display(),
        "source": indicator.source,
        "definition": spec.definition if spec else "",
        "numerator": numerator,
        "denominator": denominator,
        "value": shown(value),
        "score": _num(score),
        "weighted": _num(weighted),
        "exempted": exempted,
        "links": links,
    }


def _exemptions(links_by_row) -> list:
    """The accepted reasons behind the rows' 尽职免责 exclusions (each row's link keeps kind and ids)."""
    wanted = {}
    for links in links_by_row:
        for link in links:
            if link.get("ids"):
                wanted.setdefault(link["kind"], set()).update(link["ids"])
    labels = {s.kind: s.label for s in deadline_items.specs()}
    rows = []
    for kind, ids in sorted(wanted.items()):
        for e in DutyExemption.objects.filter(
            kind=kind, object_id__in=ids, state=ExemptionState.ACCEPTED
        ).select_related("department", "decided_by"):
            rows.append(
                {
                    "kind": labels.get(kind, kind),
                    "object_id": e.object_id,
                    "department": e.department.name,
                    "reason_kind": e.get_reason_kind_display(),
                    "reason": e.reason,
                    "decided_by": e.decided_by.get_username() if e.decided_by else "",
                    "decided_at": timezone.localtime(e.decided_at).strftime("%Y-%m-%d") if e.decided_at else "",
                    "note": e.decision_note,
                }
            )
    return sorted(rows, key=lambda r: (r["kind"], r["object_id"]))


def _directives(member_ids, as_of: dt.date) -> list:
    """督办 still open (not closed) for the departments, with whether the answer is overdue on ``as_of``."""
    rows = []
    for d in (
        Directive.objects.filter(department_id__in=member_ids)
        .exclude(state=DirectiveState.CLOSED)
        .select_related("department")
        .order_by("answer_due_on", "id")[:200]
    ):
        overdue = d.answer_due_on < as_of and d.state in (DirectiveState.OPEN, DirectiveState.RETURNED)
        rows.append(
            {
                "kind": d.kind,
                "object_id": d.object_id,
                "department": d.department.name,
                "reason": d.reason,
                "answer_due_on": d.answer_due_on.isoformat(),
                "state": d.get_state_display(),
                "overdue": overdue,
            }
        )
    return rows


def evaluation_facts(evaluation, department) -> dict:
    """The stored results of ``evaluation`` for ``department``."""
    results = list(
        EvaluationResult.objects.filter(evaluation=evaluation, department=department)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code")
    )
    total = EvaluationTotal.objects.filter(evaluation=evaluation, department=department).first()
    scope = department_scope([department.pk], evaluation.include_subtree)
    rows = [
        _row(
            r.indicator,
            numerator=r.numerator,
            denominator=r.denominator,
            value=r.value,
            score=r.score,
            weighted=r.weighted,
            exempted=r.exempted,
            links=r.links,
        )
        for r in results
    ]
    return {
        "department": department.name,
        "level": department.get_level_display(),
        "period": {
            "kind": evaluation.get_period_kind_display(),
            "start": evaluation.period_start.isoformat(),
            "end": evaluation.period_end.isoformat(),
            "as_of": evaluation.as_of.isoformat(),
        },
        "include_subtree": evaluation.include_subtree,
        "indicator_set": str(evaluation.indicator_set),
        "run_at": timezone.localtime(evaluation.run_at).strftime("%Y-%m-%d %H:%M"),
        "total": _num(total.total) if total else "",
        "rank": total.rank if total else None,
        "ranked_among": total.ranked_among if total else 0,
        "rows": rows,
        "exemptions": _exemptions(r.links for r in results),
        "directives": _directives(scope[department.pk], evaluation.as_of),
    }


def live_facts(*, department, start: dt.date, end: dt.date, period_kind: str, include_subtree: bool) -> dict:
    """The same facts computed now from the stored facts (for a half-year report's pre-fill)."""
    as_of = min(end, timezone.localdate())
    indicator_set = indicator_set_in_force(start)
    indicators = (
        list(indicator_set.indicators.filter(period_kinds__contains=[period_kind]).order_by("order", "code"))
        if indicator_set
        else []
    )
    scope = department_scope([department.pk], include_subtree)
    rows = []
    for indicator in indicators:
        figure = metrics.compute(indicator.metric, start=start, end=as_of, scope=scope)[department.pk]
        rows.append(
            _row(
                indicator,
                numerator=figure.numerator,
                denominator=figure.denominator,
                value=figure.value,
                score=score_of(indicator, figure.value),
                weighted=None,
                exempted=figure.exempted,
                links=figure.links,
            )
        )
    return {
        "department": department.name,
        "level": department.get_level_display(),
        "period": {"kind": "半年度", "start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat()},
        "include_subtree": include_subtree,
        "indicator_set": str(indicator_set) if indicator_set else "",
        "run_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "total": "",
        "rank": None,
        "ranked_among": 0,
        "rows": rows,
        "exemptions": _exemptions(r["links"] for r in rows),
        "directives": _directives(scope[department.pk], as_of),
    }
