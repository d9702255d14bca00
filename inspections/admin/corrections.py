"""责令改正 in the admin: made by ``result_submit``; 已改正 only through the actions. An order belongs to
the department that entered the result.

The entity answers an order from ``/enterprise/`` (issue 14 §3); its answers, with their evidence, are
listed on the order's page, and the issuing department accepts the one under review (接受整改, which
closes the order) or returns it with reasons (``inspections.services.corrections``).
"""

import os

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    ObjectActionsMixin,
    ScopedAdmin,
    ViewOnceSavedMixin,
    coloured,
    file_response,
    intermediate_action,
)
from core.deadline_items import TimelinessFilter
from inspections import services
from inspections.admin.scope import EntityColumns, admin_link, entity_name_of
from inspections.choices import CorrectionState, ResponseState
from inspections.forms import CorrectedForm
from inspections.models import CorrectionEvidence, CorrectionOrder, CorrectionResponse
from inspections.selectors import correction_deadline_q


class AcceptResponseForm(forms.Form):
    """接受整改 asks for nothing: the confirmation page shows what is accepted."""


class ReturnResponseForm(forms.Form):
    reasons = forms.CharField(
        label=_("退回理由"),
        max_length=services.REASONS_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("企业在企业端看到退回理由，可在改正期限内重新提交整改材料"),
    )


def pending_response(order: CorrectionOrder) -> CorrectionResponse:
    response = order.responses.filter(state=ResponseState.SUBMITTED).first()
    if response is None:
        raise ValidationError("该责令改正没有待审核的整改材料")
    return response


class CorrectionDeadlineFilter(DeadlineFilter):
    title = _("改正期限")
    deadline_q = staticmethod(correction_deadline_q)


@admin.register(CorrectionOrder)
class CorrectionOrderAdmin(ViewOnceSavedMixin, EntityColumns, ObjectActionsMixin, ScopedAdmin):
    """责令改正: made by ``result_submit``; 已改正 only through the action."""

    list_display = (
        "uscc_display",
        "entity_name_display",
        "department",
        "due_on_display",
        "state",
        "corrected_on",
        "pending_display",
        "result_link",
    )
    list_filter = ("state", CorrectionDeadlineFilter, TimelinessFilter)
    search_fields = ("=entity__uscc",)
    list_select_related = ("department",)
    actions = ["accept_response", "return_response", "mark_corrected"]
    list_per_page = 50
    fields = (
        "result_link",
        "uscc_display",
        "entity_name_display",
        "department",
        "due_on_display",
        "state",
        "corrected_on",
        "responses_display",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        pending = CorrectionResponse.objects.filter(order=OuterRef("pk"), state=ResponseState.SUBMITTED)
        return (
            super().get_queryset(request).annotate(entity_name=entity_name_of("entity_id"), has_pending=Exists(pending))
        )

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="inspections_correctionorder_evidence",
        )
        return [evidence, *super().get_urls()]

    def evidence_view(self, request, pk, evidence_id):
        order = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if order is None or not self.has_view_permission(request, order):
            raise Http404
        evidence = CorrectionEvidence.objects.filter(pk=evidence_id, response__order=order).first()
        if evidence is None:
            raise Http404
        return file_response(evidence.file)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("改正期限"), ordering="due_on")
    def due_on_display(self, obj):
        if obj.state != CorrectionState.CORRECTED and obj.due_on < timezone.localdate():
            return coloured(f"{obj.due_on}（已逾期）", "overdue")
        return str(obj.due_on)

    @admin.display(description=_("检查结果"))
    def result_link(self, obj):
        return admin_link("inspectionresult", obj.result_id, f"检查结果 #{obj.result_id}")

    @admin.display(description=_("整改材料"))
    def pending_display(self, obj):
        return coloured("待审核", "due") if obj.has_pending else "—"

    @admin.display(description=_("企业提交的整改材料"))
    def responses_display(self, obj):
        responses = list(obj.responses.select_related("reviewer").prefetch_related("evidence").order_by("submitted_at"))
        if not responses:
            return _("（企业尚未提交）")
        rows = []
        for r in responses:
            files = format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (
                        reverse("admin:inspections_correctionorder_evidence", args=[obj.pk, e.pk]),
                        os.path.basename(e.file.name),
                    )
                    for e in r.evidence.all()
                ),
            )
            review = ""
            if r.reviewed_at:
                review = f"{r.reviewer or '系统'}，{timezone.localtime(r.reviewed_at):%Y-%m-%d %H:%M}"
            rows.append(
                (
                    f"{timezone.localtime(r.submitted_at):%Y-%m-%d %H:%M}",
                    r.get_state_display(),
                    linebreaks(r.statement, autoescape=True),
                    format_html("<ul style='margin:0;padding-left:1.2em'>{}</ul>", files),
                    review,
                    linebreaks(r.return_reasons, autoescape=True) if r.return_reasons else "",
                )
            )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("提交时间"),
            _("状态"),
            _("整改情况说明"),
            _("证明材料"),
            _("审核"),
            _("退回理由"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )

    def object_actions(self, request, obj):
        if obj.state == CorrectionState.CORRECTED:
            return []
        actions = []
        if obj.has_pending:
            actions = [("accept_response", _("接受整改（关闭责令改正）")), ("return_response", _("退回（填写理由）"))]
        return [*actions, ("mark_corrected", _("标记已改正"))]

    @admin.action(description=_("接受整改（关闭责令改正）"), permissions=["change"])
    def accept_response(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=AcceptResponseForm,
            title=_("接受整改（关闭责令改正）"),
            done=_("已接受整改并关闭责令改正"),
            submit=_("确认接受整改"),
            note=_(
                "接受企业提交的整改材料后，责令改正以材料提交日期为改正日期关闭，不再因逾期未改正列入经营异常名录；操作记入审计日志。"
            ),
            apply=lambda order, data: services.correction_response_accept(
                actor=request.user, response=pending_response(order)
            ),
        )

    @admin.action(description=_("退回（填写理由）"), permissions=["change"])
    def return_response(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ReturnResponseForm,
            title=_("退回整改材料"),
            done=_("已退回整改材料"),
            submit=_("确认退回"),
            note=_("退回后责令改正仍在期限内的，企业可重新提交；改正期限不变。操作记入审计日志。"),
            apply=lambda order, data: services.correction_response_return(
                actor=request.user, response=pending_response(order), reasons=data["reasons"]
            ),
        )

    @admin.action(description=_("标记已改正"), permissions=["change"])
    def mark_corrected(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CorrectedForm,
            title=_("标记已改正"),
            done=_("已标记改正"),
            submit=_("确认已改正"),
            initial={"corrected_on": timezone.localdate()},
            note=_("标记已改正后不再因逾期未改正列入经营异常名录；操作记入审计日志。"),
            apply=lambda order, data: services.correction_mark_corrected(
                actor=request.user, order=order, corrected_on=data["corrected_on"]
            ),
        )
