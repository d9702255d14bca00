from rest_framework.throttling import SimpleRateThrottle

from core.models import ApiClient


class ClientRateThrottle(SimpleRateThrottle):
    """Per API client."""

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonIpThrottle(SimpleRateThrottle):
    """Per IP, for calls without a key (the public filings)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
