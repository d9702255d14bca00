"""The nightly bulk open data (issue 15 §2): every dataset as gzip CSV and gzip JSON Lines.

``write_all()`` is the beat job ``opendata.dump_open_data`` (02:00 Asia/Shanghai, core/roles.py).

- **Set-based and streamed.** Each file is one ``COPY (SELECT …) TO STDOUT`` whose SELECT is the SQL
  of the dataset's queryset (``opendata.dump_sql``: the public selector, the dictionary's columns),
  with its parameters bound by psycopg2's ``mogrify``. The rows stream from PostgreSQL through gzip
  to disk in batches; no row is loaded into Python as an object. The row count comes from COPY's
  own tag, and the SHA-256 and size are computed on the compressed bytes as they are written.
- **JSON Lines** is ``SELECT row_to_json(t)`` copied in CSV format with a quote and a delimiter that
  JSON text never holds raw (control characters are escaped inside JSON strings), so COPY writes
  each JSON document verbatim: text format would double every backslash.
- **One snapshot.** All datasets are read in one REPEATABLE READ, READ ONLY transaction, so the
  files of a night agree with each other (a penalty in ``penalties`` has its entity in ``entities``).
  A second session (``WORKERS``) imports the same snapshot (``pg_export_snapshot``) and writes
  files in parallel.
- **Never half a file.** Each file is written to a hidden temporary name in ``OPEN_DATA_DIR``,
  fsync'd, and renamed over the final name only once every file of the night is complete and its
  ``OpenDataFile`` row is written (rename is atomic on one file system). Rerunning the same day
  replaces that day's files and rows; a failed run leaves the previous files as they were.
- **Retention.** The last ``OPEN_DATA_KEEP_DAYS`` (7) days are kept; older rows and files go.
- **One at a time.** A session advisory lock: a second run while one is writing does nothing.
"""

import datetime as dt
import gzip
import hashlib
import logging
import os
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from core import audit
from opendata import dump_sql
from opendata.dictionary import BY_CODE, DATASETS
from opendata.models import OpenDataFile

log = logging.getLogger(__name__)

CSV = OpenDataFile.Format.CSV.value
JSONL = OpenDataFile.Format.JSONL.value
FORMATS = (CSV, JSONL)
BOM = b"\xef\xbb\xbf"  # Excel opens UTF-8 CSV correctly only with it
TEMP_PREFIX = ".tmp-"
# zlib level 1: about 3× faster than the default 6 for files about 15% larger; the night's run has a
# 60-second budget at 1,000,000 entities and 5,000,000 records (issue 15 §2).
COMPRESS_LEVEL = 1
CHUNK = 1 << 20  # bytes gathered from COPY's row-by-row writes before each gzip write
DUMP_LOCK = 0x4F50454E  # "OPEN"
WORKERS = 2  # sessions writing files at once (settings.OPEN_DATA_WORKERS overrides)
WORK_MEM = "64MB"
FILENAME = re.compile(r"^(?P<dataset>[a-z_]+)-(?P<day>\d{4}-\d{2}-\d{2})\.(?P<format>csv\.gz|jsonl\.gz)$")
ACTOR = "task:opendata.dump_open_data"


def file_name(dataset: str, day: dt.date, fmt: str) -> str:
    return f"{dataset}-{day.isoformat()}.{fmt}"


def open_data_dir() -> Path:
    return Path(settings.OPEN_DATA_DIR)


def file_path(name: str) -> Path | None:
    """The path of a listed file's name, or None for anything that is not one of ours."""
    if not FILENAME.match(name):
        return None
    base = open_data_dir().resolve()
    path = (base / name).resolve()
    return path if path.parent == base else None


def cutoff(day: dt.date) -> dt.date:
    """The oldest day kept on ``day``: the last OPEN_DATA_KEEP_DAYS days, ``day`` included."""
    return day - dt.timedelta(days=settings.OPEN_DATA_KEEP_DAYS - 1)


# --- writing one file ----------------------------------------------------------------------------


