"""Objection and repair forms, issue 18 §1.9: the objection's 更正 fields start with the record's
current values and the objection takes evidence files; a repair that cannot succeed is blocked, with
what to do instead, and the typed input kept."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.models import CreditRecord, Objection, ObjectionEvidence, RepairApplication, RepairEvidence
from tests.conftest import record_data
from tests.credit.test_filings_public import PDF, PHONE, FollowingClient, apply_repair, file_objection, page

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return FollowingClient()


@pytest.fixture
def entity(make_entity):
    return make_entity(name="郑州市金水区老王烩面馆")


@pytest.fixture
def record(entity, push):
    push(
        record_data(
            entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05", title="未按规定明码标价", amount="5000.00"
        )
    )
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")


def unchanged(record) -> dict:
    return {
        "correct_title": record.title,
        "correct_content": record.content,
        "correct_decided_on": "2026-01-05",
        "correct_legal_basis": record.legal_basis,
        "correct_amount": "5000.00",
    }


def test_objection_correction_fields_start_with_the_records_current_values(client, record):
    html = page(client.get("/objections/new/", {"record": record.pk}))
    assert 'name="correct_title"' in html and 'value="未按规定明码标价"' in html
    assert 'name="correct_amount"' in html and 'value="5000.00"' in html
    assert 'name="correct_decided_on"' in html and 'value="2026-01-05"' in html
    assert 'name="evidence"' in html and 'enctype="multipart/form-data"' in html


def test_objection_keeps_only_the_corrected_fields_and_its_evidence(client, record):
    evidence = SimpleUploadedFile("复议决定书.pdf", PDF, "application/pdf")
    html = page(
        file_objection(client, record=record, **{**unchanged(record), "correct_amount": "3000.00"}, evidence=[evidence])
    )
    assert "data-tracking-no" in html
    objection = Objection.objects.get()
    assert objection.proposed_corrections == {"amount": "3000.00"}
    assert ObjectionEvidence.objects.filter(objection=objection).count() == 1


def test_objection_evidence_has_the_same_limits_as_elsewhere(client, record):
    bad = SimpleUploadedFile("说明.exe", b"MZ\x90\x00", "application/octet-stream")
    html = page(file_objection(client, record=record, **unchanged(record), evidence=[bad]))
    assert "不是允许的文件类型" in html
    assert Objection.objects.count() == 0
    assert PHONE in html  # the applicant's own form keeps what they typed


def test_objection_to_a_list_entry_has_no_correction_fields(client, entity, dept_a):
    from credit import services
    from credit.choices import ListGround, ListType

    entry = services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    html = page(client.get("/objections/new/", {"list_entry": entry.pk}))
    assert 'name="correct_title"' not in html and 'name="evidence"' in html


def test_repair_that_cannot_succeed_offers_no_submit_and_says_what_to_do(client, entity, push):
    push(record_data(entity.uscc, "郑市监罚〔2026〕9号", decided_on="2026-10-01"))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕9号")
    html = page(client.get("/repairs/new/", {"record": record.pk}))
    assert "不能提交申请" in html and "2027-01-01" in html
    assert f"/objections/new/?record={record.pk}" in html  # what to do instead: an objection
    assert "提交申请</button>" not in html and 'name="applicant_name"' not in html


def test_repair_post_that_cannot_succeed_is_blocked_server_side_keeping_the_input(client, entity, push):
    push(record_data(entity.uscc, "郑市监罚〔2026〕9号", decided_on="2026-10-01"))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕9号")
    evidence = SimpleUploadedFile("缴款凭证.pdf", PDF, "application/pdf")
    html = page(apply_repair(client, record, [evidence], reason="已缴纳罚款并完成整改，附凭证。"))
    assert "本次申请未提交" in html and "提出异议" in html
    assert PHONE in html and "已缴纳罚款并完成整改，附凭证。" in html  # the typed input stays
    assert RepairApplication.objects.count() == 0 and RepairEvidence.objects.count() == 0
