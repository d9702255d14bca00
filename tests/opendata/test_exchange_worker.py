"""The task ``opendata.exchange_push`` (every 10 minutes, scheduled in the database) run by a real Celery worker
on the real Redis broker (tests/worker.py): it writes the batch file into the exchange folder."""

import json

import pytest
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from core.changes import ChangeType, emit
from credit.models import CreditRecord
from opendata.models import ExchangeBatch
from portal.celery import app
from tests.conftest import record_data
from tests.opendata.test_exchange import settle
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_exchange_is_scheduled_every_ten_minutes(db):
    task = PeriodicTask.objects.get(name="省级平台数据交换")
    assert task.task == "opendata.exchange_push" and task.enabled
    assert task.crontab.minute == "*/10"


def test_exchange_push_runs_once_through_a_real_worker(settings, tmp_path, push, make_entity, frozen_today):
    # Given a licence and its change event, committed, and a worker whose exchange folder is tmp_path
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监许〔2026〕8号", category="administrative_licence", polarity="positive"))
    record = CreditRecord.objects.get(source_ref="郑市监许〔2026〕8号")
    with transaction.atomic():
        emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref=record.source_ref, department=record.department)
    settle()
    worker = worker_start(EXCHANGE_DIR=str(tmp_path), EXCHANGE_CONNECTOR="folder")
    try:
        # When the job the schedule names is sent, as beat sends it
        periodic = PeriodicTask.objects.get(name="省级平台数据交换")
        outcome = app.send_task(periodic.task).get(timeout=90)
    except Exception:
        print(worker_stop(worker))
        raise
    finally:
        worker_stop(worker)
    # Then the worker built and wrote one batch into the outbox
    assert outcome["built"] == 1 and outcome["sent"] == 1
    batch = ExchangeBatch.objects.get()
    body = json.loads((tmp_path / "outbox" / f"{batch.batch_no}.json").read_text(encoding="utf-8"))
    assert body["rows"][0]["row"]["XK_WSH"] == "郑市监许〔2026〕8号"
