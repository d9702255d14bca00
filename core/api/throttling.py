"""Rate limits for the API and the public forms.

Two rules (issue 11):
- the address is ``core.net.client_ip`` (forwarded headers only from ``TRUSTED_PROXY_COUNT`` proxies),
  never DRF's ``get_ident``, which believes any ``X-Forwarded-For``;
- a throttle fails open: when the cache (Redis) raises, the request is allowed and a warning is
  logged, so a Redis outage never turns the API or a public form into a 500.

The public forms (filings, tracking, reports) call ``form_throttled(request)`` before they act.
"""

import logging

from django.conf import settings
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from core.models import ApiClient
from core.net import client_ip

logger = logging.getLogger("core.throttling")


class FailOpenRateThrottle(SimpleRateThrottle):
    """A ``SimpleRateThrottle`` keyed on ``client_ip`` that lets requests through when the cache is down."""

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # any cache failure (redis ConnectionError, TimeoutError, ...)
            logger.warning("限流缓存不可用，本次请求不限流（%s）: %s: %s", self.scope, type(exc).__name__, exc)
            self.history = []  # nothing to wait for
            return True


class ClientRateThrottle(FailOpenRateThrottle):
    """Per API client."""

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonIpThrottle(FailOpenRateThrottle):
    """Per IP, for calls without a key (the public filings)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class OpenApiThrottle(FailOpenRateThrottle):
    """Per IP, for the open API (/api/open/v1/, issue 15 §1) at ``settings.OPEN_API_RATE``: it needs no
    key, so a key sent anyway changes nothing (never a per-client bucket, never a 401)."""

    scope = "open_api"

    def get_rate(self):
        return settings.OPEN_API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicFormThrottle(FailOpenRateThrottle):
    """Per IP, at the rate of the public API (``anon``): the public forms are the same filings."""

    scope = "public_form"

    def get_rate(self):
        return self.THROTTLE_RATES.get("anon")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def form_throttled(request):
    """The 429 page when this IP has filed or looked up too often on the public forms, else None."""
    throttle = PublicFormThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = max(int(throttle.wait() or 1), 1)
    response = render(
        request, "public/error.html", {"title": "请求过于频繁", "message": f"请在 {wait} 秒后重试。"}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
