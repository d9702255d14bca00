"""Benchmarks can't rot (issue 13 §5): every script in bench/ runs end to end, at a small size
(20,000 entities, 100,000 credit records), on a fresh database of its own, as ``make bench`` runs
them (bench/run.py: migrate first, then each script as its own process). It checks that the scripts
work, not their timings.

The scripts commit (COPY, VACUUM), so they get their own database next to the test database, which
is dropped at the end; the test database itself is not touched."""

import importlib.util
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import BASE_DIR, child_env

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location("bench_run", BASE_DIR / "bench" / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)
SCRIPTS = sorted(p.relative_to(BASE_DIR).as_posix() for p in (BASE_DIR / "bench").glob("*.py") if p.name != "run.py")


def database_url(name: str) -> str:
    """DATABASE_URL of database ``name`` on the server and role of the test database."""
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgres://{s['USER']}@/{name}?host={urllib.parse.quote(host)}"
    return f"postgres://{s['USER']}:{urllib.parse.quote(s['PASSWORD'] or '')}@{host}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def bench_database(django_db_setup, django_db_blocker):
    name = f"{connection.settings_dict['NAME']}_bench"[:63]
    with django_db_blocker.unblock():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield database_url(name)
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_bench_script_is_in_make_bench():
    ran = {command[0] for command in bench_run.steps(smoke=True, entities=1, records=1, penalties=1)}
    assert set(SCRIPTS) <= ran, f"bench/run.py does not run {sorted(set(SCRIPTS) - ran)}"


def test_every_bench_script_runs_end_to_end_at_a_small_size(bench_database, tmp_path: Path):
    # Given a fresh, empty database (as on a fresh clone)
    env = child_env(DATABASE_URL=bench_database, CACHE_KEY_PREFIX=f"bench-smoke-{tmp_path.name}")
    # When every benchmark runs at the small size
    proc = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=1800
    )
    output = proc.stdout + proc.stderr
    # Then each script ran to the end, in order, and printed its figures
    assert proc.returncode == 0, output[-6000:]
    for script in SCRIPTS:
        assert f"=== {script} 用时" in output, f"{script} did not run\n{output[-3000:]}"
    for figure in (
        "载入 20,000 条",
        "载入 100,000 条信用记录",
        "全量重新评价（第1次）",
        "report_issue",
        "disclosures_publish",
        "纯算法：draw",
        "目标汇总",
        "seed_demo",
        "推送吞吐量",
        "write_all（全部数据集",
        "每日统计快照（1天",
        "补算 60 天用时",
    ):
        assert figure in output, f"missing {figure!r}\n{output[-3000:]}"
    assert "全部基准测试完成" in output


def test_the_province_run_names_only_scripts_and_options_that_exist():
    """``bench/run.py --province`` (issue 16 §5) is too big for ``make test``; its steps are checked here."""
    for script, *args in bench_run.province_steps(entities=10_000_000, records=50_000_000):
        source = (bench_run.BASE_DIR / script).read_text(encoding="utf-8")
        for option in (a for a in args if a.startswith("--")):
            assert f'"{option}"' in source or script == "manage.py", (script, option)
