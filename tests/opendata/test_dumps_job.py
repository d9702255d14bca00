"""The nightly open-data job (issue 15 §2) through a real Celery worker on the real Redis broker, on the
test's frozen clock (tests/worker.py): scheduled at 02:00 Asia/Shanghai, it writes every dataset in its
own REPEATABLE READ snapshot (outside any test transaction), audits the run, and a rerun is idempotent."""

import gzip
import hashlib

import psycopg2
import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from opendata import dictionary, dumps
from opendata.models import OpenDataFile
from opendata.tasks import dump_open_data
from tests.conftest import TODAY
from tests.opendata.test_dumps import install_broken_dataset
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_open_data_is_written_every_night_at_2(db):
    task = PeriodicTask.objects.get(task="opendata.dump_open_data")
    assert task.enabled and task.name == "开放数据每日导出"
    assert (task.crontab.minute, task.crontab.hour) == ("0", "2")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_dump_job_writes_every_file_through_the_worker(frozen_today, tmp_path, settings, make_entity):
    # Given committed entities and a worker writing to this test's folder
    out_dir = tmp_path / "open-data"
    settings.OPEN_DATA_DIR = str(out_dir)
    make_entity(name="郑州夜间导出测试有限公司")
    make_entity(name="郑州夜间导出另一有限公司")
    proc = worker_start(OPEN_DATA_DIR=out_dir)
    try:
        # When beat's task runs, twice (a retry after a crash does the same)
        first = dump_open_data.delay().get(timeout=120)
        after_first = dict(OpenDataFile.objects.values_list("filename", "sha256"))
        second = dump_open_data.delay().get(timeout=120)
    except Exception:
        print(worker_stop(proc))
        raise
    worker_stop(proc)
    # Then every dataset has its two files for the worker's today, recorded once
    assert first["day"] == second["day"] == TODAY.isoformat()
    assert first["files"] == second["files"] == 2 * len(dictionary.DATASETS)
    assert first["rows"]["entities"] == 2
    assert OpenDataFile.objects.filter(day=TODAY).count() == 2 * len(dictionary.DATASETS)
    for row in OpenDataFile.objects.all():
        data = gzip.decompress((out_dir / row.filename).read_bytes())
        assert row.rows == (data.count(b"\n") - 1 if row.format == dumps.CSV else data.count(b"\n"))
    # And nothing changed between the runs, so the files are byte for byte the same
    assert dict(OpenDataFile.objects.values_list("filename", "sha256")) == after_first
    assert not list(out_dir.glob(f"{dumps.TEMP_PREFIX}*"))
    # And the audit chain, with both runs' events, verifies
    call_command("verify_audit")


def test_two_sessions_in_one_snapshot_write_the_same_files_as_one(tmp_path, settings, make_entity, push):
    # Given committed data (outside a test transaction, so a second session can import the snapshot)
    for n in range(40):
        make_entity(name=f"郑州并行导出测试{n}号有限公司")
    # When the files are written by one session, then by two sessions sharing the exported snapshot
    results = {}
    for workers in (1, 2):
        settings.OPEN_DATA_WORKERS = workers
        settings.OPEN_DATA_DIR = str(tmp_path / f"workers-{workers}")
        dumps.write_all()
        results[workers] = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / f"workers-{workers}").iterdir()
        }
    # Then the files are byte for byte the same
    assert results[1] == results[2] and len(results[1]) == 2 * len(dictionary.DATASETS)


def test_a_failing_file_in_one_session_publishes_nothing_and_leaves_no_temporary_file(
    tmp_path, settings, make_entity, monkeypatch
):
    # Given today's files of an earlier run, written by two sessions
    settings.OPEN_DATA_WORKERS = 2
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    for n in range(3):
        make_entity(name=f"郑州故障测试{n}号有限公司")
    dumps.write_all(datasets=["entities", "acts"])
    before = {p.name: p.read_bytes() for p in (tmp_path / "open-data").iterdir()}
    rows = sorted(OpenDataFile.objects.values_list("filename", "sha256"))
    # When a run fails in one session while the other writes its files
    install_broken_dataset(monkeypatch)
    with pytest.raises(psycopg2.errors.DivisionByZero):
        dumps.write_all(datasets=["entities", "acts", "broken"])
    # Then the earlier files and rows stand, and no temporary file is left
    assert {p.name: p.read_bytes() for p in (tmp_path / "open-data").iterdir()} == before
    assert sorted(OpenDataFile.objects.values_list("filename", "sha256")) == rows
