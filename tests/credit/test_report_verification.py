"""Verifying a report (issue 18 §1.1): the entry form, and ONE verdict for every combination of serial,
facts and uploaded file (never 真实有效 beside 文件不一致)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from core import pdf_signing
from credit.report_pdf import render_pdf
from credit.reports import Verdict, report_issue, report_verify
from tests.conftest import record_data
from tests.credit.test_report_signing import make_certificate
from tests.credit.test_reports import entity, full_entity  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

VERDICT_TEXT = {
    Verdict.NOT_FOUND: "未找到该报告",
    Verdict.CURRENT: "真实有效",
    Verdict.EXPIRED: "报告真实，但已过期",
    Verdict.FILE_CURRENT: "文件真实有效",
    Verdict.FILE_EXPIRED: "文件是原件，但已过期",
    Verdict.SIGNATURE_INVALID: "签名无效：文件已被修改",
    Verdict.FILE_OTHER: "文件与该编号不符",
    Verdict.FILE_DIFFERS: "文件不一致",
}


def edited_after_signing(pdf: bytes) -> bytes:
    """What a PDF editor does: an incremental update after the signature (here the document language)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = pdf_string("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def byte_edited(pdf: bytes) -> bytes:
    """A changed letter inside the signed range, same length (the producer string)."""
    index = pdf.index(b"ReportLab")
    return pdf[:index] + b"ReportLaB" + pdf[index + 9 :]


def upload(client, serial, content: bytes):
    return client.post(f"/reports/verify/{serial}/", {"file": SimpleUploadedFile("r.pdf", content, "application/pdf")})


def the_one_verdict(html: str) -> str:
    verdicts = [v for v in VERDICT_TEXT if f'data-verdict="{v}"' in html]
    assert html.count("data-verdict=") == 1, verdicts
    return verdicts[0]


# --- the verdict of each combination (service) ----------------------------------------------------


def test_each_combination_has_its_one_verdict(full_entity, push, tmp_path, settings):
    report, pdf = report_issue(entity=full_entity)
    _other, other_pdf = report_issue(entity=full_entity)

    def verdict(serial=report.serial, pdf_bytes=None):
        return report_verify(serial=serial, pdf_bytes=pdf_bytes).verdict

    assert verdict(serial="XYBG20261122ZZZZZZZZ") == Verdict.NOT_FOUND
    assert verdict(serial="XYBG20261122ZZZZZZZZ", pdf_bytes=pdf) == Verdict.NOT_FOUND
    assert verdict() == Verdict.CURRENT
    assert verdict(pdf_bytes=pdf) == Verdict.FILE_CURRENT
    # changed inside the signed bytes, or edited afterwards: the signature says so
    assert verdict(pdf_bytes=byte_edited(pdf)) == Verdict.SIGNATURE_INVALID
    assert pdf_signing.check_signature(edited_after_signing(pdf)).state == "invalid"
    assert verdict(pdf_bytes=edited_after_signing(pdf)) == Verdict.SIGNATURE_INVALID
    # a genuine signed report, but another serial's
    assert verdict(pdf_bytes=other_pdf) == Verdict.FILE_OTHER
    # unsigned (a re-rendered look-alike), not a PDF at all, or signed by someone else
    lookalike = render_pdf(
        facts=report.facts, serial=report.serial, issued_at=report.issued_at, content_hash=report.content_hash
    )
    assert verdict(pdf_bytes=lookalike) == Verdict.FILE_DIFFERS
    assert verdict(pdf_bytes=b"not a pdf at all") == Verdict.FILE_DIFFERS
    key, cert = make_certificate(tmp_path, name="冒名签发者")
    settings.REPORT_SIGNING_KEY, settings.REPORT_SIGNING_CERT = str(key), str(cert)
    forged = pdf_signing.sign_pdf(lookalike, reason="冒名")
    settings.REPORT_SIGNING_KEY = settings.REPORT_SIGNING_CERT = ""
    assert pdf_signing.check_signature(forged).valid  # intact, but not ours
    assert verdict(pdf_bytes=forged) == Verdict.FILE_DIFFERS

    # When the facts change, the genuine report and its file are 已过期, the others unchanged
    push(record_data(full_entity.uscc, "郑市监罚〔2026〕30号", decided_on="2026-11-20"))
    assert verdict() == Verdict.EXPIRED
    assert verdict(pdf_bytes=pdf) == Verdict.FILE_EXPIRED
    assert verdict(pdf_bytes=byte_edited(pdf)) == Verdict.SIGNATURE_INVALID
    assert verdict(pdf_bytes=lookalike) == Verdict.FILE_DIFFERS


def test_a_rotated_certificate_keeps_earlier_reports_verifying(full_entity, tmp_path, settings):
    report, pdf = report_issue(entity=full_entity)
    key, cert = make_certificate(tmp_path, name="新证书")
    settings.REPORT_SIGNING_KEY, settings.REPORT_SIGNING_CERT = str(key), str(cert)
    assert report_verify(serial=report.serial, pdf_bytes=pdf).verdict == Verdict.FILE_CURRENT


# --- the page shows exactly one verdict -----------------------------------------------------------


def test_verify_page_shows_exactly_one_verdict_for_each_combination(client, full_entity, push):
    report, pdf = report_issue(entity=full_entity)
    _other, other_pdf = report_issue(entity=full_entity)
    serial = report.serial

    cases = [
        (client.get("/reports/verify/XYBG20261122ZZZZZZZZ/"), Verdict.NOT_FOUND, 404),
        (client.get(f"/reports/verify/{serial}/"), Verdict.CURRENT, 200),
        (client.get(f"/reports/verify/{serial.lower()}/"), Verdict.CURRENT, 200),
        (upload(client, serial, pdf), Verdict.FILE_CURRENT, 200),
        (upload(client, serial, byte_edited(pdf)), Verdict.SIGNATURE_INVALID, 200),
        (upload(client, serial, other_pdf), Verdict.FILE_OTHER, 200),
        (upload(client, serial, b"%PDF-1.4 nothing"), Verdict.FILE_DIFFERS, 200),
    ]
    for response, expected, status in cases:
        html = response.content.decode()
        assert response.status_code == status, expected
        assert the_one_verdict(html) == expected
        assert VERDICT_TEXT[expected] in html
        if expected in (Verdict.SIGNATURE_INVALID, Verdict.FILE_OTHER, Verdict.FILE_DIFFERS):
            assert "真实有效" not in html  # never the green verdict beside a red one
    push(record_data(full_entity.uscc, "郑市监罚〔2026〕30号", decided_on="2026-11-20"))
    html = client.get(f"/reports/verify/{serial}/").content.decode()
    assert the_one_verdict(html) == Verdict.EXPIRED
    assert f"/entities/{full_entity.uscc}/credit-report.pdf" in html  # what to do next: the new report
    html = upload(client, serial, pdf).content.decode()
    assert the_one_verdict(html) == Verdict.FILE_EXPIRED and 'data-signature="valid"' in html


def test_upload_without_a_file_keeps_the_serial_verdict_and_says_what_is_missing(client, full_entity):
    report, _ = report_issue(entity=full_entity)
    html = client.post(f"/reports/verify/{report.serial}/", {}).content.decode()
    assert the_one_verdict(html) == Verdict.CURRENT
    assert "请选择要核验的报告 PDF 文件" in html


# --- the entry form -------------------------------------------------------------------------------


def test_entry_form_explains_where_the_serial_is_and_sends_a_good_one_to_its_page(client, full_entity):
    report, _ = report_issue(entity=full_entity)

    page = client.get("/reports/verify/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_serial">' in html and "每页页脚" in html and "二维码" in html
    assert 'aria-describedby="id_serial_helptext"' in html

    # typed with spaces, in lower case, in full-width characters: still found
    typed = " " + " ".join([report.serial[:4].lower(), report.serial[4:12], report.serial[12:]]) + " "
    response = client.get("/reports/verify/", {"serial": typed})
    assert response.status_code == 302 and response["Location"] == f"/reports/verify/{report.serial}/"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in report.serial)
    assert client.get("/reports/verify/", {"serial": full_width})["Location"] == f"/reports/verify/{report.serial}/"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "请输入报告编号"), ("XYBG2026", "报告编号格式不对"), ("<script>", "报告编号格式不对")],
)
def test_entry_form_refuses_a_bad_serial_and_keeps_what_was_typed(client, db, typed, message):
    response = client.get("/reports/verify/", {"serial": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "field--error" in html
    if typed:
        assert 'value="&lt;script&gt;"' in html if typed == "<script>" else f'value="{typed}"' in html


def test_entry_form_is_rate_limited_per_ip(client, full_entity):
    from core.api.throttling import PublicFormThrottle

    report, _ = report_issue(entity=full_entity)
    original = PublicFormThrottle.THROTTLE_RATES
    PublicFormThrottle.THROTTLE_RATES = {**original, "anon": "2/minute"}
    try:
        codes = [
            client.get("/reports/verify/", {"serial": report.serial}, REMOTE_ADDR="203.0.113.9").status_code
            for _ in range(3)
        ]
    finally:
        PublicFormThrottle.THROTTLE_RATES = original
    assert codes == [302, 302, 429]


def test_verify_pages_in_english(client, full_entity):
    report, _ = report_issue(entity=full_entity)
    from django.utils import translation

    with translation.override("en"):
        from django.template.loader import render_to_string

        from credit.views_reports import ReportSerialForm

        html = render_to_string("credit/report_verify_entry.html", {"form": ReportSerialForm()})
        assert "Verify a credit report" in html and "footer of every page" in html
        result = report_verify(serial=report.serial)
        html = render_to_string(
            "credit/report_verify.html",
            {"serial": report.serial, "result": result, "verdict": result.verdict, "report": report, "entity": {}},
        )
        assert "Genuine and current" in html and "Report number" in html
