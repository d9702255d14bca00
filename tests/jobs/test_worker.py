"""Each scheduled job runs once through a real Celery worker on the real Redis broker."""

import pytest
from django_celery_beat.models import PeriodicTask

from core import audit
from core.tasks import verify_audit_chain

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_nightly_audit_check_is_scheduled_in_the_database(db):
    task = PeriodicTask.objects.get(task="core.verify_audit_chain")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")


def test_audit_chain_check_runs_through_a_real_worker(worker):
    for i in range(3):
        audit.record(actor="test", action="demo.change", target=("demo.thing", i), after={"n": i})
    result = verify_audit_chain.delay()
    try:
        outcome = result.get(timeout=60)
    except Exception:
        worker.terminate()
        print(worker.stdout.read().decode(errors="replace")[-4000:])
        raise
    assert outcome["checked"] >= 3
    assert outcome["broken_at"] is None
