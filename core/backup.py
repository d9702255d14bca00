"""Backups that are proven (issue 16 §6): ``manage.py backup`` and ``manage.py restore``.

A backup is one dated folder::

    2026-12-06T200000/
        database.dump      pg_dump -Fc (custom format), one snapshot of the whole database
        media/...          a copy of MEDIA_ROOT
        audit/anchors.log  the audit anchors (AUDIT_ANCHOR_DIR), cut at the dump's audit head
        manifest.json      SHA-256 and size of every file, database name, server version, time,
                           the latest audit event id in the dump

Consistency: the dump runs on a snapshot exported from our own REPEATABLE READ transaction
(``pg_dump --snapshot``); the latest audit event id is read in that same snapshot, and the anchor
file lines naming a later event are left out, so ``verify_audit`` passes on the restored copy
(anchors.log is append-only: a line written after the snapshot would name an event the dump lacks).

The folder is written under a ``.partial-`` name and renamed only when complete: a folder without
that prefix and with a manifest is a finished backup.

The binaries: pgserver's bundled ``pg_dump`` / ``pg_restore`` first, then the system's (PATH,
/usr/lib/postgresql/*/bin). A binary is used only if its major version is at least the server's
(pg_dump refuses an older one anyway) and, for pg_restore, at least the one that wrote the dump.
"""

import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from django.conf import settings
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP_FILE = "database.dump"
MEDIA_DIR = "media"
AUDIT_DIR = "audit"
PARTIAL_PREFIX = ".partial-"
FORMAT_VERSION = 1
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese first)."""


@dataclass(frozen=True)
class PgTool:
    path: str
    major: int
    version: str
    source: str  # "pgserver 自带" or "系统"


# --- connections ----------------------------------------------------------------------------------


def conninfo_from_settings(db: dict) -> dict:
    """libpq parameters of a Django DATABASES entry."""
    options = db.get("OPTIONS", {})
    return {
        "host": db.get("HOST") or options.get("host") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": db.get("NAME") or "",
    }


def conninfo_from_url(url: str) -> dict:
    """libpq parameters of a postgres:// URL (a socket directory may be given as ``?host=/dir``)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise BackupError(f"数据库地址无效：{url!r}（应为 postgres://用户@主机:端口/库名）")
    query = urllib.parse.parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    return {
        "host": host,
        "port": str(parts.port or ""),
        "user": urllib.parse.unquote(parts.username or ""),
        "password": urllib.parse.unquote(parts.password or ""),
        "dbname": urllib.parse.unquote(parts.path.lstrip("/")),
    }


def _connect(conninfo: dict):
    params = {k: v for k, v in conninfo.items() if v}
    try:
        return psycopg2.connect(connect_timeout=10, **params)
    except psycopg2.Error as exc:
        raise BackupError(f"无法连接数据库 {describe(conninfo)}：{str(exc).strip()}") from exc


