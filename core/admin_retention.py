"""数据保留期限 in the admin (issue 16 §5): officials read each policy and its reason; a change goes through
``retention_policy_update`` (audited). Policies are seeded by migrations; none is added or deleted here."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.partitions import retention_policy_update
from core.retention import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ("label", "period_text", "tables", "updated_at")
    fields = ("label", "tables", "keep_months", "keep_days", "reason", "updated_at")
    readonly_fields = ("label", "tables", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = retention_policy_update(
                actor=request.user,
                policy=obj,
                keep_months=form.cleaned_data["keep_months"],
                keep_days=form.cleaned_data["keep_days"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            request._retention_refused = True
            return
        obj.updated_at = saved.updated_at

    def log_change(self, request, obj, message):
        if not getattr(request, "_retention_refused", False):
            return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "_retention_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
