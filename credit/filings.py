"""Credit's kinds of public filing, registered with ``core.filings`` in ``CreditConfig.ready()``.

Prefixes: CN 信用承诺, XF 信用修复申请, YY 异议申诉, YC 移出名单申请. Each ``*_status`` returns what the
public may see of the filing's progress (the keys of ``core.filings.filing_status``): never contact
details, never who handled it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import filings
from credit.choices import ExitState, ObjectionState, RepairState
from credit.models import CreditCommitment, ListExitApplication, Objection, RepairApplication


def commitment_status(obj) -> dict:
    data = {"kind": _("信用承诺"), "status": obj.state, "status_label": obj.get_state_display()}
    data["facts"] = [
        (_("承诺类型"), obj.get_commitment_type_display()),
        (_("作出日期"), obj.made_on),
        (_("承诺内容"), obj.content),
    ]
    if obj.state == "in_progress":
        data.update(deadline=obj.due_on, deadline_label=_("履约期限"))
    else:
        data["facts"].append((_("认定日期"), obj.resolved_on))
        data["outcome"] = obj.get_state_display() + (f"：{obj.resolution_note}" if obj.resolution_note else "")
    return data


def repair_status(obj) -> dict:
    data = {"kind": _("信用修复申请"), "status": obj.state, "status_label": obj.get_state_display()}
    data["facts"] = [(_("提交时间"), obj.filed_at), (_("修复决定部门"), obj.department.name)]
    if obj.state != RepairState.SUBMITTED:
        data["outcome"] = obj.get_state_display() + (f"：{obj.decision_reason}" if obj.decision_reason else "")
    return data


def objection_status(obj) -> dict:
    data = {
        "kind": _("异议申诉"),
        "status": obj.state,
        "status_label": obj.get_state_display(),
        "provisional": obj.deadline_provisional,
    }
    data["facts"] = [
        (_("提交时间"), obj.filed_at),
        (_("处理部门"), obj.department.name),
        (_("受理期限"), obj.accept_due_on),
        (_("办结期限"), obj.decide_due_on),
    ]
    if obj.state == ObjectionState.SUBMITTED:
        data.update(deadline=obj.accept_due_on, deadline_label=_("受理期限"))
    elif obj.state == ObjectionState.ACCEPTED:
        data.update(deadline=obj.decide_due_on, deadline_label=_("办结期限"))
    elif obj.state == ObjectionState.REFUSED:
        data["outcome"] = _("不予受理") + (f"：{obj.accept_reason}" if obj.accept_reason else "")
    else:
        data["outcome"] = obj.get_outcome_display() + (f"：{obj.outcome_reason}" if obj.outcome_reason else "")
    return data


def list_exit_status(obj) -> dict:
    data = {
        "kind": _("移出名单申请"),
        "status": obj.state,
        "status_label": obj.get_state_display(),
        "provisional": obj.deadline_provisional,
    }
    data["facts"] = [
        (_("名单"), obj.get_list_type_display()),
        (_("提交时间"), obj.filed_at),
        (_("决定部门"), obj.department.name),
    ]
    if obj.state == ExitState.SUBMITTED and obj.decide_due_on:
        data.update(deadline=obj.decide_due_on, deadline_label=_("决定期限"))
    elif obj.state != ExitState.SUBMITTED:
        data["outcome"] = obj.get_state_display() + (f"：{obj.decision_reason}" if obj.decision_reason else "")
    return data


def register_filing_kinds() -> None:
    """Called from ``CreditConfig.ready()``."""
    filings.register(prefix="CN", model=CreditCommitment, label=gettext_lazy("信用承诺"), status=commitment_status)
    filings.register(prefix="XF", model=RepairApplication, label=gettext_lazy("信用修复申请"), status=repair_status)
    filings.register(prefix="YY", model=Objection, label=gettext_lazy("异议申诉"), status=objection_status)
    filings.register(
        prefix="YC", model=ListExitApplication, label=gettext_lazy("移出名单申请"), status=list_exit_status
    )
