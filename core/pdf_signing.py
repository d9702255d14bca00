"""PDF digital signatures (PAdES, with pyHanko): sign the portal's documents, check an uploaded one.

Issue 18 §1.1: the credit report and the 行政处罚决定书 are signed, so any PDF reader shows who issued
them and that they are unchanged, as 信用中国's sealed reports do. The signature is PAdES baseline
(ETSI EN 319 142-1, sub-filter ETSI.CAdES.detached, SHA-256) and certifies the document with DocMDP
"no changes allowed": a reader flags any later edit.

Key and certificate come from settings (``REPORT_SIGNING_KEY``, ``REPORT_SIGNING_CERT``, optional
``REPORT_SIGNING_KEY_PASSPHRASE``, PEM or DER). Both unset: the self-signed development certificate
under ``REPORT_SIGNING_DEV_DIR`` (``core.dev_certificate``), created on first use.

pyHanko signs with RSA, ECDSA or EdDSA only. 国密 SM2/SM3 signatures (GB/T 38540 electronic seals)
need another signer; README (报告签名) says where it would replace this module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_certs_from_pemder
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core import dev_certificate

logger = logging.getLogger("core.pdf_signing")

FIELD_NAME = "Signature1"
# Room for the CMS signature: an RSA-4096 signature with a certificate chain of three fits in 12 KB.
# Fixed, so pyHanko does not sign twice to measure it (half the time of a signature).
BYTES_RESERVED = 12 * 1024


class _Signer(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses its private key on every signature (``load_der_private_key`` of
    the re-encoded key: most of the time of a signature); this one keeps the parsed key of the process.
    Mechanisms other than RSA PKCS#1 v1.5 and ECDSA (PSS, EdDSA) take pyHanko's own path."""

    def __init__(self, *, pyca_key, **kwargs):
        super().__init__(**kwargs)
        self.pyca_key = pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.pyca_key, RSAPrivateKey):
            return self.pyca_key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self.pyca_key, EllipticCurvePrivateKey):
            return self.pyca_key.sign(data, signature_algorithm=ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls use ``asyncio.run``, which refuses to run in a thread whose event loop is
    running (an ASGI server's, a browser test's): there, run them in a thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def key_and_cert_paths() -> tuple[Path, Path, bool]:
    """The configured key and certificate paths, and whether they are the development certificate."""
    key, cert = settings.REPORT_SIGNING_KEY, settings.REPORT_SIGNING_CERT
    if key and cert:
        return Path(key), Path(cert), False
    if key or cert:
        raise ImproperlyConfigured("REPORT_SIGNING_KEY 与 REPORT_SIGNING_CERT 须同时设置（签名私钥与证书）。")
    key_path, cert_path = dev_certificate.dev_paths(settings.REPORT_SIGNING_DEV_DIR)
    return key_path, cert_path, True


def _read_key(data: bytes, passphrase: bytes | None):
    loader = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    return loader(data, password=passphrase)


@functools.lru_cache(maxsize=4)
def _load(key_path: str, cert_path: str, passphrase: str, mtime: float) -> _Signer:
    try:
        pyca_key = _read_key(Path(key_path).read_bytes(), passphrase.encode() or None)
        cert, *chain = load_certs_from_pemder([cert_path])  # the signer's, then its CA chain if given
    except (OSError, ValueError, TypeError) as exc:  # unpacking an empty file is a ValueError too
        raise ImproperlyConfigured(
            f"无法载入签名私钥或证书（{key_path}，{cert_path}）：{exc}。"
            "请检查文件格式（PEM/DER）与私钥口令 REPORT_SIGNING_KEY_PASSPHRASE。"
        ) from exc
    return _Signer(
        pyca_key=pyca_key,
        signing_key=translate_pyca_cryptography_key_to_asn1(pyca_key),
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def signer() -> _Signer:
    """The signer of this process (loaded once per configuration and file change)."""
    key_path, cert_path, development = key_and_cert_paths()
    if development:
        dev_certificate.ensure_dev_certificate(settings.REPORT_SIGNING_DEV_DIR)
    for path in (key_path, cert_path):
        if not path.is_file():
            raise ImproperlyConfigured(f"签名私钥或证书文件不存在：{path}（见 README“报告签名”）。")
    mtime = max(key_path.stat().st_mtime, cert_path.stat().st_mtime)
    return _load(str(key_path), str(cert_path), settings.REPORT_SIGNING_KEY_PASSPHRASE, mtime)


def certificate_fingerprint() -> str:
    """SHA-256 of the signing certificate (DER), hex: stored with each signed report."""
    return signer().signing_cert.sha256.hex()


def subject_name(cert) -> str:
    """The certificate's organisation and common name, as people read them ("郑州市市场监督管理局 某某"),
    without asn1crypto's English field labels."""
    native = cert.subject.native
    parts = [native.get("organization_name"), native.get("common_name")]
    parts = [p if isinstance(p, str) else " ".join(p) for p in parts if p]
    return " ".join(dict.fromkeys(parts)) or cert.subject.human_friendly


def sign_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with a PAdES signature appended as an incremental update (the original bytes stay a prefix)."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    signing = signer()  # a configuration error first, before the document is read
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signing, bytes_reserved=BYTES_RESERVED)
    return output.getvalue()


# --- checking a PDF -------------------------------------------------------------------------------


class SignatureState:
    VALID = "valid"  # intact, cryptographically valid, covering the whole file
    INVALID = "invalid"  # a signature whose document was changed afterwards, or that does not verify
    ABSENT = "absent"  # a PDF with no signature
    UNREADABLE = "unreadable"  # not a PDF, or one pyHanko cannot parse


@dataclass(frozen=True)
class SignatureCheck:
    state: str
    signer: str = ""
    fingerprint: str = ""  # SHA-256 of the signer's certificate, hex
    signed_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.state == SignatureState.VALID


def check_signature(pdf: bytes) -> SignatureCheck:
    """Validate the last signature of ``pdf`` (pyHanko): is it intact and does it cover the whole file?

    Whose signature it is, is the caller's question: compare ``fingerprint`` with the certificates the
    portal signs with. The certificate is taken as its own trust anchor here, so no chain or revocation
    is fetched (no network on a public page); trust comes from that fingerprint comparison.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # any parse error of an uploaded file: a verdict, never a 500
        logger.info("上传的 PDF 无法解析：%s: %s", type(exc).__name__, exc)
        return SignatureCheck(SignatureState.UNREADABLE)
    if not embedded:
        return SignatureCheck(SignatureState.ABSENT)
    signature = embedded[-1]
    try:
        cert = signature.signer_cert
        status = _outside_event_loop(validate_pdf_signature, signature, ValidationContext(trust_roots=[cert]))
    except Exception as exc:
        logger.info("上传的 PDF 签名无法验证：%s: %s", type(exc).__name__, exc)
        return SignatureCheck(SignatureState.INVALID)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ok = status.intact and status.valid and whole
    return SignatureCheck(
        SignatureState.VALID if ok else SignatureState.INVALID,
        signer=subject_name(cert),
        fingerprint=cert.sha256.hex(),
        signed_at=getattr(status, "signer_reported_dt", None),
    )
