"""Enforcement's deadline-bearing items for core.deadline_items (issue 17): complaints and penalty
disclosures."""

from django.db.models import Q

from core.deadline_items import DeadlineSpec
from enforcement.choices import DisclosureState
from enforcement.models import Complaint, PenaltyDisclosure

# DOMAIN §5: complaints are handled by due_on (the channel's rule, supervision.deadlines).
COMPLAINT = DeadlineSpec(
    kind="complaint",
    label="投诉举报办理",
    model=Complaint,
    opened="filed_at",
    due="due_on",
    closed="closed_at",
    changelist="admin:enforcement_complaint_changelist",
    link_params=(("state", "all"),),
)
# 国办发〔2018〕118号: a penalty decision is published within 7 working days (publish_due_on). A decision
# that is 依规不予公示 carries no publication deadline.
PENALTY_DISCLOSURE = DeadlineSpec(
    kind="penalty_disclosure",
    label="行政处罚公示",
    model=PenaltyDisclosure,
    opened="decided_on",
    due="publish_due_on",
    closed="published_at",
    only=~Q(state=DisclosureState.NOT_PUBLIC),
    changelist="admin:enforcement_penaltydisclosure_changelist",
)
SPECS = [COMPLAINT, PENALTY_DISCLOSURE]
