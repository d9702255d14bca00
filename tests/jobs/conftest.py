"""A real Celery worker (solo pool) on the real Redis broker, against the test database."""

import subprocess
import sys

import pytest

from tests.helpers import BASE_DIR, child_env, db_url_for_children


@pytest.fixture
def worker():
    env = child_env(DATABASE_URL=db_url_for_children())
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "WARNING", "-P", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
