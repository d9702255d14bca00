from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core import services
from core.models import ApiClient, AuditEvent, HolidayOverride, UsccException, User

admin.site.site_header = "综合监管平台"
admin.site.site_title = "综合监管平台"
admin.site.index_title = "事中事后监管工作台"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("所属部门"), {"fields": ("department",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("所属部门"), {"fields": ("department", "groups")}))
    list_display = ("username", "last_name", "first_name", "department", "is_staff", "is_active")
    list_filter = ("department", "groups", "is_staff", "is_active")

    def save_model(self, request, obj, form, change):
        from core import audit

        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=f"user.{'update' if change else 'create'}",
            target=obj,
            after={"username": obj.username, "department": obj.department_id, "is_staff": obj.is_staff, "is_active": obj.is_active},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "target_type", "target_label", "request_id")
    list_filter = ("actor_type", "action")
    search_fields = ("actor_label", "action", "target_id", "target_label", "request_id")
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UsccException)
class UsccExceptionAdmin(admin.ModelAdmin):
    list_display = ("code", "holder_name", "active", "created_by", "created_at")
    search_fields = ("code", "holder_name")
    list_filter = ("active",)
    fields = ("code", "holder_name", "evidence", "evidence_file", "active")
    actions = ["deactivate"]

    def get_readonly_fields(self, request, obj=None):
        return ("code", "active") if obj else ("active",)

    def save_model(self, request, obj, form, change):
        saved = services.uscc_exception_register(
            actor=request.user, code=obj.code, holder_name=obj.holder_name, evidence=obj.evidence, evidence_file=form.cleaned_data.get("evidence_file")
        )
        obj.pk = saved.pk

    @admin.action(description=_("停用所选例外代码"))
    def deactivate(self, request, queryset):
        for exc in queryset:
            services.uscc_exception_deactivate(actor=request.user, exception=exc)
        messages.success(request, f"已停用 {queryset.count()} 个例外代码")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        saved = services.holiday_override_set(actor=request.user, day=obj.day, kind=obj.kind, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.holiday_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.holiday_override_delete(actor=request.user, override=obj)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "scopes", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("department",)
    search_fields = ("name", "key_prefix")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ("name", "department", "scopes") if obj is None else ("name", "department", "scopes", "key_prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("department", "key_prefix", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            services.api_client_update(actor=request.user, client=obj, name=obj.name, scopes=obj.scopes)
            return
        client, key = services.api_client_create(actor=request.user, name=obj.name, department=obj.department, scopes=obj.scopes)
        obj.pk = client.pk
        messages.warning(request, f"接口密钥（仅显示这一次，请立即妥善保存）：{key}")

    @admin.action(description=_("吊销所选客户端的密钥"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(actor=request.user, client=client)
        messages.success(request, "已吊销")

    def has_delete_permission(self, request, obj=None):
        return False
