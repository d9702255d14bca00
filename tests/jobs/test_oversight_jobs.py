"""The nightly 每日统计快照 job (issue 17 §1): scheduled at 03:00 in the database, run by a real Celery worker
on the real Redis broker, it writes the figures of the day that ended; run twice, it writes them once."""

import datetime as dt
import json
import subprocess

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from core.models import AuditEvent
from enforcement import services as enforcement_services
from oversight.models import DailyFigure
from portal.celery import app

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def worker_output(proc) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    return proc.stdout.read().decode(errors="replace")[-4000:]


def test_daily_figures_are_scheduled_at_3_am_shanghai_in_the_database(db):
    task = PeriodicTask.objects.get(name="每日统计快照")
    assert task.task == "oversight.daily_figures"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "3", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    # the day that ended and the 30 days before it, so facts recorded late enter their own day
    assert json.loads(task.kwargs) == {"days": 31}


def test_the_job_writes_the_figures_of_the_day_that_ended_through_a_real_worker(worker, dept_a, frozen_today):
    # Given two complaints filed yesterday (2026-11-21) and one today (committed: the worker is another process)
    for day, n in ((dt.date(2026, 11, 21), 2), (frozen_today, 1)):
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)):
            for _ in range(n):
                enforcement_services.complaint_file(
                    actor="public:web", entity_name="某超市", content="销售过期食品", department=dept_a
                )
    # When the job the schedule names is sent twice, as beat sends it, and the worker runs it
    periodic = PeriodicTask.objects.get(name="每日统计快照")
    outcomes = []
    for _ in range(2):
        sent = app.send_task(
            periodic.task, args=json.loads(periodic.args or "[]"), kwargs=json.loads(periodic.kwargs or "{}")
        )
        try:
            outcomes.append(sent.get(timeout=120))
        except Exception:
            print(worker_output(worker))
            raise
    # Then yesterday's figures are there once (today's complaint is not counted yet), and the 30 days
    # before yesterday were recomputed with it (nothing happened on them)
    assert outcomes[0] == outcomes[1] == {"start": "2026-10-22", "end": "2026-11-21", "rows": 3}
    rows = set(DailyFigure.objects.values_list("day", "metric", "department_id", "key", "value"))
    assert rows == {
        (dt.date(2026, 11, 21), "complaints_filed", dept_a.pk, "web", 2),
        (dt.date(2026, 11, 21), "deadline_opened", dept_a.pk, "complaint", 2),
        (dt.date(2026, 11, 21), "deadline_open", dept_a.pk, "complaint", 2),
    }
    assert AuditEvent.objects.filter(action="daily_figures.compute", actor_label="task:daily_figures").count() == 2
