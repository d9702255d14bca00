"""Static files hashed and compressed by default, with long cache headers, never a 500 (issue 16 §1).

The suite renders with the plain storage (pyproject.toml sets STATIC_MANIFEST=0 for the tests);
these tests check the production path on a real ``collectstatic`` (tests/conftest.py
``production_static``): WhiteNoise in front of Django, as gunicorn serves it.
"""

import re
import subprocess
import sys

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from tests.helpers import BASE_DIR, child_env

TEN_YEARS = 315_360_000  # WhiteNoise's "forever"; at least the year the issue asks for


def test_default_settings_hash_and_compress_static_files():
    # Given the environment of a deployment that says nothing about static files (nor DEBUG)
    env = {k: v for k, v in child_env().items() if k not in ("STATIC_MANIFEST", "DEBUG")}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_MANIFEST_STRICT)"
    )
    # When the settings load
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    # Then static files go through the hashed, compressed storage, lenient about a missing entry
    assert out == ["portal.staticfiles.PortalStaticFilesStorage", "False"]


def test_a_hashed_file_is_served_compressed_and_cached_for_good(production_static, db):
    url = staticfiles_storage.url("css/portal.css")
    assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", url)

    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    cache = response["Cache-Control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= TEN_YEARS
    assert int(response["Content-Length"]) < (BASE_DIR / "static/css/portal.css").stat().st_size / 2


def test_an_unhashed_name_is_cached_briefly(production_static, db):
    response = Client().get("/static/css/portal.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) <= 60


def test_public_pages_reference_only_collected_files(production_static, client, make_entity, evaluate):
    """With the manifest strict, a template naming a file that is not collected fails here, not in production."""
    entity = make_entity()
    evaluate([entity.uscc])
    for path in ("/", f"/entities/{entity.uscc}/", "/penalties/", "/commitments/new/", "/reports/verify/"):
        html = client.get(path).content.decode()
        for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            assert re.search(r"\.[0-9a-f]{12}\.", url), url
            assert Client().get(url).status_code == 200, url


def test_a_missing_manifest_entry_falls_back_to_the_plain_url_instead_of_a_500(production_static, settings):
    # Given production's lenient manifest (the fallback in portal/staticfiles.py)
    settings.WHITENOISE_MANIFEST_STRICT = False
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage that reads the setting
    # Then a name collectstatic never saw still gets a URL
    assert staticfiles_storage.url("css/not-collected.css") == "/static/css/not-collected.css"
    # And the strict manifest the tests use refuses it
    settings.WHITENOISE_MANIFEST_STRICT = True
    settings.STORAGES = {**settings.STORAGES}
    with pytest.raises(ValueError):
        staticfiles_storage.url("css/not-collected.css")


# --- gzip for public HTML, never next to a secret (BREACH) -----------------------------------------


def test_public_html_is_gzipped(client, make_entity):
    entity = make_entity()
    response = client.get(f"/entities/{entity.uscc}/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_no_gzip_with_a_session_or_a_csrf_token(client, make_entity):
    entity = make_entity()
    # A page with a form sets the CSRF cookie: the token is in the body, so it is not compressed
    form = client.get("/complaints/new/", HTTP_ACCEPT_ENCODING="gzip")
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    assert not form.has_header("Content-Encoding")
    # A browser with a session (a logged-in official or entity) gets its pages uncompressed
    client.cookies["sessionid"] = "x" * 32
    page = client.get(f"/entities/{entity.uscc}/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and not page.has_header("Content-Encoding")


def test_no_gzip_for_other_content_types(client, make_entity):
    entity = make_entity()
    feed = client.get(f"/entities/{entity.uscc}/feed.atom", HTTP_ACCEPT_ENCODING="gzip")
    assert feed.status_code == 200 and not feed.has_header("Content-Encoding")
