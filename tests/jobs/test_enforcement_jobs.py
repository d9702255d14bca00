"""The half-hourly 行政处罚公示与撤回 job (issue 6 §4): scheduled in the database (django-celery-beat), run
by a real Celery worker on the real Redis broker, it publishes a due decision with its credit record."""

import datetime as dt
import json
import subprocess

import pytest
from django_celery_beat.models import PeriodicTask

from credit.models import CreditRecord
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import PenaltyDisclosure
from portal.celery import app
from tests.enforcement.conftest import entity, handler, issue, make_inspector, officers, open_case, standard, waived  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker_output(proc) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    return proc.stdout.read().decode(errors="replace")[-4000:]


def test_penalty_publication_is_scheduled_every_half_hour_in_the_database(db):
    task = PeriodicTask.objects.get(name="行政处罚公示与撤回")
    assert task.task == "enforcement.publish_penalties"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("5,35", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_publication_job_publishes_a_due_decision_through_a_real_worker(
    waived, worker, open_case, issue, dept_a, frozen_today
):
    # Given a decision just issued (committed: the worker is another process)
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    assert decision.disclosure.state == DisclosureState.PENDING
    # When the job the schedule names is sent, as beat sends it, and a worker runs it
    periodic = PeriodicTask.objects.get(name="行政处罚公示与撤回")
    async_result = app.send_task(
        periodic.task, args=json.loads(periodic.args or "[]"), kwargs=json.loads(periodic.kwargs or "{}")
    )
    try:
        outcome = async_result.get(timeout=60)
    except Exception:
        print(worker_output(worker))
        raise
    # Then the summary is public and the decision is a credit record of its department
    assert outcome == {"published": 1, "withdrawn": 0}
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    assert disclosure.state == DisclosureState.PUBLISHED and disclosure.published_at is not None
    # ... on the clock the test and the worker share (tests/worker.py), not the real date
    assert disclosure.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == frozen_today
    record = CreditRecord.objects.get(department=dept_a, source_ref=decision.number)
    assert disclosure.credit_record_id == record.pk and record.category == "administrative_penalty"
    # And a second run (beat fires again) changes nothing
    assert app.send_task(periodic.task).get(timeout=60) == {"published": 0, "withdrawn": 0}