def _libpq_env(conninfo: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")):
        env.pop(var, None)
        if conninfo.get(key):
            env[var] = conninfo[key]
    return env


def describe(conninfo: dict) -> str:
    where = conninfo.get("host") or "localhost"
    port = f":{conninfo['port']}" if conninfo.get("port") else ""
    return f"{conninfo.get('dbname')}@{where}{port}"


def server_major(conn) -> tuple[int, str]:
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        number = int(cursor.fetchone()[0])
        cursor.execute("SHOW server_version")
        return number // 10000, cursor.fetchone()[0]


# --- binaries -------------------------------------------------------------------------------------


def _candidates(name: str) -> list[tuple[str, str]]:
    found = []
    # Located without importing pgserver (its import wants a runtime directory).
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin" / name
        if bundled.exists():
            found.append((str(bundled), "pgserver 自带"))
    on_path = shutil.which(name)
    if on_path:
        found.append((on_path, "系统"))
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            found.append((str(directory / name), "系统"))
    return found


def _version_of(path: str) -> tuple[int, str] | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    return (int(match.group(1)), out.strip()) if match else None


def find_tool(name: str, at_least: int) -> PgTool:
    """The first of the bundled / system binaries whose major version is ≥ ``at_least``."""
    seen = []
    for path, source in _candidates(name):
        version = _version_of(path)
        if version is None:
            continue
        seen.append(f"{path}（{version[1]}）")
        if version[0] >= at_least:
            return PgTool(path=path, major=version[0], version=version[1], source=source)
    tried = "；".join(seen) if seen else "未找到任何 " + name
    raise BackupError(
        f"没有可用的 {name}：需要主版本号不低于 {at_least} 的 {name}（服务器版本），已尝试：{tried}。"
        f"请安装 pgserver（pip install pgserver）或对应版本的 postgresql-client。"
    )


# --- files ----------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _fsync_tree(root: Path) -> None:
    for path in [*_files_under(root), *sorted(p for p in root.rglob("*") if p.is_dir()), root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy_anchors(source_dir: Path, target_dir: Path, head_id: int | None) -> int:
    """Copy the anchor files; in anchors.log keep only lines naming events the dump holds."""
    if not source_dir.is_dir():
        return 0
    shutil.copytree(source_dir, target_dir, dirs_exist_ok=True)
    log = target_dir / "anchors.log"
    if not log.exists():
        return 0
    kept, dropped = [], 0
    for line in log.read_text(encoding="utf-8").splitlines(keepends=True):
        try:
            event_id = int(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError):
            kept.append(line)  # unreadable lines stay: verify_audit reports them on the copy too
            continue
        if head_id is not None and event_id > head_id:
            dropped += 1
        else:
            kept.append(line)
    log.write_text("".join(kept), encoding="utf-8")
    return dropped


# --- backup ---------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    pg_dump: PgTool


def backup_create(*, out_dir: Path | None = None, database: dict | None = None, now=None) -> BackupResult:
    """Write one dated, complete backup folder under ``out_dir`` (default var/backups)."""
    out_dir = Path(out_dir or Path(settings.BASE_DIR) / "var" / "backups").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    conninfo = conninfo_from_settings(database or settings.DATABASES["default"])
    now = now or timezone.now()
    name = timezone.localtime(now).strftime("%Y-%m-%dT%H%M%S")
    final = out_dir / name
    if final.exists():
        raise BackupError(f"备份目录已存在：{final}（请稍后再试或换一个 --out 目录）")
    partial = out_dir / f"{PARTIAL_PREFIX}{name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        manifest, tool = _write_backup(partial, conninfo, now)
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        _fsync_tree(partial)
        os.rename(partial, final)
    except psycopg2.Error as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"读取数据库 {describe(conninfo)} 失败：{str(exc).strip()}") from exc
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"写入备份目录 {partial} 失败：{exc}") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(folder=final, manifest=manifest, pg_dump=tool)


def _write_backup(folder: Path, conninfo: dict, now) -> tuple[dict, PgTool]:
    conn = _connect(conninfo)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        major, version = server_major(conn)
        tool = find_tool("pg_dump", major)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT max(id) FROM core_auditevent")
            head_id = cursor.fetchone()[0]
        # The snapshot lives as long as this transaction: pg_dump runs while it is open.
        result = subprocess.run(
            [tool.path, "-Fc", "--snapshot", snapshot, "-f", str(folder / DUMP_FILE), conninfo["dbname"]],
            env=_libpq_env(conninfo),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败（退出码 {result.returncode}）：{result.stderr.strip()}")
    finally:
        conn.close()
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, folder / MEDIA_DIR)
    else:
        (folder / MEDIA_DIR).mkdir()
    anchors_dir = folder / AUDIT_DIR
    dropped = _copy_anchors(Path(settings.AUDIT_ANCHOR_DIR), anchors_dir, head_id)
    anchors_dir.mkdir(exist_ok=True)
    files = {
        str(path.relative_to(folder)): {"sha256": sha256_of(path), "size": path.stat().st_size}
        for path in _files_under(folder)
    }
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": conninfo["dbname"],
        "server_version": version,
        "server_major": major,
        "pg_dump": {"path": tool.path, "version": tool.version, "major": tool.major, "source": tool.source},
        "latest_audit_event_id": head_id,
        "anchor_lines_after_snapshot_left_out": dropped,
        "media_root": str(media_root),
        "audit_anchor_dir": str(settings.AUDIT_ANCHOR_DIR),
        "files": files,
    }
    return manifest, tool


