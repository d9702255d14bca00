"""The printed report (issue 18 §1.1, §2): absolute 核验地址 with a link annotation, 异议处理中 marks, and
the English PDF whose content hash is the Chinese one's."""

import re
import zlib

import pytest

from credit import services
from credit.models import CreditRecord, ListEntry
from credit.reports import facts_hash, report_facts, report_issue, report_verify
from tests.credit.test_reports import entity, full_entity, pdf_text  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

BASE = "https://xy.example.gov.cn"


def squashed(text: str) -> str:
    """Without white space: table cells wrap English at spaces, and the drawn lines join without one."""
    return re.sub(r"\s+", "", text)


def in_pdf(phrase: str, pdf: bytes) -> bool:
    return squashed(phrase) in squashed(pdf_text(pdf))


def uri_actions(pdf: bytes) -> list[str]:
    """The URIs of the link annotations (/Annot /Link with /A << /S /URI /URI (…) >>)."""
    found = re.findall(rb"/URI \((.*?)\)", pdf)
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):  # pyHanko's object streams
        try:
            found += re.findall(rb"/URI \((.*?)\)", zlib.decompress(stream))
        except zlib.error:
            pass
    return [u.decode() for u in found]


def test_qr_code_and_printed_address_are_absolute_and_the_address_is_a_link(settings, full_entity):
    settings.PUBLIC_BASE_URL = BASE

    report, pdf = report_issue(entity=full_entity)

    url = f"{BASE}/reports/verify/{report.serial}/"
    assert url in pdf_text(pdf)
    assert url in uri_actions(pdf)  # a clickable /URI action on the 核验地址
    assert b"/Subtype /Link" in pdf


def test_objection_in_progress_is_marked_on_records_and_list_entries_and_changes_the_hash(full_entity):
    before, _ = report_issue(entity=full_entity)
    assert "异议处理中" not in pdf_text(_)  # nor the note explaining the mark
    assert all("under_objection" not in r for r in before.facts["records"])  # absent when none: old hashes hold

    # When the entity objects to its penalty and to its list entry
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕31号")
    entry = ListEntry.objects.get(entity=full_entity)
    for target in ({"record": record}, {"list_entry": entry}):
        services.objection_file(
            actor="public", applicant_name="王建国", contact_phone="13900001111", reason="信息有误", **target
        )

    # Then a new report marks both, the earlier one is no longer current, and the marks are in the PDF
    after, pdf = report_issue(entity=full_entity)
    marked = {r["source_ref"] for r in after.facts["records"] if r.get("under_objection")}
    assert marked == {"郑市监罚〔2026〕31号"}
    assert [e.get("under_objection") for e in after.facts["list_entries"]] == [True]
    text = pdf_text(pdf)
    assert "销售过期食品（异议处理中）" in text and "经营异常名录（异议处理中）" in text
    assert after.content_hash != before.content_hash
    assert report_verify(serial=before.serial).verdict == "expired"
    # and in English
    _report, english = report_issue(entity=full_entity, language="en")
    assert in_pdf("(objection in progress)", english)


def test_english_report_has_english_labels_and_the_same_content_hash(full_entity):
    chinese, zh_pdf = report_issue(entity=full_entity)
    english, en_pdf = report_issue(entity=full_entity, language="en")

    # The verification hash covers the facts, not the language
    assert english.content_hash == chinese.content_hash == facts_hash(report_facts(entity=full_entity))
    assert english.facts == chinese.facts
    assert (english.language, chinese.language) == ("en", "zh-hans")
    for phrase in (
        "Public Credit Information Report",
        "The Chinese version of this report is authoritative.",
        "Unified Social Credit Code (USCC)",
        "Discredited",
        "Administrative penalty",
        "List of Enterprises with Abnormal Operations",
        "Voluntary",
        "Page 1 of",
        "Verify at",
        "published until",  # a grade reason from the evaluation's templates, in English
    ):
        assert in_pdf(phrase, en_pdf), phrase
    # the entity name stays as registered, and no Chinese heading is left
    text = pdf_text(en_pdf)
    assert "郑州信报测试商贸有限公司" in text
    for heading in ("公共信用信息报告", "一、基本信息", "评价理由", "说明", "第 1 页"):
        assert heading not in text, heading
    assert "Public Credit Information Report" not in pdf_text(zh_pdf)
    # each verifies as genuine and current
    assert report_verify(serial=english.serial, pdf_bytes=en_pdf).verdict == "file_current"


def test_download_takes_the_language_and_refuses_another(client, full_entity):
    url = f"/entities/{full_entity.uscc}/credit-report.pdf"
    english = client.get(url, {"lang": "en"})
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert in_pdf("Public Credit Information Report", english.content)
    assert "credit_report_" in english["Content-Disposition"]
    chinese = client.get(url, {"lang": "zh-hans"})
    assert "公共信用信息报告" in pdf_text(chinese.content) and chinese["Content-Language"] == "zh-Hans"
    assert "公共信用信息报告" in pdf_text(client.get(url).content)  # no choice: the page's language (Chinese)

    refused = client.get(url, {"lang": "fr"})
    assert refused.status_code == 400 and "zh-hans" in refused.content.decode()
    # a non-canonical code keeps the language through the redirect
    moved = client.get(f"/entities/{full_entity.uscc.lower()}/credit-report.pdf", {"lang": "en"})
    assert moved.status_code == 302 and moved["Location"].endswith(f"{url}?lang=en")


@pytest.mark.django_db
def test_entity_page_offers_the_report_in_its_language_and_in_the_other(client, entity):
    page = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert "credit-report.pdf?lang=zh-hans" in page and "credit-report.pdf?lang=en" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert 'data-report-lang="en"' in page and "Chinese version (legally authoritative)" in page
    assert f'href="/entities/{entity.uscc}/credit-report.pdf?lang=zh-hans"' in page
