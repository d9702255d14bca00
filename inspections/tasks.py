"""Thin Celery tasks for 双随机、一公开."""

from celery import shared_task

from inspections import services


@shared_task(name="inspections.publish_results", acks_late=True)
def publish_results() -> dict:
    """Hourly: publish approved results (DOMAIN §4: within the statutory deadline, supervision.deadlines); idempotent (SKIP LOCKED)."""
    return {"published": services.results_publish(actor="task:publish_results")}
