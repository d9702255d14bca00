import pytest
from django.core.management import call_command

from core import services
from core.models import ApiClient
from tests.conftest import SINOPEC


def test_no_key_is_401_in_the_error_shape(api, db):
    response = api.get("/api/v1/entities/")
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_key_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Bearer nope.nope")
    assert api.get("/api/v1/entities/").status_code == 401


def test_revoked_key_is_401(api, api_key):
    client, key = api_key()
    services.api_client_revoke(actor="test", client=client)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.get("/api/v1/entities/")
    assert response.status_code == 401
    assert "吊销" in response.json()["errors"][0]["detail"]


def test_missing_scope_is_403(api, api_key):
    _, key = api_key(("inspections:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.get("/api/v1/entities/")
    assert response.status_code == 403
    assert "credit:read" in response.json()["errors"][0]["detail"]


def test_only_the_key_hash_is_stored(api_key):
    client, key = api_key()
    client.refresh_from_db()
    assert key not in (client.key_hash, client.key_prefix)
    assert key.startswith(client.key_prefix)


def test_invalid_uscc_in_path_is_400_naming_the_check_character(credit_api):
    response = credit_api.get("/api/v1/entities/91350100M000100Y4Z/")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "uscc"
    assert "应为“3”" in body["errors"][0]["detail"]


def test_valid_but_unknown_uscc_is_404(credit_api):
    response = credit_api.get(f"/api/v1/entities/{SINOPEC}/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_lower_case_and_full_width_path_are_normalised(credit_api, make_entity):
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    assert credit_api.get(f"/api/v1/entities/{SINOPEC.lower()}/").json()["uscc"] == SINOPEC
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in SINOPEC)
    assert credit_api.get(f"/api/v1/entities/{full_width}/").json()["name"] == "中国石油化工股份有限公司"


def test_create_api_client_command_prints_the_key_once(dept_a, capsys):
    call_command("create_api_client", "采购系统", "--department", dept_a.code, "--scopes", "credit:read,records:write")
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    client = ApiClient.objects.get(name="采购系统")
    assert client.scopes == ["credit:read", "records:write"]
    assert services.hash_key(key) == client.key_hash


def test_create_api_client_rejects_unknown_scope_and_department(dept_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的权限范围"):
        call_command("create_api_client", "x", "--department", dept_a.code, "--scopes", "credit:write")
    with pytest.raises(CommandError, match="不存在"):
        call_command("create_api_client", "x", "--department", "NOPE", "--scopes", "credit:read")


def test_rate_limit_gives_429_with_retry_after(credit_api, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings

    from core.api.throttling import ClientRateThrottle

    cache.clear()
    original = ClientRateThrottle.THROTTLE_RATES
    ClientRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "client": "3/minute"}
    try:
        codes = [credit_api.get("/api/v1/entities/").status_code for _ in range(4)]
        last = credit_api.get("/api/v1/entities/")
    finally:
        ClientRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes[:3] == [200, 200, 200]
    assert last.status_code == 429
    assert int(last["Retry-After"]) > 0
    assert "请求过于频繁" in last.json()["errors"][0]["detail"]


def test_api_errors_outside_drf_are_utf8_not_escaped(client, db):
    """Issue 18 §1.7: Django's own 404 for an unknown API path is UTF-8, as DRF's errors are."""
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "未找到".encode() in response.content and b"\\u" not in response.content
    assert response.json()["errors"][0]["code"] == "not_found"


def test_api_request_with_nul_is_refused_in_utf8(client, db):
    response = client.get("/api/v1/entities/?q=a%00b")
    assert response.status_code == 400
    assert "请求".encode() in response.content and response.json()["type"] == "validation_error"
