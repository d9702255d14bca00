"""Admin for penalty decisions (行政处罚决定): issued from the case, here read-only, with 撤销, 变更 and
the printed 行政处罚决定书 (internal, full data)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    LargeListMixin,
    ObjectActionsMixin,
    ScopedAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    intermediate_action,
)
from enforcement import documents, services
from enforcement.admin import forms as admin_forms
from enforcement.admin.display import empty, penalty_labels, person
from enforcement.choices import DecisionState
from enforcement.models import PenaltyDecision
from enforcement.templatetags.enforcement_public import yuan


class PenaltyDisplayMixin:
    """处罚种类 by label, amounts in 元 (a zero confiscation as "—"), the 签发人 by name; the internal 年度 and
    序号 (the number's parts) are not shown. The page shows the model's fields in order, each through its display."""

    display_fields = {
        "penalty_types": "penalty_types_display",
        "fine_amount": "fine_display",
        "confiscation_amount": "confiscation_display",
        "issued_by": "issued_by_display",
        "other_persons": "other_persons_display",
    }
    hidden_fields = ("id", "year", "sequence")
    extra_fields = ()

    def get_readonly_fields(self, request, obj=None):
        fields = [
            self.display_fields.get(f.name, f.name)
            for f in self.model._meta.concrete_fields
            if f.name not in self.hidden_fields
        ]
        return [*fields, *self.extra_fields]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("处罚种类"))
    def penalty_types_display(self, obj):
        return penalty_labels(obj.penalty_types) or empty(self)

    @admin.display(description=_("罚款金额"), ordering="fine_amount")
    def fine_display(self, obj):
        return yuan(obj.fine_amount)

    @admin.display(description=_("没收金额"))
    def confiscation_display(self, obj):
        return yuan(obj.confiscation_amount) if obj.confiscation_amount else "—"

    @admin.display(description=_("签发人"))
    def issued_by_display(self, obj):
        return person(obj.issued_by) or empty(self)

    @admin.display(description=_("其他自然人姓名（公示时隐去）"))
    def other_persons_display(self, obj):
        return "、".join(obj.other_persons) or empty(self)


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(
    LargeListMixin, ViewOnceSavedMixin, PenaltyDisplayMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin
):
    """Issued from the case; here read-only, with 撤销, 变更 and the printed 行政处罚决定书."""

    list_display = (
        "number",
        "party_name",
        "uscc_display",
        "violation_type",
        "fine_display",
        "decided_on",
        "state",
        "case_link",
        "print_link",
    )
    list_select_related = ("department", "case", "issued_by")
    list_filter = ("state", "procedure", "circumstance", "year")
    search_fields = ("number", "party_name")
    search_help_text = _("按统一社会信用代码（全部或前几位）、决定书文号或当事人中的词搜索；多个词用空格分开")
    text_search_fields = ("number", "party_name")
    text_search_indexed = True  # each field's bigram index, bounded (issue 16 §3)
    actions = ["revoke", "change_decision"]
    extra_fields = ("print_link",)
    list_per_page = 50
    show_full_result_count = False

    def get_urls(self):
        pdf = path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="enforcement_penaltydecision_pdf")
        return [pdf, *super().get_urls()]

    def has_add_permission(self, request):
        return False

    def pdf_view(self, request, pk):
        decision = self.get_queryset(request).select_related("case__standard", "department").filter(pk=pk).first()
        if decision is None or not self.has_view_permission(request, decision):
            raise Http404
        response = HttpResponse(documents.signed_decision_pdf(decision), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, f"行政处罚决定书-{decision.number}.pdf")
        return response

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id or empty(self)

    @admin.display(description=_("案件"))
    def case_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:enforcement_case_change", args=[obj.case_id]), obj.case.number
        )

    @admin.display(description=_("决定书"))
    def print_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">打印决定书</a>',
            reverse("admin:enforcement_penaltydecision_pdf", args=[obj.pk]),
        )

    def object_actions(self, request, obj):
        return (
            [("revoke", _("撤销决定")), ("change_decision", _("变更决定"))]
            if obj.state == DecisionState.EFFECTIVE
            else []
        )

    @admin.action(description=_("撤销决定"), permissions=["change"])
    def revoke(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=admin_forms.ReasonForm,
            title=_("撤销决定"),
            done=_("已撤销"),
            submit=_("确认撤销"),
            note=_("撤销后处罚公示和信用记录随即撤回（3个工作日内），理由一并公示。"),
            apply=lambda obj, data: services.decision_revoke(actor=request.user, decision=obj, reason=data["reason"]),
        )

    @admin.action(description=_("变更决定"), permissions=["change"])
    def change_decision(self, request, queryset):
        decision = queryset.first() if queryset.count() == 1 else None
        initial = None
        if decision is not None:
            initial = {
                name: getattr(decision, name)
                for name in (
                    *admin_forms.DECISION_TEXT_FIELDS,
                    "penalty_types",
                    "fine_amount",
                    "confiscation_amount",
                    "circumstance",
                    "procedure",
                    "party_address",
                    "legal_representative",
                )
            }
            initial["other_persons"] = "、".join(decision.other_persons)
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=admin_forms.DecisionChangeForm,
            title=_("变更决定"),
            done=_("已变更"),
            initial=initial,
            submit=_("签发变更后的决定书"),
            note=_("原决定标记为已变更并撤回公示；变更后的决定取得新的文号，重新送达、执行。"),
            apply=lambda obj, data: self._change(request, obj, data),
        )

    def _change(self, request, decision, data):
        try:
            if (data.get("objection_no") or "").strip():  # issue 12 §7: 依异议更正 (enforcement.services.decisions)
                new = services.decision_change_by_objection_no(
                    actor=request.user,
                    decision=decision,
                    objection_no=data["objection_no"],
                    reason=data["reason"],
                    **admin_forms.decision_kwargs(data),
                )
            else:
                new = services.decision_change(
                    actor=request.user, decision=decision, reason=data["reason"], **admin_forms.decision_kwargs(data)
                )
        except ValidationError as exc:
            raise admin_forms.labelled_refusal(exc) from None
        messages.info(request, _("变更后的决定书文号：%(no)s") % {"no": new.number})
        return new
