"""The oversight admin (issue 17), one module per section; importing each registers its admins.

- ``directives``: 督办 for both sides (the issuer's list, the department's inbox), the 可督办事项 page
  and the issue form;
- ``warnings``: the one-step disposition page of a risk warning (立案, 纳入抽查, 转交, 约谈提醒, 核实无问题),
  linked from the warning's page in credit by URL name.
"""

from oversight.admin.directives import DirectiveAdmin

__all__ = ["DirectiveAdmin"]
