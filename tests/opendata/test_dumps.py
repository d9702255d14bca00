"""The nightly bulk files (issue 15 §2): every dataset as gzip CSV (UTF-8 with BOM) and gzip JSON Lines,
written by COPY through a temporary name, counted and hashed while streaming, the last 7 days kept.

World (on 2026-11-22): 中国石油化工 with a published 行政处罚 (pushed, so mirrored as a disclosure) and a
行政许可 whose content holds quotes, backslashes, newlines, a tab and U+2028; an entity whose name holds
the same; a plain entity; everyone evaluated.
"""

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import threading

import psycopg2
import pytest
from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.functions import Length

from core.models import AuditEvent
from opendata import dictionary, dump_sql, dumps
from opendata.models import OpenDataFile
from supervision.models import MarketEntity
from tests.conftest import HUAWEI, SINOPEC, TODAY, record_data

pytestmark = pytest.mark.django_db

TRICKY = '郑州"老王"\\反斜杠,逗号\n换行\r\n回车\t制表\u2028分隔商行'
TRICKY_CONTENT = '准予许可：“食品经营许可证”编号 JY\\14101050012345，"主体业态"：餐饮服务\n经营项目：热食类食品制售'
ALL = [d.code for d in dictionary.DATASETS]


@pytest.fixture
def out_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    return tmp_path / "open-data"


@pytest.fixture
def world(frozen_today, make_entity, push, evaluate):
    sinopec = make_entity(
        uscc_code=SINOPEC,
        name="中国石油化工股份有限公司",
        legal_rep_id_number="110101196501011234",
        contact_phone="13900001111",
    )
    tricky = make_entity(name=TRICKY)
    make_entity(name="郑州普通商贸有限公司")
    push(
        record_data(SINOPEC, "郑市监罚〔2026〕12号"),
        record_data(
            SINOPEC,
            "郑市监许〔2026〕7号",
            category="administrative_licence",
            polarity="positive",
            title="食品经营许可",
            content=TRICKY_CONTENT,
            legal_basis="《中华人民共和国食品安全法》第三十五条",
        ),
    )
    evaluate()
    return {"sinopec": sinopec, "tricky": tricky}


def read_csv(path) -> list[list[str]]:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(dumps.BOM), f"{path.name} has no BOM"
    return list(csv.reader(io.StringIO(data[len(dumps.BOM) :].decode("utf-8"), newline="")))


def read_jsonl(path) -> list[dict]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    assert text.endswith("\n") or text == ""
    # Lines end at "\n" only: U+2028 inside a value is not a line break (str.splitlines would split there).
    return [json.loads(line) for line in text.split("\n")[:-1]]


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def visible(out_dir) -> dict:
    return {p.name: sha256_of(p) for p in out_dir.iterdir() if not p.name.startswith(dumps.TEMP_PREFIX)}


# --- the files -------------------------------------------------------------------------------------


def test_every_dataset_is_written_as_gzip_csv_with_bom_and_header_and_as_json_lines(world, out_dir):
    # When the night's job runs
    result = dumps.write_all()
    # Then each dataset has two files for today, recorded with their rows, size and SHA-256
    assert result["files"] == 2 * len(ALL) and result["day"] == TODAY.isoformat()
    rows = {(f.dataset, f.format): f for f in OpenDataFile.objects.filter(day=TODAY)}
    assert set(rows) == {(code, fmt) for code in ALL for fmt in dumps.FORMATS}
    for data in dictionary.DATASETS:
        csv_row, json_row = rows[(data.code, dumps.CSV)], rows[(data.code, dumps.JSONL)]
        csv_path, json_path = out_dir / csv_row.filename, out_dir / json_row.filename
        assert csv_row.filename == f"{data.code}-2026-11-22.csv.gz"
        # The CSV opens with a BOM and the dictionary's columns as its header, one line per row
        table = read_csv(csv_path)
        assert table[0] == data.columns
        assert len(table) - 1 == csv_row.rows == result["rows"][data.code]
        # The JSON Lines parse line by line, with the same keys and the same count
        docs = read_jsonl(json_path)
        assert len(docs) == json_row.rows == csv_row.rows
        assert all(list(d) == data.columns for d in docs)
        # Size and SHA-256 are those of the file on disk (what a downloader checks)
        for row, path in ((csv_row, csv_path), (json_row, json_path)):
            assert row.size == path.stat().st_size and row.sha256 == sha256_of(path)
    assert rows[("entities", dumps.CSV)].rows == 3
    # And no temporary file is left
    assert not list(out_dir.glob(f"{dumps.TEMP_PREFIX}*"))


