"""Bearer-key authentication for other departments' systems (API.md)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.models import ApiClient
from core.services import hash_key

# Writing last_used_at on every call would make each read a write; minute precision is enough.
_TOUCH_EVERY = dt.timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed(_("认证格式应为：Authorization: Bearer <密钥>"))
        client = ApiClient.objects.select_related("department").filter(key_hash=hash_key(parts[1])).first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("接口密钥无效"))
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("接口密钥已吊销"))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > _TOUCH_EVERY:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client, client

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "由平台发放的接口密钥"}
