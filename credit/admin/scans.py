"""The risk-warning inbox and the risk-scan runs (with the button that starts a scan).

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ReadOnlyAdmin,
    ScopedAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
)
from credit import services
from credit.admin.common import (
    OpenWarningFilter,
    entity_name_column,
    is_credit_manager,
    pretty_json,
    uscc_column,
    with_entity_name,
)
from credit.choices import (
    WarningState,
)
from credit.models import (
    RiskScanRun,
    RiskWarning,
)
from credit.regrade import publish
from credit.scan import RULES, risk_scan

# --- inbox and scans ---------------------------------------------------------------------------------


def _rule_descriptions() -> dict:

    return {rule.code: rule.description for rule in RULES}


@admin.register(RiskWarning)
class RiskWarningAdmin(ViewOnceSavedMixin, UsccSearchMixin, ScopedAdmin):
    list_display = (
        "created_at",
        "rule",
        uscc_column,
        entity_name_column,
        "message",
        "department",
        "state",
        "handled_by",
        "handled_at",
    )
    list_filter = (OpenWarningFilter, "rule_code")
    search_fields = ("message",)
    search_help_text = _("按统一社会信用代码（18位）或预警内容搜索")
    text_search_fields = ("message",)
    list_select_related = ("department", "handled_by")
    readonly_fields = (
        "rule",
        "entity",
        "department",
        "message",
        "state",
        "created_at",
        "handled_by",
        "handled_at",
        "handling_note",
    )
    fields = readonly_fields
    actions = ["handle"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("预警规则"))
    def rule(self, obj):
        return _rule_descriptions().get(obj.rule_code, obj.rule_code)

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        open_count = self.get_queryset(request).filter(state=WarningState.OPEN).count()
        title = _("风险预警（待处理 %(n)s 条）") % {"n": open_count}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.action(description=_("标记为已处理"), permissions=["change"])
    def handle(self, request, queryset):
        done = 0
        for warning in queryset.filter(state=WarningState.OPEN):
            services.risk_warning_handle(actor=request.user, warning=warning)
            done += 1
        messages.success(request, _("已将 %(n)s 条预警标记为已处理。") % {"n": done})


@admin.register(RiskScanRun)
class RiskScanRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "duration_display",
        "state",
        "trigger",
        "counts_display",
        "error_short",
    )
    list_filter = ("state", "trigger")
    fields = ("started_at", "finished_at", "duration_display", "state", "trigger", "counts_display", "error_display")
    readonly_fields = fields

    @admin.display(description=_("耗时"))
    def duration_display(self, obj):
        duration = obj.duration
        if duration is None:
            return _("运行中") if obj.state == "running" else "-"
        seconds = duration.total_seconds()
        return f"{seconds:.1f} 秒" if seconds < 60 else f"{int(seconds // 60)} 分 {int(seconds % 60)} 秒"

    @admin.display(description=_("计数"))
    def counts_display(self, obj):
        return pretty_json(obj.counts)

    @admin.display(description=_("错误"))
    def error_short(self, obj):
        return (obj.error.strip().splitlines() or [""])[-1][:120]

    @admin.display(description=_("错误"))
    def error_display(self, obj):
        return format_html("<pre style='margin:0;white-space:pre-wrap'>{}</pre>", obj.error) if obj.error else "-"

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_now_view), name="credit_riskscanrun_run"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"can_run_scan": is_credit_manager(request.user), **(extra_context or {})}
        )

    def run_now_view(self, request):
        if request.method != "POST" or not is_credit_manager(request.user):
            raise PermissionDenied

        transaction.on_commit(
            lambda: publish(risk_scan, trigger="manual")
        )  # never hangs or fails the request (issue 11)
        messages.success(request, _("已提交风险扫描，运行完成后将在此列出（通常数分钟内）。"))
        return HttpResponseRedirect(reverse("admin:credit_riskscanrun_changelist"))
