"""/open-data/ (issue 15 §2): the index page and its JSON, the data dictionary and its JSON, the licence,
and the downloads, which serve only files listed in OpenDataFile (a traversal attempt is a 404).
Downloads are also fetched through real HTTP (the live server)."""

import datetime as dt
import gzip
import hashlib
import urllib.error
import urllib.request

import pytest
from django.utils.html import escape

from opendata import dictionary, dumps
from opendata.models import OpenDataFile
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

LIST_BUDGET = 3


@pytest.fixture
def out_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    return tmp_path / "open-data"


@pytest.fixture
def written(frozen_today, make_entity, out_dir):
    """Two entities and two nights of files: yesterday's and today's."""
    make_entity(name="郑州开放数据测试有限公司")
    make_entity(name="郑州另一家测试有限公司")
    dumps.write_all(day=TODAY - dt.timedelta(days=1))
    return dumps.write_all()


def test_index_lists_each_file_with_day_rows_size_and_sha256(client, written, django_assert_max_num_queries):
    # When anyone opens /open-data/
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get("/open-data/")
    # Then every file of the latest day is listed with its download link, size and SHA-256
    assert response.status_code == 200
    html = response.content.decode()
    assert "开放数据" in html and "最新数据（数据日期 2026-11-22）" in html
    for row in OpenDataFile.objects.filter(day=TODAY):
        assert f"/open-data/files/{row.filename}" in html
        assert row.sha256 in html
    entities = OpenDataFile.objects.get(day=TODAY, dataset="entities", format=dumps.CSV)
    assert f"{entities.rows} 行" in html
    # And yesterday's files under 往日数据, and the dictionary and the licence are linked
    assert "数据日期 2026-11-21" in html and "entities-2026-11-21.jsonl.gz" in html
    assert 'href="/open-data/dictionary/"' in html and 'href="/open-data/licence/"' in html
    assert 'href="/open-data/index.json"' in html


def test_index_without_files_says_when_they_come(client, out_dir):
    response = client.get("/open-data/")
    assert response.status_code == 200
    assert "开放数据文件尚未生成" in response.content.decode()


def test_index_json_lists_the_same_files_for_machines(client, written, django_assert_max_num_queries):
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get("/open-data/index.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["dictionary"].endswith("/open-data/dictionary.json")
    assert body["licence"]["name"] == dictionary.LICENCE["name"] and body["licence"]["url"].endswith(
        "/open-data/licence/"
    )
    listed = {(f["dataset"], f["day"], f["format"]): f for f in body["files"]}
    assert len(listed) == OpenDataFile.objects.count() == 2 * 2 * len(dictionary.DATASETS)
    row = OpenDataFile.objects.get(day=TODAY, dataset="entities", format=dumps.JSONL)
    f = listed[("entities", "2026-11-22", "jsonl.gz")]
    assert (f["filename"], f["rows"], f["size"], f["sha256"]) == (row.filename, row.rows, row.size, row.sha256)
    assert f["url"] == f"http://testserver/open-data/files/{row.filename}"
    # Newest day first, datasets in the dictionary's order
    assert body["files"][0]["day"] == "2026-11-22" and body["files"][0]["dataset"] == "entities"


def test_dictionary_page_and_json_name_every_field_with_type_meaning_and_source(client):
    html = client.get("/open-data/dictionary/").content.decode()
    body = client.get("/open-data/dictionary.json").json()
    assert [d["code"] for d in body["datasets"]] == [d.code for d in dictionary.DATASETS]
    for data in dictionary.DATASETS:
        assert escape(data.title) in html and escape(data.source) in html
        for field in data.fields:
            assert f"<td>{field.name}<span" in html and escape(field.meaning) in html
    assert body["datasets"][0]["fields"][0] == {
        "name": "uscc",
        "type": "text",
        "meaning": "统一社会信用代码（GB 32100-2015）",
    }
    assert "decimal" in body["types"] and "csv.gz" in body["formats"]


def test_licence_page_states_the_attribution_terms(client):
    html = client.get("/open-data/licence/").content.decode()
    assert "开放数据使用协议（署名）" in html and "CC BY 4.0" in html
    assert "注明数据来源和数据日期" in html


def test_download_serves_a_listed_file_as_an_attachment(client, written, out_dir):
    row = OpenDataFile.objects.get(day=TODAY, dataset="entities", format=dumps.CSV)
    response = client.get(f"/open-data/files/{row.filename}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == f'attachment; filename="{row.filename}"'
    assert response["ETag"] == f'"{row.sha256}"'
    assert hashlib.sha256(body).hexdigest() == row.sha256
    assert gzip.decompress(body).startswith(dumps.BOM + b"uscc,name,")


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/files/..%2F..%2F..%2Fetc%2Fpasswd",
        "/open-data/files/..",
        "/open-data/files/%2Fetc%2Fpasswd",
        "/open-data/files/README.txt",
        "/open-data/files/entities-2026-11-01.csv.gz",  # named like ours, never listed
        "/open-data/files/.tmp-entities-2026-11-22.csv.gz.1",
    ],
)
def test_download_refuses_names_that_are_not_listed(client, written, out_dir, path):
    # Files that exist in and around the folder, but are not listed
    (out_dir / "README.txt").write_text("not ours")
    (out_dir / "entities-2026-11-01.csv.gz").write_bytes(b"stale")
    (out_dir / ".tmp-entities-2026-11-22.csv.gz.1").write_bytes(b"half")
    response = client.get(path)
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_a_listed_row_whose_name_would_leave_the_folder_is_refused(client, written):
    # Even a row that names a path (it cannot be written by the job) is never served
    OpenDataFile.objects.create(
        dataset="entities", day=TODAY - dt.timedelta(days=3), format=dumps.CSV, filename="../settings.py",
        rows=0, size=0, sha256="0" * 64,
    )  # fmt: skip
    assert client.get("/open-data/files/..%2Fsettings.py").status_code == 404


