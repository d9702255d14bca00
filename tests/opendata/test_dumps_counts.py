"""The bulk files hold what the public pages show, no more and no fewer (issue 15 §2): on the whole demo
city, each file's row count equals the count of the public selector its page reads, and the counts the
pages print (/penalties/, /acts/, /lists/<type>/)."""

import re
from collections import Counter

import pytest

from credit import selectors as credit_selectors
from enforcement import selectors as enforcement_selectors
from inspections import selectors as inspection_selectors
from opendata import dictionary, dumps, rulebook
from opendata.models import OpenDataFile
from supervision import selectors as supervision_selectors
from supervision.models import InspectionChecklist, SupervisionItemVersion
from tests.conftest import TODAY
from tests.opendata.test_dumps import read_csv, read_jsonl


@pytest.fixture
def demo_city(seeded_demo, db, frozen_today, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    return tmp_path / "open-data"


def page_count(client, url: str, pattern: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    match = re.search(pattern, text)
    assert match, f"{url}: no count"
    return int(match.group(1).replace(",", ""))


def test_each_file_counts_what_its_public_page_counts(demo_city, client):
    # When the night's files are written for the demo city
    result = dumps.write_all()
    rows = result["rows"]
    # Then every dataset holds rows (the demo has them all) and its count is the public selector's
    public_items = rulebook.public_items(TODAY).values("pk")
    expected = {
        "entities": supervision_selectors.public_entities().count(),
        "penalties": enforcement_selectors.public_penalties().count(),
        "lists": credit_selectors.public_list_entries(today=TODAY).count(),
        "acts": credit_selectors.public_acts(TODAY).count(),
        "inspection_results": inspection_selectors.public_results().count(),
        "rules_items": SupervisionItemVersion.objects.filter(item_id__in=public_items).count(),
        "rules_checklists": InspectionChecklist.objects.filter(item_id__in=public_items).count(),
        "rules_benchmarks": rulebook.public_benchmarks(TODAY).count(),
        "rules_measures": rulebook.public_measures().count(),
    }
    assert rows == expected
    assert all(rows[d.code] > 0 for d in dictionary.DATASETS), rows
    # And the counts the pages print
    assert rows["penalties"] == page_count(client, "/penalties/", r"共 ([\d,]+) 条公示信息")
    assert rows["acts"] == page_count(client, "/acts/", r"共 ([\d,]+) 条公示信息")
    lists = Counter(d["list_type"] for d in read_jsonl(demo_city / "lists-2026-11-22.jsonl.gz"))
    for list_type in credit_selectors.PUBLIC_LIST_TYPES:
        assert lists[list_type] == page_count(client, f"/lists/{list_type}/", r"共 ([\d,]+) 户"), list_type
    # And each CSV has as many data lines as its JSON Lines twin (and as the index says)
    for data in dictionary.DATASETS:
        csv_rows = len(read_csv(demo_city / f"{data.code}-2026-11-22.csv.gz")) - 1
        assert csv_rows == rows[data.code] == OpenDataFile.objects.get(dataset=data.code, format=dumps.JSONL).rows
