"""A real read replica (issue 16 §5): a small primary and a streaming replica made with
``pg_basebackup``, both from pgserver's bundled binaries, and the portal served over HTTP on them.

Checked over HTTP, against what each server holds:
- a public page reads from the replica (a change on the primary, not yet replayed, is not shown);
- the admin and a filing use the primary, and the browser that just wrote reads from the primary;
- a replica lagging past ``REPLICA_MAX_LAG_SECONDS`` is left for the primary, and /readyz says so;
- with the primary stopped, public pages still answer 200 from the replica, and a filing gets a 503
  with "主数据库暂不可用，请稍后再试" (HTML, and JSON under /api/) with Retry-After; never a 500.

The servers, ports and folders are this test's own (the suite's workers never share them). The
postgres binaries refuse to run as root; as pgserver does, they then run as the ``pgserver`` user.
"""

import contextlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests

from tests.helpers import BASE_DIR, child_env, free_port, wait_for

pytestmark = pytest.mark.slow

BIN = Path(importlib.util.find_spec("pgserver").submodule_search_locations[0]) / "pginstall" / "bin"
SYSTEM_USER = "pgserver"  # the user pgserver itself runs postgres as under root
MAX_LAG = 6  # REPLICA_MAX_LAG_SECONDS of the served portal: room for the steps of one check on a busy machine
RETRY = 2  # REPLICA_RETRY_SECONDS of the served portal
PRIMARY_DOWN = "主数据库暂不可用，请稍后再试"


def _as_root() -> bool:
    return os.geteuid() == 0


def _prepare_system_user(base: Path) -> None:
    """What pgserver does under root: a user of its own, and the binaries and folders readable by it."""
    from portal import embedded

    embedded._quiet_platformdirs()  # pgserver's import wants a runtime dir
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(BIN)
    ensure_folder_permissions(BIN, 0o555)
    ensure_folder_permissions(BIN.parent / "lib", 0o444)
    if (BIN.parent / "share").exists():
        ensure_folder_permissions(BIN.parent / "share", 0o444)
    ensure_prefix_permissions(base)
    os.chown(base, entry.pw_uid, entry.pw_gid)


def _run(*args, check=True, timeout=120):
    user = SYSTEM_USER if _as_root() else None
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], check=check, capture_output=True, text=True, timeout=timeout, user=user
    )


class Cluster:
    def __init__(self, pgdata: Path, port: int):
        self.pgdata, self.port = pgdata, port

    def url(self, db="portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def connect(self, db="portal"):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=db, connect_timeout=3)
        conn.autocommit = True
        return conn

    def sql(self, statement, params=None, db="portal"):
        with contextlib.closing(self.connect(db)) as conn, conn.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None

    def configure(self, **settings):
        with open(self.pgdata / "postgresql.conf", "a") as conf:
            conf.write("".join(f"{k} = '{v}'\n" for k, v in settings.items()))

    def start(self):
        _run("pg_ctl", "-D", str(self.pgdata), "-l", str(self.pgdata / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        _run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "-t", "60", "stop", check=False)


@pytest.fixture(scope="module")
def clusters():
    base = Path(tempfile.mkdtemp(prefix="portal-replica-"))
    if _as_root():
        _prepare_system_user(base)
    primary = Cluster(base / "primary", free_port())
    replica = Cluster(base / "replica", free_port())
    try:
        _run(
            "initdb",
            "-D",
            str(primary.pgdata),
            "--auth=trust",
            "-U",
            "postgres",
            "--encoding=utf8",
            "--no-sync",
            "--wal-segsize=1",
        )
        # initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
        primary.configure(
            listen_addresses="127.0.0.1",
            port=primary.port,
            unix_socket_directories="",
            wal_level="replica",
            max_wal_senders=4,
            fsync="off",
            synchronous_commit="off",
            full_page_writes="off",
            max_wal_size="64MB",  # 1 MB segments: little to write, and to remove afterwards
        )
        primary.start()
        primary.sql("CREATE DATABASE portal", db="postgres")
        # The replica: a base backup of the running primary, streaming from it (-R writes
        # primary_conninfo and standby.signal).
        _run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.pgdata), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
        )
        replica.configure(port=replica.port, hot_standby="on")
        replica.start()
        assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
        yield primary, replica
    finally:
        moment = time.monotonic()
        replica.stop("immediate")
        primary.stop("immediate")
        stopped = time.monotonic() - moment
        shutil.rmtree(base, ignore_errors=True)
        print(
            f"replica test: servers stopped in {stopped:.1f} s, removed in {time.monotonic() - moment - stopped:.1f} s"
        )