def test_latest_link_redirects_to_the_newest_file(client, written):
    response = client.get("/open-data/latest/entities.jsonl.gz")
    assert response.status_code == 302
    assert response["Location"] == "/open-data/files/entities-2026-11-22.jsonl.gz"
    assert client.get("/open-data/latest/nope.csv.gz").status_code == 404


def test_only_get_and_head_are_answered(client, written):
    assert client.post("/open-data/").status_code == 405
    assert client.head("/open-data/files/entities-2026-11-22.csv.gz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_download_over_real_http(live_server, settings, tmp_path, make_entity):
    # Given files written on a real server's database
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    make_entity(name="郑州真实下载测试有限公司")
    dumps.write_all(datasets=["entities"])
    row = OpenDataFile.objects.get(dataset="entities", format=dumps.JSONL)
    # When a client downloads it over HTTP
    with urllib.request.urlopen(f"{live_server.url}/open-data/files/{row.filename}") as response:
        body = response.read()
        headers = response.headers
    # Then it is the listed file, byte for byte
    assert headers["Content-Type"] == "application/gzip" and int(headers["Content-Length"]) == row.size
    assert hashlib.sha256(body).hexdigest() == row.sha256
    assert b"\xe9\x83\x91\xe5\xb7\x9e" in gzip.decompress(body)  # 郑州
    # And a traversal attempt over HTTP is a 404
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{live_server.url}/open-data/files/..%2F..%2Fetc%2Fpasswd")
    assert refused.value.code == 404
    index = urllib.request.urlopen(f"{live_server.url}/open-data/index.json").read().decode()
    assert row.sha256 in index


def test_admin_lists_the_files_read_only(client, written, platform_admin, alice):
    # A platform administrator sees every file with its figures and download link, and cannot change one
    client.force_login(platform_admin)
    html = client.get("/admin/opendata/opendatafile/").content.decode()
    assert "entities-2026-11-22.csv.gz" in html and "/open-data/files/entities-2026-11-22.csv.gz" in html
    assert client.get("/admin/opendata/opendatafile/add/").status_code == 403
    row = OpenDataFile.objects.get(day=TODAY, dataset="entities", format=dumps.CSV)
    assert client.post(f"/admin/opendata/opendatafile/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OpenDataFile.objects.filter(pk=row.pk).exists()
    # A department official has no business here (the files are public anyway, at /open-data/)
    client.force_login(alice)
    assert client.get("/admin/opendata/opendatafile/").status_code == 403