# --- restore --------------------------------------------------------------------------------------


def backup_verify(folder: Path) -> dict:
    """The manifest, once every file it lists is present with its size and SHA-256 and no other
    file is there. Raises BackupError naming the first file that differs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"备份目录不存在：{folder}")
    if folder.name.startswith(PARTIAL_PREFIX):
        raise BackupError(f"{folder} 是未完成的备份（目录名以 {PARTIAL_PREFIX} 开头），不能用于恢复")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份不完整：{folder / MANIFEST} 缺失或无法读取（{exc}）") from exc
    if DUMP_FILE not in files:
        raise BackupError(f"备份不完整：清单中没有数据库转储 {DUMP_FILE}")
    for relative, expected in sorted(files.items()):
        path = folder / relative
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少文件 {relative}")
        if path.stat().st_size != expected["size"]:
            raise BackupError(f"备份已损坏或被篡改：文件 {relative} 大小不符（清单 {expected['size']} 字节）")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(f"备份已损坏或被篡改：文件 {relative} 的 SHA-256 与清单不符")
    extra = [str(p.relative_to(folder)) for p in _files_under(folder) if str(p.relative_to(folder)) not in files]
    extra = [p for p in extra if p != MANIFEST]
    if extra:
        raise BackupError(f"备份被改动：清单之外多出文件 {extra[0]}")
    return manifest


def _tables_in(conn) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 5"
        )
        return [row[0] for row in cursor.fetchall()]


def _dir_has_files(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


@dataclass
class RestoreResult:
    manifest: dict
    target: str
    pg_restore: PgTool
    media_files: int
    anchor_files: int


def backup_restore(*, folder: Path, database: dict | None = None, url: str | None = None, force=False):
    """Verify the backup, then restore it into an empty database and the configured directories."""
    folder = Path(folder).resolve()
    manifest = backup_verify(folder)
    conninfo = conninfo_from_url(url) if url else conninfo_from_settings(database or settings.DATABASES["default"])
    media_root, anchor_dir = Path(settings.MEDIA_ROOT), Path(settings.AUDIT_ANCHOR_DIR)
    for label, path in (("媒体目录 MEDIA_ROOT", media_root), ("审计锚点目录 AUDIT_ANCHOR_DIR", anchor_dir)):
        if _dir_has_files(path) and not force:
            raise BackupError(f"{label} {path} 不是空的：请先清空或换一个目录，或加 --force 覆盖")
    conn = _connect(conninfo)
    try:
        tables = _tables_in(conn)
        if tables:
            raise BackupError(
                f"目标数据库 {describe(conninfo)} 不是空库（已有表：{'、'.join(tables)}…）："
                "只能恢复到新建的空数据库（createdb 新库，或用 --database-url 指定）"
            )
        major, _ = server_major(conn)
    finally:
        conn.close()
    tool = find_tool("pg_restore", max(major, int(manifest.get("pg_dump", {}).get("major") or 0)))
    result = subprocess.run(
        [
            tool.path,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "-d",
            conninfo["dbname"],
            str(folder / DUMP_FILE),
        ],
        env=_libpq_env(conninfo),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败（退出码 {result.returncode}），目标库未改动：{result.stderr.strip()}")
    try:
        media = _restore_dir(folder / MEDIA_DIR, media_root)
        anchors = _restore_dir(folder / AUDIT_DIR, anchor_dir)
    except OSError as exc:
        raise BackupError(
            f"数据库已恢复，但复制媒体文件或审计锚点失败：{exc}：请把备份目录中的 media/ 与 audit/ 手工复制到 MEDIA_ROOT 与 AUDIT_ANCHOR_DIR"
        ) from exc
    return RestoreResult(
        manifest=manifest, target=describe(conninfo), pg_restore=tool, media_files=media, anchor_files=anchors
    )


def _restore_dir(source: Path, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return len(_files_under(source))


def backup_age(manifest: dict) -> str:
    created = dt.datetime.fromisoformat(manifest["created_at"])
    return timezone.localtime(created).strftime("%Y-%m-%d %H:%M:%S")
