import contextvars

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core import accounts, services
from core.admin_base import clip_column
from core.models import ApiClient, AuditEvent, HolidayOverride, UsccException, User

admin.site.site_header = "综合监管平台"
admin.site.site_title = "综合监管平台"
admin.site.index_title = "事中事后监管工作台"


# Who is changing a password in the admin's password view; the form's save() reads it (a
# ModelAdmin is shared between threads, so no per-request state may live on it).
_password_actor = contextvars.ContextVar("password_actor", default=None)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's set-password form, saved through ``accounts.user_password_set`` (audited)."""

    def save(self, commit=True):
        actor = _password_actor.get()
        if actor is None:  # only UserAdmin.user_change_password, which names the actor, may save it
            raise PermissionDenied
        password = self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password", True) else None
        self.user = accounts.user_password_set(actor=actor, user=self.user, password=password)
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts of officials. Privileges change only through ``core.accounts`` (audited); only a
    superuser sees or changes ``is_superuser``, or edits a superuser's account."""

    fieldsets = (*BaseUserAdmin.fieldsets, (_("所属部门"), {"fields": ("department",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("所属部门"), {"fields": ("department", "groups")}))
    change_password_form = AuditedPasswordChangeForm
    list_display = ("username", "last_name", "first_name", "department", "is_staff", "is_active")
    list_filter = ("department", "groups", "is_staff", "is_active")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, "is_superuser")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # accounts.SUPERUSER_ONLY: the page shows read-only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            password = data.get("password1") if data.get("set_usable_password", True) else None
            user = accounts.user_create(
                actor=request.user,
                username=data["username"],
                password=password,
                department=data.get("department"),
                groups=data.get("groups") or [],
            )
            obj.pk, obj.password, obj._state.adding, obj._state.db = user.pk, user.password, False, user._state.db
            return
        profile = {f: data[f] for f in form.changed_data if f in accounts.PROFILE_FIELDS}
        if profile:
            accounts.user_profile_update(actor=request.user, user=obj, **profile)

    def save_related(self, request, form, formsets, change):
        # The m2m widgets (groups, permissions) are saved here, through the service, not by form.save_m2m().
        if change:
            fields = (*accounts.PRIVILEGE_FIELDS, *accounts.PRIVILEGE_M2M)
            changes = {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}
            accounts.user_privileges_change(actor=request.user, user=form.instance, **changes)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        accounts.user_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            accounts.user_delete(actor=request.user, user=user)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles (groups) and their permissions; every change is audited with before and after."""

    def save_model(self, request, obj, form, change):
        group = accounts.group_save(
            actor=request.user,
            group=obj if change else None,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data.get("permissions") or [],
        )
        obj.pk, obj._state.adding, obj._state.db = group.pk, False, group._state.db

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # permissions were set by accounts.group_save
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        accounts.group_delete(actor=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            accounts.group_delete(actor=request.user, group=group)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    # issue 18 §1.5: the long labels clipped (full text in the tooltip), so the list fits at 1280 px.
    list_display = (
        "occurred_at",
        clip_column("actor_label", _("操作者"), width_em=8),
        clip_column("action", _("动作代码"), width_em=12),
        clip_column("target_label", _("对象"), width_em=12, sub="target_type"),
        "client_ip",
    )  # the request id is searchable and on each event's page
    list_filter = ("actor_type", "action")
    search_fields = ("actor_label", "action", "target_id", "target_label", "request_id", "client_ip")
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
            actor=request.user,
            code=obj.code,
            holder_name=obj.holder_name,
            evidence=obj.evidence,
            evidence_file=form.cleaned_data.get("evidence_file"),
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
        return (
            ("name", "department", "scopes")
            if obj is None
            else ("name", "department", "scopes", "key_prefix", "created_at", "last_used_at", "revoked_at")
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            return self.get_fields(request, obj)  # a revoked key stays as it was
        return () if obj is None else ("department", "key_prefix", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            if obj.revoked_at is not None:
                return
            services.api_client_scopes_change(actor=request.user, client=obj, name=obj.name, scopes=obj.scopes)
            return
        client, key = services.api_client_create(
            actor=request.user, name=obj.name, department=obj.department, scopes=obj.scopes
        )
        obj.pk = client.pk
        messages.warning(request, f"接口密钥（仅显示这一次，请立即妥善保存）：{key}")

    @admin.action(description=_("吊销所选客户端的密钥"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(actor=request.user, client=client)
        messages.success(request, "已吊销")

    def has_delete_permission(self, request, obj=None):
        return False


from core import admin_retention  # noqa: E402, F401  (数据保留期限, issue 16 §5)
