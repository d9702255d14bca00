"""The registry of computed metrics that 履职评估 indicators read (issue 17 §3).

An indicator (data, ``oversight.Indicator``) names a metric code; the code here says how the figure is
computed. Each metric computes, for a period and a set of departments, every department's numerator,
denominator and value in one set-based query (never a loop over rows), and gives the links to the rows
behind each figure, so a value in an evaluation can be followed down to the items it counts.

Metrics read the stored facts directly, not the daily snapshots, so they work for any period and can
leave out the items excused under 尽职免责 (``oversight.DutyExemption`` in state ``accepted``).

``compute(code, start=, end=, scope=)`` → ``{department id: Figure}``; ``scope`` is
``{department id: [member ids]}`` (``oversight.eval_scope.department_scope``): the department alone,
or its subtree.
"""

from oversight.metrics import credit, directives, inspections, timeliness  # noqa: F401 (they register themselves)
from oversight.metrics.base import (
    COUNT,
    RATE,
    REGISTRY,
    Figure,
    MetricSpec,
    choices,
    compute,
    empty_figure,
    rate,
)

__all__ = ["COUNT", "RATE", "REGISTRY", "Figure", "MetricSpec", "choices", "compute", "empty_figure", "rate"]
