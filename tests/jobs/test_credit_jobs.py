"""Credit jobs through a real Celery worker on the real Redis broker: the nightly risk scan, and a
penalty pushed over the API that re-grades its entity within a minute (issue 3, §2 and §7)."""

import datetime as dt
import subprocess
import time

import pytest
import requests
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from credit.choices import Grade, RunState
from credit.models import EntityCredit, RiskScanRun
from credit.scan import risk_scan
from tests.conftest import record_data

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def worker_output(proc) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    return proc.stdout.read().decode(errors="replace")[-4000:]


def wait_for(predicate, timeout: float) -> float | None:
    """Seconds until ``predicate()`` holds, or None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def test_nightly_risk_scan_is_scheduled_in_the_database(db):
    task = PeriodicTask.objects.get(task="credit.risk_scan")
    assert task.name == "信用风险扫描"
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("1", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_risk_scan_runs_through_a_real_worker(worker, make_entity):
    # Given a few entities in the roster
    for _ in range(3):
        make_entity()
    # When the nightly task runs on the worker
    result = risk_scan.delay()
    try:
        outcome = result.get(timeout=60)
    except Exception:
        print(worker_output(worker))
        raise
    # Then it leaves a succeeded run with its counts (within the 60 s bound of result.get)
    assert outcome["state"] == RunState.SUCCEEDED, outcome["error"]
    run = RiskScanRun.objects.get(pk=outcome["run"])
    assert run.state == RunState.SUCCEEDED
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert run.counts["evaluated"] == 3
    assert EntityCredit.objects.filter(grade=Grade.GOOD).count() == 3


def test_worker_runs_on_the_tests_frozen_clock(worker, frozen_today):
    # Given the test process frozen at 2026-11-22 10:00 (Asia/Shanghai) and a worker started by the fixture
    # When the worker runs a job that stamps its own clock
    outcome = risk_scan.delay().get(timeout=60)
    # Then the worker's "now" is the test's, not the real date (a worker on the real clock would stamp
    # 2026-12-06 or later, and in 2027 compute deadlines past the holiday data)
    run = RiskScanRun.objects.get(pk=outcome["run"])
    started = run.started_at.astimezone(SHANGHAI)
    assert started.date() == frozen_today == dt.date(2026, 11, 22)
    assert abs(run.started_at - timezone.now()) < dt.timedelta(minutes=5)


def test_penalty_pushed_over_the_api_re_grades_the_entity_within_a_minute(
    worker, frozen_today, live_server, make_entity, api_key
):
    # Given a 良好 entity (a new roster entity is graded by the worker on commit)
    entity = make_entity()
    if wait_for(lambda: EntityCredit.objects.filter(entity_id=entity.uscc, grade=Grade.GOOD).exists(), 60) is None:
        print(worker_output(worker))
        pytest.fail("新登记的市场主体未在60秒内完成信用评价")
    _client, key = api_key(("records:write",))
    decided_on = dt.date(2026, 11, 17)  # 5 days before the frozen today the worker shares (2026-11-22)
    # When another department's system pushes a 一般 penalty over the API (a real HTTP request, committed)
    started = time.monotonic()
    response = requests.post(
        f"{live_server.url}/api/v1/credit-records/",
        json={
            "records": [
                record_data(entity.uscc, "郑市监罚〔2026〕88号", decided_on=decided_on.isoformat(), amount="50000.00")
            ]
        },
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    # Then the worker re-grades it to 失信 within a minute
    waited = wait_for(lambda: EntityCredit.objects.filter(entity_id=entity.uscc, grade=Grade.DISHONEST).exists(), 60)
    if waited is None:
        print(worker_output(worker))
    assert waited is not None, "推送处罚记录后60秒内信用等级未变为“失信”"
    assert time.monotonic() - started < 60
    credit = EntityCredit.objects.get(entity_id=entity.uscc)
    assert any("郑市监罚〔2026〕88号" in reason["text"] for reason in credit.reasons)
