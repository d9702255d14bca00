"""Moved to ``credit.services.list_exits`` (issue 13 §3: the credit services became a package).
This module keeps the old import path working until every importer uses the new one."""

from credit.services.list_exits import (  # noqa: F401
    EXIT_RULES,
    NO_EXIT_APPLICATION,
    SERIOUS_EARLY_BASIS,
    SERIOUS_END_BASIS,
    TRACKING_PREFIX,
    ListExitApplication,
    ListExitEvidence,
    ListRemovalProposal,
    entries_resting_on,
    exit_problems,
    good_standing_problem,
    list_exit_apply,
    list_exit_approve,
    list_exit_refuse,
    list_removal_proposal_confirm,
    list_removal_proposal_dismiss,
    removal_propose_for_record,
    serious_list_entries_end,
)
