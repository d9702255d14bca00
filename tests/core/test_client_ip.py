"""One client address for every per-IP limit (core.net.client_ip), and throttles that fail open
when Redis is down (issue 11, sections 2 and 3)."""

import logging
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from rest_framework.settings import api_settings

from core.api.throttling import AnonIpThrottle, PublicFormThrottle
from core.net import client_ip
from tests.helpers import free_port

pytestmark = pytest.mark.django_db

COMPLAINTS = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _fresh_ip_counters():
    cache.clear()
    yield
    cache.clear()


@contextmanager
def rates(anon: str):
    """The anonymous rate for the API throttle and the public forms' throttle (same setting)."""
    saved = AnonIpThrottle.THROTTLE_RATES, PublicFormThrottle.THROTTLE_RATES
    AnonIpThrottle.THROTTLE_RATES = PublicFormThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": anon,
    }
    try:
        yield
    finally:
        AnonIpThrottle.THROTTLE_RATES, PublicFormThrottle.THROTTLE_RATES = saved


def complaint(n: int = 0) -> dict:
    return {"entity_name": "郑州市二七区某某超市", "content": f"销售过期牛奶。{n}", "whistleblower": False}


def test_client_ip_ignores_forwarded_headers_without_trusted_proxies():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_takes_the_hop_the_trusted_proxy_appended():
    factory = RequestFactory()
    # the proxy (10.0.0.2) appended the address it saw; anything left of it is the client's own claim
    assert (
        client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7"))
        == "198.51.100.7"
    )
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.2"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_forged_forwarded_for_does_not_reset_limits(api, client, dept_a):
    with rates("2/minute"):
        # API: two filings from one address, then a third with a forged header
        api_codes = [
            api.post(COMPLAINTS, complaint(n), format="json", REMOTE_ADDR="198.51.100.7").status_code for n in range(2)
        ]
        forged_api = api.post(
            COMPLAINTS, complaint(3), format="json", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99"
        )
        # Pages: the public form and /track/ share one per-address throttle
        page_codes = [
            client.post("/complaints/new/", {"entity_name": ""}, REMOTE_ADDR="198.51.100.9").status_code
            for _ in range(2)
        ]
        forged_page = client.post(
            "/complaints/new/", {"entity_name": ""}, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.98"
        )
        forged_track = client.post(
            "/track/",
            {"tracking_no": "TS1", "code": "1"},
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR="203.0.113.97",
        )
    assert api_codes == [201, 201]
    assert forged_api.status_code == 429
    assert 429 not in page_codes
    assert forged_page.status_code == 429
    assert forged_track.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_forged_forwarded_for_does_not_reset_limits_behind_one_proxy(api, dept_a):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    with rates("2/minute"):
        codes = [
            api.post(COMPLAINTS, complaint(n), format="json", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code
            for n in range(2)
        ]
        # the client prepends a made-up address; the proxy still appends the real one
        forged = api.post(
            COMPLAINTS, complaint(3), format="json", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7", **proxy
        )
        other_client = api.post(COMPLAINTS, complaint(4), format="json", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert codes == [201, 201]
    assert forged.status_code == 429
    assert other_client.status_code == 201  # the proxy's own address is not one shared limit


@contextmanager
def dead_redis():
    """The cache pointed at a port nobody listens on, with short socket timeouts."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=caches):
        yield


def test_api_serves_when_redis_is_down(api, client, credit_api, dept_a, caplog):
    with dead_redis(), caplog.at_level(logging.WARNING, logger="core.throttling"):
        with pytest.raises(Exception):  # the cache really is down
            cache.get("anything")
        started = time.monotonic()
        keyed = credit_api.get("/api/v1/entities/")
        anonymous = api.post(COMPLAINTS, complaint(), format="json", REMOTE_ADDR="198.51.100.7")
        page = client.post("/complaints/new/", {"entity_name": ""}, REMOTE_ADDR="198.51.100.7")
        elapsed = time.monotonic() - started
    assert keyed.status_code == 200
    assert anonymous.status_code == 201
    assert page.status_code == 200  # the form again, with its errors
    assert elapsed < 10  # bounded by the cache's socket timeouts (the defect: 500s, or a hang)
    assert any("限流缓存不可用" in r.getMessage() for r in caplog.records)


def test_cache_has_short_socket_timeouts(settings):
    options = settings.CACHES["default"]["OPTIONS"]
    assert 0 < options["socket_connect_timeout"] <= 1
    assert 0 < options["socket_timeout"] <= 1
