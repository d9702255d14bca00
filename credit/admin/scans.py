"""The risk-warning inbox and the risk-scan runs (with the button that starts a scan).

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ReadOnlyAdmin,
    ScopedAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    intermediate_action,
)
from core.scoping import is_platform_admin
from credit import services
from credit.admin.common import (
    OpenWarningFilter,
    entity_name_column,
    is_credit_manager,
    pretty_json,
    uscc_column,
    with_entity_name,
)
from credit.admin.warning_effectiveness import RaisedFilter, WarningEffectivenessMixin
from credit.choices import DISPOSITION_ACTIONS, WarningState
from credit.models import (
    RiskScanRun,
    RiskWarning,
)
from credit.regrade import publish
from credit.scan import RULES, risk_scan
from credit.selectors import warnings_visible_to
from credit.services.warnings import NOTE_MAX, NOTE_ONLY, may_dispose
from supervision.models import Department
from supervision.selectors import may_press

# --- inbox and scans ---------------------------------------------------------------------------------


def _rule_descriptions() -> dict:

    return {rule.code: rule.description for rule in RULES}


class WarningScopeFilter(admin.SimpleListFilter):
    """本部门 (the inbox) or 本部门及下级部门 (what a parent department oversees and may press with a
    督办). An official's list opens on their own inbox; a platform administrator's on everything."""

    title = _("范围")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("mine", _("本部门")), ("subtree", _("本部门及下级部门"))]

    def value(self):
        return super().value() or ("subtree" if is_platform_admin(self.request.user) else "mine")

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "mine" and not is_platform_admin(request.user):
            return queryset.filter(department_id=request.user.department_id)
        return queryset


class DispositionForm(forms.Form):
    """约谈提醒 or 核实无问题 for the selected warnings: a note is required (issue 17 §5)."""

    disposition = forms.ChoiceField(
        label=_("处置方式"),
        choices=[(d.value, d.label) for d in NOTE_ONLY],
        widget=forms.RadioSelect,
        help_text=_("立案、纳入抽查和转交请在预警页面办理，并关联所建事项"),
    )
    note = forms.CharField(
        label=_("处置说明"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写处置说明（做了什么、结论是什么）")},
    )


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("接收部门"),
        queryset=Department.objects.order_by("code"),
        error_messages={"required": _("请选择接收部门")},
    )
    note = forms.CharField(
        label=_("转交说明"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写转交说明")},
    )


def led_to_url(warning) -> str:
    """The admin page of what the warning led to (by URL name: credit imports no app above it)."""
    if not warning.led_to_model or warning.led_to_id is None:
        return ""
    app_label, _dot, model = warning.led_to_model.partition(".")
    try:
        return reverse(f"admin:{app_label}_{model}_change", args=[warning.led_to_id])
    except NoReverseMatch:
        return ""


LED_TO_LABELS = {
    "enforcement.case": "执法案件",
    "inspections.targetedcheck": "专项检查",
    "credit.riskwarning": "转交后的预警",
}


@admin.register(RiskWarning)
class RiskWarningAdmin(WarningEffectivenessMixin, ViewOnceSavedMixin, UsccSearchMixin, ScopedAdmin):
    list_display = (
        "created_at",
        "rule",
        uscc_column,
        entity_name_column,
        "message",
        "department",
        "state",
        "disposition",
        "led_to_display",
        "handled_by",
        "handled_at",
    )
    list_filter = (WarningScopeFilter, OpenWarningFilter, "rule_code", "disposition", RaisedFilter)
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
        "transferred_from_display",
        "disposition",
        "handling_note",
        "led_to_display",
        "handled_by",
        "handled_at",
    )
    fields = readonly_fields
    actions = ["dispose", "transfer"]
    change_form_template = "admin/credit/riskwarning/change_form.html"

    def get_queryset(self, request):
        # A parent department reads its subordinates' warnings (the scope filter narrows to the inbox).
        return with_entity_name(warnings_visible_to(request.user)).select_related("department", "handled_by")

    @admin.display(description=_("预警规则"))
    def rule(self, obj):
        return _rule_descriptions().get(obj.rule_code, obj.rule_code)

    @admin.display(description=_("处置结果"))
    def led_to_display(self, obj):
        url = led_to_url(obj)
        if not url:
            return "-"
        return format_html(
            '<a href="{}">{} #{}</a>', url, LED_TO_LABELS.get(obj.led_to_model, "处置结果"), obj.led_to_id
        )

    @admin.display(description=_("转交自"))
    def transferred_from_display(self, obj):
        if obj.transferred_from_id is None:
            return "-"
        url = reverse("admin:credit_riskwarning_change", args=[obj.transferred_from_id])
        return format_html(
            '<a href="{}">预警 #{}</a>（{}）', url, obj.transferred_from_id, obj.transferred_from.department
        )

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        mine = self.get_queryset(request).filter(state=WarningState.OPEN)
        if not is_platform_admin(request.user):
            mine = mine.filter(department_id=request.user.department_id)
        title = _("风险预警（待处理 %(n)s 条）") % {"n": mine.count()}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {}
        if obj is not None:
            extra["may_dispose"] = obj.state == WarningState.OPEN and may_dispose(request.user, obj)
            extra["dispositions"] = _disposition_links(obj) if extra["may_dispose"] else []
            pressable = obj.state == WarningState.OPEN and may_press(request.user, obj.department_id)
            extra["directive_url"] = _directive_link(obj) if pressable else ""
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _own_open(self, request, queryset):
        queryset = queryset.filter(state=WarningState.OPEN)
        return (
            queryset if is_platform_admin(request.user) else queryset.filter(department_id=request.user.department_id)
        )

    @admin.action(description=_("处置：已约谈或提醒 / 核实无问题（须填写说明）"), permissions=["change"])
    def dispose(self, request, queryset):
        return intermediate_action(
            self,
            request,
            self._own_open(request, queryset),
            form_class=DispositionForm,
            title=_("处置预警"),
            apply=lambda w, data: services.risk_warning_dispose(
                actor=request.user, warning=w, disposition=data["disposition"], note=data["note"]
            ),
            done=_("已处置预警"),
            submit=_("确认处置"),
        )

    @admin.action(description=_("转交其他部门"), permissions=["change"])
    def transfer(self, request, queryset):
        return intermediate_action(
            self,
            request,
            self._own_open(request, queryset),
            form_class=TransferForm,
            title=_("转交其他部门"),
            apply=lambda w, data: services.risk_warning_transfer(
                actor=request.user, warning=w, department=data["department"], note=data["note"]
            ),
            done=_("已转交预警"),
            submit=_("确认转交"),
        )


def _disposition_links(obj) -> list:
    """The one-step dispositions on the warning's page: each opens the disposition form of the
    oversight app (which may open cases and inspections), by URL name; without it, the list actions."""
    try:
        url = reverse("admin:oversight_warning_dispose", args=[obj.pk])
    except NoReverseMatch:
        return []
    return [(f"{url}?disposition={d.value}", label) for d, label in DISPOSITION_ACTIONS.items()]


def _directive_link(obj) -> str:
    try:
        return reverse("admin:oversight_directive_issue") + f"?kind=warning&object_id={obj.pk}"
    except NoReverseMatch:
        return ""


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
