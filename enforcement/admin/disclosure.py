"""Admin for the disclosure of penalties (双公示): the public summaries (曝光台 choice and withdrawal are
actions); the disclosure clock of issue 12 §1: the province's 较低数额 thresholds and the departments'
disclosure rules (platform administrators edit, every change audited), and the early-stop applications
(提前停止公示), decided by the department that made the decision."""

import os

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    LargeListMixin,
    ObjectActionsMixin,
    ScopedAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    file_response,
    intermediate_action,
    show_refusal,
)
from core.deadline_items import TimelinessFilter
from core.forms import DecisionReasonForm
from core.scoping import is_platform_admin
from enforcement import disclosure_period, early_stop, services
from enforcement.admin import forms as admin_forms
from enforcement.admin.decisions import PenaltyDisplayMixin
from enforcement.choices import DisclosureState, EarlyStopState
from enforcement.models import DisclosureRule, EarlyStopApplication, LowFineThreshold, PenaltyDisclosure
from enforcement.selectors import disclosure_deadline_q


class DisclosureDeadlineFilter(DeadlineFilter):
    title = _("公示期限")
    deadline_q = staticmethod(disclosure_deadline_q)


@admin.register(PenaltyDisclosure)
class PenaltyDisclosureAdmin(
    LargeListMixin, ViewOnceSavedMixin, PenaltyDisplayMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin
):
    """The public summaries: when each is due, published or withdrawn; 曝光台 choice and withdrawal are actions."""

    list_display = (
        "number",
        "party_name",
        "state",
        "publish_due_on",
        "published_at",
        "featured",
        "withdraw_due_on",
        "withdrawn_at",
    )
    list_filter = ("state", DisclosureDeadlineFilter, "featured", "publish_due_provisional", TimelinessFilter)
    search_fields = ("number", "party_name")
    text_search_fields = ("number", "party_name")
    text_search_indexed = True  # each field's bigram index, bounded (issue 16 §3)
    list_select_related = ("department",)
    actions = ["feature", "unfeature", "withdraw"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def object_actions(self, request, obj):
        if obj.state != DisclosureState.PUBLISHED:
            return [("withdraw", _("撤回公示"))] if obj.state == DisclosureState.PENDING else []
        return [
            ("unfeature", _("移出曝光台")) if obj.featured else ("feature", _("选入曝光台")),
            ("withdraw", _("撤回公示")),
        ]

    @admin.action(description=_("选入曝光台"), permissions=["change"])
    def feature(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=admin_forms.FeatureForm,
            title=_("选入曝光台"),
            done=_("已选入曝光台"),
            note=_("只有已公示的处罚决定可以选入曝光台（典型案例）。"),
            apply=lambda obj, data: services.disclosure_feature(
                actor=request.user, disclosure=obj, featured=True, note=data["note"]
            ),
        )

    @admin.action(description=_("移出曝光台"), permissions=["change"])
    def unfeature(self, request, queryset):
        ok = 0
        for disclosure in queryset:
            services.disclosure_feature(actor=request.user, disclosure=disclosure, featured=False)
            ok += 1
        messages.success(request, _("已移出曝光台 %(n)s 条。") % {"n": ok})

    @admin.action(description=_("撤回公示"), permissions=["change"])
    def withdraw(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=admin_forms.ReasonForm,
            title=_("撤回公示"),
            done=_("已撤回公示"),
            submit=_("确认撤回"),
            note=_("撤回后不再在公示页面、接口和曝光台出现，对应的信用记录一并撤销；理由记入审计日志。"),
            apply=lambda obj, data: services.disclosure_withdraw(
                actor=request.user, disclosure=obj, reason=data["reason"]
            ),
        )


class PlatformDataAdmin(admin.ModelAdmin):
    """Rule data every official may read and only a platform administrator changes (through a service)."""

    service = None  # (function, keyword) of the audited save

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # versioned: end a row with its 失效日期, never delete it

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff)

    def save_model(self, request, obj, form, change):
        function, keyword = self.service
        try:
            function(actor=request.user, **{keyword: obj})
        except ValidationError as exc:
            show_refusal(request, exc)