SEED = textwrap.dedent(
    """
    import datetime as dt
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from core.choices import Role
    from core.uscc import check_character
    from supervision import services as sv

    dept = sv.department_save(actor="test", code="ZZSJ", name="郑州市市场监督管理局", short_name="郑市监",
                              level="city", uscc="11410100MB0000001" + check_character("11410100MB0000001"),
                              region_code="410100")
    for n in range(1, 4):
        body = f"914101005{n:08d}"
        sv.entity_save(actor="test", uscc=body + check_character(body), name=f"郑州副本测试商贸有限公司{n}",
                       region_code="410105", industry_code="F5211", legal_representative="张三",
                       established_on=dt.date(2020, 1, 1))
    admin = get_user_model().objects.create_superuser("replica-admin", password="Replica-Admin-123",
                                                      department=dept)
    admin.groups.add(Group.objects.get(name=Role.PLATFORM_ADMIN))
    print("seeded")
    """
)


def _uscc(n: int) -> str:
    from core.uscc import check_character

    body = f"914101005{n:08d}"
    return body + check_character(body)


@pytest.fixture(scope="module")
def portal(clusters):
    """The portal served by a runserver process on the primary and the replica."""
    primary, replica = clusters
    env = child_env(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=primary.url(),
        DEBUG="false",
        CACHE_KEY_PREFIX=f"replica-test-{uuid.uuid4().hex[:8]}",
        AXES_ENABLED="false",
        REPLICA_MAX_LAG_SECONDS=MAX_LAG,
        REPLICA_PIN_SECONDS=30,
        REPLICA_RETRY_SECONDS=RETRY,
        DB_CONNECT_TIMEOUT=3,
    )
    env.pop("DATABASE_REPLICA_URL", None)
    # One process migrates and seeds (a Django start-up costs seconds on a busy machine).
    script = "import django; django.setup()\nfrom django.core.management import call_command\n"
    script += 'call_command("migrate", interactive=False, verbosity=0, skip_checks=True)\n' + SEED
    moment = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=400
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    print(f"replica test: migrate and seed {time.monotonic() - moment:.1f} s")
    port = free_port()
    env["DATABASE_REPLICA_URL"] = replica.url()
    log = open(Path(tempfile.gettempdir()) / f"portal-replica-{port}.log", "w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            assert server.poll() is None, _tail(log)
            return False

    try:
        assert wait_for(up, timeout=60, step=0.3), _tail(log)
        yield base, log
    finally:
        print("replica test: stopping the portal")
        server.terminate()
        try:
            server.wait(timeout=3)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        os.unlink(log.name)


def _tail(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-4000:]


def _names(html: str) -> list[str]:
    return re.findall(r"郑州副本测试[^<\"]*?有限公司\d*", html)


def _search(session, base, q):
    response = session.get(base + "/entities/", params={"q": q}, timeout=10)
    assert response.status_code == 200, response.text[:500]
    return response.text


def _replayed(replica, primary) -> bool:
    lsn = primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
    return replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0]


def _fresh_replay(primary, replica):
    """A write on the primary, replayed: the replica's last replayed transaction is now."""
    primary.sql("UPDATE supervision_marketentity SET updated_at = now() WHERE uscc = %s", [_uscc(3)])
    assert wait_for(lambda: _replayed(replica, primary), timeout=10, step=0.05)


