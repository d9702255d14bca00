"""Inspections' deadline-bearing items for core.deadline_items (issue 17): result publication and
correction orders."""

from django.db.models import Q

from core.deadline_items import DeadlineSpec
from inspections.models import CorrectionOrder, InspectionResult

# DOMAIN §4: results are published within 20 working days (publish_due_on, set on approval).
RESULT_PUBLICATION = DeadlineSpec(
    kind="result_publication",
    label="抽查结果公示",
    model=InspectionResult,
    opened="inspected_on",
    due="publish_due_on",
    closed="published_at",
    only=Q(publish_due_on__isnull=False),
    changelist="admin:inspections_inspectionresult_changelist",
)
# 责令改正: the entity corrects by due_on; the order opens on the inspection day.
CORRECTION_ORDER = DeadlineSpec(
    kind="correction_order",
    label="责令改正",
    model=CorrectionOrder,
    opened="result__inspected_on",
    due="due_on",
    closed="corrected_on",
    changelist="admin:inspections_correctionorder_changelist",
)
SPECS = [RESULT_PUBLICATION, CORRECTION_ORDER]
