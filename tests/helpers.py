"""Helpers for tests that start real processes (worker, make run)."""

import os
import socket
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_url_for_children() -> str:
    """DATABASE_URL of the test database the current pytest process uses."""
    from django.db import connection

    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgres://{s['USER']}@/{s['NAME']}?host={urllib.parse.quote(host)}"
    return f"postgres://{s['USER']}:{urllib.parse.quote(s['PASSWORD'] or '')}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**extra) -> dict:
    env = dict(os.environ)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_for(predicate, timeout: float, step: float = 0.1):
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None
