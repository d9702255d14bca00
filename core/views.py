"""The public error pages (handler400/403/404/500): Chinese, and never any exception text.

Issue 11: ``str(exception)`` of a ``Resolver404`` is Django's URL resolver table with source paths,
so no page shows an exception's text. A view that wants to tell the public *what* was not found
raises ``PublicHttp404`` with a message written for people; that message, and only that one, is shown.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api.errors import error_response, json_404, json_500
from core.http import PublicHttp404

NOT_FOUND = gettext_lazy("您访问的页面不存在。")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return error_response("client_error", "bad_request", "请求无效", status=400)
    return render(
        request,
        "public/error.html",
        {"title": _("请求无效"), "message": _("请求无效，请检查地址或输入后重试。")},
        status=400,
    )


def not_found(request, exception=None):
    if _is_api(request):
        return json_404(request, exception)
    message = str(exception) if isinstance(exception, PublicHttp404) and str(exception) else NOT_FOUND
    return render(request, "public/error.html", {"title": _("未找到"), "message": message}, status=404)


def forbidden(request, exception=None):
    """A permission refused, in Chinese (the admin and the field pages raise PermissionDenied)."""
    if _is_api(request):
        return error_response("client_error", "permission_denied", "没有权限执行此操作", status=403)
    message = _("您的账号没有访问此页面或执行此操作的权限。如需开通，请联系本部门的平台管理员。")
    return render(request, "public/error.html", {"title": _("没有权限"), "message": message}, status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page is English and names the reason; ours says what to do."""
    if _is_api(request):
        return error_response("client_error", "csrf_failed", "请求校验失败，请刷新页面后重试", status=403)
    message = _("表单已过期或浏览器未保存 Cookie，请刷新页面后重新提交。")
    return render(request, "public/error.html", {"title": _("请求校验失败"), "message": message}, status=403)


def server_error(request):
    if _is_api(request):
        return json_500(request)
    return render(
        request,
        "public/error.html",
        {"title": _("服务暂时不可用"), "message": _("系统出现错误，我们已记录，请稍后再试。")},
        status=500,
    )
