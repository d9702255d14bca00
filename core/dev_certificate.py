"""The self-signed development certificate that signs PDFs when no real one is configured (issue 18 §1.1).

``make run`` creates it on first start (and says so); the tests and ``manage.py`` beside it create it
on first use. Production configures a certificate of the government CA instead (README, 报告签名), and
``manage.py check --deploy`` warns while this one is in use.

Key and certificate are written into a temporary directory that is then renamed into place: renaming
a directory onto an existing one fails, so two processes starting at once (gunicorn workers, test
workers) never end up with a key from one and a certificate from the other.
"""

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEY_NAME = "dev-signing-key.pem"
CERT_NAME = "dev-signing-cert.pem"
VALID_DAYS = 10 * 365
# One name part: asn1crypto takes about three times as long to sign with a subject of several Chinese
# parts (C, O, CN: ~110 ms against ~35 ms CPU a signature, measured for issue 18).
SUBJECT = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "综合监管平台 开发用证书（无法律效力）")])


def dev_paths(directory) -> tuple[Path, Path]:
    directory = Path(directory)
    return directory / KEY_NAME, directory / CERT_NAME


def _write(directory: Path) -> None:
    # RSA 2048: every PDF reader verifies it (ECDSA is not shown by some older readers).
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non-repudiation: what document signing certificates carry
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(SUBJECT)
        .issuer_name(SUBJECT)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = dev_paths(directory)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def ensure_dev_certificate(directory) -> bool:
    """Create the development key and certificate in ``directory`` unless they exist; True if created now."""
    directory = Path(directory)
    key_path, cert_path = dev_paths(directory)
    if key_path.exists() and cert_path.exists():
        return False
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=directory.parent))
    try:
        _write(staging)
        os.chmod(staging, 0o700)
        try:
            os.rename(staging, directory)
        except OSError:  # another process won, or an old empty directory is in the way
            if directory.exists() and not any(directory.iterdir()):
                directory.rmdir()
                os.rename(staging, directory)
            elif not (key_path.exists() and cert_path.exists()):
                raise
            else:
                return False
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
