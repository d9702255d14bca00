"""The daily 半年报告草稿 job (issue 17 §3, seed 004: reports due 25 June and 25 December): scheduled in
the database, run by a real Celery worker on the real Redis broker, it drafts a pre-filled report for
each active department in the 5 working days before the due day, and a rerun drafts nothing new."""

import datetime as dt
import json

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from oversight.models import HalfYearReport
from oversight.services.halfyear import half_due_soon
from portal.celery import app
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_half_year_drafts_are_scheduled_daily_in_the_database(db):
    task = PeriodicTask.objects.get(name="半年报告草稿")
    assert task.task == "oversight.prepare_half_year_reports" and task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("0", "6", "Asia/Shanghai")


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2026, 6, 16), None),  # 6 working days before Thu 25 June
        (dt.date(2026, 6, 17), (2026, "first")),  # 5 before: 18, 22, 23, 24, 25 (19 June is 端午)
        (dt.date(2026, 6, 25), (2026, "first")),
        (dt.date(2026, 6, 26), None),
        (dt.date(2026, 12, 18), (2026, "second")),  # Fri 18 Dec: 21, 22, 23, 24, 25
        (dt.date(2026, 12, 17), None),
    ],
)
def test_the_window_is_5_working_days_before_the_due_day(db, today, due):
    assert half_due_soon(today) == due


def test_job_drafts_a_report_for_each_department_through_a_real_worker(make_department):
    # Given three active departments and one switched off, on Monday 22 June 2026
    departments = [make_department() for _ in range(3)]
    make_department(active=False)
    with time_machine.travel(dt.datetime(2026, 6, 22, 6, 0, tzinfo=SHANGHAI), tick=True):
        proc = worker_start()
        try:
            periodic = PeriodicTask.objects.get(name="半年报告草稿")
            # When beat sends the job twice
            outcomes = [
                app.send_task(periodic.task, args=json.loads(periodic.args or "[]")).get(timeout=90) for _ in range(2)
            ]
        except Exception:
            print(worker_stop(proc))
            raise
        worker_stop(proc)
    # Then each active department has one draft of the first half, due 25 June, with its figures as of today
    assert outcomes == [{"created": 3, "existing": 0}, {"created": 0, "existing": 3}]
    reports = HalfYearReport.objects.order_by("department__code")
    assert [r.department_id for r in reports] == [d.pk for d in departments]
    assert {(r.year, r.half, r.due_on, r.state, r.figures_as_of) for r in reports} == {
        (2026, "first", dt.date(2026, 6, 25), "draft", dt.date(2026, 6, 22))
    }
    assert all(len(r.figures["rows"]) == 10 for r in reports)
