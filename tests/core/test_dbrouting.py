"""The replica router and its middleware, without a replica (issue 16 §5; the real replica is
tests/core/test_replica.py): where reads and writes go, which requests are public reads, the
read-your-writes pin, and the 503 when the database cannot be reached."""

import time

import pytest
from django.conf import settings
from django.core import signing
from django.core.handlers.exception import convert_exception_to_response
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core import dbrouting
from core.dbrouting import PRIMARY, REPLICA, ReplicaRouter, database_unavailable
from core.replica_middleware import (
    PIN_COOKIE,
    PRIMARY_DOWN,
    ReplicaRoutingMiddleware,
    is_pinned,
    is_public_read,
)
from supervision.models import MarketEntity

router = ReplicaRouter()
rf = RequestFactory()
WITH_REPLICA = {**settings.DATABASES, "replica": {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}}


def test_without_a_replica_there_is_one_database_and_no_router():
    assert set(settings.DATABASES) == {"default"}
    assert getattr(settings, "DATABASE_ROUTERS", []) == []
    assert not dbrouting.replica_configured()


def test_outside_a_public_request_everything_reads_and_writes_the_primary():
    # Celery tasks, management commands and tests: no request context
    assert dbrouting.current() is None
    assert router.db_for_read(MarketEntity) == PRIMARY
    assert router.db_for_write(MarketEntity) == PRIMARY


def test_a_public_request_reads_the_replica_until_it_writes():
    token = dbrouting.begin_request(use_replica=True)
    try:
        assert router.db_for_read(MarketEntity) == REPLICA
        # When the request writes, the write goes to the primary and so do its later reads
        assert router.db_for_write(MarketEntity) == PRIMARY
        assert router.db_for_read(MarketEntity) == PRIMARY
    finally:
        routing = dbrouting.end_request(token)
    assert routing.wrote
    assert dbrouting.current() is None


def test_a_request_not_marked_public_reads_the_primary():
    token = dbrouting.begin_request(use_replica=False)
    try:
        assert router.db_for_read(MarketEntity) == PRIMARY
    finally:
        dbrouting.end_request(token)


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary():
    token = dbrouting.begin_request(use_replica=True)
    try:
        with transaction.atomic():
            assert router.db_for_read(MarketEntity) == PRIMARY
        assert router.db_for_read(MarketEntity) == PRIMARY  # the request has used the primary for a transaction
    finally:
        dbrouting.end_request(token)


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate(PRIMARY, "supervision")
    assert not router.allow_migrate(REPLICA, "supervision")
    assert router.allow_relation(object(), object())


@pytest.mark.parametrize(
    "method,path,public",
    [
        ("GET", "/", True),
        ("GET", "/entities/91410100MA00000000/", True),
        ("HEAD", "/penalties/", True),
        ("GET", "/lists/serious/feed.atom", True),
        ("GET", "/api/open/v1/entities/", True),
        ("GET", "/open-data/", True),
        ("GET", "/rules/", True),
        ("GET", "/inspections/plans/1/", True),
        # the officials, the entity side, the keyed API, the filings and every write: the primary
        ("GET", "/admin/", False),
        ("GET", "/field/", False),
        ("GET", "/enterprise/", False),
        ("GET", "/api/v1/entities/", False),
        ("GET", "/complaints/new/", False),
        ("GET", "/lists/exit/new/", False),
        ("GET", "/penalties/3/early-stop/", False),
        ("GET", "/entities/91410100MA00000000/credit-report.pdf", False),
        ("GET", "/track/", False),
        ("GET", "/readyz", False),
        ("POST", "/entities/", False),
        ("POST", "/api/open/v1/entities/", False),
    ],
)
def test_which_requests_are_public_reads(method, path, public):
    assert is_public_read(rf.generic(method, path)) is public


def _pin_signed_seconds_ago(seconds: int, monkeypatch) -> str:
    """A pin cookie as the middleware writes it, signed ``seconds`` ago (Django's signer's clock)."""
    moment = int(time.time()) - seconds
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(moment))
    response = ReplicaRoutingMiddleware(lambda request: HttpResponse("ok"))(rf.post("/complaints/new/"))
    monkeypatch.undo()
    return response.cookies[PIN_COOKIE].value


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@override_settings(DATABASES=WITH_REPLICA, REPLICA_PIN_SECONDS=5)
def test_a_write_pins_the_browser_to_the_primary_for_the_pin_seconds(monkeypatch):
    # Given a replica is configured, when a browser POSTs
    middleware = ReplicaRoutingMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(rf.post("/complaints/new/"))
    # Then it gets a signed pin cookie for REPLICA_PIN_SECONDS, and its next request is pinned
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    follow = rf.get("/entities/")
    follow.COOKIES[PIN_COOKIE] = cookie.value
    assert is_pinned(follow)
    # And a forged or expired pin counts for nothing
    forged = rf.get("/entities/")
    forged.COOKIES[PIN_COOKIE] = cookie.value[:-2] + "xx"
    assert not is_pinned(forged)
    expired = rf.get("/entities/")
    expired.COOKIES[PIN_COOKIE] = _pin_signed_seconds_ago(6, monkeypatch)
    assert not is_pinned(expired)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@override_settings(DATABASES=WITH_REPLICA)
def test_a_get_that_wrote_pins_too_and_a_plain_get_does_not():
    def writes(request):
        router.db_for_write(MarketEntity)
        return HttpResponse("ok")

    # (the admin: never a public read, so the replica's state is not asked)
    assert PIN_COOKIE in ReplicaRoutingMiddleware(writes)(rf.get("/admin/")).cookies
    assert PIN_COOKIE not in ReplicaRoutingMiddleware(lambda r: HttpResponse("ok"))(rf.get("/admin/")).cookies


def test_without_a_replica_nothing_is_pinned():
    response = ReplicaRoutingMiddleware(lambda request: HttpResponse("ok"))(rf.post("/complaints/new/"))
    assert PIN_COOKIE not in response.cookies


def _unreachable(request):
    raise OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused')


@pytest.mark.parametrize("path,json", [("/complaints/new/", False), ("/api/v1/credit-checks/", True)])
def test_a_database_that_cannot_be_reached_is_a_503_in_chinese(path, json):
    # Given the database is down wherever the error surfaces (a view, or a middleware inside)
    middleware = ReplicaRoutingMiddleware(convert_exception_to_response(_unreachable))
    response = middleware(rf.post(path))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert PRIMARY_DOWN in response.content.decode()
    assert response["Content-Type"].startswith("application/json" if json else "text/html")
    # And the view-level path (process_exception) answers the same
    request = rf.post(path)
    direct = ReplicaRoutingMiddleware(lambda r: HttpResponse()).process_exception(request, _error_of(_unreachable))
    assert direct.status_code == 503


def _error_of(view):
    try:
        view(None)
    except Exception as exc:
        return exc


@pytest.mark.django_db
def test_a_query_that_fails_on_a_live_database_is_not_called_unavailable():
    # A statement timeout (SQLSTATE 57014) is a failed query, not a database that is down: a 500 stays a 500
    with pytest.raises(OperationalError) as failure, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '10ms'")
        cursor.execute("SELECT pg_sleep(1)")
    assert not database_unavailable(failure.value)
    assert database_unavailable(_error_of(_unreachable))
    assert not database_unavailable(ValueError("no"))
