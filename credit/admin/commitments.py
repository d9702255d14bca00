"""Credit commitments (信用承诺) in the admin: made through ``commitment_make``; 已履约 / 违诺 through actions.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ACTION_FORM_TEMPLATE,
    ObjectActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    adopt,
    coloured,
    due_window,
    file_response,
    intermediate_action,
    link,
)
from core.scoping import department_of, is_platform_admin
from credit import services
from credit.admin.common import (
    entity_name_column,
    uscc_column,
    with_entity_name,
)
from credit.choices import (
    CommitmentState,
)
from credit.forms import (
    CommitmentBreakForm,
    CommitmentFulfilForm,
    CommitmentMakeForm,
)
from credit.models import (
    CreditCommitment,
)
from credit.selectors import commitment_overdue_q


class CommitmentOverdueFilter(admin.SimpleListFilter):
    title = _("履约期限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已过履约期限仍在履约中"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(commitment_overdue_q(due_window(request)[0]))
        return queryset


COMMITMENT_ADD_FIELDS = (
    "uscc",
    "commitment_type",
    "department",
    "matter",
    "related_record",
    "content",
    "signatory",
    "contact_phone",
    "made_on",
    "due_on",
)
COMMITMENT_VIEW_FIELDS = (
    "tracking_no",
    "uscc_display",
    "entity_name_display",
    "commitment_type",
    "department",
    "matter",
    "related_record_link",
    "content",
    "signatory",
    "made_on",
    "due_on_display",
    "channel",
    "created_at",
)
COMMITMENT_CONFIDENTIAL_FIELDS = ("contact_phone",)
COMMITMENT_RESULT_FIELDS = ("state", "resolved_on", "resolution_note", "evidence_link", "result_record_link")


@admin.register(CreditCommitment)
class CreditCommitmentAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """Entered by ``commitment_make``; 已履约 / 违诺 only through the actions (each becomes a credit record)."""

    form = CommitmentMakeForm
    list_display = (
        "tracking_no",
        uscc_column,
        entity_name_column,
        "commitment_type",
        "department",
        "made_on",
        "due_on_display",
        "state",
        "resolved_on",
        "channel",
    )
    list_filter = ("commitment_type", "state", CommitmentOverdueFilter)
    search_fields = ("tracking_no", "signatory", "matter")
    search_help_text = _("按统一社会信用代码（18位）、承诺编号、承诺人或涉及事项搜索")
    text_search_fields = ("tracking_no", "signatory", "matter")
    list_select_related = ("department",)
    raw_id_fields = ("related_record",)
    show_full_result_count = False
    list_per_page = 50
    actions = ["fulfil", "break_commitment"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/",
            self.admin_site.admin_view(self.evidence_view),
            name="credit_creditcommitment_evidence",
        )
        return [evidence, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": COMMITMENT_ADD_FIELDS})]
        return [
            (None, {"fields": COMMITMENT_VIEW_FIELDS}),
            (_("联系方式（保密，仅监管人员可见）"), {"fields": COMMITMENT_CONFIDENTIAL_FIELDS}),
            (_("履约认定"), {"fields": COMMITMENT_RESULT_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*COMMITMENT_VIEW_FIELDS, *COMMITMENT_CONFIDENTIAL_FIELDS, *COMMITMENT_RESULT_FIELDS) if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a saved commitment is only viewed; its state changes through actions
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        kwargs = form.service_kwargs()
        if not is_platform_admin(request.user):
            kwargs["department"] = department_of(request.user)
        try:
            saved, code = services.commitment_make(actor=request.user, **kwargs)
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)
        messages.success(
            request,
            _("承诺编号 %(no)s，查询码 %(code)s。查询码只显示这一次，请告知承诺人凭承诺编号和查询码查询。")
            % {"no": saved.tracking_no, "code": code},
        )

    # display

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    @admin.display(description=_("履约期限"), ordering="due_on")
    def due_on_display(self, obj):
        if obj.state == CommitmentState.IN_PROGRESS and obj.due_on < timezone.localdate():
            return coloured(f"{obj.due_on}（已逾期）", "overdue")
        return str(obj.due_on)

    @admin.display(description=_("所修复的信用记录"))
    def related_record_link(self, obj):
        return link("admin:credit_creditrecord_change", obj.related_record)

    @admin.display(description=_("形成的信用记录"))
    def result_record_link(self, obj):
        return link("admin:credit_creditrecord_change", obj.result_record)

    @admin.display(description=_("履约证明材料"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "-"
        url = reverse("admin:credit_creditcommitment_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, os.path.basename(obj.evidence.name))

    def evidence_view(self, request, pk):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return file_response(obj.evidence)

    # actions

    def object_actions(self, request, obj):
        if obj.state != CommitmentState.IN_PROGRESS:
            return []
        return [("fulfil", _("认定已履约")), ("break_commitment", _("认定违诺"))]

    @admin.action(description=_("认定已履约"), permissions=["change"])
    def fulfil(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CommitmentFulfilForm,
            title=_("认定已履约"),
            done=_("已认定履约"),
            submit=_("确认已履约"),
            initial={"resolved_on": timezone.localdate()},
            template=ACTION_FORM_TEMPLATE,
            note=_("认定后形成一条正面信用记录（信用承诺类），并计入信用评价。"),
            apply=lambda obj, data: services.commitment_fulfil(
                actor=request.user,
                commitment=obj,
                resolved_on=data["resolved_on"],
                note=data.get("note") or "",
                evidence=data.get("evidence"),
            ),
        )

    @admin.action(description=_("认定违诺"), permissions=["change"])
    def break_commitment(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CommitmentBreakForm,
            title=_("认定违诺"),
            done=_("已认定违诺"),
            submit=_("确认违诺"),
            initial={"resolved_on": timezone.localdate()},
            note=_("违诺形成一条负面信用记录（信用承诺类）；近12个月内违诺的主体评为“失信”等级。"),
            apply=lambda obj, data: services.commitment_break(
                actor=request.user, commitment=obj, note=data["note"], resolved_on=data["resolved_on"]
            ),
        )
