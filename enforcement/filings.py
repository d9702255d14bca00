"""Enforcement's kinds of public filing, registered with ``core.filings`` in ``EnforcementConfig.ready()``:
TS 投诉举报 and TZ 提前停止公示申请. /track/ and the status endpoints find them through the registry."""

from core import filings
from enforcement.choices import ComplaintState
from enforcement.early_stop import early_stop_status
from enforcement.models import Complaint, EarlyStopApplication


def complaint_status(complaint) -> dict:
    """A complaint as its reporter may see it by number and code: state, deadline, outcome.
    Never the reporter's identity or contacts, never who handled it."""
    facts = [
        ("类别", complaint.get_kind_display()),
        ("登记时间", complaint.filed_at),
        ("被投诉举报对象", complaint.entity_name),
        ("承办部门", complaint.department.name),
    ]
    data = {
        "kind": "投诉举报",
        "status": complaint.state,
        "status_label": complaint.get_state_display(),
        "provisional": complaint.due_provisional,
    }
    if complaint.state == ComplaintState.CLOSED:
        facts.append(("办结时间", complaint.closed_at))
        data["outcome"] = complaint.get_verdict_display() + (f"：{complaint.outcome}" if complaint.outcome else "")
    else:
        data.update(deadline=complaint.due_on, deadline_label=f"办理期限（{complaint.working_days}个工作日）")
    data["facts"] = facts
    return data


def register_filing_kinds() -> None:
    """Called from ``EnforcementConfig.ready()``."""
    filings.register(prefix="TS", model=Complaint, label="投诉举报", status=complaint_status)
    filings.register(prefix="TZ", model=EarlyStopApplication, label="提前停止公示申请", status=early_stop_status)
