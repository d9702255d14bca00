"""The hourly 抽查结果公示 job (issue 5 §3): scheduled in the database, run by a real Celery worker on the
real Redis broker, it publishes approved results as credit records (DOMAIN §4)."""

import datetime as dt
import json
import subprocess
from decimal import Decimal

import pytest
from django_celery_beat.models import PeriodicTask

from inspections import services
from inspections.choices import ResultCategory, ResultState, TaskState
from portal.celery import app
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker_output(proc) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    return proc.stdout.read().decode(errors="replace")[-4000:]


def test_result_publication_is_scheduled_hourly_in_the_database(db):
    task = PeriodicTask.objects.get(name="抽查结果公示")
    assert task.task == "inspections.publish_results"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("15", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_publication_job_publishes_approved_results_through_a_real_worker(
    worker,
    make_plan,
    graded_entities,
    make_inspector,
    dept_a,
    frozen_today,
):
    # Given two results of a drawn plan: one approved, one still 待审核 (committed: the worker is another process)
    graded_entities(2, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    first, second = draw.tasks.order_by("entity")
    approved = services.result_submit(
        actor="test",
        task=first,
        department=dept_a,
        categories=[ResultCategory.UNREACHABLE],
        findings="按登记的住所无法联系。",
        inspected_on=dt.date(2026, 11, 20),
    )
    services.result_approve(actor="test", result=approved)
    pending = services.result_submit(
        actor="test",
        task=second,
        department=dept_a,
        categories=[ResultCategory.NO_PROBLEM],
        inspected_on=dt.date(2026, 11, 20),
    )
    # When the job the schedule names is sent, as beat sends it, and a worker runs it
    periodic = PeriodicTask.objects.get(name="抽查结果公示")
    async_result = app.send_task(
        periodic.task, args=json.loads(periodic.args or "[]"), kwargs=json.loads(periodic.kwargs or "{}")
    )
    try:
        outcome = async_result.get(timeout=60)
    except Exception:
        print(worker_output(worker))
        raise
    # Then the approved result is published with its credit record (抽查检查结果 of its department); the other waits
    assert outcome == {"published": 1}
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert approved.state == ResultState.PUBLISHED and approved.published_at is not None
    assert (
        approved.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == frozen_today
    )  # the worker shares the test's clock
    record = approved.credit_record
    assert (record.category, record.department_id, record.entity_id, record.polarity, record.severity) == (
        "inspection_result",
        dept_a.pk,
        first.entity_id,
        "negative",
        "general",
    )
    first.refresh_from_db()
    assert first.state == TaskState.COMPLETED
    assert pending.state == ResultState.SUBMITTED and pending.credit_record is None
    # And running it again publishes nothing twice
    assert app.send_task(periodic.task).get(timeout=60) == {"published": 0}
