"""One error shape for every API response (API.md):
``{"type": "validation_error|client_error|server_error", "errors": [{"code", "detail", "attr"}]}``.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from core.dbrouting import database_unavailable

logger = logging.getLogger("core.api")


def _flatten(detail, attr=None, index=None):
    """Walk DRF's nested error detail into flat items with attr (dotted) and index (bulk)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = attr if key in ("non_field_errors", "__all__") else (f"{attr}.{key}" if attr else str(key))
            yield from _flatten(value, sub, index)
    elif isinstance(detail, list):
        if detail and all(isinstance(x, dict | list) for x in detail):
            for i, value in enumerate(detail):
                if value:
                    yield from _flatten(value, attr, i if index is None else index)
        else:
            for value in detail:
                yield from _flatten(value, attr, index)
    else:
        item = {"code": getattr(detail, "code", "invalid"), "detail": str(detail), "attr": attr}
        if index is not None:
            item["index"] = index
        yield item


def error_body(exc_type: str, errors: list[dict]) -> dict:
    return {"type": exc_type, "errors": errors}


def exception_handler(exc, context):
    # Details follow the request's language (issue 18 §2: Accept-Language on /api/); Chinese by default.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(_("请求体过大：请减少内容或附件后重试"))
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("请求无效"))

    if not isinstance(exc, exceptions.APIException):
        if database_unavailable(exc):
            return None  # the database is down: core.replica_middleware answers 503 (issue 16 §5)
        logger.exception("unhandled API error")
        set_rollback()
        body = error_body("server_error", [{"code": "error", "detail": _("服务器内部错误，请稍后重试"), "attr": None}])
        return Response(body, status=500)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.Throttled):
        exc.detail = exceptions.ErrorDetail(
            _("请求过于频繁，请在 %(n)s 秒后重试") % {"n": int(exc.wait or 1)}, code="throttled"
        )
    kind = "validation_error" if isinstance(exc, exceptions.ValidationError) else "client_error"
    if isinstance(exc.detail, dict | list):
        errors = list(_flatten(exc.detail))
    else:
        errors = [
            {
                "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
                "detail": str(exc.detail),
                "attr": None,
            }
        ]
    set_rollback()
    return Response(error_body(kind, errors), status=exc.status_code, headers=headers)


def error_response(kind: str, code: str, detail: str, *, status: int) -> JsonResponse:
    """An error body outside DRF (Django's handlers, middleware) in UTF-8, as DRF writes its own:
    Chinese stays readable, never ``\\u…`` escapes (issue 18 §1.7)."""
    return JsonResponse(
        error_body(kind, [{"code": code, "detail": detail, "attr": None}]),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def json_404(request, exception=None):
    return error_response("client_error", "not_found", _("未找到"), status=404)


def json_500(request):
    return error_response("server_error", "error", _("服务器内部错误，请稍后重试"), status=500)
