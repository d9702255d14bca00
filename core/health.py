"""``/readyz``: can the platform do its work? (issue 11 §2). ``/healthz`` stays a cheap liveness check.

Four checks, each bounded to about a second, in JSON (keys English, labels Chinese):

- ``database``: ``SELECT 1`` under a 2 s statement timeout (connect timeout: ``DB_CONNECT_TIMEOUT``);
- ``redis``: ``PING`` with 1 s socket timeouts, so a Redis that is down or hung never hangs the probe;
- ``worker``: the worker's heartbeat (core.heartbeat), written every ``WORKER_HEARTBEAT_SECONDS``
  (10 s) with a time-to-live of ``WORKER_STALE_SECONDS`` (60 s); stale once it has expired;
- ``beat``: the most frequent enabled periodic job (django-celery-beat). Beat is stale when that
  job's first scheduled time after its ``last_run_at`` is more than ``BEAT_GRACE_SECONDS`` (300 s)
  in the past.

200 when all four are ``ok``; otherwise 503, and ``down`` names the failing checks. With a read replica
(issue 16 §5) a fifth, ``replica``, reports its state and lag without counting towards ``down``.
"""

import contextlib
import datetime as dt
import json
import logging

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask

from core import dbrouting, heartbeat

logger = logging.getLogger("core.health")

OK, DOWN, STALE, UNKNOWN = "ok", "down", "stale", "unknown"


@contextlib.contextmanager
def _bounded(seconds: int = 2):
    """A transaction (a savepoint inside a test's) whose statements stop after ``seconds``; the
    previous statement timeout is put back, so the caller's later statements are not bounded."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{seconds}s"])
        yield cursor
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def check_database() -> dict:
    try:
        with _bounded() as cursor:
            cursor.execute("SELECT 1")
        return {"status": OK, "label": "数据库连接正常"}
    except Exception as exc:  # any failure of the database is "down", never a 500
        logger.warning("readyz: 数据库不可用：%s", exc)
        return {"status": DOWN, "label": "数据库无法连接"}


def check_redis() -> dict:
    try:
        heartbeat.redis_client().ping()
        return {"status": OK, "label": "Redis 连接正常"}
    except redis.RedisError as exc:
        logger.warning("readyz: Redis 不可用：%s", exc)
        return {"status": DOWN, "label": "Redis 无法连接（任务队列与缓存不可用）"}


def check_worker(*, redis_ok: bool) -> dict:
    limits = {"heartbeat_seconds": heartbeat.interval_seconds(), "stale_after_seconds": heartbeat.stale_seconds()}
    if not redis_ok:
        return {"status": UNKNOWN, "label": "Redis 不可用，无法读取工作进程心跳", **limits}
    try:
        alive, last = heartbeat.redis_client().mget(heartbeat.alive_key(), heartbeat.last_key())
    except redis.RedisError:
        return {"status": UNKNOWN, "label": "Redis 不可用，无法读取工作进程心跳", **limits}
    last_at = _heartbeat_time(alive or last)
    if alive:
        return {"status": OK, "label": "工作进程心跳正常", "last_heartbeat": last_at, **limits}
    label = f"工作进程超过 {heartbeat.stale_seconds()} 秒没有心跳" if last_at else "尚未收到工作进程心跳"
    return {"status": STALE, "label": label, "last_heartbeat": last_at, **limits}


def _heartbeat_time(raw) -> str | None:
    try:
        return json.loads(raw)["at"] if raw else None
    except (ValueError, KeyError, TypeError):
        return None


def next_run_after(schedule, moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The schedule's first time after ``moment``, to the second (Celery schedules answer "how long
    from now", by their own reading of the clock, a few microseconds after ``now``)."""
    return (now + schedule.remaining_estimate(moment) + dt.timedelta(milliseconds=500)).replace(microsecond=0)


def schedule_period(schedule, now: dt.datetime) -> dt.timedelta:
    first = next_run_after(schedule, now, now)
    return next_run_after(schedule, first, now) - first


def check_beat(*, database_ok: bool, now: dt.datetime | None = None) -> dict:
    grace = int(getattr(settings, "BEAT_GRACE_SECONDS", 300))
    if not database_ok:
        return {"status": UNKNOWN, "label": "数据库不可用，无法读取定时任务运行记录", "grace_seconds": grace}
    now = now or timezone.now()
    try:
        with _bounded():
            tasks = list(
                PeriodicTask.objects.filter(enabled=True, one_off=False, clocked__isnull=True).select_related(
                    "interval", "crontab", "solar"
                )
            )
        candidates = []
        for task in tasks:
            schedule = task.schedule
            candidates.append((schedule_period(schedule, now), task.pk, task, schedule))
    except Exception as exc:
        logger.warning("readyz: 无法读取定时任务：%s", exc)
        return {"status": UNKNOWN, "label": "无法读取定时任务运行记录", "grace_seconds": grace}
    if not candidates:
        return {"status": UNKNOWN, "label": "没有启用的定时任务", "grace_seconds": grace}
    period, _pk, task, schedule = min(candidates, key=lambda c: (c[0], c[1]))
    # Never run: beat would have sent it at its first time after it was scheduled (django-celery-beat
    # does the same with date_changed).
    last = task.last_run_at or task.date_changed
    due = next_run_after(schedule, last, now)
    info = {
        "job": task.name,
        "task": task.task,
        "period_seconds": int(period.total_seconds()),
        "last_run_at": task.last_run_at.isoformat() if task.last_run_at else None,
        "due_at": due.isoformat(),
        "grace_seconds": grace,
    }
    if (now - due).total_seconds() > grace:
        return {
            "status": STALE,
            "label": f"定时任务“{task.name}”应于 {timezone.localtime(due):%Y-%m-%d %H:%M} 运行，超过 {grace} 秒仍未运行",
            **info,
        }
    return {"status": OK, "label": f"定时调度正常（最频繁任务：{task.name}）", **info}


def check_replica() -> dict:
    """The read replica (issue 16 §5), asked now: reported, never a reason to be unready, since the
    public pages read from the primary while the replica is down or lagging (core.dbrouting)."""
    state = dbrouting.check_replica()
    limit = float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 2))
    info = {"lag_seconds": state.lag_seconds, "max_lag_seconds": limit, "replayed_at": state.replayed_at}
    if state.status == dbrouting.OK:
        return {"status": OK, "label": "只读副本正常，公开页面从副本读取", **info}
    if state.status == dbrouting.DETACHED:
        return {"status": "detached", "label": "只读副本未与主库保持流复制，主库可用时公开页面从主库读取", **info}
    if state.status == dbrouting.LAGGING:
        return {"status": "lagging", "label": f"只读副本延迟超过 {limit:g} 秒，公开页面改从主库读取", **info}
    return {"status": DOWN, "label": "只读副本无法连接，公开页面改从主库读取", **info}


def readiness() -> dict:
    database = check_database()
    redis_check = check_redis()
    checks = {
        "database": database,
        "redis": redis_check,
        "worker": check_worker(redis_ok=redis_check["status"] == OK),
        "beat": check_beat(database_ok=database["status"] == OK),
    }
    down = [name for name, check in checks.items() if check["status"] != OK]
    if dbrouting.replica_configured():
        checks["replica"] = check_replica()  # informational: not in ``down`` (see check_replica)
    return {
        "status": "ok" if not down else "unavailable",
        "label": "就绪" if not down else "未就绪",
        "down": down,
        "checks": checks,
    }


@never_cache
def readyz(request):
    report = readiness()
    return JsonResponse(report, status=200 if not report["down"] else 503, json_dumps_params={"ensure_ascii": False})
