"""Each scheduled job runs once through a real Celery worker on the real Redis broker."""

import subprocess
import sys
import time

import pytest
from django_celery_beat.models import PeriodicTask

from core import audit
from core.tasks import verify_audit_chain
from tests.helpers import BASE_DIR, child_env, db_url_for_children

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    env = child_env(DATABASE_URL=db_url_for_children())
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "WARNING", "-P", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_nightly_audit_check_is_scheduled_in_the_database(db):
    task = PeriodicTask.objects.get(task="core.verify_audit_chain")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")


def test_audit_chain_check_runs_through_a_real_worker(worker):
    for i in range(3):
        audit.record(actor="test", action="demo.change", target=("demo.thing", i), after={"n": i})
    started = time.time()
    result = verify_audit_chain.delay()
    try:
        outcome = result.get(timeout=60)
    except Exception:
        worker.terminate()
        print(worker.stdout.read().decode(errors="replace")[-4000:])
        raise
    assert outcome["checked"] >= 3
    assert outcome["broken_at"] is None
    assert time.time() - started < 60
