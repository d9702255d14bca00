"""Thin Celery tasks for enforcement."""

from celery import shared_task

from enforcement import services


@shared_task(name="enforcement.publish_penalties", acks_late=True)
def publish_penalties() -> dict:
    """Every half hour: publish new penalty summaries (within 7 working days) and withdraw revoked
    or changed ones (within 3); idempotent (SKIP LOCKED)."""
    return services.disclosures_publish(actor="task:publish_penalties")
