"""Thin Celery tasks of the oversight app: they call a service and are safe to run twice."""

from celery import shared_task

from oversight import services


@shared_task(name="oversight.prepare_half_year_reports", acks_late=True)
def prepare_half_year_reports() -> dict:
    """Daily: in the 5 working days before 25 June and 25 December (seed 004), a pre-filled draft
    half-year report for every active department that has none yet."""
    return services.half_year_drafts_prepare(actor="task:prepare_half_year_reports")
