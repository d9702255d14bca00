"""Public pages under load (issue 16 §1): gunicorn with 2 workers, ``wrk -t2 -c20 -d20s`` on each page.

    python bench/load.py                     # 20 s a page (the issue's run)
    python bench/load.py --duration 3        # what the smoke run does
    python bench/load.py --no-page-cache     # the same run with the page cache off (PAGE_CACHE_SECONDS=0)

It starts gunicorn (``portal.wsgi``, 2 sync workers, DEBUG off, on a free loopback port) against the same
DATABASE_URL and REDIS_URL, waits for /healthz, requests each page once (the cache's first build), then
runs the load on /healthz, ``/``, ``/penalties/``, an entity page with many public records and a list
page, one after the other, and prints requests a second and p99 for each. The goal: the entity page at
≥ 50 % of /healthz's rate measured in the same run, with p99 ≤ 200 ms.

The load comes from Debian's ``wrk`` (``make bench`` installs it as root, like chromium for ``make test``);
without it, from a small keep-alive load generator in this process (threads of ``http.client``), which
says so: on a 2-core machine it competes with gunicorn for the CPU, so its rates are lower than wrk's.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from support import goals  # noqa: E402
from support.entities import busiest_entity  # noqa: E402

from core import pagecache  # noqa: E402

RATIO_GOAL = 50  # % of /healthz's rate (issue 16 §1)
P99_GOAL = 200  # ms
TIMEOUT = 10  # seconds a request may take before it counts as unanswered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, *, workers: int, page_cache: bool) -> subprocess.Popen:
    env = dict(os.environ)
    env["DEBUG"] = "false"
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cmd = [
        str(gunicorn),
        "portal.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--graceful-timeout",
        "5",
        "--timeout",
        "120",
    ]
    return subprocess.Popen(cmd, cwd=BASE_DIR, env=env, start_new_session=True)


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn 启动失败（退出码 {proc.returncode}）")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn 未在规定时间内就绪")


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_wrk(url: str, *, threads: int, connections: int, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={TIMEOUT}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    if timeouts and int(timeouts.group(1)) > done / 100:  # over 1 % never answered: p99 is past the timeout
        p99 = float("inf")
    return {"rate": rate, "p99": p99, "bad": int(errors.group(1)) if errors else 0}


def run_python(url: str, *, connections: int, duration: int) -> dict:
    """Keep-alive HTTP/1.1 on ``connections`` threads for ``duration`` seconds; every latency kept."""
    parts = urllib.request.urlparse(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    bad = [0] * connections
    stop = time.perf_counter() + duration

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad[i] += 1
            except (OSError, http.client.HTTPException):
                bad[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
                continue
            latencies[i].append(time.perf_counter() - t)
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for per in latencies for x in per)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000 if every else float("inf")
    return {"rate": len(every) / elapsed, "p99": p99, "bad": sum(bad)}


def main() -> None:
    parser = argparse.ArgumentParser(description="公开页面负载测试（gunicorn 2 个进程，wrk -t2 -c20）")
    parser.add_argument("--duration", type=int, default=20, help="每个页面的压测秒数（默认 20）")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数（默认 2）")
    parser.add_argument("--no-page-cache", action="store_true", help="关闭页面缓存（对照）")
    args = parser.parse_args()

    uscc = busiest_entity()
    pages = [("/healthz", "/healthz"), ("首页", "/"), ("行政处罚公示", "/penalties/")]
    if uscc:
        pages.append(("主体页面（记录最多的主体）", f"/entities/{uscc}/"))
    pages.append(("信用名单", "/lists/abnormal/"))
    pagecache.bump_all()  # the bench loads its rows around the services: no page of an earlier run may survive
    connection.close()

    wrk = shutil.which("wrk")
    tool = "wrk" if wrk else "Python 负载生成器（未找到 wrk：请以 root 运行 make bench 安装 Debian 的 wrk）"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, workers=args.workers, page_cache=not args.no_page_cache)
    results = {}
    try:
        wait_ready(base, server)
        for _label, path in pages:  # first builds (and each worker's database connection)
            for _ in range(args.workers * 2):
                urllib.request.urlopen(base + path, timeout=120).read()
        print(
            f"负载：{tool}，{args.threads} 线程 {args.connections} 连接，每页 {args.duration} 秒；"
            f"gunicorn {args.workers} 个进程；页面缓存{'关闭' if args.no_page_cache else '开启'}",
            flush=True,
        )
        for label, path in pages:
            if wrk:
                r = run_wrk(base + path, threads=args.threads, connections=args.connections, duration=args.duration)
            else:
                r = run_python(base + path, connections=args.connections, duration=args.duration)
            results[path] = r
            note = f"，非 200 应答 {r['bad']} 个" if r["bad"] else ""
            print(f"  {label:<24} {path:<40} {r['rate']:>9.1f} 次/秒  p99 {r['p99']:>8.1f} ms{note}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    if not uscc:
        print("没有公开主体：跳过主体页面的目标")
        return
    entity = results[f"/entities/{uscc}/"]
    ratio = entity["rate"] / results["/healthz"]["rate"] * 100
    print(f"主体页面 {entity['rate']:.1f} 次/秒，为 /healthz 的 {ratio:.1f}%（同一次运行）")
    suffix = "" if wrk else "（Python 负载生成器）"
    goals.record(f"负载下主体页面吞吐占 /healthz 比例{suffix}", ratio, RATIO_GOAL, "%", higher_is_better=True)
    goals.record(f"负载下主体页面 p99{suffix}", entity["p99"], P99_GOAL, "ms")
    if any(r["bad"] for r in results.values()):
        raise SystemExit("负载测试中有非 200 应答")


if __name__ == "__main__":
    main()
