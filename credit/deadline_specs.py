"""Credit's deadline-bearing items for core.deadline_items (issue 17): objections and list exits."""

from core.deadline_items import DeadlineSpec
from credit.models import ListExitApplication, Objection

# DOMAIN §3 异议: decided within 20 working days in total (refusal to accept also closes it).
OBJECTION = DeadlineSpec(
    kind="objection",
    label="异议处理",
    model=Objection,
    opened="filed_at",
    due="decide_due_on",
    closed="decided_at",
    changelist="admin:credit_objection_changelist",
    link_params=(("state", "all"),),
)
# 移出名单申请: decided by decide_due_on (credit.services.list_exits).
LIST_EXIT = DeadlineSpec(
    kind="list_exit",
    label="移出名单申请",
    model=ListExitApplication,
    opened="filed_at",
    due="decide_due_on",
    closed="decided_at",
    changelist="admin:credit_listexitapplication_changelist",
    link_params=(("state", "all"),),
)
SPECS = [OBJECTION, LIST_EXIT]
