"""Deploy settings from the environment (issue 11, section 3): HTTPS settings, a CSP with no inline
script, no start on the development SECRET_KEY with DEBUG off, and a clean `check --deploy`."""

import re
import secrets
import subprocess
import sys

import pytest
from django.test import override_settings

from core import dev_certificate
from tests.helpers import BASE_DIR, child_env

TEMPLATES = BASE_DIR / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)

# The variables README's configuration table documents for production (docker-compose.yml sets them).
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "PUBLIC_BASE_URL": "https://portal.example.gov.cn",
}


def _manage(*args, **env):
    environment = child_env(**env)
    for name in [k for k, v in env.items() if v is None]:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def _production_keys() -> dict:
    return {name: secrets.token_urlsafe(48) for name in ("SECRET_KEY", "AUDIT_KEY", "QUERY_CODE_KEY")}


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    # The signing key and certificate (issue 18 §1.1): production's come from the government CA; any
    # readable pair satisfies the check.
    dev_certificate.ensure_dev_certificate(tmp_path / "signing")
    key, cert = dev_certificate.dev_paths(tmp_path / "signing")
    # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/e2e/conftest.py), never production's
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        **_production_keys(),
        REPORT_SIGNING_KEY=str(key),
        REPORT_SIGNING_CERT=str(cert),
        DJANGO_ALLOW_ASYNC_UNSAFE=None,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_portal_refuses_to_start_on_the_development_secret_key():
    keys = _production_keys()
    result = _manage("check", DEBUG="false", SECRET_KEY=None, AUDIT_KEY=keys["AUDIT_KEY"])
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr and "开发" in result.stderr
    # with DEBUG on (a developer's machine) the development key is fine
    assert _manage("check", DEBUG="true", SECRET_KEY=None, AUDIT_KEY=None).returncode == 0


def test_templates_have_no_inline_script_or_event_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        found += [f"{path.relative_to(BASE_DIR)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(BASE_DIR)}: {m.group(0)[:60]}" for m in EVENT_HANDLER.finditer(text)]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/entities/",
        "/complaints/new/",
        "/commitments/new/",
        "/track/",
        "/admin/login/",
        "/field/login/",
        "/api/docs/",
    ],
)
def test_key_pages_send_a_csp_without_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    body = response.content.decode()
    assert INLINE_SCRIPT.search(body) is None
    assert EVENT_HANDLER.search(body) is None


@pytest.mark.django_db
def test_swagger_ui_start_script_is_a_file(client):
    response = client.get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_https_settings_redirect_and_send_hsts(client):
    plain = client.get("/entities/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/entities/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz").status_code == 200  # the container's probe stays on plain HTTP


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/django_celery_beat/periodictask/add/", "/admin/axes/accessattempt/", "/admin/core/user/add/"],
)
def test_admin_pages_have_no_inline_script(client, make_official, dept_a, url):
    from core.choices import Role

    client.force_login(make_official("csp-admin", dept_a, role=Role.PLATFORM_ADMIN, is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert INLINE_SCRIPT.search(response.content.decode()) is None
