"""The client's address, the one way every throttle, lockout and audit event reads it.

A forwarded header is trusted only as far as the operator says there are proxies in front of us
(``TRUSTED_PROXY_COUNT``, default 0). With 0, the address is the socket's peer and any
``X-Forwarded-For`` is ignored, so a forged header never resets a per-IP limit.
"""

import ipaddress

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of whoever sent ``request`` (a Django or DRF request)."""
    request = getattr(request, "_request", request)
    meta = request.META
    peer = _valid_ip(meta.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104 - a placeholder, never bound
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return peer
    # With N trusted proxies, the last N hops of X-Forwarded-For were appended by them; the one
    # before those is the client. Anything further left was written by the client and is ignored.
    hops = [h for h in (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if h.strip()]
    if len(hops) < trusted:
        return peer
    return _valid_ip(hops[-trusted]) or peer
