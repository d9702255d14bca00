"""Credit reports (issue 4 §4): what a report holds, what it never holds, and how it is verified."""

import base64
import datetime as dt
import hashlib
import json
import re
import zlib

import pytest

from core.models import AuditEvent
from credit import services
from credit.choices import CommitmentType, ListGround, ListType
from credit.models import CreditRecord, CreditReport, EntityCredit
from credit.reports import canonical_json, facts_hash, report_facts, report_issue, report_verify, verification_url
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

ID_NUMBER = "410105198803151234"
ENTITY_PHONE = "0371-66889900"
COMMITMENT_PHONE = "13812345678"


# --- reading the PDF ------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)(?:\r?\n)?endstream", re.S)
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream, decoded when it is compressed (reportlab writes ASCII85 over FlateDecode)."""
    out = []
    for raw in _STREAM.findall(pdf):
        data = raw
        if raw.rstrip().endswith(b"~>"):
            data = base64.a85decode(raw.strip(), adobe=True)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        out.append(data)
    return out


def _literal_strings(content: bytes) -> list[bytes]:
    """The ``( … )`` string operands of a content stream, unescaped (PDF 32000 §7.3.4.2)."""
    strings, i, n = [], 0, len(content)
    while i < n:
        if content[i] != ord("("):
            i += 1
            continue
        depth, i, buf = 1, i + 1, bytearray()
        while i < n and depth:
            c = content[i]
            if c == ord("\\"):
                nxt = content[i + 1]
                if ord("0") <= nxt <= ord("7"):
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4]).group()
                    buf.append(int(digits, 8) & 0xFF)
                    i += 1 + len(digits)
                    continue
                buf.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            depth += c == ord("(")
            depth -= c == ord(")")
            if depth:
                buf.append(c)
            i += 1
        strings.append(bytes(buf))
    return strings


def pdf_text(pdf: bytes) -> str:
    """The text drawn in the CID font (UTF-16BE, UniGB-UCS2-H), run together without separators."""
    parts = []
    for stream in _streams(pdf):
        for s in _literal_strings(stream):
            if len(s) % 2 == 0:
                parts.append(s.decode("utf-16-be", errors="replace"))
    return "".join(parts)


def pdf_contains_anywhere(pdf: bytes, phrase: str) -> bool:
    """The phrase in the bytes or inflated streams, as UTF-8, UTF-16BE or UTF-16BE hex, or in the drawn text."""
    blobs = [pdf, *_streams(pdf)]
    forms = [
        phrase.encode(),
        phrase.encode("utf-16-be"),
        phrase.encode("utf-16-be").hex().encode(),
        phrase.encode("utf-16-be").hex().upper().encode(),
    ]
    return any(form in blob for blob in blobs for form in forms) or phrase in pdf_text(pdf)


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def entity(make_entity):
    return make_entity(
        name="郑州信报测试商贸有限公司",
        legal_rep_id_number=ID_NUMBER,
        contact_phone=ENTITY_PHONE,
        registered_address="郑州市金水区花园路1号",
    )


@pytest.fixture
def full_entity(entity, push, dept_a, evaluate, frozen_today):
    """An entity with a public penalty, a licence, an abnormal-list entry and a commitment with a phone."""
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕31号", title="销售过期食品", amount="5000.00"),
        record_data(
            entity.uscc,
            "郑市监许〔2026〕7号",
            category="administrative_licence",
            polarity="neutral",
            title="食品经营许可",
            decided_on="2026-03-02",
        ),
    )
    services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        department=dept_a,
        decided_on=dt.date(2026, 10, 9),
        ground_established_on=dt.date(2026, 9, 28),
        decision_no="郑市监异〔2026〕5号",
    )
    services.commitment_make(
        actor="public",
        entity_uscc=entity.uscc,
        commitment_type=CommitmentType.VOLUNTARY,
        department=dept_a,
        content=services.COMMITMENT_TEMPLATES["voluntary"],
        signatory="王建国",
        due_on=dt.date(2027, 6, 30),
        contact_phone=COMMITMENT_PHONE,
    )
    evaluate([entity.uscc])
    return entity


# --- what a report holds --------------------------------------------------------------------------


def test_report_holds_grade_reasons_public_records_list_entries_and_commitments(full_entity):
    # Given an entity with a penalty, a licence, an abnormal-list entry and a commitment
    credit = EntityCredit.objects.get(entity_id=full_entity.uscc)

    # When a report is issued
    report, pdf = report_issue(entity=full_entity)

    # Then its facts hold each of them
    facts = report.facts
    assert facts["entity"]["uscc"] == full_entity.uscc and facts["entity"]["name"] == "郑州信报测试商贸有限公司"
    assert facts["grade"]["code"] == credit.grade == "DISHONEST"
    assert (facts["grade"]["label"], facts["grade"]["colour"], facts["grade"]["score"]) == ("失信", "red", credit.score)
    assert [r["text"] for r in facts["reasons"]] == [r["text"] for r in credit.reasons]
    assert {r["source_ref"] for r in facts["records"]} == {"郑市监罚〔2026〕31号", "郑市监许〔2026〕7号"}
    penalty = next(r for r in facts["records"] if r["category"] == "administrative_penalty")
    assert (penalty["title"], penalty["amount"], penalty["department"]) == (
        "销售过期食品",
        "5000.00",
        "郑州市市场监督管理局",
    )
    assert [(e["list_type"], e["decision_no"]) for e in facts["list_entries"]] == [("abnormal", "郑市监异〔2026〕5号")]
    assert [c["type_label"] for c in facts["commitments"]] == ["主动型"]
    assert facts["history"] and facts["history"][-1]["grade"] == "DISHONEST"
    # and the PDF shows them, with its serial, content hash and verification URL
    text = pdf_text(pdf)
    for phrase in (
        "公共信用信息报告",
        "失信",
        "销售过期食品",
        "郑市监罚〔2026〕31号",
        "经营异常名录",
        "主动型",
        "第 1 页 共",
        report.serial,
        report.content_hash,
        f"/reports/verify/{report.serial}/",
        full_entity.uscc,
    ):
        assert phrase in text, phrase


def test_report_is_stored_with_both_hashes_and_audited(full_entity):
    report, pdf = report_issue(entity=full_entity, requested_via="接口:政府采购系统")

    assert re.fullmatch(r"XYBG20261122[A-Z2-7]{8}", report.serial)
    assert (
        report.content_hash
        == facts_hash(report.facts)
        == hashlib.sha256(canonical_json(report.facts).encode()).hexdigest()
    )
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    event = AuditEvent.objects.get(action="credit_report.issue")
    assert (event.target_id, event.actor_label, event.after["serial"]) == (
        str(report.pk),
        "接口:政府采购系统",
        report.serial,
    )
    report_issue(entity=full_entity.uscc)
    assert AuditEvent.objects.filter(action="credit_report.issue").order_by("-id").first().actor_label == "public"


def test_report_pdf_starts_with_pdf_and_renders_chinese_with_the_stsong_cid_font(full_entity):
    _, pdf = report_issue(entity=full_entity)

    assert pdf.startswith(b"%PDF-")
    assert b"/BaseFont /STSong-Light" in pdf and b"/Type0" in pdf
    assert b"UniGB-UCS2-H" in pdf


def test_same_facts_give_the_same_bytes_except_serial_and_issue_time(full_entity):
    from credit.reports import render_pdf

    facts = report_facts(entity=full_entity)
    when = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    first = render_pdf(facts=facts, serial="XYBG20261122AAAAAAAA", issued_at=when, content_hash=facts_hash(facts))
    again = render_pdf(
        facts=json.loads(canonical_json(facts)),
        serial="XYBG20261122AAAAAAAA",
        issued_at=when,
        content_hash=facts_hash(facts),
    )
    assert first == again


def test_report_facts_take_a_fixed_number_of_queries_however_many_records(
    full_entity, push, django_assert_max_num_queries
):
    push(*[record_data(full_entity.uscc, f"郑市监罚〔2026〕{100 + i}号", decided_on="2026-10-01") for i in range(30)])

    with django_assert_max_num_queries(12):
        facts = report_facts(entity=full_entity)

    assert len(facts["records"]) == 32


# --- what a report never holds --------------------------------------------------------------------


def test_report_contains_no_confidential_data(full_entity):
    # Given an entity with its representative's ID number and a phone, and a commitment with a contact phone
    report, pdf = report_issue(entity=full_entity)

    serialised = canonical_json(report.facts)
    for secret in (ID_NUMBER, ENTITY_PHONE, COMMITMENT_PHONE, "王建国"):
        # Then none is in the facts nor anywhere in the PDF (raw, inflated, UTF-8, UTF-16BE, hex)
        assert secret not in serialised
        assert not pdf_contains_anywhere(pdf, secret), secret
    # the check itself finds what is there
    assert pdf_contains_anywhere(pdf, full_entity.uscc)


def test_report_contains_no_risk_class(full_entity):
    credit = EntityCredit.objects.get(entity_id=full_entity.uscc)
    assert credit.risk_class  # internal, and set

    report, pdf = report_issue(entity=full_entity)

    serialised = canonical_json(report.facts)
    assert "risk" not in serialised
    text = pdf_text(pdf)
    assert "风险分类" not in text and "风险" not in text
    assert f"{credit.risk_class}类" not in text


# --- verification ---------------------------------------------------------------------------------


def test_genuine_report_verifies_as_current_and_its_file_matches(full_entity):
    report, pdf = report_issue(entity=full_entity)

    result = report_verify(serial=report.serial, pdf_bytes=pdf)

    assert (result.found, result.current, result.file_matches, result.report) == (True, True, True, report)
    assert result.current_hash == report.content_hash
    assert report_verify(serial=report.serial.lower()).file_matches is None


def test_tampered_report_fails_verification(full_entity):
    report, pdf = report_issue(entity=full_entity)
    # a flipped byte in the middle, or a changed figure
    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0xFF
    assert report_verify(serial=report.serial, pdf_bytes=bytes(tampered)).file_matches is False
    changed = pdf.replace(b"%PDF-1.", b"%PDF-2.", 1)  # a changed byte in the header
    assert changed != pdf and len(changed) == len(pdf)
    assert report_verify(serial=report.serial, pdf_bytes=changed).file_matches is False
    assert report_verify(serial=report.serial, pdf_bytes=pdf + b"\n").file_matches is False  # one byte appended
    # an unknown serial is not found
    unknown = report_verify(serial="XYBG20261122ZZZZZZZZ", pdf_bytes=pdf)
    assert (unknown.found, unknown.report, unknown.current) == (False, None, False)


def test_report_whose_facts_changed_is_no_longer_current(full_entity, push, evaluate):
    report, _ = report_issue(entity=full_entity)
    assert report_verify(serial=report.serial).current

    # When a new penalty is pushed and the entity is re-evaluated
    push(
        record_data(
            full_entity.uscc,
            "郑市监罚〔2026〕40号",
            severity="serious",
            title="生产假冒伪劣产品",
            decided_on="2026-11-20",
        )
    )
    evaluate([full_entity.uscc])

    # Then the old report is genuine but 已过期, and a new one holds the new facts
    result = report_verify(serial=report.serial)
    assert result.found and not result.current and result.expired
    assert result.current_hash != report.content_hash
    newer, _ = report_issue(entity=full_entity)
    assert newer.content_hash == result.current_hash
    assert report_verify(serial=newer.serial).current


def test_approved_repair_or_revoked_record_disappears_from_a_new_report(full_entity, push, evaluate, alice):
    push(
        record_data(
            full_entity.uscc, "郑市监罚〔2026〕9号", title="虚假宣传", decided_on="2026-06-01", penalty_types=["fine"]
        )
    )
    evaluate([full_entity.uscc])
    before, _ = report_issue(entity=full_entity)
    assert {"郑市监罚〔2026〕9号", "郑市监罚〔2026〕31号"} <= {r["source_ref"] for r in before.facts["records"]}

    # When one record is repaired (approved) and another revoked
    repaired = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕9号")
    application, _ = services.repair_apply(
        actor="public",
        record=repaired,
        applicant_name="王建国",
        contact_phone="13900001111",
        reason="已缴清罚款并完成整改",
        commitment_accepted=True,
    )
    services.repair_approve(actor=alice, application=application, reason="已履行义务，符合修复条件")
    services.credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="郑市监罚〔2026〕31号"), reason="复议撤销"
    )
    evaluate([full_entity.uscc])

    # Then a new report holds neither, and the old one is no longer current
    after, pdf = report_issue(entity=full_entity)
    refs = {r["source_ref"] for r in after.facts["records"]}
    assert "郑市监罚〔2026〕9号" not in refs and "郑市监罚〔2026〕31号" not in refs
    text = pdf_text(pdf)
    assert "虚假宣传" not in text and "销售过期食品" not in text
    assert not report_verify(serial=before.serial).current


def test_report_for_an_unknown_entity_is_refused(db):
    from supervision.models import MarketEntity

    with pytest.raises(MarketEntity.DoesNotExist):
        report_issue(entity="91410100MA00000000")
    assert not CreditReport.objects.exists()


def test_verification_url_is_absolute_with_public_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://xy.example.gov.cn/"
    assert verification_url("XYBG20261122ABCDEFGH") == "https://xy.example.gov.cn/reports/verify/XYBG20261122ABCDEFGH/"
    settings.PUBLIC_BASE_URL = ""
    assert verification_url("XYBG20261122ABCDEFGH") == "/reports/verify/XYBG20261122ABCDEFGH/"
