import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from core.api.errors import error_response
from core.audit import client_ip_var, request_id_var
from core.net import client_ip


class RequestIdMiddleware:
    """Give every request an id (or honour X-Request-ID) for the audit trail and the logs, and hand the
    client's address (core.net.client_ip) to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
        request.request_id = rid
        token = request_id_var.set(rid)
        ip_token = client_ip_var.set(client_ip(request))  # the audit trail's source address
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            client_ip_var.reset(ip_token)
        response["X-Request-ID"] = rid
        return response


class ChineseFirstLocaleMiddleware:
    """The language of a request (issue 18 §2): Chinese first, English on request.

    Public pages, the entity portal (``/enterprise/``) and the API: the ``django_language`` cookie (the
    header's language switch, Django's ``set_language``) first, then the browser's Accept-Language (its
    most preferred ``zh*`` or ``en*`` tag: zh → Chinese, en → English, anything else → Chinese), and
    Chinese by default. Such answers say ``Vary: Accept-Language, Cookie`` and ``Content-Language``.

    The admin (``/admin/``) and the inspectors' field app (``/field/``) are always Chinese, whatever the
    cookie or the browser says: they are used by officials, whose records, forms and instructions are in
    Chinese (the Chinese text is the authoritative one), and an official on an English-language browser
    or one who looked at the public site in English would otherwise get a half-English workplace.
    """

    OFFICIAL_PREFIXES = ("/admin/", "/field/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        official = request.path_info.startswith(self.OFFICIAL_PREFIXES)
        language = settings.LANGUAGE_CODE if official else self.chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread goes back to Chinese: text built after the answer (a signal, the next request
            # of a test client) must not be written in this visitor's language.
            translation.activate(settings.LANGUAGE_CODE)
        response.headers.setdefault("Content-Language", language)
        if not official:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def chosen_language(request) -> str:
        supported = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in supported:
            return chosen
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        # Sorted by preference (q), the malformed header gives ().
        for tag, _q in parse_accept_lang_header(header[:255]) or ():
            primary = tag.lower().split("-", 1)[0]
            if primary == "zh":
                return "zh-hans"
            if primary == "en" and "en" in supported:
                return "en"
        return settings.LANGUAGE_CODE


class RejectOversizedMiddleware:
    """A request that declares a body larger than ``REQUEST_MAX_BYTES`` gets a 413 before any byte of
    the body is read (issue 11: a 150 MB upload used to be received in full before the 10 MB check).

    Placed before anything that reads ``request.body``/``POST`` (CSRF, sessions, the views). The limit
    is the largest legitimate request: 10 evidence files of 10 MB on the field form, plus the form.
    A chunked body declares no length: Django's WSGIRequest then reads at most CONTENT_LENGTH = 0
    bytes of it (``LimitedStream``), and gunicorn's sync workers close the connection after the
    response, so an undeclared body is never read either (see README, 请求大小).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        limit = settings.REQUEST_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return RejectNulMiddleware._refuse(request, "请求头 Content-Length 无效", status=400)
        if declared > limit:
            message = f"提交的内容过大（{declared / 1024 / 1024:.1f} MB，上限 {limit // (1024 * 1024)} MB）：请压缩附件或分次提交"
            response = RejectNulMiddleware._refuse(request, message, status=413, code="too_large")
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the path, the query or a form field is refused with a clear 400.

    PostgreSQL text cannot hold NUL, so such input would otherwise end as a 500 in whichever view
    first put it in a query. API paths get the API error shape; pages get the error page.
    """

    MESSAGE = "请求中包含无效字符（空字符 \\u0000），请检查输入"

    def __init__(self, get_response):
        self.get_response = get_response

    TOO_BIG = "提交的内容过大：请精简文字，附件请压缩或分次提交（单个文件不超过 10 MB）"

    def __call__(self, request):

        try:
            has_nul = self._has_nul(request)
        except RequestDataTooBig:
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE: say so in Chinese, instead of Django's bare English 400.
            return self._refuse(request, self.TOO_BIG, status=413)
        if has_nul:
            return self._refuse(request, self.MESSAGE, status=400)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str, *, status: int, code: str = "invalid"):
        if request.path.startswith("/api/"):
            return error_response("validation_error", code, message, status=status)

        return render(request, "public/error.html", {"title": "请求无效", "message": message}, status=status)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
        # API bodies are DRF's to parse (and its error shape's to report); pages' forms are ours.
        is_form = (
            request.method == "POST" and request.content_type in form_types and not request.path.startswith("/api/")
        )
        forms = [request.POST] if is_form else []
        for data in (request.GET, *forms):
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
        return False
