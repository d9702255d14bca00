"""The daily figures (issue 17 §1), computed set-based in SQL for a range of local days.

``compute(start=, end=)`` replaces the ``DailyFigure`` rows of ``[start, end]`` for the metrics of
``oversight.figures.METRICS``: it deletes the range's rows of those metrics and inserts the new ones, in
the caller's transaction (``oversight.services.daily_figures_compute`` owns it). A rerun over the same
facts gives exactly the same rows.

Each module here computes a family of metrics as ``SELECT day, metric, department_id, region_code,
industry, key, value`` statements over the whole range at once (one pass per family, not one per day):

- flows group the facts by their local day;
- stocks (the state at the end of each day) are the state at the start of the range plus cumulative
  daily changes (``sql.expand_stock``), so a year costs one scan, not 365.

Rows whose value is 0 are not written: a missing row means 0.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from oversight.aggregates import credit, deadlines, inspections, usage
from oversight.aggregates.sql import Window
from oversight.figures import METRICS
from oversight.models import DailyFigure

FAMILIES = (credit.FAMILY, deadlines.FAMILY, inspections.FAMILY, usage.FAMILY)

COLUMNS = "day, metric, department_id, region_code, industry, key, value"
SETTINGS = {"jit": "off", "work_mem": "128MB"}  # SET LOCAL for a run (see compute)


@dataclass(frozen=True)
class Result:
    """What a run wrote: rows per metric (every metric asked for, 0 included)."""

    start: dt.date
    end: dt.date
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def metric_codes(metrics=None) -> list[str]:
    """The metric codes to compute: all of the catalogue, or the ones asked for (checked against it)."""
    if metrics is None:
        return list(METRICS)
    unknown = sorted(set(metrics) - METRICS.keys())
    if unknown:
        raise ValueError(f"unknown metrics: {', '.join(unknown)}")
    return [code for code in METRICS if code in set(metrics)]


def compute(*, start, end, metrics=None) -> Result:
    """Replace the rows of ``[start, end]`` (local days, inclusive) for ``metrics`` (default: all).

    Runs inside the caller's transaction, so the delete and the inserts commit together."""
    if not connection.in_atomic_block:
        raise RuntimeError("oversight.aggregates.compute must run inside a transaction (use the service)")
    if start > end:
        raise ValueError("start is after end")
    codes = metric_codes(metrics)
    window = Window(start=start, end=end)
    params = {**window.params(), "metrics": codes}
    table = DailyFigure._meta.db_table
    with connection.cursor() as cursor:
        # For this transaction (SETTINGS): no JIT, which compiled for about a second on row estimates
        # 100× too high, and room to sort and hash a million entities in memory. At 1,000,000 entities
        # (bench/oversight.py, a loaded 2-core machine, two rounds each): a month 13.3–14.7 s against
        # 21.5–22.6 s with the defaults (JIT on, 4 MB), one day 8.6–10.1 s against 9.0–12.4 s.
        for name, value in SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(
            f"DELETE FROM {table} WHERE day BETWEEN %(start)s AND %(end)s AND metric = ANY(%(metrics)s)",
            params,
        )
        for family in FAMILIES:
            if not set(family.metrics) & set(codes):
                continue
            for select in family.build(cursor, window):
                cursor.execute(
                    f"INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM ({select}) f "
                    "WHERE f.value <> 0 AND f.metric = ANY(%(metrics)s)",
                    params,
                )
        cursor.execute(
            f"SELECT metric, count(*) FROM {table} WHERE day BETWEEN %(start)s AND %(end)s "
            "AND metric = ANY(%(metrics)s) GROUP BY metric",
            params,
        )
        written = dict(cursor.fetchall())
    return Result(start=start, end=end, rows={code: written.get(code, 0) for code in codes})
