"""Issue 11 §2: a risk scan run left 运行中 is marked 已中断 by the next run when it is past its time
limit or its database session is gone; a run still alive within its limit is left alone. The killed
worker itself is in tests/jobs/test_killed_worker.py."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from core.models import AuditEvent
from credit.choices import RunState
from credit.models import RiskScanRun
from credit.scan import risk_scan_time_limit, run_risk_scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def this_session():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        return cursor.fetchone()


def running(started_ago: dt.timedelta, pid=None, backend_start=None) -> RiskScanRun:
    return RiskScanRun.objects.create(
        started_at=timezone.now() - started_ago, session_pid=pid, session_started_at=backend_start
    )


def test_the_time_limit_is_the_jobs_hard_limit():
    assert risk_scan_time_limit() == dt.timedelta(hours=1)


def test_run_past_its_time_limit_is_marked_interrupted_by_the_next_run():
    # Given a run started 61 minutes ago whose session is still there (a hung scan)
    pid, backend_start = this_session()
    hung = running(dt.timedelta(minutes=61), pid, backend_start)
    # When the next run starts
    run = run_risk_scan(trigger="test")
    # Then the hung run is 已中断, with the reason, and audited
    hung.refresh_from_db()
    assert hung.state == RunState.INTERRUPTED and hung.get_state_display() == "已中断"
    assert "时限（60 分钟）" in hung.error and hung.finished_at == run.started_at
    assert run.state == RunState.SUCCEEDED and run.counts["interrupted_runs"] == [hung.pk]
    event = AuditEvent.objects.get(action="risk_scan.interrupt")
    assert event.target_id == str(hung.pk) and event.after["state"] == "interrupted"


def test_run_whose_session_is_gone_is_marked_interrupted_at_once():
    # Given a run of a minute ago whose database session no longer exists (its worker was killed)
    pid, backend_start = this_session()
    dead = running(dt.timedelta(minutes=1), pid, backend_start - dt.timedelta(seconds=1))
    run_risk_scan(trigger="test")
    dead.refresh_from_db()
    assert dead.state == RunState.INTERRUPTED and "工作进程已退出" in dead.error


def test_live_run_within_its_limit_is_left_alone():
    # Given a run still going on in a live session, 5 minutes old, and an old record without a session
    pid, backend_start = this_session()
    alive = running(dt.timedelta(minutes=5), pid, backend_start)
    legacy = running(dt.timedelta(minutes=5))
    run = run_risk_scan(trigger="test")
    alive.refresh_from_db()
    legacy.refresh_from_db()
    assert alive.state == legacy.state == RunState.RUNNING
    assert "interrupted_runs" not in run.counts
    assert run.session_pid == pid  # the new run records its own session
