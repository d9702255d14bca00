"""A light public entity page (issue 16 §1), measured in Debian's chromium at 390 px on Fast 3G.

    python bench/light_page.py               # best of 3 cold loads of the busiest entity's page
    python bench/light_page.py --runs 1      # what the smoke run does
    python bench/light_page.py --uscc 91410102MA01UHC63R   # a given entity's page

It collects the static files (hashed, gzip) into a temporary STATIC_ROOT, starts gunicorn (2 workers,
DEBUG off) on them as production serves them, warms the entity page, then loads it with the HTTP cache
off under DevTools' "Fast 3G" (562.5 ms, 1.6 Mbps down, 750 kbps up, each at 90 %) and records the
goals: no more than 100 KB transferred, no render-blocking script, every h2 section visible within 2 s
(the best of the runs: the machine is shared). tests/e2e/test_light_page.py asserts the same in
``make test``. Without chromium it says so and records nothing.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402
from support import fast3g, goals  # noqa: E402
from support.entities import busiest_entity  # noqa: E402

BUDGET_KB = 100
BUDGET_MS = 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn 未能启动")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn 启动超时")


def load_once(browser, url: str) -> dict:
    context, page, wire, seen = fast3g.load_on_fast_3g(browser, url)
    result = {
        "bytes": sum(size for size, _ in wire.values()),
        "requests": len(wire),
        "blocking": page.evaluate(fast3g.BLOCKING_SCRIPTS),
        "sections": len(seen),
        "visible_ms": max(seen.values()) if seen else float("inf"),
        "penalties_ms": seen.get("行政处罚信息"),
    }
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--uscc", help="this entity's page instead of the busiest one in a sample")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if chromium is None:
        print("未找到 Debian chromium：跳过公众主体页面的 Fast 3G 测量（apt-get install chromium）")
        return
    uscc = args.uscc or busiest_entity()
    if uscc is None:
        print("没有市场主体：跳过")
        return
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = {**os.environ, "STATIC_ROOT": static_root, "STATIC_MANIFEST": "1", "DEBUG": "false"}
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
        )
        print(f"collectstatic：{time.monotonic() - started:.1f} s")
        port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        proc = subprocess.Popen(
            [str(gunicorn), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--graceful-timeout", "5"],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/healthz", proc)
            url = f"{base}/entities/{uscc}/"
            for _ in range(4):  # both workers warm, the page cache built
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                runs = [load_once(browser, url) for _ in range(args.runs)]
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    print(f"主体 {uscc}，390 px，Fast 3G，无缓存，{len(runs)} 次：")
    for n, run in enumerate(runs, 1):
        print(
            f"  第 {n} 次：传输 {run['bytes'] / 1024:.1f} KB（{run['requests']} 个请求），"
            f"{run['sections']} 个栏目全部可见 {run['visible_ms']:.0f} ms，行政处罚信息 {run['penalties_ms'] or 0:.0f} ms，"
            f"渲染阻塞脚本 {run['blocking']} 个"
        )
    goals.record("公众主体页面传输量（390 px，Fast 3G）", max(r["bytes"] for r in runs) / 1024, BUDGET_KB, "KB")
    goals.record("公众主体页面渲染阻塞脚本", max(r["blocking"] for r in runs), 0, "个")
    goals.record("公众主体页面各栏目可见（Fast 3G，取最好）", min(r["visible_ms"] for r in runs), BUDGET_MS, "ms")


if __name__ == "__main__":
    main()
