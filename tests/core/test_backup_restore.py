"""The restore drill (issue 16 §6): back up a small real state, restore it into a fresh server, and
prove the copy: the same row counts, the audit chain against its anchors, a draw and a credit report
that still verify. Plus the refusals: a tampered or incomplete backup, a database that is not empty.

The state is committed (transactional test): ``manage.py backup`` and ``restore`` run as their own
processes, as an operator runs them. The fresh server is a second embedded PostgreSQL (pgserver) when
the suite runs on the embedded one, else a new empty database on the DATABASE_URL server.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.parse
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.anchors import audit_anchor_create
from core.backup import (
    DUMP_FILE,
    MANIFEST,
    BackupError,
    backup_create,
    backup_verify,
    conninfo_from_settings,
    find_tool,
    sha256_of,
)
from credit.reports import report_issue
from credit.services import credit_records_push
from inspections import services as insp
from supervision import services as sv
from tests.conftest import record_data
from tests.helpers import BASE_DIR, child_env, db_url_for_children
from tests.worker import CLOCK_OFFSET_ENV, clock_offset

PLAN_START, PLAN_END = dt.date(2026, 11, 16), dt.date(2026, 12, 31)  # frozen_today (2026-11-22) is inside


# --- a fresh, empty target ------------------------------------------------------------------------


def _count_rows(conninfo: dict) -> dict[str, int]:
    conn = psycopg2.connect(**{k: v for k, v in conninfo.items() if v})
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # names from the catalogue
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


@pytest.fixture
def fresh_database(tmp_path_factory):
    """(url, conninfo) of an empty database on a server of its own (embedded) or a new database."""
    source = conninfo_from_settings(connection.settings_dict)
    if source["host"].startswith("/"):
        import pgserver  # only the embedded run has a socket host; its import wants a runtime dir

        pgdata = tmp_path_factory.mktemp("restored-pg")
        server = pgserver.get_server(pgdata, cleanup_mode="delete")
        server.psql("CREATE DATABASE restored;")
        socket_dir = str(server.get_postmaster_info().socket_dir)
        url = f"postgres://postgres@/restored?host={urllib.parse.quote(socket_dir)}"
        yield url, {"host": socket_dir, "port": "", "user": "postgres", "password": "", "dbname": "restored"}
        server.cleanup()
        return
    name = f"{source['dbname']}_restored_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**{k: v for k, v in {**source, "dbname": "postgres"}.items() if v})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = {**source, "dbname": name}
    credentials = urllib.parse.quote(source["user"]) + (
        ":" + urllib.parse.quote(source["password"]) if source["password"] else ""
    )
    url = f"postgres://{credentials}@{source['host']}:{source['port'] or 5432}/{name}"
    try:
        yield url, target
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- a small, real state --------------------------------------------------------------------------


def _seed(dept, make_entity, evaluate):
    """Six graded entities, a record, an approved plan and its draw with inspectors, a credit report."""
    entities = [make_entity(industry_code="I6513") for _ in range(6)]
    credit_records_push(actor="test", department=dept, records=[record_data(entities[0].uscc, decided_on="2026-11-01")])
    evaluate([e.uscc for e in entities])
    for n in range(3):
        sv.inspector_save(
            actor="test",
            name=f"检查员{n}",
            department=dept,
            certificate_no=f"41010{n:05d}",
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=dt.date(2028, 12, 31),
        )
    item = sv.item_save(actor="test", catalogue_code="41000000000001", name="食品经营监督检查", department=dept)
    sv.item_version_create(
        actor="test",
        item=item,
        effective_from=dt.date(2026, 1, 1),
        object_type="enterprise",
        method="on_site",
        legal_basis="《中华人民共和国食品安全法》第八十七条",
        supervision_level="city",
        is_random=True,
        is_key=False,
        default_ratio=Decimal("0.03"),
    )
    plan = insp.plan_save(
        actor="test",
        departments=[],
        name="2026年食品经营者双随机抽查",
        year=2026,
        lead_department=dept,
        starts_on=PLAN_START,
        ends_on=PLAN_END,
        ratio_a=Decimal("0.5"),
    )
    insp.plan_item_add(actor="test", plan=plan, item=item)
    insp.plan_approve(actor="test", plan=plan)
    draw = insp.draw_run(actor="test", plan=plan)
    report, _ = report_issue(entity=entities[0])
    return draw, report


def _manage(*args, timeout=120, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# Run in a process on the restored database, on the test's clock (a report is current "today").
CHECKS = textwrap.dedent(
    """
    import io, json, os, sys, time
    import time_machine
    offset = float(os.environ["{offset}"] or 0)
    if offset:
        time_machine.travel(time.time() + offset, tick=True).start()
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.core.management import call_command
    from credit.reports import report_verify
    from inspections.models import Draw
    from inspections.services.draws import verify_draw
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    draw = verify_draw(Draw.objects.get(pk=int(sys.argv[1])))
    report = report_verify(serial=sys.argv[2])
    print(json.dumps({{"audit": out.getvalue(), "draw": draw, "report": [report.found, report.current]}}))
    """
).format(offset=CLOCK_OFFSET_ENV)


@pytest.mark.django_db(transaction=True)
def test_restore_drill_backup_restores_into_a_fresh_server_and_everything_still_verifies(
    frozen_today, settings, tmp_path, fresh_database, dept_a, make_entity, evaluate
):
    started = time.monotonic()
    # Given a committed state: records, grades, a draw, a credit report, audit events and an anchor,
    # and an uploaded file; anchors in a directory of this test's own
    source_anchors, media = tmp_path / "anchors", tmp_path / "media"
    settings.AUDIT_ANCHOR_DIR = str(source_anchors)
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "处罚决定书.pdf").write_bytes(b"%PDF-1.4 test\n")
    draw, report = _seed(dept_a, make_entity, evaluate)
    assert audit_anchor_create() is not None
    source = conninfo_from_settings(connection.settings_dict)
    env = {"DATABASE_URL": db_url_for_children(), "MEDIA_ROOT": media, "AUDIT_ANCHOR_DIR": source_anchors}

    # When it is backed up
    backups = tmp_path / "backups"
    done = _manage("backup", "--out", str(backups), **env)
    assert done.returncode == 0, done.stderr
    folder = next(backups.iterdir())
    manifest = json.loads((folder / MANIFEST).read_text())
    assert "备份完成" in done.stdout and re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}", folder.name)
    assert {DUMP_FILE, "media/uploads/处罚决定书.pdf", "audit/anchors.log"} <= set(manifest["files"])
    assert manifest["latest_audit_event_id"] and manifest["database"] == source["dbname"]
    backed_up = time.monotonic()

    # And restored into a fresh, empty server, with empty media and anchor directories
    url, target = fresh_database
    restored_media, restored_anchors = tmp_path / "restored-media", tmp_path / "restored-anchors"
    restored = {"DATABASE_URL": url, "MEDIA_ROOT": restored_media, "AUDIT_ANCHOR_DIR": restored_anchors}
    done = _manage("restore", str(folder), "--database-url", url, **restored)
    assert done.returncode == 0, done.stderr
    assert "恢复完成" in done.stdout and "manage.py verify_audit" in done.stdout
    restored_at = time.monotonic()

    # Then every table has the same number of rows
    before, after = _count_rows(source), _count_rows(target)
    assert after == before
    for table in ("supervision_marketentity", "credit_creditreport", "inspections_draw", "core_auditevent"):
        assert after[table] > 0, table
    assert after["core_auditanchor"] == 1
    # And the files came back
    assert (restored_media / "uploads" / "处罚决定书.pdf").read_bytes() == b"%PDF-1.4 test\n"
    assert (restored_anchors / "anchors.log").read_text() == (source_anchors / "anchors.log").read_text()

    # And on the restored database the audit chain matches its anchors, the draw and the report verify
    checks = subprocess.run(
        [sys.executable, "-c", CHECKS, str(draw.pk), report.serial],
        cwd=BASE_DIR,
        env=child_env(**restored, **{CLOCK_OFFSET_ENV: repr(clock_offset())}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checks.returncode == 0, checks.stderr
    result = json.loads(checks.stdout.strip().splitlines()[-1])
    assert "审计链完整" in result["audit"] and "2 个锚点一致" in result["audit"]  # the file line and the published row
    assert result["draw"]["ok"] is True and result["draw"]["problems"] == []
    assert result["draw"]["selected"] == draw.selections.count() > 0
    assert result["report"] == [True, True]  # found, and still current

    # And the restored database, now not empty, is refused as a target
    again = _manage("restore", str(folder), "--database-url", url, "--force", **restored)
    assert again.returncode == 1 and "不是空库" in again.stderr
    print(
        f"\nrestore drill: backup {backed_up - started:.1f} s (incl. seed), restore {restored_at - backed_up:.1f} s,"
        f" checks {time.monotonic() - restored_at:.1f} s"
    )


# --- refusals -------------------------------------------------------------------------------------


def _fake_backup(root: Path) -> Path:
    """A well-formed backup folder (a manifest that matches its files), no database needed."""
    folder = root / "2026-11-22T100000"
    (folder / "media").mkdir(parents=True)
    (folder / "audit").mkdir()
    (folder / DUMP_FILE).write_bytes(b"PGDMP fake")
    (folder / "media" / "a.txt").write_text("媒体")
    (folder / "audit" / "anchors.log").write_text('{"id": 1}\n')
    files = {
        str(p.relative_to(folder)): {"sha256": sha256_of(p), "size": p.stat().st_size}
        for p in folder.rglob("*")
        if p.is_file()
    }
    manifest = {"created_at": "2026-11-22T10:00:00+08:00", "latest_audit_event_id": 1, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return folder


def test_a_well_formed_backup_passes_verification(tmp_path):
    assert backup_verify(_fake_backup(tmp_path))["latest_audit_event_id"] == 1


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda f: (f / DUMP_FILE).write_bytes(b"PGDMP fakf"), f"文件 {DUMP_FILE} 的 SHA-256 与清单不符"),
        (lambda f: (f / "media" / "a.txt").write_text("媒体!"), "文件 media/a.txt 大小不符"),
        (lambda f: (f / "audit" / "anchors.log").unlink(), "缺少文件 audit/anchors.log"),
        (lambda f: (f / "media" / "new.txt").write_text("x"), "清单之外多出文件 media/new.txt"),
        (lambda f: (f / MANIFEST).unlink(), "manifest.json 缺失或无法读取"),
    ],
    ids=["dump-changed", "media-changed", "anchors-missing", "file-added", "manifest-missing"],
)
def test_a_tampered_or_incomplete_backup_is_refused_naming_the_file(tmp_path, tamper, message):
    folder = _fake_backup(tmp_path)
    tamper(folder)
    with pytest.raises(BackupError) as raised:
        backup_verify(folder)
    assert message in str(raised.value)


def test_restore_command_refuses_a_tampered_backup_before_touching_the_database(db, tmp_path):
    folder = _fake_backup(tmp_path)
    (folder / DUMP_FILE).write_bytes(b"PGDMP evil")
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(folder))
    assert raised.value.returncode == 1
    assert f"恢复失败：备份已损坏或被篡改：文件 {DUMP_FILE} 的 SHA-256 与清单不符" in str(raised.value)


def test_a_partial_backup_folder_is_refused(tmp_path):
    folder = _fake_backup(tmp_path)
    partial = folder.rename(folder.parent / f".partial-{folder.name}")
    with pytest.raises(BackupError, match="未完成的备份"):
        backup_verify(partial)


def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path, settings):
    # Given a sound backup, and the (migrated) test database as the target
    settings.MEDIA_ROOT, settings.AUDIT_ANCHOR_DIR = str(tmp_path / "m"), str(tmp_path / "a")
    folder = _fake_backup(tmp_path)
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(folder))
    assert "不是空库" in str(raised.value) and "public.auth_group" in str(raised.value)


def test_restore_refuses_non_empty_media_dir_without_force(db, tmp_path, settings):
    settings.MEDIA_ROOT, settings.AUDIT_ANCHOR_DIR = str(tmp_path / "m"), str(tmp_path / "a")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match=r"媒体目录 MEDIA_ROOT .* 不是空的.*--force"):
        call_command("restore", str(_fake_backup(tmp_path)))


def test_without_a_fitting_pg_dump_the_message_says_what_was_tried():
    with pytest.raises(
        BackupError, match="没有可用的 pg_dump：需要主版本号不低于 99 的 pg_dump（服务器版本），已尝试："
    ):
        find_tool("pg_dump", 99)


def test_a_failed_backup_leaves_no_folder_behind(db, tmp_path):
    # Given a database that does not exist, so the dump cannot be taken
    missing = {**connection.settings_dict, "NAME": "no_such_database_for_backup"}
    with pytest.raises(BackupError, match="无法连接数据库 no_such_database_for_backup"):
        backup_create(out_dir=tmp_path / "b", database=missing)
    assert list((tmp_path / "b").iterdir()) == []


def test_manifest_sizes_and_hashes_are_of_the_files(tmp_path):
    folder = _fake_backup(tmp_path)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["files"]["media/a.txt"] == {"sha256": sha256_of(folder / "media" / "a.txt"), "size": 6}
    shutil.rmtree(folder)
    assert not os.path.exists(folder)
