from django.shortcuts import render

from core.api.errors import json_404, json_500


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    message = str(exception) if exception and str(exception) and "resolve" not in str(exception) else "您访问的页面不存在。"
    return render(request, "public/error.html", {"title": "未找到", "message": message}, status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_500(request)
    return render(request, "public/error.html", {"title": "服务暂时不可用", "message": "系统出现错误，我们已记录，请稍后再试。"}, status=500)