def test_names_with_quotes_backslashes_and_newlines_come_out_exactly(world, out_dir):
    dumps.write_all(datasets=["entities", "acts"])
    entities_csv = read_csv(out_dir / "entities-2026-11-22.csv.gz")
    names = [row[entities_csv[0].index("name")] for row in entities_csv[1:]]
    assert TRICKY in names
    docs = read_jsonl(out_dir / "entities-2026-11-22.jsonl.gz")
    assert TRICKY in [d["name"] for d in docs]
    (act,) = read_jsonl(out_dir / "acts-2026-11-22.jsonl.gz")
    assert act["content"] == TRICKY_CONTENT and act["category_label"] == "行政许可"
    acts_csv = read_csv(out_dir / "acts-2026-11-22.csv.gz")
    assert acts_csv[1][acts_csv[0].index("content")] == TRICKY_CONTENT


def test_a_row_whose_entity_is_not_in_the_roster_yet_is_kept(world, out_dir, push):
    # Given a licence pushed for a code the roster does not hold yet (as /acts/ shows it, without a name)
    push(record_data(HUAWEI, "郑市监许〔2026〕8号", category="administrative_licence", polarity="positive"))
    # When the acts are written
    dumps.write_all(datasets=["acts"])
    # Then both acts are there, the unknown party without a name
    docs = {d["uscc"]: d for d in read_jsonl(out_dir / "acts-2026-11-22.jsonl.gz")}
    assert docs[HUAWEI]["entity_name"] is None and docs[SINOPEC]["entity_name"] == "中国石油化工股份有限公司"


def test_entities_carry_the_public_grade_and_no_internal_or_personal_column(world, out_dir):
    dumps.write_all(datasets=["entities", "penalties"])
    docs = {d["uscc"]: d for d in read_jsonl(out_dir / "entities-2026-11-22.jsonl.gz")}
    sinopec = docs[SINOPEC]
    # An active 一般 negative record: 失信, red (DOMAIN §3 rule 2), as on the entity page
    assert (sinopec["grade"], sinopec["grade_label"], sinopec["grade_colour"]) == ("DISHONEST", "失信", "red")
    assert isinstance(sinopec["score"], int) and sinopec["grade_model_version"] == 1
    assert sinopec["grade_changed_at"].endswith("+08:00")  # local time (Asia/Shanghai)
    assert sinopec["entity_type_label"] and sinopec["status_label"]
    for column in ("risk_class", "legal_rep_id_number", "contact_phone", "id"):
        assert column not in sinopec
    text = gzip.decompress((out_dir / "entities-2026-11-22.csv.gz").read_bytes()).decode()
    assert "110101196501011234" not in text and "13900001111" not in text
    # Money is a decimal string (API.md), penalty types come with their labels
    (penalty,) = read_jsonl(out_dir / "penalties-2026-11-22.jsonl.gz")
    assert penalty["uscc"] == SINOPEC and penalty["number"] == "郑市监罚〔2026〕12号"
    assert penalty["fine_amount"] is None or isinstance(penalty["fine_amount"], str)


def test_every_dataset_reads_the_dictionary_columns_in_order():
    # The writer takes its columns from the dictionary: a builder that drifts from it is refused
    for data in dictionary.DATASETS:
        built = dump_sql.BUILDERS[data.code](TODAY)
        assert list(built["columns"]) == data.columns, data.code
        assert all(f.type in dictionary.TYPES and f.meaning for f in data.fields)
    assert set(dump_sql.BUILDERS) == {d.code for d in dictionary.DATASETS}


def test_an_unknown_dataset_is_refused_in_chinese(out_dir):
    with pytest.raises(ValueError, match="未知的数据集：nope"):
        dumps.write_all(datasets=["nope"])


# --- atomic replacement, idempotence, failure -----------------------------------------------------------


def install_broken_dataset(monkeypatch) -> None:
    """A dataset ``broken`` whose SELECT divides by zero at its second row, during COPY."""
    second = sorted(MarketEntity.objects.values_list("uscc", flat=True))[1]
    broken = dictionary.Dataset(
        code="broken",
        title="故障数据集",
        description="",
        source="",
        fields=(dictionary.Field("uscc", "text", "代码"), dictionary.Field("boom", "integer", "故障")),
    )
    boom = ExpressionWrapper(Value(1) / (Length("uscc") - 18), output_field=IntegerField())
    monkeypatch.setitem(dictionary.BY_CODE, "broken", broken)
    monkeypatch.setitem(
        dump_sql.BUILDERS,
        "broken",
        lambda today: {
            "qs": MarketEntity.objects.order_by("uscc"),
            "columns": {"uscc": F("uscc"), "boom": Case(When(uscc=second, then=boom), default=Value(0))},
        },
    )


