"""Error pages show no internals (issue 11, section 3): no exception text, paths, module names or
the URL resolver table on any 400/403/404/413/500 page, HTML or the API's JSON."""

import re

import pytest
from django.test import Client, override_settings

from tests.conftest import SINOPEC

pytestmark = pytest.mark.django_db

# A `/`-rooted filesystem path, a Python module or source file, Django's resolver table, a traceback.
INTERNALS = re.compile(
    r"URLPattern|URLResolver|Traceback|\.py\b|site-packages|/(?:work|home|usr|opt|srv|tmp|root)/"
    r"|\b(?:django|core|credit|enforcement|supervision|inspections|portal|rest_framework)\.[a-z_]+\.[a-z_]+"
)


def _assert_clean(response, status):
    assert response.status_code == status, response.content[:300]
    body = response.content.decode()
    found = INTERNALS.search(body)
    assert found is None, f"{status} page shows {found.group(0)!r}"
    return body


def _error_responses(client, admin_client_of_official):
    crashing = Client(raise_request_exception=False)
    yield 400, client.get(f"/entities/{SINOPEC[:-1]}Z/")  # a wrong check character
    yield 400, client.get("/", HTTP_HOST="evil.example")  # DisallowedHost: handler400
    yield 400, client.get("/api/v1/entities/", HTTP_HOST="evil.example")
    yield 403, admin_client_of_official.get("/admin/auth/group/add/")
    yield 403, Client(enforce_csrf_checks=True).post("/complaints/new/", {"content": "x"})  # no CSRF token
    yield 404, client.get("/no/such/page/")
    yield 404, client.get("/api/v1/no/such/endpoint/")
    yield 404, client.get("/entities/91110000710926094P/x/y/")
    yield (
        413,
        client.post(
            "/complaints/new/",
            data=b"",
            content_type="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(500 * 1024 * 1024),
        ),
    )
    yield (
        413,
        client.post(
            "/api/v1/complaints/", data=b"", content_type="application/json", CONTENT_LENGTH=str(500 * 1024 * 1024)
        ),
    )
    with override_settings(ROOT_URLCONF="tests.core.urls_crash"):
        yield 500, crashing.get("/crash/")
        yield 500, crashing.get("/api/v1/crash/")


def test_error_pages_show_no_internals(client, make_official, dept_a):
    official = make_official("plain-official", dept_a)
    admin_client = Client()
    admin_client.force_login(official)
    for status, response in _error_responses(client, admin_client):
        body = _assert_clean(response, status)
        if response["Content-Type"].startswith("application/json"):
            assert response.json()["errors"][0]["detail"]
        else:
            assert re.search(r"[\u4e00-\u9fff]", body), "the page speaks Chinese"


def test_404_page_does_not_print_the_url_resolver_table(client):
    body = _assert_clean(client.get("/definitely/not/here/"), 404)
    assert "您访问的页面不存在" in body
    assert "definitely" not in body


def test_public_not_found_message_is_still_shown(client):
    body = _assert_clean(client.get("/lists/no-such-list/"), 404)
    assert "未找到该名单" in body
