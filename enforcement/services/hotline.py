"""12345/12315 work orders pushed through the API (issue 15 §6): the order lock of a resend, and the
status sent back to the hotline system that filed the order (一号响应).

A hotline system files a work order with its own number (``external_no``) through POST
/api/v1/complaints/ with the ``complaints:write`` scope; the complaint keeps the number and the filing
client. Every status change of such a complaint (登记, 转办, 受理, 办结, 转立案) writes one change event
addressed to that client alone (``audience``), in the change's own transaction: the change feed API
shows it only to that client and webhooks deliver it only to that client's subscriptions.

The event never carries the reporter: only the numbers, the status, the handling department, the
deadline and the outcome text the reporter is told (which ``complaint_close`` already refuses to
contain the reporter's name or contacts).
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import connection

from core import changes
from enforcement.choices import ComplaintState
from enforcement.models import Complaint


class OrderNumberReused(ValidationError):
    """A resend of a work-order number with another complaint: one number never stands for two (API: 409)."""


# The status actions a hotline system is told about, as ``data["action"]``.
FILED, ASSIGNED, ACCEPTED, CLOSED, CONVERTED = "filed", "assigned", "accepted", "closed", "converted"


def order_lock(client, order_no: str) -> None:
    """Serialise concurrent sends of one work order (a hotline's retry racing its first send) until the
    transaction ends; the unique constraint ``complaint_client_order_unique`` backs this up."""
    digest = hashlib.sha256(f"complaint-order:{client.pk}:{order_no}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def existing_order(client, order_no: str) -> Complaint | None:
    return Complaint.objects.filter(api_client=client, external_no=order_no).first()


def status_payload(complaint, action: str) -> dict:
    """What the hotline system learns of a status change: numbers, status, department, deadline and the
    public outcome (the verdict and the text told to the reporter), never the reporter."""
    closed = complaint.state == ComplaintState.CLOSED
    outcome = ""
    if closed:
        outcome = complaint.get_verdict_display() + (f"：{complaint.outcome}" if complaint.outcome else "")
    return {
        "tracking_no": complaint.tracking_no,
        "external_order_no": complaint.external_no,
        "action": action,
        "status": complaint.state,
        "status_label": str(complaint.get_state_display()),
        "department": complaint.department.name,
        "deadline": None if closed else complaint.due_on.isoformat(),
        "outcome": outcome,
    }


def status_changed(complaint, action: str):
    """Tell the filing hotline system (and no one else) the complaint's new status, in the caller's
    transaction. Complaints not filed by a client through the API (the public form, admin entry) have
    no one to tell."""
    if complaint.api_client_id is None:
        return None
    return changes.emit(
        type=changes.ChangeType.COMPLAINT_STATUS_CHANGED,
        uscc=complaint.entity_id or "",
        ref=complaint.external_no,
        object_id=complaint.pk,
        public=False,
        department=complaint.department,
        audience=complaint.api_client,
        data=status_payload(complaint, action),
    )
