from django.shortcuts import render

from core.api.errors import json_404, json_500


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    message = str(exception) if exception and str(exception) and "resolve" not in str(exception) else "您访问的页面不存在。"
    return render(request, "public/error.html", {"title": "未找到", "message": message}, status=404)


def forbidden(request, exception=None):
    """A permission refused, in Chinese (the admin and the field pages raise PermissionDenied)."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        from core.api.errors import error_body

        return JsonResponse(error_body("client_error", [{"code": "permission_denied", "detail": "没有权限执行此操作", "attr": None}]), status=403)
    message = "您的账号没有访问此页面或执行此操作的权限。如需开通，请联系本部门的平台管理员。"
    return render(request, "public/error.html", {"title": "没有权限", "message": message}, status=403)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_500(request)
    return render(request, "public/error.html", {"title": "服务暂时不可用", "message": "系统出现错误，我们已记录，请稍后再试。"}, status=500)
