"""Login lockout (issue 11, section 3): the pair (username, address) is locked, one address is capped
over all usernames, the cool-off is 15 minutes, and a platform administrator can unlock."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from core.choices import Role
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "pw-Secret-123"  # tests/conftest.py make_official
ATTACKER = "203.0.113.5"
OFFICE = "198.51.100.7"
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # 60 sign-ins with PBKDF2 take a minute; what is tested here is the lockout, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(make_official, dept_a):
    return make_official("alice", dept_a)


def sign_in(username, password, ip):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return response, client


def signed_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def locked(response) -> bool:
    return response.status_code == 429 and "锁定" in response.content.decode()


def test_failed_logins_from_another_ip_do_not_lock_the_official(alice):
    with time_machine.travel(T0, tick=True):
        # an attacker anywhere fails 10 times with the official's name
        attempts = [sign_in("alice", "wrong", ATTACKER)[0] for _ in range(10)]
        # the attacker is locked out (for this name, from that address)...
        assert locked(attempts[-1])
        assert locked(sign_in("alice", PASSWORD, ATTACKER)[0])
        # ...but the official signs in from the office
        assert signed_in(*sign_in("alice", PASSWORD, OFFICE))


def test_shared_proxy_ip_does_not_lock_other_users(alice, make_official, dept_a):
    make_official("bob", dept_a)
    proxy = "10.0.0.9"  # every official of the building is behind it
    with time_machine.travel(T0, tick=True):
        attempts = [sign_in("bob", "wrong", proxy)[0] for _ in range(5)]
        assert locked(attempts[-1])
        assert signed_in(*sign_in("alice", PASSWORD, proxy))


def test_forged_forwarded_for_does_not_escape_the_login_lockout(alice):
    with time_machine.travel(T0, tick=True):
        for n in range(5):
            Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
                LOGIN, {"username": "alice", "password": "wrong"}
            )
        response = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99").post(
            LOGIN, {"username": "alice", "password": PASSWORD}
        )
    assert locked(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_per_ip_ceiling_locks_ip(alice, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 50
    with time_machine.travel(T0, tick=True):
        # 50 failures from one address, 2 for each of 25 names: no pair reaches its limit of 5
        for n in range(25):
            for _ in range(2):
                response, _client = sign_in(f"guess{n}", "wrong", ATTACKER)
                assert not locked(response) or n == 24
        assert locked(response)  # the 50th
        # the address is now locked for every name, the right password included
        assert locked(sign_in("alice", PASSWORD, ATTACKER)[0])
        assert locked(sign_in("someone-new", "x", ATTACKER)[0])
        # and nobody else is
        assert signed_in(*sign_in("alice", PASSWORD, OFFICE))


def test_lockout_cools_off_after_15_minutes(alice):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            sign_in("alice", "wrong", OFFICE)
        assert locked(sign_in("alice", PASSWORD, OFFICE)[0])  # a try during the lockout restarts it (axes default)
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert AccessAttempt.objects.filter(username="alice").exists()
    with time_machine.travel(T0 + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert signed_in(*sign_in("alice", PASSWORD, OFFICE))


def test_platform_admin_can_unlock(alice, make_official, dept_a):
    admin_user = make_official("platform-root", dept_a, role=Role.PLATFORM_ADMIN)
    official = make_official("plain-official", dept_a)
    with time_machine.travel(T0, tick=True):
        for _ in range(5):
            sign_in("alice", "wrong", OFFICE)
        assert locked(sign_in("alice", PASSWORD, OFFICE)[0])
        attempt = AccessAttempt.objects.get(username="alice", ip_address=OFFICE)

        # an ordinary official does not see the lockouts
        other = Client()
        other.force_login(official)
        assert other.get("/admin/axes/accessattempt/").status_code == 403

        # the platform administrator sees them, in Chinese, and deletes the record
        admin = Client()
        admin.force_login(admin_user)
        page = admin.get("/admin/axes/accessattempt/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "登录失败记录" in html and "已锁定" in html and "alice" in html
        assert "登录安全" in admin.get("/admin/").content.decode()
        response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302

        assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
        event = AuditEvent.objects.get(action="login.unlock")
        assert event.actor_user_id == admin_user.pk and event.before["username"] == "alice"
        assert signed_in(*sign_in("alice", PASSWORD, OFFICE))
