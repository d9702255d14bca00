"""Credit repair applications (信用修复): 谁认定、谁修复, approved or rejected with reasons through the services.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

import os

from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ObjectActionsMixin,
    ScopedAdmin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    file_response,
    intermediate_action,
    link,
)
from core.forms import DecisionReasonForm
from credit import services
from credit.admin.common import (
    entity_name_column,
    uscc_column,
    with_entity_name,
)
from credit.choices import (
    PenaltyType,
    RepairState,
)
from credit.models import (
    RepairApplication,
)


class PendingRepairFilter(StateFilter):
    choices_class = RepairState
    default = RepairState.SUBMITTED


REPAIR_FIELDSETS = [
    (None, {"fields": ("tracking_no", "state", "department", "filed_at", "channel")}),
    (
        _("信用记录"),
        {"fields": ("uscc_display", "entity_name_display", "record_link", "record_window", "repair_checks")},
    ),
    (_("申请"), {"fields": ("applicant_name", "reason", "commitment_link", "evidence_links")}),
    (_("联系方式（保密，仅监管人员可见）"), {"fields": ("contact_phone", "contact_email")}),
    (_("决定"), {"fields": ("decided_by", "decided_at", "decision_reason")}),
]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin):
    """谁认定、谁修复: the deciding department approves or rejects, with reasons, through the services."""

    list_display = (
        "tracking_no",
        uscc_column,
        entity_name_column,
        "record_title",
        "department",
        "applicant_name",
        "filed_at",
        "state",
        "decided_by",
        "decided_at",
    )
    list_filter = (PendingRepairFilter,)
    search_fields = ("tracking_no", "applicant_name")
    search_help_text = _("按统一社会信用代码（18位）、受理编号或申请人搜索")
    text_search_fields = ("tracking_no", "applicant_name", "record__source_ref")
    list_select_related = ("department", "record", "decided_by")
    fieldsets = REPAIR_FIELDSETS
    readonly_fields = [f for _name, opts in REPAIR_FIELDSETS for f in opts["fields"]]
    actions = ["approve", "reject"]
    action_query = "?state=all"
    list_per_page = 50

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="credit_repairapplication_evidence",
        )
        return [evidence, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # applications come from the public site and the API

    @admin.display(description=_("信用记录"), ordering="record__title")
    def record_title(self, obj):
        return obj.record.title

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    @admin.display(description=_("信用记录"))
    def record_link(self, obj):
        record = obj.record
        return link("admin:credit_creditrecord_change", record, f"{record.source_ref} {record.title}")

    @admin.display(description=_("公示情况"))
    def record_window(self, obj):
        record = obj.record
        severity = record.get_severity_display() or "-"
        penalties = "、".join(str(PenaltyType(p).label) if p in PenaltyType.values else p for p in record.penalty_types)
        return format_html(
            "{}；决定日期 {}；可申请修复日期 {}；公示截止 {}；当前状态：{}{}",
            severity,
            record.decided_on,
            record.repairable_from,
            record.publicity_ends_on,
            record.get_state_display(),
            f"；处罚种类：{penalties}" if record.penalty_types else "",
        )

    @admin.display(description=_("修复条件核查"))
    def repair_checks(self, obj):
        if obj.state != RepairState.SUBMITTED:
            return "-"
        problems = [
            p for p in services.repair_problems(obj.record, commitment_accepted=True) if "待审核的修复申请" not in p
        ]
        if not problems:
            return format_html(
                '<span style="color:#2e7d32">{}</span>', "符合申请条件（最短公示期、处罚种类、信用修复承诺）"
            )
        return format_html(
            '<ul style="margin:0;padding-left:1.2em;color:#ba2121">{}</ul>',
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        )

    @admin.display(description=_("信用修复承诺"))
    def commitment_link(self, obj):
        return link("admin:credit_creditcommitment_change", obj.commitment, obj.commitment.tracking_no)

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
                        reverse("admin:credit_repairapplication_evidence", args=[obj.pk, e.pk]),
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

    def object_actions(self, request, obj):
        return [("approve", _("批准修复")), ("reject", _("不予修复"))] if obj.state == RepairState.SUBMITTED else []

    @admin.action(description=_("批准修复"), permissions=["change"])
    def approve(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=DecisionReasonForm,
            title=_("批准信用修复"),
            done=_("已批准修复"),
            submit=_("确认批准修复"),
            note=_(
                "批准后该记录停止公示，不再出现在任何公开页面和公开接口中，并重新评价信用等级；决定理由记入审计日志。"
            ),
            apply=lambda obj, data: services.repair_approve(actor=request.user, application=obj, reason=data["reason"]),
        )

    @admin.action(description=_("不予修复"), permissions=["change"])
    def reject(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=DecisionReasonForm,
            title=_("不予信用修复"),
            done=_("已决定不予修复"),
            submit=_("确认不予修复"),
            note=_("不予修复的理由将告知申请人（凭受理编号和查询码查询）。"),
            apply=lambda obj, data: services.repair_reject(actor=request.user, application=obj, reason=data["reason"]),
        )