def test_rerunning_the_same_day_replaces_that_days_files_and_rows(world, out_dir, make_entity):
    dumps.write_all()
    first = visible(out_dir)
    # Rerun with nothing changed: the same bytes (gzip without a time stamp), the same rows
    dumps.write_all()
    assert visible(out_dir) == first
    assert OpenDataFile.objects.count() == 2 * len(ALL)
    # A new entity, then a rerun the same day: the entity files are replaced under the same names
    make_entity(name="郑州新设商贸有限公司")
    dumps.write_all()
    after = visible(out_dir)
    assert set(after) == set(first)
    assert after["entities-2026-11-22.csv.gz"] != first["entities-2026-11-22.csv.gz"]
    assert after["rules_measures-2026-11-22.csv.gz"] == first["rules_measures-2026-11-22.csv.gz"]
    row = OpenDataFile.objects.get(dataset="entities", day=TODAY, format=dumps.CSV)
    assert (row.rows, row.sha256) == (4, after[row.filename])


def test_a_run_that_fails_midway_leaves_the_previous_files_rows_and_no_temporary_file(world, out_dir, monkeypatch):
    # Given the files of an earlier run today
    dumps.write_all(datasets=["entities", "acts"])
    before = visible(out_dir)
    rows_before = sorted(OpenDataFile.objects.values_list("filename", "rows", "sha256"))
    # And a dataset whose SELECT fails at its second row (a real PostgreSQL error during COPY), listed
    # after entities, whose files are then already complete under their temporary names
    install_broken_dataset(monkeypatch)
    # When a run with it fails
    with pytest.raises(psycopg2.errors.DivisionByZero):
        dumps.write_all(datasets=["entities", "broken"])
    # Then the earlier files and their rows are untouched, and nothing half-written is left
    assert visible(out_dir) == before
    assert sorted(OpenDataFile.objects.values_list("filename", "rows", "sha256")) == rows_before
    assert not list(out_dir.glob(f"{dumps.TEMP_PREFIX}*"))


def test_a_reader_never_sees_a_partial_file_while_the_files_are_rewritten(world, out_dir, make_entity):
    # Given files of an earlier run, and a reader that keeps opening every visible file
    dumps.write_all()
    for _ in range(30):
        make_entity()
    stop, seen, errors = threading.Event(), set(), []

    def reader():
        while not stop.is_set():
            for path in out_dir.iterdir():
                if path.name.startswith(dumps.TEMP_PREFIX):
                    continue
                try:
                    gzip.decompress(path.read_bytes())  # a truncated gzip stream raises EOFError
                    seen.add(path.name)
                except FileNotFoundError:
                    pass
                except Exception as exc:  # any failure to read is the finding
                    errors.append((path.name, repr(exc)))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        # When the same day is written again, several times
        for _ in range(3):
            dumps.write_all()
    finally:
        stop.set()
        thread.join()
    # Then every file the reader opened was complete
    assert errors == []
    assert "entities-2026-11-22.csv.gz" in seen


def test_a_second_run_while_one_is_writing_writes_nothing(world, out_dir):
    # Given another session holding the dump's lock (a run in progress)
    s = connection.settings_dict
    other = psycopg2.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"] or 5432
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [dumps.DUMP_LOCK])
        # When the job starts
        result = dumps.write_all()
    finally:
        other.close()
    # Then it says so and writes nothing
    assert result == {"day": TODAY.isoformat(), "skipped": "另一个开放数据生成任务正在运行"}
    assert not OpenDataFile.objects.exists()
    assert not out_dir.exists() or not list(out_dir.iterdir())


def test_each_run_is_audited(world, out_dir):
    dumps.write_all(datasets=["rules_measures"])
    event = AuditEvent.objects.filter(action="opendata.files_written").get()
    assert event.actor_label == "task:opendata.dump_open_data"
    assert event.target_id == TODAY.isoformat()
    assert set(event.after["files"]) == {"rules_measures-2026-11-22.csv.gz", "rules_measures-2026-11-22.jsonl.gz"}


# --- retention -----------------------------------------------------------------------------------------


def test_open_data_keeps_the_last_7_days(settings, out_dir, frozen_today):
    # issue 15 §2: the last 7 days are kept (settings.OPEN_DATA_KEEP_DAYS)
    assert settings.OPEN_DATA_KEEP_DAYS == 7
    out_dir.mkdir(parents=True)
    # Given a file a crashed run left unlisted long ago, and a stale temporary file
    (out_dir / "entities-2026-10-01.csv.gz").write_bytes(b"old")
    (out_dir / f"{dumps.TEMP_PREFIX}acts-2026-11-01.csv.gz.1234").write_bytes(b"half")
    (out_dir / "README.txt").write_text("not ours")
    # When the job runs on ten consecutive days
    for back in range(9, -1, -1):
        dumps.write_all(day=TODAY - dt.timedelta(days=back), datasets=["rules_measures"])
    # Then the rows and the files of the last 7 days (today included) remain, and nothing else of ours
    kept = [TODAY - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert sorted(set(OpenDataFile.objects.values_list("day", flat=True))) == kept
    ours = {p.name for p in out_dir.iterdir()} - {"README.txt"}
    assert ours == {f"rules_measures-{d.isoformat()}.{fmt}" for d in kept for fmt in dumps.FORMATS}
    assert (out_dir / "README.txt").exists()
