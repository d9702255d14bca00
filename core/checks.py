"""System checks of the deployment settings that Django does not know (issue 18 §1.1).

``manage.py check`` errors on a configured signing key or certificate that is missing; ``check
--deploy`` also warns while reports would print site-relative 核验地址 (no ``PUBLIC_BASE_URL``) or
be signed with the self-signed development certificate.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def signing_files_exist(app_configs, **kwargs):
    problems = []
    for name in ("REPORT_SIGNING_KEY", "REPORT_SIGNING_CERT"):
        value = getattr(settings, name, "")
        if value and not Path(value).is_file():
            problems.append(
                checks.Error(f"{name} 指向的文件不存在：{value}", hint="见 README“报告签名”。", id="portal.E181")
            )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def public_documents_deploy(app_configs, **kwargs):
    problems = []
    if not settings.PUBLIC_BASE_URL:
        problems.append(
            checks.Warning(
                "未设置 PUBLIC_BASE_URL：信用报告上的核验地址和二维码只是相对路径，纸质报告无法核验。",
                hint="设置为门户的公网地址，例如 https://xy.example.gov.cn",
                id="portal.W181",
            )
        )
    if not (settings.REPORT_SIGNING_KEY and settings.REPORT_SIGNING_CERT):
        problems.append(
            checks.Warning(
                "信用报告和行政处罚决定书正以开发用自签名证书签名。",
                hint="设置 REPORT_SIGNING_KEY、REPORT_SIGNING_CERT（政务 CA 签发的证书，见 README“报告签名”）。",
                id="portal.W182",
            )
        )
    return problems