def _rename(primary, n: int, name: str):
    primary.sql("UPDATE supervision_marketentity SET name = %s WHERE uscc = %s", [name, _uscc(n)])


def _csrf(session, base, path):
    response = session.get(base + path, timeout=10)
    assert response.status_code == 200, response.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def _complaint(session, base, token, text="副本测试：售卖过期食品"):
    return session.post(
        base + "/complaints/new/",
        data={
            "csrfmiddlewaretoken": token,
            "kind": "complaint",
            "entity_uscc": _uscc(1),
            "content": text,
        },
        headers={"Referer": base + "/complaints/new/"},
        allow_redirects=False,
        timeout=15,
    )


def test_reads_writes_lag_and_primary_down(clusters, portal):
    primary, replica = clusters
    base, log = portal
    started = time.monotonic()
    anonymous, writer = requests.Session(), requests.Session()
    # Given every write replayed, the public search reads the seeded entities.
    assert wait_for(lambda: _replayed(replica, primary), timeout=10)
    assert "郑州副本测试商贸有限公司1" in _names(_search(anonymous, base, "副本测试商贸"))
    token = _csrf(writer, base, "/complaints/new/")
    admin = requests.Session()
    admin_token = _csrf(admin, base, "/admin/login/")
    response = admin.post(
        base + "/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": admin_token, "username": "replica-admin", "password": "Replica-Admin-123"},
        headers={"Referer": base + "/admin/login/"},
        allow_redirects=False,
        timeout=15,
    )
    assert response.status_code == 302, response.text[:1000]

    # --- reads from the replica, writes and the writer's reads on the primary -----------------------
    # When replay is paused and an entity is renamed on the primary (the replica's lag stays under
    # the limit for a few seconds: its last replayed transaction is fresh)
    _fresh_replay(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()")
    paused_at = time.monotonic()
    _rename(primary, 1, "郑州副本测试甲号有限公司")
    # Then the public page, read from the replica, still shows the old name
    assert _names(_search(anonymous, base, "副本测试甲号")) == []
    # When a browser files a complaint (a write: the primary)
    response = _complaint(writer, base, token)
    assert response.status_code == 303, response.text[:1000]
    # Then that browser reads its own writes from the primary (pinned), while others still read the replica
    assert _names(_search(writer, base, "副本测试甲号")) == ["郑州副本测试甲号有限公司"]
    assert _names(_search(anonymous, base, "副本测试甲号")) == []
    # And the open API reads from the replica too
    api = anonymous.get(base + f"/api/open/v1/entities/{_uscc(1)}/", timeout=10)
    assert api.status_code == 200 and "郑州副本测试商贸有限公司1" in api.text, api.text[:500]
    assert time.monotonic() - paused_at < MAX_LAG, "the machine was too slow for the lag window"
    # And the complaint is on the primary only, its done page (read from the primary) shows it
    assert primary.sql("SELECT count(*) FROM enforcement_complaint")[0][0] == 1
    assert replica.sql("SELECT count(*) FROM enforcement_complaint")[0][0] == 0  # not replayed
    done = writer.get(base + response.headers["Location"], timeout=10)
    assert done.status_code == 200 and "查询码" in done.text, done.text[:800]
    # And the admin reads from the primary: it shows the new name
    changelist = admin.get(base + "/admin/supervision/marketentity/", params={"q": _uscc(1)}, timeout=15)
    assert changelist.status_code == 200 and "郑州副本测试甲号有限公司" in changelist.text, changelist.text[:800]
    # And the portal holds a connection to the replica
    connected = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'portal' AND client_port IS NOT NULL"
    assert replica.sql(connected)[0][0] >= 1

    # --- lag: past REPLICA_MAX_LAG_SECONDS the public pages read from the primary ------------------
    time.sleep(MAX_LAG + 1.2)  # the lag grows past the limit; the cached state (1 s) expires
    assert _names(_search(anonymous, base, "副本测试甲号")) == ["郑州副本测试甲号有限公司"]
    ready = anonymous.get(base + "/readyz", timeout=10).json()
    assert ready["checks"]["replica"]["status"] == "lagging", ready
    assert ready["checks"]["replica"]["lag_seconds"] > MAX_LAG
    # When replay resumes, the replica catches up and serves again
    replica.sql("SELECT pg_wal_replay_resume()")
    assert wait_for(lambda: _replayed(replica, primary), timeout=10)
    assert replica.sql("SELECT count(*) FROM enforcement_complaint")[0][0] == 1
    ready = anonymous.get(base + "/readyz", timeout=10).json()
    assert ready["checks"]["replica"]["status"] == "ok" and ready["checks"]["replica"]["lag_seconds"] <= MAX_LAG

    # --- the replica goes down: public pages read from the primary -----------------------------------
    replica.stop("immediate")
    time.sleep(1.1)  # the cached state expires
    assert _names(_search(anonymous, base, "副本测试甲号")) == ["郑州副本测试甲号有限公司"]
    ready = anonymous.get(base + "/readyz", timeout=10)
    assert ready.json()["checks"]["replica"]["status"] == "down", ready.text
    replica.start()
    assert wait_for(lambda: _replayed(replica, primary), timeout=20)
    time.sleep(RETRY + 0.2)  # a replica found down is asked again after REPLICA_RETRY_SECONDS

    # --- the primary goes down ----------------------------------------------------------------------
    token = _csrf(anonymous, base, "/complaints/new/")  # the form, before
    primary.stop("immediate")
    time.sleep(1.1)  # the replica's cached state is renewed once after the primary went away
    # Then public pages still answer from the replica
    public = ["/", f"/entities/{_uscc(2)}/", "/penalties/", "/lists/", "/acts/", "/rules/", "/open-data/"]
    public += ["/inspections/", "/credit/grades/", "/penalties/feed.atom", f"/entities/{_uscc(2)}/feed.atom"]
    public += ["/api/open/v1/entities/", "/api/open/v1/penalties/", "/api/open/v1/lists/"]
    fresh = requests.Session()  # a visitor without cookies
    for path in public:
        response = fresh.get(base + path, timeout=10)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
    # (an anonymous public GET writes nothing: no session, no pin)
    assert not {"sessionid", "portal_rw"} & set(fresh.cookies.keys()), fresh.cookies.keys()
    assert "郑州副本测试甲号有限公司" in _names(_search(anonymous, base, "副本测试"))
    assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]  # still a replica, not promoted
    response = anonymous.get(base + f"/api/open/v1/entities/{_uscc(2)}/", timeout=10)
    assert response.status_code == 200, response.text[:500]
    # And a filing gets a clear 503, quickly
    moment = time.monotonic()
    response = _complaint(anonymous, base, token, text="主库停止时的投诉")
    assert response.status_code == 503, (response.status_code, response.text[:800])
    assert PRIMARY_DOWN in response.text and response.headers["Retry-After"]
    assert time.monotonic() - moment < 5
    # And an API write, and the admin, answer 503 in JSON / HTML, never 500
    response = anonymous.post(base + "/api/v1/credit-checks/", json={}, headers={"Authorization": "Bearer x"})
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert response.json()["errors"][0]["detail"] == PRIMARY_DOWN
    response = admin.get(base + "/admin/", timeout=10)
    assert response.status_code == 503 and PRIMARY_DOWN in response.text
    ready = anonymous.get(base + "/readyz", timeout=10)
    # (the replica, cut off from the stopped primary, is "detached": used because the primary is down)
    assert ready.status_code == 503 and ready.json()["checks"]["replica"]["status"] in ("ok", "detached"), ready.text
    assert " 500 " not in _tail(log), _tail(log)
    print(f"replica test: {time.monotonic() - started:.1f} s after the servers were up")
