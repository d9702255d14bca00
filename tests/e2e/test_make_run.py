"""The real `make run` path on a fresh data directory: embedded servers, migrate, demo data,
web + worker + beat; then Ctrl-C stops every process, the embedded servers included."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.credit.test_reports import pdf_text
from tests.helpers import BASE_DIR, free_port

pytestmark = pytest.mark.slow


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode()


def _procs_under(var_dir):
    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any(str(var_dir) in part for part in (p.info["cmdline"] or [])):
                found.append(p)
        except psutil.Error:
            continue
    return found


def test_make_run_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    var_dir = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "PORTAL_EMBEDDED_PG", "PORTAL_EMBEDDED_REDIS")
    }
    env.update({"PORT": str(port), "PORTAL_VAR_DIR": str(var_dir)})
    started = time.time()
    proc = subprocess.Popen(
        ["make", "run"], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    output = []
    redis_pid = None
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                status, html = _get(base + "/")
                break
            except OSError:
                assert proc.poll() is None, "make run exited early"
                time.sleep(0.5)
        else:
            pytest.fail("portal did not come up in 300 s")
        served_after = time.time() - started
        assert status == 200 and "综合监管平台" in html
        status, schema = _get(base + "/api/schema/?format=json")
        assert status == 200 and json.loads(schema)["openapi"].startswith("3.")
        # Demo data is there: a known district appears in search.
        status, results = _get(base + "/entities/?q=" + urllib.parse.quote("郑州"))
        assert status == 200 and "个市场主体" in results and 'href="/entities/' in results, results[
            results.find("<main") :
        ][:1500]
        print(f"fresh clone path: first page served after {served_after:.1f} s")
        # A printed report can be verified (issue 18 §1.1): make run's own address in the 核验地址, signed
        # with the development certificate it created under var/.
        uscc = re.search(r'href="/entities/([0-9A-Z]{18})/"', results).group(1)
        with urllib.request.urlopen(f"{base}/entities/{uscc}/credit-report.pdf", timeout=30) as response:
            serial, pdf = response.headers["X-Report-Serial"], response.read()
        assert f"{base}/reports/verify/{serial}/" in pdf_text(pdf)
        assert (var_dir / "signing" / "dev-signing-cert.pem").exists()
        # Web, worker and beat connect as the app role, not as the owner (issue 11 §3).
        assert _get(base + "/audit/anchors/")[0] == 200
        children = psutil.Process(proc.pid).children(recursive=True)
        for name in ("gunicorn", "worker", "beat"):
            found = [c for c in children if name in " ".join(c.cmdline())]
            assert found and all(c.environ()["DATABASE_URL"].startswith("postgres://portal_app@") for c in found), name
        settings_file = var_dir / "redis" / "redis.rdb.settings"
        pidfile = Path(json.loads(settings_file.read_text())["pidfile"])
        redis_pid = int(pidfile.read_text())
        assert psutil.pid_exists(redis_pid)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        output.append(out.decode(errors="replace"))
    text = output[0]
    assert "admin / admin12345" in text, text[-3000:]
    # Migrated as the owner; web, worker and beat connect as the app role (issue 11 §3).
    assert "应用角色 portal_app 已创建并授权" in text, text[-3000:]
    assert "已停止" in text, text[-3000:]
    assert "已生成自签名的开发用签名证书" in text and f"PUBLIC_BASE_URL=http://127.0.0.1:{port}" in text, text[-3000:]
    time.sleep(1)
    leftovers = [p for p in _procs_under(var_dir) if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftovers == [], [p.info["cmdline"] for p in leftovers]
    assert not psutil.pid_exists(redis_pid) or psutil.Process(redis_pid).status() == psutil.STATUS_ZOMBIE


def test_busy_port_is_reported(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = {**os.environ, "PORT": str(port), "PORTAL_VAR_DIR": str(tmp_path / "var")}
        result = subprocess.run(["make", "-s", "run"], cwd=BASE_DIR, env=env, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert f"端口 {port} 已被占用" in result.stderr.decode()
    assert f"PORT={port + 1}" in result.stderr.decode()
