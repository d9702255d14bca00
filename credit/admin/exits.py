"""Leaving a list in the admin (issue 12 §4): exit applications and removal proposals.

The listing department's officials see and decide their own (ScopedAdmin); every decision is an
action that calls a ``credit.services.list_exits`` service (准予移出 removes the entry through
``list_entry_remove``; 不予移出 needs reasons). Registered by ``credit/admin/__init__.py`` importing this module.
"""

import os

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    ObjectActionsMixin,
    ScopedAdmin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    coloured,
    due_window,
    file_response,
    intermediate_action,
    link,
)
from core.deadline_items import TimelinessFilter
from core.forms import DecisionReasonForm, ReasonForm
from credit.admin.common import entity_name_column, uscc_column, with_entity_name
from credit.choices import ExitState, RemovalProposalState
from credit.models import ListExitApplication, ListRemovalProposal
from credit.selectors import exit_deadline_q
from credit.services import list_exits


class ApproveExitForm(forms.Form):
    reason = forms.CharField(
        label=_("决定说明（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class RemovalConfirmForm(forms.Form):
    removed_on = forms.DateField(label=_("移出日期"), initial=timezone.localdate, widget=admin.widgets.AdminDateWidget)
    note = forms.CharField(
        label=_("移出说明（选填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class PendingExitFilter(StateFilter):
    choices_class = ExitState
    default = ExitState.SUBMITTED


class ExitDeadlineFilter(DeadlineFilter):
    deadline_q = staticmethod(exit_deadline_q)


EXIT_FIELDSETS = [
    (
        None,
        {
            "fields": (
                "tracking_no",
                "state",
                "entry_link",
                "uscc_display",
                "entity_name_display",
                "department",
                "filed_at",
                "channel",
            )
        },
    ),
    (_("申请"), {"fields": ("reason", "evidence_links", "exit_checks", "deadline_display")}),
    (_("申请人联系方式（保密，仅监管人员可见）"), {"fields": ("applicant_name", "contact_phone", "contact_email")}),
    (_("决定"), {"fields": ("decided_by", "decided_at", "decision_reason")}),
]


@admin.register(ListExitApplication)
class ListExitApplicationAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin):
    """作出列入决定的部门 decides: 准予移出 (the entry is removed, dated) or 不予移出 with reasons."""

    list_display = (
        "tracking_no",
        uscc_column,
        entity_name_column,
        "list_type",
        "department",
        "filed_at",
        "state",
        "deadline_display",
        "decided_at",
    )
    list_filter = (PendingExitFilter, ExitDeadlineFilter, "list_type", TimelinessFilter)
    search_fields = ("tracking_no", "applicant_name")
    search_help_text = _("按统一社会信用代码（18位）、受理编号或申请人搜索")
    text_search_fields = ("tracking_no", "applicant_name")
    list_select_related = ("department", "list_entry", "decided_by")
    fieldsets = EXIT_FIELDSETS
    readonly_fields = [f for _name, opts in EXIT_FIELDSETS for f in opts["fields"]]
    actions = ["approve", "refuse"]
    action_query = "?state=all"
    list_per_page = 50

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="credit_listexitapplication_evidence",
        )
        return [evidence, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # applications come from the public site and the API

    @admin.display(description=_("名单记录"))
    def entry_link(self, obj):
        return link("admin:credit_listentry_change", obj.list_entry)

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    @admin.display(description=_("决定期限"), ordering="decide_due_on")
    def deadline_display(self, obj):
        if obj.decide_due_on is None:
            return "-"
        text = f"{obj.decide_due_on}{'（暂定）' if obj.deadline_provisional else ''}"
        if obj.state != ExitState.SUBMITTED:
            return text
        today, until = due_window()
        if obj.decide_due_on < today:
            return coloured(f"{text}（已逾期）", "overdue")
        if obj.decide_due_on <= until:
            return coloured(f"{text}（1个工作日内到期）", "due")
        return text

    @admin.display(description=_("移出条件核查"))
    def exit_checks(self, obj):
        if obj.state != ExitState.SUBMITTED:
            return "-"
        problems = [p for p in list_exits.exit_problems(obj.list_entry) if "待决定的移出申请" not in p]
        if not problems:
            return format_html(
                '<span style="color:#2e7d32">{}</span>', "符合申请条件；请核对证明材料，确认已履行相关义务"
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
                '<li><a href="{}">{}</a></li>',
                (
                    (
                        reverse("admin:credit_listexitapplication_evidence", args=[obj.pk, e.pk]),
                        os.path.basename(e.file.name),
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

    def object_actions(self, request, obj):
        return [("approve", _("准予移出")), ("refuse", _("不予移出"))] if obj.state == ExitState.SUBMITTED else []

    @admin.action(description=_("准予移出"), permissions=["change"])
    def approve(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ApproveExitForm,
            title=_("准予移出名单"),
            done=_("已准予移出"),
            submit=_("确认移出"),
            note=_("确认后该名单记录以今天为移出日期移出，不再公示，并重新评价信用等级；决定记入审计日志。"),
            apply=lambda obj, data: list_exits.list_exit_approve(
                actor=request.user, application=obj, reason=data.get("reason") or ""
            ),
        )

    @admin.action(description=_("不予移出（须说明理由）"), permissions=["change"])
    def refuse(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=DecisionReasonForm,
            title=_("不予移出名单"),
            done=_("已决定不予移出"),
            submit=_("确认不予移出"),
            note=_("不予移出的理由将告知申请人（凭受理编号和查询码查询）。"),
            apply=lambda obj, data: list_exits.list_exit_refuse(
                actor=request.user, application=obj, reason=data["reason"]
            ),
        )


class PendingRemovalFilter(StateFilter):
    choices_class = RemovalProposalState
    default = RemovalProposalState.PENDING


@admin.register(ListRemovalProposal)
class ListRemovalProposalAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin):
    """Raised when the record an entry rests on is repaired or revoked; the listing department confirms or dismisses."""

    list_display = (
        uscc_column,
        entity_name_column,
        "entry",
        "record_display",
        "department",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
    )
    list_filter = (PendingRemovalFilter,)
    list_select_related = ("department", "entry", "record", "decided_by")
    readonly_fields = (
        "entity",
        "entry",
        "record",
        "reason",
        "department",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    fields = readonly_fields
    actions = ["confirm", "dismiss"]
    action_query = "?state=all"

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("所依据的信用记录"))
    def record_display(self, obj):
        return f"{obj.record.source_ref} {obj.record.title}（{obj.record.get_state_display()}）"

    def object_actions(self, request, obj):
        return (
            [("confirm", _("确认移出")), ("dismiss", _("不予移出"))]
            if obj.state == RemovalProposalState.PENDING
            else []
        )

    @admin.action(description=_("确认移出名单"), permissions=["change"])
    def confirm(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=RemovalConfirmForm,
            title=_("确认移出名单"),
            done=_("已移出"),
            submit=_("确认移出"),
            initial={"removed_on": timezone.localdate()},
            note=_(
                "所依据的信用记录已修复或撤销：确认后该名单记录移出（原因：所依据的信用记录已修复或撤销），并重新评价信用等级。"
            ),
            apply=lambda obj, data: list_exits.list_removal_proposal_confirm(
                actor=request.user, proposal=obj, removed_on=data["removed_on"], note=data.get("note") or ""
            ),
        )

    @admin.action(description=_("不予移出（须说明理由）"), permissions=["change"])
    def dismiss(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("不予移出"),
            done=_("已决定不予移出"),
            submit=_("确认不予移出"),
            note=_("例如该名单记录另有其他列入依据。理由记入审计日志。"),
            apply=lambda obj, data: list_exits.list_removal_proposal_dismiss(
                actor=request.user, proposal=obj, reason=data["reason"]
            ),
        )