@admin.register(LowFineThreshold)
class LowFineThresholdAdmin(PlatformDataAdmin):
    list_display = ("region_code", "amount", "inclusive", "effective_from", "effective_to", "citation")
    search_fields = ("region_code", "citation")
    service = (disclosure_period.low_fine_threshold_save, "threshold")


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(PlatformDataAdmin):
    list_display = (
        "department",
        "kind",
        "months",
        "early_stop_min_months",
        "effective_from",
        "effective_to",
        "citation",
    )
    list_select_related = ("department",)
    list_filter = ("kind",)
    service = (disclosure_period.disclosure_rule_save, "rule")


@admin.register(EarlyStopApplication)
class EarlyStopApplicationAdmin(ScopedAdmin):
    """提前停止公示 (总局令第45号): the deciding department approves (the disclosure ends now) or refuses with reasons."""

    list_display = (
        "tracking_no",
        "uscc_display",
        "disclosure_number",
        "department",
        "applicant_name",
        "filed_at",
        "state",
        "decided_at",
    )
    list_filter = ("state",)
    search_fields = ("tracking_no", "applicant_name", "disclosure__number", "entity__uscc")
    list_select_related = ("department", "disclosure")
    readonly_fields = (
        "tracking_no",
        "disclosure_number",
        "uscc_display",
        "department",
        "applicant_name",
        "contact_phone",
        "contact_email",
        "filed_at",
        "reason",
        "performed",
        "harm_removed",
        "evidence_links",
        "condition_checks",
        "state",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    fields = readonly_fields
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False  # applications come from the public site

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="enforcement_earlystopapplication_evidence",
        )
        return [evidence, *super().get_urls()]

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("行政处罚决定书文号"), ordering="disclosure__number")
    def disclosure_number(self, obj):
        return obj.disclosure.number

    @admin.display(description=_("条件核查（公示时限、处罚种类、名录、同类违法）"))
    def condition_checks(self, obj):
        if obj.state != EarlyStopState.SUBMITTED:
            return "-"
        problems = early_stop.early_stop_problems(obj.disclosure)
        if not problems:
            return format_html(
                '<span style="color:#2e7d32">{}</span>',
                "符合条件；请核实已履行处罚决定、已消除危害后果和不良影响的证明材料",
            )
        return format_html(
            '<ul style="margin:0;padding-left:1.2em;color:#ba2121">{}</ul>',
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        )

    @admin.display(description=_("证明材料"))
    def evidence_links(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return _("（未提交）")
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>（{}）</li>',
                (
                    (
                        reverse("admin:enforcement_earlystopapplication_evidence", args=[obj.pk, e.pk]),
                        os.path.basename(e.file.name),
                        timezone.localtime(e.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                    )
                    for e in files
                ),
            ),
        )

    def evidence_view(self, request, pk, evidence_id):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        evidence = obj.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return file_response(evidence.file)

    @admin.action(description=_("准予提前停止公示"), permissions=["change"])
    def approve(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=EarlyStopState.SUBMITTED),
            form_class=DecisionReasonForm,
            title=_("准予提前停止公示"),
            done=_("已准予提前停止公示"),
            submit=_("确认准予"),
            single=True,
            note=_(
                "准予后该处罚信息即停止公示，不再出现在行政处罚信息公示、主体页面和公开接口中；信用记录的公示期限不变。决定理由记入审计日志。"
            ),
            apply=lambda obj, data: early_stop.early_stop_approve(
                actor=request.user, application=obj, reason=data["reason"]
            ),
        )

    @admin.action(description=_("不予提前停止公示"), permissions=["change"])
    def refuse(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=EarlyStopState.SUBMITTED),
            form_class=DecisionReasonForm,
            title=_("不予提前停止公示"),
            done=_("已决定不予提前停止公示"),
            submit=_("确认不予"),
            single=True,
            note=_("请写明不予的理由，申请人凭受理编号和查询码可以看到。"),
            apply=lambda obj, data: early_stop.early_stop_refuse(
                actor=request.user, application=obj, reason=data["reason"]
            ),
        )
