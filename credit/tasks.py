"""Thin Celery tasks: they take ids, call a service, and are safe to run twice."""

from celery import shared_task

from credit import evaluation


@shared_task(name="credit.evaluate_entities", acks_late=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def evaluate_entities(usccs: list[str]) -> dict:
    """Incremental re-evaluation of the entities whose records or lists changed."""
    result = evaluation.evaluate(usccs)
    return {"evaluated": result.evaluated, "changed": result.changed, "updated": result.updated}


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
