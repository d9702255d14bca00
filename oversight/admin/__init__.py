"""The oversight app in the admin, in Chinese (issue 17); importing each module registers its admins.
Every write calls ``oversight.services``.

- ``indicators`` (the indicator system), ``evaluations`` (履职评估 runs, results with drill-down, XLSX and
  PDF), ``halfyear`` (half-year reports), ``exemptions`` (尽职免责);
- ``directives``: 督办 for both sides (the issuer's list, the department's inbox), the 可督办事项 page
  and the issue form;
- ``warnings``: the one-step disposition page of a risk warning (立案, 纳入抽查, 转交, 约谈提醒, 核实无问题),
  linked from the warning's page in credit by URL name.
"""

from oversight.admin import evaluations, exemptions, halfyear, indicators  # noqa: F401
from oversight.admin.directives import DirectiveAdmin

__all__ = ["DirectiveAdmin"]
