"""Limits of the scheduled jobs, so a killed or frozen worker costs minutes, not hours (issue 11 §2).

- Every task is ``acks_late`` (settings): a worker that dies mid-job leaves its message unacknowledged,
  and the broker hands it to another worker after the visibility timeout. That timeout must exceed
  the longest job's hard time limit, or a job still running would be handed out a second time
  (settings ``CELERY_BROKER_TRANSPORT_OPTIONS``, 2 h; kombu's default, 1 h, is shorter than the risk
  scan's limit; a test checks every limit against it).
- Every job's database session runs with ``statement_timeout`` and
  ``idle_in_transaction_session_timeout``: a frozen worker (or one whose host vanished) holds its row
  locks at most that long before PostgreSQL ends its session, so the next run's ``SKIP LOCKED``
  claims the rows again.
- ``soft_time_limit`` and ``time_limit`` are per job (Celery enforces them in the prefork pool that
  ``make run`` and production use); the risk scan's hard limit is also the age after which the next
  run marks an unfinished run 已中断 (credit/scan.py).

The figures come from bench/README.md: a full re-grading of 1,002,000 entities takes 43 s, publishing
10,000 penalties 7.5 s; the limits leave a wide margin over those.
"""

import logging
import threading

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

logger = logging.getLogger("core.jobs")

# name: (soft_time_limit, time_limit, statement_timeout), in seconds.
LIMITS = {
    "credit.risk_scan": (3300, 3600, 1200),
    "credit.evaluate_all_entities": (1700, 1800, 1200),
    "credit.evaluate_entities": (240, 300, 120),
    "enforcement.publish_penalties": (840, 900, 300),
    "inspections.publish_results": (840, 900, 300),
    "core.verify_audit_chain": (1700, 1800, 1200),
    # Issue 17: one day's figures at 1,000,000 entities take under a minute (bench/oversight.py); a
    # ``days`` argument may ask for a month.
    "oversight.daily_figures": (1700, 1800, 1200),
}
DEFAULT_LIMITS = (540, 600, 300)


def limits_for(task_name: str) -> tuple[int, int, int]:
    return LIMITS.get(task_name, DEFAULT_LIMITS)


class TimeLimits:
    """For ``task_annotations``: each job's soft and hard time limit, set without touching the task
    modules (Celery calls ``annotate(task)`` and sets the returned attributes)."""

    def annotate(self, task):
        soft, hard, _ = limits_for(task.name)
        return {"soft_time_limit": soft, "time_limit": hard}


def idle_in_transaction_timeout() -> int:
    return int(getattr(settings, "JOB_IDLE_IN_TRANSACTION_TIMEOUT", 120))


def statement_timeout(task_name: str) -> int:
    configured = getattr(settings, "JOB_STATEMENT_TIMEOUT", None)
    return int(configured) if configured else limits_for(task_name)[2]


def set_session_timeouts(task_name: str, conn=connection) -> None:
    """Bound a worker's database session for the job it runs (session-level: a worker's connection
    serves only jobs)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), set_config('idle_in_transaction_session_timeout', %s, false)",
            [f"{statement_timeout(task_name)}s", f"{idle_in_transaction_timeout()}s"],
        )


# Celery's Django fix-up closes the database connection before each task, so the job's connection is
# opened after ``task_prerun``: the timeouts are set on every connection opened while a job runs.
_current = threading.local()


@task_prerun.connect(dispatch_uid="core.jobs.job_started")
def _job_started(sender=None, task=None, **kwargs):
    if task is None or getattr(task.request, "is_eager", False):
        return  # an eager call runs inside a request or a test: its session is not a job's
    _current.job = task.name
    if connection.connection is not None:  # kept open (CONN_MAX_AGE): bound it now
        _apply(task.name, connection)


@task_postrun.connect(dispatch_uid="core.jobs.job_finished")
def _job_finished(sender=None, task=None, **kwargs):
    _current.job = None


@receiver(connection_created, dispatch_uid="core.jobs.connection_created")
def _connection_created(sender=None, connection=None, **kwargs):
    job = getattr(_current, "job", None)
    if job and connection is not None and connection.vendor == "postgresql":
        _apply(job, connection)


def _apply(task_name: str, conn) -> None:
    try:
        set_session_timeouts(task_name, conn)
    except Exception:  # the job itself will meet the database error and retry or fail visibly
        logger.warning("任务 %s 未能设置数据库会话超时", task_name, exc_info=True)