class _Digest:
    """The file on disk, counting the bytes and hashing them as gzip writes them."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


class _Sink:
    """What COPY writes into: psycopg2 calls ``write`` once per row; rows go to gzip a megabyte at a time."""

    def __init__(self, gz):
        self.gz = gz
        self.parts: list[bytes] = []
        self.pending = 0

    def write(self, data) -> None:
        self.parts.append(data)
        self.pending += len(data)
        if self.pending >= CHUNK:
            self.drain()

    def drain(self) -> None:
        if self.parts:
            self.gz.write(b"".join(self.parts))
            self.parts, self.pending = [], 0


def copy_sql(cursor, dataset: str, fmt: str, day: dt.date) -> str:
    """``COPY (…) TO STDOUT`` of one dataset in one format, its parameters bound by the driver."""
    sql, params = dump_sql.select(dataset, day).query.sql_with_params()
    inner = cursor.mogrify(sql, params).decode()
    # The columns are renamed by position, so a joined column ("name" of the department) cannot clash.
    columns = ", ".join(connection.ops.quote_name(c) for c in BY_CODE[dataset].columns)
    source = f"({inner}) AS t({columns})"
    # ``inner`` is the ORM's SQL with its parameters quoted by the driver; the columns are our constants.
    if fmt == CSV:
        return f"COPY (SELECT * FROM {source}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"  # noqa: S608
    return (
        f"COPY (SELECT row_to_json(t) FROM {source}) TO STDOUT "  # noqa: S608
        "WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02', ENCODING 'UTF8')"
    )


def _write_file(cursor, dataset: str, fmt: str, sql: str, day: dt.date, out_dir: Path) -> dict:
    started = time.perf_counter()
    final = out_dir / file_name(dataset, day, fmt)
    tmp = out_dir / f"{TEMP_PREFIX}{final.name}.{os.getpid()}"
    try:
        with open(tmp, "wb") as raw:
            digest = _Digest(raw)
            with gzip.GzipFile(filename="", mode="wb", fileobj=digest, compresslevel=COMPRESS_LEVEL, mtime=0) as gz:
                if fmt == CSV:
                    gz.write(BOM)
                sink = _Sink(gz)
                cursor.copy_expert(sql, sink)
                sink.drain()
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {
        "dataset": dataset,
        "format": fmt,
        "tmp": tmp,
        "final": final,
        "rows": cursor.rowcount,
        "size": digest.size,
        "sha256": digest.sha.hexdigest(),
        "seconds": round(time.perf_counter() - started, 3),
    }


# --- the night's run -----------------------------------------------------------------------------


@contextmanager
def _lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DUMP_LOCK])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [DUMP_LOCK])


def _session_settings(cursor) -> None:
    """For the dump's transaction only: local time in the files; no JIT (compiling the large SELECTs
    cost more than it saved: 1.3 s of a 3 s query at 200,000 acts); sorts in memory."""
    cursor.execute(
        "SELECT set_config('TimeZone', %s, true), set_config('jit', 'off', true), set_config('work_mem', %s, true)",
        [settings.TIME_ZONE, WORK_MEM],
    )


@contextmanager
def _snapshot():
    """One REPEATABLE READ, READ ONLY transaction; yields the raw psycopg2 cursor and whether it is nested.

    Inside an enclosing transaction (a test's), the enclosing snapshot is used as it is."""
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not nested:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _session_settings(cursor)
        yield cursor.cursor, nested
        # Nothing was written: rolling back loses nothing and undoes the settings inside a test's transaction.
        transaction.set_rollback(True)


def _write_files(cursor, jobs: list[tuple[str, str]], day: dt.date, out_dir: Path, *, shared: bool) -> list[dict]:
    """Write every (dataset, format) of ``jobs``. With ``shared`` (a snapshot other sessions may import)
    and OPEN_DATA_WORKERS > 1, helper sessions take jobs too, each in the same snapshot: on the 2-core
    bench machine the time goes to PostgreSQL building rows, which one session does on one core."""
    workers = max(1, int(getattr(settings, "OPEN_DATA_WORKERS", WORKERS)))
    # Every statement is built here, in this thread, in the snapshot (the grade bands are read to build one).
    sql = {(code, fmt): copy_sql(cursor, code, fmt, day) for code, fmt in jobs}
    if not shared or workers == 1 or len(jobs) == 1:
        done = []
        try:
            for code, fmt in jobs:
                done.append(_write_file(cursor, code, fmt, sql[(code, fmt)], day, out_dir))
        except BaseException:
            for result in done:  # complete, but the night's set is not: none of it is published
                result["tmp"].unlink(missing_ok=True)
            raise
        return done
    cursor.execute("SELECT pg_export_snapshot()")
    snapshot = cursor.fetchone()[0]
    pending, done, failures = list(jobs), [], []
    lock = threading.Lock()

    def take():
        with lock:
            return pending.pop(0) if pending and not failures else None

    def work(cur) -> None:
        try:
            while (job := take()) is not None:
                result = _write_file(cur, *job, sql[job], day, out_dir)
                with lock:
                    done.append(result)
        except BaseException as exc:  # handed to the main thread, which raises it
            with lock:
                failures.append(exc)

    def helper() -> None:
        conn = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            conn.ensure_connection()
            with conn.connection.cursor() as cur:  # Django left it in autocommit: the transaction is ours
                cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                _session_settings(cur)
                work(cur)
                cur.execute("ROLLBACK")
        except BaseException as exc:
            with lock:
                failures.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=helper, name=f"open-data-{i}") for i in range(1, workers)]
    for thread in threads:
        thread.start()
    work(cursor)
    for thread in threads:
        thread.join()
    if failures:
        for result in done:
            result["tmp"].unlink(missing_ok=True)
        raise failures[0]
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(done, key=lambda r: order[(r["dataset"], r["format"])])


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(out_dir: Path) -> None:
    """Temporary files of a run that crashed (only one run writes at a time: the lock is held)."""
    for path in out_dir.glob(f"{TEMP_PREFIX}*"):
        path.unlink(missing_ok=True)


