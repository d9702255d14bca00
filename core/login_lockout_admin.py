"""The login lockouts in the admin, in Chinese: a platform administrator (平台管理员) sees them and
unlocks by deleting the pair's record (issue 11). Each unlock is audited.

django-axes ships English-only admin pages; they are replaced here.
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin

from core import audit

FIELD_LABELS = {
    "username": "用户名",
    "ip_address": "来源地址",
    "user_agent": "浏览器标识",
    "http_accept": "Accept 头",
    "path_info": "登录页面",
    "attempt_time": "时间",
    "logout_time": "退出时间",
    "failures_since_start": "失败次数",
    "locked_out": "是否锁定",
    "get_data": "GET 参数",
    "post_data": "POST 参数",
    "session_hash": "会话摘要",
}
apps.get_app_config("axes").verbose_name = "登录安全"
for model, singular, plural in (
    (AccessAttempt, "登录失败记录（锁定）", "登录失败记录（锁定）"),
    (AccessLog, "登录日志", "登录日志"),
    (AccessFailureLog, "登录失败日志", "登录失败日志"),
):
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural
    for field in model._meta.concrete_fields:
        field.verbose_name = FIELD_LABELS.get(field.name, field.verbose_name)

for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    list_display = ["attempt_time_cn", "username_cn", "ip_address_cn", "failures_cn", "locked_cn"]
    list_filter = []
    date_hierarchy = None
    search_fields = ["username", "ip_address"]
    fieldsets = (
        (
            None,
            {"fields": ("username", "ip_address", "failures_since_start", "attempt_time", "user_agent", "path_info")},
        ),
    )
    actions = ["delete_selected"]

    @admin.display(description="最近失败时间", ordering="attempt_time")
    def attempt_time_cn(self, obj):
        return obj.attempt_time

    @admin.display(description="用户名", ordering="username")
    def username_cn(self, obj):
        return obj.username

    @admin.display(description="来源地址", ordering="ip_address")
    def ip_address_cn(self, obj):
        return obj.ip_address

    @admin.display(description="失败次数", ordering="failures_since_start")
    def failures_cn(self, obj):
        return obj.failures_since_start

    @admin.display(description="状态")
    def locked_cn(self, obj):
        if obj.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return "已锁定（删除此记录即解锁）"
        return f"还可尝试 {settings.AXES_FAILURE_LIMIT - obj.failures_since_start} 次"

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        _record_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _record_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)


def _record_unlock(request, attempts) -> None:
    for attempt in attempts:
        before = {
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures_since_start": attempt.failures_since_start,
        }
        audit.record(
            actor=request.user,
            action="login.unlock",
            target=("axes.accessattempt", attempt.pk),
            before=before,
            target_label=f"{attempt.username} @ {attempt.ip_address}",
        )


def _access_log_label(log) -> str:
    # axes' own "Access Log for <user> @ <time>" is English; the admin names each row (the action
    # checkbox's label) with str(obj) (issue 18 §1.6).
    return f"{log.username} 的登录记录（{log.attempt_time:%Y-%m-%d %H:%M}）"


AccessLog.__str__ = _access_log_label


@admin.register(AccessLog)
class AccessLogAdmin(AxesAccessLogAdmin):
    list_display = ("attempt_time", "logout_time", "username", "ip_address", "path_info")


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(AxesAccessFailureLogAdmin):
    list_display = ("attempt_time", "username", "ip_address", "path_info", "locked_out")
