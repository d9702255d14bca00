"""Thin Celery tasks: they take ids, call a service, and are safe to run twice.

Callers import them at module level under a ``_task`` suffix (``from credit.tasks import
evaluate_entities as evaluate_entities_task``); the tasks import what they call inside their body,
so this module imports nothing of credit and closes no circle (HackSoft Django-Styleguide, Celery).
The risk scan's task is ``credit.scan.risk_scan``, next to its rules (task name ``credit.risk_scan``).
"""

from celery import shared_task


# Fire and forget (ignore_result): queueing it from a request touches the broker only, never the
# result store. The marks written with the change are the guarantee; this is the fast path.
@shared_task(
    name="credit.evaluate_entities",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=5,
)
def evaluate_entities(usccs: list[str]) -> dict:
    """Incremental re-evaluation of the entities whose records or lists changed (their marks cleared)."""
    from credit.regrade import regrade_drain

    return {"evaluated": regrade_drain(usccs=usccs)}


@shared_task(name="credit.drain_regrade_marks", acks_late=True)
def drain_regrade_marks() -> dict:
    """Every minute (beat): re-grade every entity still marked (issue 11: follow-up work is never lost)."""
    from credit.regrade import regrade_drain

    return {"evaluated": regrade_drain()}


@shared_task(name="credit.evaluate_all_entities", acks_late=True)
def evaluate_all_entities() -> dict:
    from credit.evaluation import evaluate

    result = evaluate()
    return {
        "evaluated": result.evaluated,
        "changed": result.changed,
        "updated": result.updated,
        "seconds": result.seconds,
    }
