"""``make run``: embedded services, migrations, demo data once, static files, then web + worker + beat.

Ctrl-C stops every process this started, the embedded servers included.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    if not port_free(host, port):
        print(f"端口 {port} 已被占用。请换一个端口运行，例如：PORT={port + 1} make run", file=sys.stderr)
        return 2

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    from portal import embedded

    # The audit chain's key (issue 11 §3): make run's own, kept under var/ so the chain verifies
    # across runs; production sets AUDIT_KEY in the environment.
    os.environ.setdefault("AUDIT_KEY", embedded.local_secret("audit_key"))
    # Likewise SECRET_KEY: the settings refuse their development default with DEBUG off (issue 11).
    os.environ.setdefault("SECRET_KEY", embedded.local_secret("secret_key"))
    # Printed credit reports carry absolute 核验地址 and QR codes (issue 18 §1.1): this run's own address
    # unless PUBLIC_BASE_URL says otherwise (e.g. the address others reach this machine at).
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
    import django

    django.setup()  # settings start (or attach to) the embedded PostgreSQL and Redis
    from django.core.management import call_command
    from django.db import connections

    call_command("compile_catalogues", verbosity=0)  # the English catalogue (issue 18 §2)
    _signing_certificate()
    print("· 数据库迁移 …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    from supervision.models import Department

    if not Department.objects.exists():
        print("· 首次运行：载入郑州市演示数据 …", flush=True)
        call_command("seed_demo")
    else:
        print("· 演示数据已存在，不重复载入", flush=True)
    app_database_url = _app_database_url(call_command)
    connections.close_all()
    # Hashed, compressed static files (issue 16 §1): WhiteNoise serves them with long cache headers.
    print("· 收集静态文件（加哈希、压缩）…", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)

    env = dict(os.environ)
    # Migrations ran as the owner; web, worker and beat connect as the app role (issue 11 §3).
    env["DATABASE_URL"] = app_database_url
    python = sys.executable
    bindir = Path(python).parent
    procs = {
        "web": [
            str(bindir / "gunicorn"),
            "portal.wsgi",
            "-b",
            f"{host}:{port}",
            "-w",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        "worker": [python, "-m", "celery", "-A", "portal", "worker", "-l", "INFO", "-c", "2"],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "-l",
            "INFO",
            "-S",
            "django_celery_beat.schedulers:DatabaseScheduler",
        ],
    }
    children = {name: subprocess.Popen(cmd, cwd=BASE_DIR, env=env) for name, cmd in procs.items()}

    stopping = {"flag": False}

    def stop(signum, frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    url = f"http://{host}:{port}"
    for _ in range(100):
        if stopping["flag"] or any(p.poll() is not None for p in children.values()):
            break
        try:
            with socket.create_connection((host, port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    print(
        f"\n综合监管平台已启动：\n"
        f"  公众门户   {url}/\n"
        f"  管理后台   {url}/admin/   演示账号 admin / admin12345（平台管理员）；zzsj / demo12345（市场监管局）\n"
        f"             执法演示账号 zfry / demo12345（执法人员）；fzsh / demo12345（法制审核人员）\n"
        f"  企业端     {url}/enterprise/   演示账号 qiye1…qiye5 / demo12345（良好/警示/失信/严重失信/个体工商户）\n"
        f"  接口文档   {url}/api/docs/\n"
        f"  报告核验   {url}/reports/verify/   报告上的核验地址以 PUBLIC_BASE_URL={os.environ['PUBLIC_BASE_URL']} 开头\n"
        f"  数据库     {'内嵌 PostgreSQL（var/pg）' if os.environ.get('PORTAL_EMBEDDED_PG') else '由 DATABASE_URL 指定'}\n"
        f"按 Ctrl-C 停止。\n",
        flush=True,
    )

    code = 0
    while not stopping["flag"]:
        dead = [name for name, p in children.items() if p.poll() is not None]
        if dead:
            print(f"进程 {', '.join(dead)} 已退出，正在停止其余进程。", file=sys.stderr)
            code = 1
            break
        time.sleep(0.5)

    print("\n正在停止 …", flush=True)
    for p in children.values():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for p in children.values():
        # A worker's pool processes outlive a killed parent; collect the whole tree first.
        tree = _descendants(p.pid)
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        for child in tree:
            try:
                child.kill()
            except Exception:  # noqa: S110 (already gone)
                pass
    # We started the servers: stop them even if a straggler still holds a connection.
    embedded.stop_services(force=True)
    print("已停止。", flush=True)
    return code


def _signing_certificate() -> None:
    """Reports and decisions are signed (issue 18 §1.1): without a configured certificate, a self-signed
    development one is created under var/ on the first start, and said so."""
    from django.conf import settings

    from core import dev_certificate

    if settings.REPORT_SIGNING_KEY and settings.REPORT_SIGNING_CERT:
        print(f"· 报告签名证书：{settings.REPORT_SIGNING_CERT}", flush=True)
        return
    _key, cert = dev_certificate.dev_paths(settings.REPORT_SIGNING_DEV_DIR)
    if dev_certificate.ensure_dev_certificate(settings.REPORT_SIGNING_DEV_DIR):
        print(f"· 首次运行：已生成自签名的开发用签名证书 {cert}（信用报告与行政处罚决定书以它签名；", flush=True)
        print("  仅供开发演示，生产环境请配置政务 CA 签发的证书：REPORT_SIGNING_KEY、REPORT_SIGNING_CERT）", flush=True)
    else:
        print(f"· 报告签名：开发用自签名证书 {cert}", flush=True)


def _app_database_url(call_command) -> str:
    """Grant the app role (core.dbroles) as the owner and return the URL the children use.

    Embedded PostgreSQL: the role ``DATABASE_APP_ROLE`` on the same server. An external database:
    ``APP_DATABASE_URL`` names the role and its password; without it the children keep DATABASE_URL.
    """
    import urllib.parse

    from django.conf import settings

    from portal import embedded

    app_url = os.environ.get("APP_DATABASE_URL", "")
    if app_url:
        parts = urllib.parse.urlsplit(app_url)
        call_command(
            "grant_app_role",
            role=urllib.parse.unquote(parts.username or ""),
            password=urllib.parse.unquote(parts.password or ""),
        )
        return app_url
    if os.environ.get("PORTAL_EMBEDDED_PG"):
        call_command("grant_app_role", role=settings.DATABASE_APP_ROLE)
        return embedded.database_url_as(os.environ["DATABASE_URL"], settings.DATABASE_APP_ROLE)
    print("· 未设置 APP_DATABASE_URL：web、worker、beat 以 DATABASE_URL 的角色连接数据库", flush=True)
    return os.environ["DATABASE_URL"]


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


if __name__ == "__main__":
    sys.exit(main())
