"""The worker's heartbeat, read by ``/readyz`` (issue 11 §2).

A bootstep starts a daemon thread in the worker's main process that writes, every
``WORKER_HEARTBEAT_SECONDS`` (default 10), two Redis keys:

- ``<prefix>:health:worker`` with a time-to-live of ``WORKER_STALE_SECONDS`` (default 60): while it
  exists, a worker is alive. Its expiry, not a comparison of clocks, makes the worker "stale", so
  the web server's clock (or a test's frozen clock) does not matter;
- ``<prefix>:health:worker:last`` without expiry: when and where the last beat came from.

A thread, not the worker's event loop: the project runs the solo pool (tests) with
``--without-heartbeat --without-gossip --without-mingle``, and a long job blocks that loop. The
thread stops with the process: SIGKILL or SIGSTOP (a frozen worker) lets the key expire; a warm
shutdown deletes it at once.

No Django model is imported here: ``portal/celery.py`` loads this module before Django is set up.
"""

import json
import logging
import socket
import threading
from datetime import UTC, datetime

import redis
from celery import bootsteps
from django.conf import settings

logger = logging.getLogger("core.heartbeat")

_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """A client with short timeouts: a Redis that is down or hung answers within about 1 s."""
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url,
            socket_timeout=1,
            socket_connect_timeout=1,
            retry_on_timeout=False,
            health_check_interval=0,
            client_name=settings.CACHES["default"].get("OPTIONS", {}).get("client_name"),
        )
    return client


def close_clients() -> None:
    """Disconnect the clients of ``redis_client`` (at exit: the embedded Redis stops only when its
    starter is its last client, portal.embedded)."""
    for client in _clients.values():
        client.connection_pool.disconnect()


def key_prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "portal")


def alive_key() -> str:
    return f"{key_prefix()}:health:worker"


def last_key() -> str:
    return f"{key_prefix()}:health:worker:last"


def interval_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 10))


def stale_seconds() -> int:
    return int(getattr(settings, "WORKER_STALE_SECONDS", 60))


def beat_once(hostname: str) -> None:
    value = json.dumps({"hostname": hostname, "at": datetime.now(UTC).isoformat(timespec="seconds")})
    pipe = redis_client().pipeline(transaction=False)
    pipe.set(alive_key(), value, ex=max(1, stale_seconds()))
    pipe.set(last_key(), value)
    pipe.execute()


class Heartbeat(bootsteps.StartStopStep):
    """Worker bootstep: the heartbeat thread lives from the worker's start to its stop."""

    label = "portal heartbeat"

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self._stop = threading.Event()
        self._thread = None

    def start(self, worker):
        hostname = getattr(worker, "hostname", None) or socket.gethostname()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(hostname,), name="portal-heartbeat", daemon=True)
        self._thread.start()

    def _run(self, hostname: str) -> None:
        warned = False
        while not self._stop.is_set():
            try:
                beat_once(hostname)
                warned = False
            except redis.RedisError as exc:
                if not warned:  # once per outage, not every 10 s
                    logger.warning("工作进程心跳写入 Redis 失败：%s", exc)
                    warned = True
            self._stop.wait(interval_seconds())

    def stop(self, worker):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        try:
            redis_client().delete(alive_key())
        except redis.RedisError:
            pass

    def shutdown(self, worker):
        self.stop(worker)
