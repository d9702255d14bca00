"""Signed reports and decisions (issue 18 §1.1): PAdES with pyHanko, validated by pyHanko itself; the
file hash is of the signed bytes served; the key and certificate come from settings; signing is fast."""

import hashlib
import io
import statistics
import subprocess
import sys
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core import dev_certificate, pdf_signing
from credit.reports import report_issue, report_verify
from tests.credit.test_reports import entity, full_entity  # noqa: F401  (fixtures)
from tests.helpers import BASE_DIR, child_env

pytestmark = pytest.mark.django_db


def _configured_certificate() -> x509.Certificate:
    return x509.load_pem_x509_certificate(pdf_signing.key_and_cert_paths()[1].read_bytes())


def make_certificate(directory, *, name="郑州市某政务CA测试证书", passphrase=None):
    """An ECDSA P-256 key and certificate in PEM files (another issuer than the development one)."""
    import datetime as dt

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    key_path, cert_path = directory / "key.pem", directory / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_report_is_a_pades_signature_pyhanko_validates_as_intact_and_by_our_certificate(full_entity):
    # When a report is issued
    report, pdf = report_issue(entity=full_entity)

    # Then pyHanko finds one PAdES signature covering the whole file, intact and valid, made with the
    # configured certificate (trusted here as the root, as a reader trusts the government CA)
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    ours = _configured_certificate()
    assert signature.signer_cert.dump() == ours.public_bytes(serialization.Encoding.DER)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[signature.signer_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert report.serial in signature.sig_object["/Reason"]
    # and the stored file hash is of these signed bytes, with the certificate's fingerprint
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.signer_fingerprint == hashlib.sha256(ours.public_bytes(serialization.Encoding.DER)).hexdigest()


def test_downloaded_report_is_the_signed_file_whose_hash_is_stored(client, full_entity):
    response = client.get(f"/entities/{full_entity.uscc}/credit-report.pdf")

    from credit.models import CreditReport

    report = CreditReport.objects.get(serial=response["X-Report-Serial"])
    assert hashlib.sha256(response.content).hexdigest() == report.pdf_sha256
    assert pdf_signing.check_signature(response.content).valid
    assert report_verify(serial=report.serial, pdf_bytes=response.content).verdict == "file_current"


def test_signing_a_report_takes_little_time(full_entity):
    """Signing costs tens of milliseconds of CPU (measured as process time, so a busy CI machine does not
    fail it): pyHanko re-parsing the key and signing twice to size the signature made it ~200 ms."""
    report, _ = report_issue(entity=full_entity)  # warm: the key is loaded once per process
    from credit.report_pdf import render_pdf

    unsigned = render_pdf(
        facts=report.facts, serial=report.serial, issued_at=report.issued_at, content_hash=report.content_hash
    )
    timings = []
    for _ in range(10):
        start = time.process_time()
        pdf_signing.sign_pdf(unsigned, reason="计时")
        timings.append((time.process_time() - start) * 1000)
    median = statistics.median(timings)
    print(f"signing one report: median {median:.1f} ms CPU, max {max(timings):.1f} ms")
    assert median < 80, timings


def test_configured_key_with_passphrase_signs_and_the_verify_page_knows_its_certificate(
    settings, tmp_path, full_entity
):
    key_path, cert_path = make_certificate(tmp_path, passphrase="口令-2026")
    settings.REPORT_SIGNING_KEY, settings.REPORT_SIGNING_CERT = str(key_path), str(cert_path)
    settings.REPORT_SIGNING_KEY_PASSPHRASE = "口令-2026"

    report, pdf = report_issue(entity=full_entity)

    check = pdf_signing.check_signature(pdf)
    assert check.valid and "郑州市某政务CA测试证书" in check.signer
    assert check.fingerprint == report.signer_fingerprint == pdf_signing.certificate_fingerprint()
    # a wrong passphrase is a clear configuration error, not a 500 with a stack of ASN.1
    settings.REPORT_SIGNING_KEY_PASSPHRASE = "错误口令"
    with pytest.raises(ImproperlyConfigured, match="REPORT_SIGNING_KEY_PASSPHRASE"):
        pdf_signing.signer()


def test_missing_configured_files_are_named(settings, tmp_path):
    settings.REPORT_SIGNING_KEY = str(tmp_path / "nope-key.pem")
    settings.REPORT_SIGNING_CERT = str(tmp_path / "nope-cert.pem")
    with pytest.raises(ImproperlyConfigured, match=r"nope-key\.pem"):
        pdf_signing.sign_pdf(b"%PDF-1.4", reason="x")
    from core.checks import signing_files_exist

    assert {e.id for e in signing_files_exist(None)} == {"portal.E181"}


def test_development_certificate_is_created_once_and_atomically(tmp_path):
    directory = tmp_path / "signing"
    assert dev_certificate.ensure_dev_certificate(directory) is True
    key_path, cert_path = dev_certificate.dev_paths(directory)
    first = cert_path.read_bytes()
    assert dev_certificate.ensure_dev_certificate(directory) is False
    assert cert_path.read_bytes() == first
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    cert = x509.load_pem_x509_certificate(first)
    assert "开发" in cert.subject.rfc4514_string() and "无法律效力" in cert.subject.rfc4514_string()
    assert not list(tmp_path.glob(".signing-*"))  # no staging directory left behind


def test_check_deploy_warns_about_the_development_certificate_and_a_missing_public_base_url(tmp_path):
    env = child_env(DEBUG="true", PUBLIC_BASE_URL="", REPORT_SIGNING_KEY="", REPORT_SIGNING_CERT="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert "portal.W181" in result.stdout + result.stderr and "portal.W182" in result.stdout + result.stderr


def usage(**on) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement")
    names += ("key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: on.get(name, False) for name in names})


def test_a_ca_issued_certificate_with_its_chain_validates_up_to_the_ca(settings, tmp_path, full_entity):
    """Production's shape (README, 报告签名): a leaf issued by the government CA, its chain after it in the
    certificate file; the signature embeds the chain and validates with the CA as the only trust root."""
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "某省政务CA（测试）")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "郑州市市场监督管理局")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(usage(digital_signature=True, content_commitment=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key_path, cert_path = tmp_path / "key.pem", tmp_path / "chain.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, ca)))
    settings.REPORT_SIGNING_KEY, settings.REPORT_SIGNING_CERT = str(key_path), str(cert_path)

    report, pdf = report_issue(entity=full_entity)

    from asn1crypto import x509 as asn1_x509

    ca_asn1 = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert ca_asn1.sha256 in {c.sha256 for c in signature.other_embedded_certs}
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[ca_asn1]))
    assert status.intact and status.valid and status.trusted
    assert report_verify(serial=report.serial, pdf_bytes=pdf).verdict == "file_current"
