"""Per request: read from the replica or the primary, pin a browser that just wrote, and answer a
primary that is down with a clear 503 (issue 16 §5; the router is core.dbrouting).

- A GET/HEAD of a public page (``REPLICA_PUBLIC_PATHS``, minus the filing forms) reads from the
  replica while it is usable. Everything else reads from the primary: the admin, ``/field/``,
  ``/enterprise/``, the keyed API (it writes audit and credit-check rows), the filings.
- Read-your-writes: a request that wrote (a POST/PUT/PATCH/DELETE, or a GET whose view wrote) sets a
  signed cookie; for ``REPLICA_PIN_SECONDS`` after it, that browser reads from the primary.
- With the primary down, a request that needs it fails with 503, "主数据库暂不可用，请稍后再试", in
  JSON under /api/ and as a page elsewhere, with Retry-After: never a 500, never a hang (the
  connection's ``connect_timeout``). The error may surface anywhere inside (a view, the session
  middleware saving), so it is caught from Django's ``got_request_exception`` signal.
"""

import logging
import re
import sys
import time

from django.conf import settings
from django.core import signing
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from core import dbrouting
from core.api.errors import error_body
from core.dbrouting import database_unavailable

logger = logging.getLogger("core.replica")

PIN_COOKIE = "portal_rw"
PIN_SALT = "core.replica_middleware.pin"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PRIMARY_DOWN = "主数据库暂不可用，请稍后再试"

# The anonymous public site and the open API (issue 16 §5). The filing forms under these prefixes
# (…/new/, …/done/, early stop) stay on the primary: their pages follow a write.
DEFAULT_PUBLIC_PATHS = (
    r"^/$",
    r"^/entities/",
    r"^/lists/",
    r"^/penalties/",
    r"^/inspections/",
    r"^/acts/",
    r"^/rules/",
    r"^/open-data/",
    r"^/exposure/",
    r"^/credit/grades/",
    r"^/api/open/v1/",
)
DEFAULT_PRIMARY_PATHS = (r"/new/", r"/done/", r"/early-stop/", r"/exit/", r"\.pdf$")


def _compiled(name: str, default) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in getattr(settings, name, default)))


def is_public_read(request) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    path = request.path_info
    return bool(
        _compiled("REPLICA_PUBLIC_PATHS", DEFAULT_PUBLIC_PATHS).search(path)
        and not _compiled("REPLICA_PRIMARY_PATHS", DEFAULT_PRIMARY_PATHS).search(path)
    )


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 5))


def is_pinned(request) -> bool:
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=PIN_SALT, max_age=pin_seconds())
    except (KeyError, signing.BadSignature):
        return False
    return True


@receiver(got_request_exception, dispatch_uid="core.replica_middleware.remember")
def _remember_database_failure(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and database_unavailable(exc):
        request._primary_unavailable = True


def primary_down_response(request):
    retry = str(int(getattr(settings, "PRIMARY_DOWN_RETRY_AFTER", 30)))
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            error_body("server_error", [{"code": "primary_unavailable", "detail": PRIMARY_DOWN, "attr": None}]),
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {"title": "服务暂时不可用", "message": PRIMARY_DOWN + "。您提交的内容未被保存。"}
        try:
            response = render(request, "public/error.html", context, status=503)
        except Exception:  # the page itself needed the database: the plain text still says it
            response = HttpResponse(PRIMARY_DOWN, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry
    response["Cache-Control"] = "no-store"
    return response


class ReplicaRoutingMiddleware:
    """Decides, per request, where reads go (core.dbrouting) and turns "primary down" into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = dbrouting.reads_from_replica(
            public_read=dbrouting.replica_configured() and is_public_read(request),
            pinned=is_pinned(request),
        )
        request.reads_from = dbrouting.REPLICA if use_replica else dbrouting.PRIMARY
        token = dbrouting.begin_request(use_replica=use_replica)
        try:
            response = self.get_response(request)
        finally:
            routing = dbrouting.end_request(token)
        if response.status_code == 500 and getattr(request, "_primary_unavailable", False):
            logger.warning("数据库不可用：%s %s 返回 503", request.method, request.path_info)
            if use_replica:  # the replica may be the one that went away: ask again on the next request
                dbrouting.forget_replica_state()
            response = primary_down_response(request)
        if dbrouting.replica_configured() and (request.method not in SAFE_METHODS or routing.wrote):
            response.set_signed_cookie(
                PIN_COOKIE,
                str(int(time.time())),
                salt=PIN_SALT,
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response

    def process_exception(self, request, exception):
        # A view's own failure to reach the database (the request never gets a 500 page built).
        if database_unavailable(exception):
            request._primary_unavailable = True
            return primary_down_response(request)
        return None
