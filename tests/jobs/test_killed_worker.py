"""A killed or frozen worker (issue 11 §2): a real worker is stopped mid-job, a new one runs the job
again, and the end state is a clean run's: nothing published twice, nothing lost, no run left 运行中.

To stop a worker at a known point, the test holds a lock the job needs next (a table lock, or the
evaluation's advisory lock) from its own database session, waits until the worker's session is
waiting for it, and only then kills (SIGKILL) or freezes (SIGSTOP) the worker.
"""

import os
import signal
import time

import psycopg2
import pytest
from django.db import connection

from core.models import AuditEvent
from credit.choices import RunState
from credit.evaluation import _EVAL_LOCK
from credit.models import CreditRecord, EntityCredit, RiskScanRun
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import PenaltyDisclosure
from portal.celery import app
from tests.conftest import record_data
from tests.enforcement.conftest import entity, handler, issue, make_inspector, officers, open_case, standard, waived  # noqa: F401  (fixtures)
from tests.helpers import wait_for
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IDLE_TIMEOUT = 3  # seconds: JOB_IDLE_IN_TRANSACTION_TIMEOUT for the workers of these tests


def raw_connection(autocommit=True):
    """A session of our own, outside Django's (the test's lock holder and observer)."""
    conn = psycopg2.connect(**connection.get_connection_params())
    conn.autocommit = autocommit
    return conn


def waiting_session(observer, wait_event_type="Lock", wait_event=None):
    """The pid of another session of the test database that waits for a lock, if any."""
    with observer.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = %s AND (%s IS NULL OR wait_event = %s) ORDER BY backend_start LIMIT 1",
            [wait_event_type, wait_event, wait_event],
        )
        row = cur.fetchone()
        return row[0] if row else None


def session_exists(observer, pid) -> bool:
    with observer.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is not None


