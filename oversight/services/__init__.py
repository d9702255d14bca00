"""Every write of the oversight app (STYLE.md rule 1): keyword-only services, each atomic and audited.

One module per sub-domain: ``figures`` (the daily figures), ``indicators`` (indicator sets),
``evaluation`` (履职评估 runs), ``exemptions`` (尽职免责), ``halfyear`` (half-year reports),
``directives`` (督办: issue, answer with evidence, close, send back) and ``warnings`` (the dispositions
of a risk warning that create work in the apps below, 立案 and 纳入抽查, with the warning closed in the
same transaction).
"""

from oversight.scoring import period_bounds, score_of
from oversight.services.directives import directive_answer, directive_close, directive_issue, directive_return
from oversight.services.evaluation import evaluation_run
from oversight.services.exemptions import duty_exemption_decide, duty_exemption_file, item_of
from oversight.services.figures import daily_figures_compute
from oversight.services.halfyear import (
    half_year_drafts_prepare,
    half_year_report_create,
    half_year_report_edit,
    half_year_report_refresh,
    half_year_report_sign,
)
from oversight.services.indicators import (
    indicator_delete,
    indicator_save,
    indicator_set_new_version,
    indicator_set_save,
)
from oversight.services.warnings import warning_dispose, warning_to_case, warning_to_targeted_check

__all__ = [
    "daily_figures_compute",
    "directive_answer",
    "directive_close",
    "directive_issue",
    "directive_return",
    "duty_exemption_decide",
    "duty_exemption_file",
    "evaluation_run",
    "half_year_drafts_prepare",
    "half_year_report_create",
    "half_year_report_edit",
    "half_year_report_refresh",
    "half_year_report_sign",
    "indicator_delete",
    "indicator_save",
    "indicator_set_new_version",
    "indicator_set_save",
    "item_of",
    "period_bounds",
    "score_of",
    "warning_dispose",
    "warning_to_case",
    "warning_to_targeted_check",
]
