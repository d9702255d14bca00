"""A real Celery worker (solo pool) on the real Redis broker, against the test database, on the test's clock.

The test process may travel in time (time-machine, STYLE.md rule 15); the worker is another process,
so time-machine in the test does not reach it. The worker is therefore started through this module,
which receives the offset between the test's clock and the real one and travels by it (ticking), so
both processes agree on what today is: a decision issued "today" in the test is due "today" in the
worker, whatever the real date.

Run as ``python -m tests.worker <celery arguments>``; tests use the ``worker`` fixture.
"""

import os
import subprocess
import sys
import time

import pytest
import time_machine

from tests.helpers import BASE_DIR, child_env, db_url_for_children

CLOCK_OFFSET_ENV = "TEST_CLOCK_OFFSET_SECONDS"


def clock_offset() -> float:
    """Seconds between the test process's clock (frozen or travelled) and the real one."""
    if not time_machine.escape_hatch.is_travelling():
        return 0.0
    return time.time() - time_machine.escape_hatch.time.time()


def worker_start(**env) -> subprocess.Popen:
    """Start a worker now, on the clock the test process has now."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.worker",
            "-A",
            "portal",
            "worker",
            "-l",
            "WARNING",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=child_env(DATABASE_URL=db_url_for_children(), **{CLOCK_OFFSET_ENV: repr(clock_offset())}, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def worker_stop(proc: subprocess.Popen) -> str:
    """Stop the worker; the end of what it printed (for a failing test's report)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stdout.read().decode(errors="replace")[-4000:] if proc.stdout else ""


@pytest.fixture
def worker(frozen_today):
    """A worker for one test; the test and the worker share the clock of ``frozen_today`` (2026-11-22)."""
    proc = worker_start()
    yield proc
    worker_stop(proc)


def main() -> None:
    offset = float(os.environ.get(CLOCK_OFFSET_ENV) or 0)
    if offset:
        time_machine.travel(time.time() + offset, tick=True).start()
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
