"""Thin Celery tasks: they take ids, call a service, and are safe to run twice."""

from celery import shared_task

from credit import evaluation, regrade


# Fire and forget (ignore_result): queueing it from a request touches the broker only, never the
# result store. The marks written with the change are the guarantee; this is the fast path.
@shared_task(name="credit.evaluate_entities", acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def evaluate_entities(usccs: list[str]) -> dict:
    """Incremental re-evaluation of the entities whose records or lists changed (their marks cleared)."""
    return {"evaluated": regrade.regrade_drain(usccs=usccs)}


@shared_task(name="credit.drain_regrade_marks", acks_late=True)
def drain_regrade_marks() -> dict:
    """Every minute (beat): re-grade every entity still marked (issue 11: follow-up work is never lost)."""
    return {"evaluated": regrade.regrade_drain()}


@shared_task(name="credit.evaluate_all_entities", acks_late=True)
def evaluate_all_entities() -> dict:
    result = evaluation.evaluate()
    return {"evaluated": result.evaluated, "changed": result.changed, "updated": result.updated, "seconds": result.seconds}


@shared_task(name="credit.risk_scan", acks_late=True)
def risk_scan(trigger: str = "schedule") -> dict:
    """Nightly: expire records, re-grade everyone, raise warnings (预警). Recorded as a RiskScanRun."""
    from credit.scan import run_risk_scan

    run = run_risk_scan(trigger=trigger)
    return {"run": run.pk, "state": run.state, "counts": run.counts, "error": run.error}