def session_state(observer, pid):
    with observer.cursor() as cur:
        cur.execute(
            "SELECT state, wait_event_type, wait_event, left(query, 200) FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        return cur.fetchone()


def kill(proc, sig=signal.SIGKILL):
    os.kill(proc.pid, sig)
    if sig == signal.SIGKILL:
        proc.wait(timeout=10)


def test_killed_worker_publication_rerun_publishes_everything_once(waived, frozen_today, open_case, issue):
    # Given three decisions waiting for publication
    decisions = [issue(waived(open_case(stage=CaseStage.NOTICE))) for _ in range(3)]
    numbers = sorted(d.number for d in decisions)
    assert PenaltyDisclosure.objects.filter(state=DisclosureState.PENDING).count() == 3
    observer, holder = raw_connection(), raw_connection(autocommit=False)
    first = worker_start(JOB_IDLE_IN_TRANSACTION_TIMEOUT=IDLE_TIMEOUT)
    second = None
    try:
        # And a worker that has claimed the rows (FOR UPDATE SKIP LOCKED) and waits to write their
        # credit records, because this test holds the record table
        with holder.cursor() as cur:
            cur.execute("LOCK TABLE credit_creditrecord IN EXCLUSIVE MODE")
        app.send_task("enforcement.publish_penalties")
        pid = wait_for(lambda: waiting_session(observer, "Lock", "relation"), 60)
        assert pid, "the worker never reached the credit records: " + worker_stop(first)
        # When the worker freezes there (SIGSTOP: its session stays open, holding the claimed rows)
        kill(first, signal.SIGSTOP)
        holder.commit()
        # Then PostgreSQL ends the frozen session after the job's idle-in-transaction timeout, which
        # releases its row locks (before: they were held as long as the worker process lived)
        started = time.monotonic()
        gone = wait_for(lambda: not session_exists(observer, pid), IDLE_TIMEOUT + 15)
        assert gone, f"the frozen worker's session still holds its locks: {session_state(observer, pid)}"
        print(f"frozen worker's session ended after {time.monotonic() - started:.1f} s")
        # When a new worker runs the job again
        second = worker_start()
        outcome = app.send_task("enforcement.publish_penalties").get(timeout=60)
        # Then everything is published, each once, as in a clean run
        assert outcome == {"published": 3, "withdrawn": 0}
        assert set(PenaltyDisclosure.objects.values_list("state", flat=True)) == {DisclosureState.PUBLISHED}
        assert sorted(CreditRecord.objects.values_list("source_ref", flat=True)) == numbers
        published = [
            n for e in AuditEvent.objects.filter(action="penalty_disclosure.publish") for n in e.after["numbers"]
        ]
        assert sorted(published) == numbers
        for disclosure in PenaltyDisclosure.objects.select_related("credit_record"):
            assert disclosure.credit_record.source_ref == disclosure.number
        # And the frozen worker, killed now, changes nothing; a third run finds nothing to do
        kill(first)
        assert app.send_task("enforcement.publish_penalties").get(timeout=60) == {"published": 0, "withdrawn": 0}
        assert CreditRecord.objects.count() == 3
    finally:
        holder.close()
        observer.close()
        if first.poll() is None:
            kill(first)
        if second is not None:
            worker_stop(second)


def test_interrupted_risk_scan_marked_by_next_run(frozen_today, make_entity, push):
    # Given two entities, one with a penalty
    entities = [make_entity(), make_entity()]
    push(record_data(entities[0].uscc, decided_on="2026-11-10"))
    observer, holder = raw_connection(), raw_connection()
    first = worker_start()
    second = None
    try:
        # (the worker first grades the new entities: queued when they were committed)
        graded = wait_for(
            lambda: (
                EntityCredit.objects.filter(entity_id=entities[0].uscc, grade="DISHONEST").exists()
                and EntityCredit.objects.count() == 2
            ),
            60,
            step=0.2,
        )
        assert graded, worker_stop(first)
        # (and every task queued before now has run: the solo pool runs tasks in order, so this drain ends
        # after them, e.g. after a second re-grade of the new entities that would otherwise wait for the
        # lock below in the scan's place)
        app.send_task("credit.drain_regrade_marks").get(timeout=60)
        # And a scan on a worker that waits for the evaluation lock (this test holds it)
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_EVAL_LOCK])
        app.send_task("credit.risk_scan")
        pid = wait_for(lambda: waiting_session(observer, "Lock", "advisory"), 60)
        assert pid, "the scan never reached the evaluation: " + worker_stop(first)
        killed = RiskScanRun.objects.get(state=RunState.RUNNING)
        assert killed.session_pid == pid
        # When the worker is killed mid-scan
        kill(first)
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [_EVAL_LOCK])
        assert wait_for(lambda: not session_exists(observer, pid), 30), "the killed worker's session lives on"
        # And a new worker runs the scan again
        second = worker_start()
        outcome = app.send_task("credit.risk_scan").get(timeout=60)
        # Then the new run marks the killed one 已中断, and finishes as a clean run would
        assert outcome["state"] == RunState.SUCCEEDED, outcome["error"]
        killed.refresh_from_db()
        assert killed.state == RunState.INTERRUPTED and killed.get_state_display() == "已中断"
        assert killed.finished_at is not None and "工作进程已退出" in killed.error
        assert outcome["counts"]["interrupted_runs"] == [killed.pk]
        assert outcome["counts"]["evaluated"] == 2
        assert dict(EntityCredit.objects.values_list("entity_id", "grade")) == {
            entities[0].uscc: "DISHONEST",
            entities[1].uscc: "GOOD",
        }
        assert AuditEvent.objects.filter(action="risk_scan.run").count() == 1  # the killed run's work was rolled back
        assert AuditEvent.objects.filter(action="risk_scan.interrupt", target_id=str(killed.pk)).count() == 1
        assert list(RiskScanRun.objects.order_by("pk").values_list("state", flat=True)) == [
            RunState.INTERRUPTED,
            RunState.SUCCEEDED,
        ]
        # And a further run leaves the interrupted one alone
        assert app.send_task("credit.risk_scan").get(timeout=60)["counts"].get("interrupted_runs") is None
    finally:
        holder.close()
        observer.close()
        if first.poll() is None:
            kill(first)
        if second is not None:
            worker_stop(second)
