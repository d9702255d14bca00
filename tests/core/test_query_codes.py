"""Query codes of public filings (issue 11 §2, §3): stored keyed, so a database copy does not give
the 6 digits away, and the 10-wrong-codes lockout holds with Redis down. Given/when/then."""

import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from core import query_codes
from core.filings import filing_model
from core.models import AuditEvent
from enforcement import services
from enforcement.models import Complaint
from tests.helpers import free_port

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def filed(make_entity, dept_a):
    entity = make_entity(name="郑州市金水区好再来餐饮店", registration_authority=dept_a)
    with time_machine.travel(NOW, tick=True):
        return services.complaint_file(
            actor="public:web",
            entity_name=entity.name,
            entity_uscc=entity.uscc,
            content="后厨卫生状况差。",
            kind="report",
            channel="web",
            reporter_name="举报人周某某",
            contact_phone="13712345678",
        )


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def dead_redis():
    """The cache pointed at a port nobody listens on, with short socket timeouts."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }
    )


@pytest.mark.django_db
def test_query_code_not_recoverable_from_database_copy(filed, settings):
    complaint, code = filed
    # Given only what a copy of the database holds: the number and the stored value
    number, stored = Complaint.objects.filter(pk=complaint.pk).values_list("tracking_no", "query_code_hash").get()
    assert stored.startswith("qc1$") and code not in stored
    digest = stored[len("qc1$") :]
    legacy = hashlib.sha256(f"{number}:{code}".encode()).hexdigest()  # what the database held before
    # When every one of the 10^6 codes is tried, unkeyed, against the stored value and the old one
    found, found_in_old = [], []
    prefix = f"{number}:".encode()
    for n in range(10**6):
        candidate = hashlib.sha256(prefix + b"%06d" % n).hexdigest()
        if candidate == digest:
            found.append(n)
        elif candidate == legacy:
            found_in_old.append(n)
    # Then the stored value gives nothing away, where the old one gave the code in a second
    assert found == []
    assert found_in_old == [int(code)]
    # Only with the server's key does the code match
    assert stored == "qc1$" + hmac.new(query_codes.query_code_key(), legacy.encode(), hashlib.sha256).hexdigest()
    # And lookups still work: the right code finds it (any case of the number), a wrong one does not
    assert query_codes.filing_lookup(Complaint, number.lower(), code) == complaint
    assert query_codes.filing_lookup(Complaint, number, other_code(code)) is None
    # Under another key the stored value is worthless
    settings.QUERY_CODE_KEY = "another-key"
    assert query_codes.filing_lookup(Complaint, number, code) is None


@pytest.mark.django_db
def test_query_code_migration_wraps_old_hashes_and_lookups_still_work(filed):
    # Given a row as stored before issue 11: the plain SHA-256 of "<number>:<code>"
    complaint, code = filed
    legacy = hashlib.sha256(f"{complaint.tracking_no}:{code}".encode()).hexdigest()
    Complaint.objects.filter(pk=complaint.pk).update(query_code_hash=legacy)
    assert (
        query_codes.filing_lookup(Complaint, complaint.tracking_no, code) is None
    )  # an unkeyed value is never accepted
    # When the migration step runs (twice: it is safe to run again)
    assert query_codes.rewrap_legacy(Complaint) == 1
    assert query_codes.rewrap_legacy(Complaint) == 0
    # Then the stored value is keyed, and the filer's code still works
    stored = Complaint.objects.get(pk=complaint.pk).query_code_hash
    assert stored.startswith("qc1$") and legacy not in stored
    assert query_codes.filing_lookup(Complaint, complaint.tracking_no, code) == complaint


@pytest.mark.django_db
def test_query_code_lockout_holds_when_redis_is_down(filed, api, client):
    complaint, code = filed
    with dead_redis():
        # Given Redis is down (the cache answers with an error, quickly)
        with pytest.raises(RedisConnectionError):
            cache.get("anything")
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            # When 10 wrong codes are tried
            for _ in range(query_codes.MAX_FAILURES):
                assert query_codes.filing_lookup(Complaint, complaint.tracking_no, other_code(code)) is None
            # Then the number is locked: even the right code finds nothing, through the service and the API
            assert query_codes.filing_lookup(Complaint, complaint.tracking_no, code) is None
            response = api.get(
                f"/api/v1/complaints/{complaint.tracking_no}/", {"code": code}, REMOTE_ADDR="203.0.113.9"
            )
            assert response.status_code == 404
            page = client.post(
                "/track/", {"tracking_no": complaint.tracking_no, "code": code}, REMOTE_ADDR="203.0.113.10"
            )
            assert page.status_code == 200 and "未找到" in page.content.decode()
        # An hour after the first wrong code the lock is gone
        with time_machine.travel(NOW + dt.timedelta(minutes=66), tick=False):
            assert query_codes.filing_lookup(Complaint, complaint.tracking_no, code) == complaint
            page = client.post(
                "/track/", {"tracking_no": complaint.tracking_no, "code": code}, REMOTE_ADDR="203.0.113.10"
            )
            assert page.status_code == 200 and "未找到" not in page.content.decode()
    assert not AuditEvent.objects.filter(target_id=str(complaint.pk), action__startswith="query_code").exists()


@pytest.mark.django_db
def test_query_code_lockout_counts_wrong_codes_from_every_address(filed, client):
    # Given the per-number count is kept on the filing row, not per address
    complaint, code = filed
    assert filing_model(complaint.tracking_no) is Complaint
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        for _ in range(query_codes.MAX_FAILURES - 1):
            assert query_codes.filing_lookup(Complaint, complaint.tracking_no, other_code(code)) is None
        # 9 wrong codes: the right one still works
        assert query_codes.filing_lookup(Complaint, complaint.tracking_no, code) == complaint
        # the 10th wrong one, from another address through /track/, locks the number
        cache.clear()
        client.post(
            "/track/", {"tracking_no": complaint.tracking_no, "code": other_code(code)}, REMOTE_ADDR="198.51.100.7"
        )
        row = Complaint.objects.get(pk=complaint.pk)
        assert row.query_failures == query_codes.MAX_FAILURES
        assert query_codes.filing_lookup(Complaint, complaint.tracking_no, code) is None
