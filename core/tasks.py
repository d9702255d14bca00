"""Scheduled checks of the platform itself."""

import logging

from celery import shared_task

from core.audit import verify_chain

logger = logging.getLogger("core.tasks")


@shared_task(name="core.verify_audit_chain", acks_late=True)
def verify_audit_chain() -> dict:
    """Nightly: recompute the audit hash chain; a break is logged as an error for the operators."""
    report = verify_chain()
    if not report.ok:
        logger.error("audit chain broken at event %s: %s", report.broken_at, report.reason)
    return {"checked": report.checked, "broken_at": report.broken_at, "reason": report.reason}