@transaction.atomic
def _publish(written: list[dict], day: dt.date, actor: str) -> list[str]:
    """Record the files, drop the rows past retention, audit, then move the files into place."""
    now = timezone.now()
    for w in written:
        OpenDataFile.objects.update_or_create(
            dataset=w["dataset"],
            day=day,
            format=w["format"],
            defaults={
                "filename": w["final"].name,
                "rows": w["rows"],
                "size": w["size"],
                "sha256": w["sha256"],
                "seconds": w["seconds"],
                "created_at": now,
            },
        )
    expired = OpenDataFile.objects.filter(day__lt=cutoff(day))
    removed = list(expired.values_list("filename", flat=True))
    expired.delete()
    audit.record(
        actor=actor,
        action="opendata.files_written",
        target=("opendata.opendatafile", day.isoformat()),
        target_label=f"开放数据 {day.isoformat()}",
        after={
            "files": {w["final"].name: {"rows": w["rows"], "sha256": w["sha256"]} for w in written},
            "removed": removed,
        },
    )
    for w in written:
        os.replace(w["tmp"], w["final"])
    if written:
        _fsync_dir(written[0]["final"].parent)
    return removed


def _remove_expired_files(out_dir: Path, day: dt.date) -> int:
    """Files of days past retention (their rows are gone), including any a crashed run left unlisted."""
    oldest = cutoff(day).isoformat()
    n = 0
    for path in out_dir.iterdir():
        m = FILENAME.match(path.name)
        if m and m["day"] < oldest:
            path.unlink(missing_ok=True)
            n += 1
    return n


def write_all(*, day: dt.date | None = None, datasets=None, actor: str = ACTOR) -> dict:
    """Write every dataset (or ``datasets``) in both formats for ``day`` (today), keep the last 7 days."""
    started = time.perf_counter()
    day = day or timezone.localdate()
    codes = list(datasets) if datasets else [d.code for d in DATASETS]
    unknown = [c for c in codes if c not in BY_CODE]
    if unknown:
        raise ValueError(f"未知的数据集：{', '.join(unknown)}")
    out_dir = open_data_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    with _lock() as got:
        if not got:
            log.warning("open data: another run holds the lock; nothing written")
            return {"day": day.isoformat(), "skipped": "另一个开放数据生成任务正在运行"}
        _remove_stale_temps(out_dir)
        written: list[dict] = []
        try:
            with _snapshot() as (cursor, nested):
                jobs = [(code, fmt) for code in codes for fmt in FORMATS]
                written = _write_files(cursor, jobs, day, out_dir, shared=not nested)
            removed = _publish(written, day, actor)
        finally:
            for w in written:  # after a failure: nothing half-written stays behind
                w["tmp"].unlink(missing_ok=True)
        _remove_expired_files(out_dir, day)
    seconds: dict[str, float] = {}
    for w in written:
        seconds[w["dataset"]] = round(seconds.get(w["dataset"], 0) + w["seconds"], 3)
    return {
        "day": day.isoformat(),
        "files": len(written),
        "rows": {w["dataset"]: w["rows"] for w in written if w["format"] == CSV},
        "bytes": sum(w["size"] for w in written),
        "seconds": seconds,
        "total_seconds": round(time.perf_counter() - started, 3),
        "removed": len(removed),
    }


# --- reading the index -----------------------------------------------------------------------------


def listed_files():
    """Every file the index lists, newest day first, datasets in the dictionary's order."""
    order = {d.code: i for i, d in enumerate(DATASETS)}
    rows = list(OpenDataFile.objects.all())
    rows.sort(key=lambda r: (-r.day.toordinal(), order.get(r.dataset, len(order)), FORMATS.index(r.format)))
    return rows
