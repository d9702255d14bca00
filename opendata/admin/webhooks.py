"""Admin of the webhooks (issue 15 §4): subscriptions of the official's department, their deliveries and
every attempt (read-only). Every change goes through ``opendata.webhooks`` services (STYLE.md rule 7).

Officials of a department (部门监管人员, 部门负责人) manage their own department's subscriptions; a platform
admin sees all. The roles table (core/roles.py) grants no opendata permissions yet, so ``OfficialAccess``
lets those roles in as well as anyone holding the model permissions.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin, ViewOnceSavedMixin, intermediate_action, show_refusal
from core.choices import Role
from core.models import ApiClient
from core.scoping import is_platform_admin, scope_to_department
from opendata import webhooks
from opendata.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

OFFICIAL_ROLES = (Role.DEPARTMENT_OFFICIAL, Role.DEPARTMENT_HEAD)


def is_webhook_official(user) -> bool:
    if is_platform_admin(user):
        return True
    if not (user and user.is_active and user.is_staff and getattr(user, "department_id", None)):
        return False
    cached = getattr(user, "_webhook_official", None)
    if cached is None:
        cached = user._webhook_official = user.groups.filter(name__in=OFFICIAL_ROLES).exists()
    return cached


class OfficialAccess:
    """Rows of the official's department (``department_path``), and access by role or model permission."""

    department_path = "client__department_id"

    def get_queryset(self, request):
        return scope_to_department(super().get_queryset(request), request.user, self.department_path)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_webhook_official(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or is_webhook_official(request.user)


class StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("推送中")), ("failing", _("失败中")), ("disabled", _("已停用")), ("deleted", _("已删除"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "active":
            return queryset.filter(disabled_at__isnull=True)
        if value == "failing":
            return queryset.filter(disabled_at__isnull=True, failing_since__isnull=False)
        if value == "disabled":
            return queryset.filter(disabled_at__isnull=False, deleted_at__isnull=True)
        if value == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class SubscriptionForm(forms.ModelForm):
    url = forms.CharField(
        label=_("接收地址"), max_length=500, help_text=_("https:// 或 http://；不得指向内网、本机地址")
    )
    event_types = forms.MultipleChoiceField(
        label=_("事件类型"),
        choices=webhooks.ChangeType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只能选择该接口客户端权限范围内的事件类型"),
    )
    usccs = forms.CharField(
        label=_("关注的统一社会信用代码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个（也可用逗号分隔）；不填为全部主体"),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("client", "url", "event_types", "usccs")

    def clean_usccs(self):
        text = self.cleaned_data.get("usccs") or ""
        values = [v for v in text.replace("，", ",").replace(",", "\n").split() if v]
        try:
            return webhooks.clean_usccs(values)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["usccs"]) from exc

    def clean_url(self):
        try:
            return webhooks.clean_url(self.cleaned_data.get("url"))
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["url"]) from exc

    def clean(self):
        data = super().clean()
        client = data.get("client")
        if client is not None and data.get("event_types"):
            try:
                data["event_types"] = webhooks.clean_event_types(data["event_types"], client.scopes)
            except webhooks.EventTypeNotAllowed as exc:
                self.add_error("event_types", str(exc))
        return data


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ("-attempted_at", "-id")

    def has_view_permission(self, request, obj=None):
        return True  # the parent's scoping already applies


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200, initial=_("由部门工作人员停用"))


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OfficialAccess, ViewOnceSavedMixin, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("id", "client", "url", "types", "state", "last_success_at")
    list_filter = (StatusFilter,)
    search_fields = ("url", "client__name")
    list_select_related = ("client",)
    actions = ["disable", "enable", "rotate_secret"]
    readonly_fields = (
        "client",
        "url",
        "types",
        "usccs",
        "created_at",
        "last_success_at",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "deleted_at",
    )

    def get_fields(self, request, obj=None):
        return ("client", "url", "event_types", "usccs") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return super().has_add_permission(request) or is_webhook_official(request.user)

    def has_change_permission(self, request, obj=None):
        # Saved once, then only actions (which need this on the list); the form stays read-only.
        allowed = admin.ModelAdmin.has_change_permission(self, request, obj) or is_webhook_official(request.user)
        return allowed and obj is None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            return None  # the form's own field: checked by the service's rules, not Django's URLField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = scope_to_department(
                ApiClient.objects.filter(revoked_at__isnull=True), request.user, "department"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("事件类型"))
    def types(self, obj):
        return "、".join(str(webhooks.ChangeType(t).label) for t in obj.event_types if t in webhooks.ChangeType.values)

    @admin.display(description=_("状态"))
    def state(self, obj):
        if obj.deleted_at:
            return _("已删除")
        if obj.disabled_at:
            return format_html(
                '<span style="color:#ba2121;font-weight:bold">{}</span><br>{}', _("已停用"), obj.disabled_reason
            )
        if obj.failing_since:
            return format_html(
                '<span style="color:#c05600;font-weight:bold">{}</span><br>{}',
                _("失败中"),
                _("自 %(t)s 起") % {"t": f"{timezone.localtime(obj.failing_since):%Y-%m-%d %H:%M}"},
            )
        return _("推送中")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        sub, secret = webhooks.webhook_subscription_create(
            actor=request.user,
            client=data["client"],
            url=data["url"],
            event_types=data["event_types"],
            usccs=data["usccs"],
        )
        obj.pk = sub.pk
        messages.warning(request, f"签名密钥（仅显示这一次，请立即交给接收系统妥善保存）：{secret}")

    def changelist_view(self, request, extra_context=None):
        disabled = self.get_queryset(request).filter(
            deleted_at__isnull=True, disabled_reason=webhooks.DISABLED_BY_FAILURES
        )
        for sub in disabled.select_related("client")[:5]:
            messages.warning(
                request,
                f"推送订阅 {sub.pk}（{sub.client} → {sub.url}）连续 24 小时推送失败，已于 "
                f"{timezone.localtime(sub.disabled_at):%Y-%m-%d %H:%M} 自动停用；修复接收系统后可“重新启用”。",
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("停用所选推送订阅"))
    def disable(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("停用推送订阅"),
            apply=lambda sub, data: webhooks.webhook_subscription_disable(
                actor=request.user, subscription=sub, reason=data["reason"]
            ),
            done=_("已停用"),
            note=_("停用后不再推送，待推送的事件将放弃。"),
        )

    @admin.action(description=_("重新启用所选推送订阅"))
    def enable(self, request, queryset):
        n = 0
        for sub in queryset:
            try:
                webhooks.webhook_subscription_enable(actor=request.user, subscription=sub)
                n += 1
            except ValidationError as exc:
                show_refusal(request, exc, f"{sub}：")
        if n:
            messages.success(request, f"已重新启用 {n} 个推送订阅")

    @admin.action(description=_("更换签名密钥（一次选一个）"))
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, "请一次只选择一个推送订阅更换密钥")
            return
        try:
            sub, secret = webhooks.webhook_subscription_rotate_secret(actor=request.user, subscription=queryset.get())
        except ValidationError as exc:
            show_refusal(request, exc)
            return
        messages.warning(request, f"订阅 {sub.pk} 的新签名密钥（仅显示这一次）：{secret}")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OfficialAccess, ReadOnlyAdmin):
    department_path = "subscription__client__department_id"
    list_display = (
        "id",
        "subscription",
        "event_id",
        "event_type",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("state", "event_type")
    search_fields = ("=event_id",)
    list_select_related = ("subscription__client",)
    inlines = [AttemptInline]
    exclude = ()
    readonly_fields = (
        "subscription",
        "event_id",
        "event_type",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "payload",
    )
    fields = readonly_fields


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(OfficialAccess, ReadOnlyAdmin):
    department_path = "delivery__subscription__client__department_id"
    list_display = ("attempted_at", "delivery", "status_code", "error", "duration_ms")
    list_filter = ("status_code",)
    list_select_related = ("delivery",)
    date_hierarchy = "attempted_at"
    fields = ("delivery", "attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
