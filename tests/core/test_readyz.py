"""``/readyz`` (issue 11 §2): the database, Redis, the worker's heartbeat and beat, each bounded in time;
503 naming what is down. ``/healthz`` stays the cheap liveness check. The worker's real heartbeat and
a real Redis outage are in tests/jobs/test_faults.py; here the heartbeat is written by
``core.heartbeat.beat_once``, the function the worker's thread calls."""

import datetime as dt
import socket
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core import health, heartbeat
from core.jobs import LIMITS, TimeLimits
from portal.celery import app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def worker_beating(settings):
    heartbeat.beat_once("celery@test")
    yield
    heartbeat.redis_client().delete(heartbeat.alive_key(), heartbeat.last_key())


@pytest.fixture
def beat_on_time(db):
    PeriodicTask.objects.filter(enabled=True).update(last_run_at=timezone.now())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_stays_a_liveness_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_200_when_database_redis_worker_and_beat_are_up(client, worker_beating, beat_on_time):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["down"] == [] and body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "worker": "ok",
        "beat": "ok",
    }
    assert body["checks"]["worker"]["last_heartbeat"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_names_a_worker_without_heartbeat_as_stale(client, worker_beating, beat_on_time):
    # Given a worker that beat once and then stopped (its key expired)
    heartbeat.redis_client().delete(heartbeat.alive_key())
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["worker"]
    worker = body["checks"]["worker"]
    assert worker["status"] == "stale" and worker["last_heartbeat"] and worker["stale_after_seconds"] == 60
    assert "没有心跳" in worker["label"]


def test_readyz_names_beat_stale_when_its_most_frequent_job_is_overdue(client, worker_beating, beat_on_time):
    # Given beat ran every job 3 hours ago: the most frequent one is well past due
    PeriodicTask.objects.filter(enabled=True).update(last_run_at=timezone.now() - dt.timedelta(hours=3))
    body = client.get("/readyz").json()
    assert body["down"] == ["beat"]
    beat = body["checks"]["beat"]
    periods = [
        health.schedule_period(task.schedule, timezone.now())
        for task in PeriodicTask.objects.filter(enabled=True, one_off=False)
    ]
    assert beat["status"] == "stale" and beat["period_seconds"] == int(min(periods).total_seconds())
    assert beat["grace_seconds"] == 300 and "仍未运行" in beat["label"]


def test_readyz_beat_allows_the_grace_period(client, worker_beating, beat_on_time):
    # Given the most frequent job ran exactly one period ago (it is due now, within the 300 s grace)
    now = timezone.now()
    periods = {
        task.pk: health.schedule_period(task.schedule, now)
        for task in PeriodicTask.objects.filter(enabled=True, one_off=False)
    }
    fastest = min(periods, key=periods.get)
    task = PeriodicTask.objects.get(pk=fastest)
    due_now = now - periods[fastest] + dt.timedelta(seconds=1)
    PeriodicTask.objects.filter(pk=fastest).update(
        last_run_at=health.next_run_after(task.schedule, due_now - periods[fastest], now)
    )
    assert client.get("/readyz").status_code == 200


def test_crontab_period_of_the_half_hourly_job_is_30_minutes(db):
    task = PeriodicTask.objects.get(task="enforcement.publish_penalties")
    assert health.schedule_period(task.schedule, timezone.now()) == dt.timedelta(minutes=30)


def test_readyz_answers_503_at_once_when_redis_is_down(client, settings, beat_on_time):
    # Given Redis is not there (nothing listens on its port)
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["redis"]["status"] == "down" and "redis" in body["down"]
    assert body["checks"]["worker"]["status"] == "unknown"
    assert body["checks"]["database"]["status"] == "ok"
    # Bounded, not timed: without socket timeouts this waited on the OS's TCP limits (the defect was 19 s).
    assert elapsed < 10, elapsed
    assert "127.0.0.1" not in response.content.decode()  # no internals in a public answer


def test_readyz_does_not_hang_on_a_redis_that_never_answers(client, settings, beat_on_time):
    # Given a "Redis" that accepts connections and never replies (a hung server)
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        settings.REDIS_URL = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.json()["checks"]["redis"]["status"] == "down"
    assert elapsed < 10, elapsed  # bounded by the 1 s socket timeouts; without them it never returns


# --- the limits of the jobs ---------------------------------------------------------------------------


def test_every_job_has_time_limits_within_the_visibility_timeout(settings):
    """A message of a job still running must never be handed to a second worker (acks_late)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    app.loader.import_default_modules()  # the tasks of every app, as a worker loads them
    jobs = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"credit.risk_scan", "enforcement.publish_penalties", "credit.evaluate_entities"} <= set(jobs)
    for name, task in jobs.items():
        assert task.acks_late, name
        assert task.soft_time_limit < task.time_limit < visibility, name
    assert max(hard for _soft, hard, _statement in LIMITS.values()) < visibility
    assert TimeLimits().annotate(app.tasks["credit.risk_scan"]) == {"soft_time_limit": 3300, "time_limit": 3600}
