"""Issue 11: the beat job that drains the re-grade marks, through a real Celery worker on the real
Redis broker. A change committed while the broker was down is re-graded by the drain."""

import pytest
from django_celery_beat.models import PeriodicTask

from credit import services
from credit.choices import Grade
from credit.models import EntityCredit, RegradeMark
from credit.tasks import drain_regrade_marks
from portal.celery import app
from tests.conftest import record_data
from tests.credit.test_regrade import broker_pointed_at_nothing
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_drain_job_is_scheduled_every_minute():
    task = PeriodicTask.objects.get(task="credit.drain_regrade_marks")
    assert task.enabled and task.name == "信用等级重新评价补偿"
    assert (task.crontab.minute, task.crontab.hour) == ("*", "*")


def test_drain_job_regrades_marked_entities_through_worker(frozen_today, make_entity, dept_a, evaluate):
    # Given a 良好 entity, and a penalty committed while the broker was down (no task queued for either)
    with broker_pointed_at_nothing():
        entity = make_entity()
        evaluate([entity.uscc])
        RegradeMark.objects.all().delete()
        services.credit_records_push(
            actor="test", department=dept_a, records=[record_data(entity.uscc, "郑市监罚〔2026〕66号")]
        )
    assert RegradeMark.objects.filter(uscc=entity.uscc).exists()
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD
    # When the beat job runs on a real worker, the broker being back (with nothing else queued: a
    # left-over fast-path task of an earlier test for the same USCC would re-grade it first)
    app.control.purge()
    proc = worker_start()
    try:
        outcome = drain_regrade_marks.delay().get(timeout=60)
    except Exception:
        print(worker_stop(proc))
        raise
    worker_stop(proc)
    # Then it re-graded the entity and cleared its mark
    assert outcome["evaluated"] == 1
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.DISHONEST
    assert not RegradeMark.objects.filter(uscc=entity.uscc).exists()
