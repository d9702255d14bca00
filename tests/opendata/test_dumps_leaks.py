"""The leak test extended to the bulk files (issue 15 §2, DESIGN.md quality bars): personal data seeded
the way tests/enforcement/test_leaks.py seeds it (complaints with reporters and contacts, a case with
ID numbers, phones, a home address, a bank card and health data in its facts, two published penalties),
plus the entity's own confidential columns and a list entry's facts, never reaches any open-data file.

Every file of every dataset is decompressed and scanned, raw and with separators stripped.
"""

import datetime as dt
import gzip

import pytest

from credit.services import list_entry_add
from opendata import dictionary, dumps
from opendata.models import OpenDataFile
from supervision import services as sv
from tests.enforcement.conftest import entity, make_inspector, officers, standard  # noqa: F401  (fixtures)
from tests.enforcement.test_leaks import ID_NUMBER, LANDLINE, MOBILE, SEEDS, assert_clean, seeded  # noqa: F401

pytestmark = pytest.mark.django_db


def test_personal_data_never_reaches_an_open_data_file(seeded, settings, tmp_path, dept_a):
    settings.OPEN_DATA_DIR = str(tmp_path / "open-data")
    entity = seeded["entity"]
    # Given the entity's confidential columns filled in (never public, DOMAIN §5)
    sv.entity_save(actor="test", entity=entity, legal_rep_id_number=ID_NUMBER, contact_phone=MOBILE)
    # And a list entry whose facts (not published) name a person's phone
    list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type="abnormal",
        ground="unreachable",
        legal_basis="《企业经营异常名录管理暂行办法》第四条第（四）项",
        department=dept_a,
        decided_on=dt.date(2026, 11, 20),
        ground_established_on=dt.date(2026, 11, 18),
        facts=f"通过登记的住所无法联系，致电经营者{LANDLINE}无人接听。",
        decision_no="郑市监经异〔2026〕99号",
    )
    # When the night's files are written
    result = dumps.write_all()
    # Then the seeded records are really in the files (the scan would prove nothing otherwise)
    assert result["rows"]["penalties"] == 2 and result["rows"]["lists"] == 1
    assert result["files"] == 2 * len(dictionary.DATASETS)
    # And no file, decompressed, holds any of the seeds
    for row in OpenDataFile.objects.all():
        text = gzip.decompress((tmp_path / "open-data" / row.filename).read_bytes()).decode("utf-8")
        if row.dataset in ("entities", "penalties", "lists"):
            assert entity.uscc in text, row.filename
        assert_clean(row.filename, text)
    assert SEEDS  # the same seeds as the page and API crawl
