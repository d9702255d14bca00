"""Admin for enforcement cases (执法案件).

Cases belong to their department (a platform admin sees all). A case's stage, handlers and record
change only through the actions, each calling its service: 推进到下一环节, 法制审核 (法制审核人员 of the
case's department only), 作出处罚决定, 结案, 变更承办人员. 立案 is the add form (case_open); a case from a
complaint is opened from the complaint (enforcement.admin.complaints); 拟处罚意见 and 陈述申辩、听证 are in
enforcement.admin.due_process, the decision issued here in enforcement.admin.decisions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    LargeListMixin,
    ObjectActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    adopt,
    file_response,
    intermediate_action,
)
from core.scoping import department_of, is_platform_admin
from enforcement import services
from enforcement.admin import forms as admin_forms
from enforcement.admin.display import empty, local_time, person, standard_range_text
from enforcement.admin.due_process import CaseDueProcessMixin, proposal_html
from enforcement.case_rules import may_move_case
from enforcement.choices import CaseStage
from enforcement.models import Case, CaseDocument
from enforcement.selectors import cases_for_review_q, cases_handled_by_q
from supervision.models import MarketEntity
from supervision.services import observation_period_applies

CASE_VIEW_FIELDS = (
    "number",
    "department",
    "stage",
    "party_name",
    "entity",
    "party_is_minor",
    "title",
    "source_display",
    "source_note",
    "standard_display",
    "is_major",
    "handlers_display",
    "filed_on",
    "outcome",
    "closed_on",
    "created_by_display",
    "proposal_display",
    "notice_display",
)
CASE_RECORD_FIELDS = ("timeline", "legal_reviews_display", "decisions_display")

EVENT_ACTIONS = {
    "open": "立案",
    "advance": "推进",
    "legal_review": "法制审核",
    "decide": "作出处罚决定",
    "close": "结案",
    "handlers": "变更承办人员",
    "revoke_decision": "撤销（变更）决定",
    "proposal": "拟处罚意见",
    "answer": "陈述申辩、听证",
}


def is_legal_reviewer(request) -> bool:
    """A 法制审核人员 (the group and the permission), remembered for the request."""
    if not hasattr(request, "_enforcement_reviewer"):
        user = request.user
        request._enforcement_reviewer = bool(
            user.is_authenticated
            and user.groups.filter(name=services.LEGAL_REVIEWER_ROLE).exists()
            and user.has_perm("enforcement.add_legalreview")
        )
    return request._enforcement_reviewer


class CaseStageFilter(admin.SimpleListFilter):
    title = _("当前环节")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [("open", _("未结案")), *CaseStage.choices]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.exclude(stage=CaseStage.CLOSED)
        if self.value() in CaseStage.values:
            return queryset.filter(stage=self.value())
        return queryset


class CaseMineFilter(admin.SimpleListFilter):
    """我的: the open cases I handle, or the cases waiting for my 法制审核 (the 待办 panel links here)."""

    title = _("我的")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("handler", _("我承办的未结案件")), ("review", _("待法制审核（非本人承办）"))]

    def queryset(self, request, queryset):
        if self.value() == "handler":
            return queryset.filter(cases_handled_by_q(request.user))
        if self.value() == "review":
            return queryset.filter(cases_for_review_q(request.user))
        return queryset


@admin.register(Case)
class CaseAdmin(
    LargeListMixin,
    CaseDueProcessMixin,
    ViewOnceSavedMixin,
    ObjectActionsMixin,
    UsccSearchMixin,
    ServiceFormAdmin,
    ScopedAdmin,
):
    """立案 through ``case_open``; every later step is an action on the case's page (全程记录 below it)."""

    form = admin_forms.CaseOpenForm
    list_display = (
        "number",
        "party_name",
        "uscc_display",
        "title",
        "source",
        "stage",
        "is_major",
        "handlers_display",
        "filed_on",
        "outcome",
    )
    list_filter = (CaseMineFilter, CaseStageFilter, "source", "is_major", "outcome")
    search_fields = ("number", "party_name", "title")
    search_help_text = _("按统一社会信用代码（全部或前几位）、案件编号、当事人或案由中的词搜索；多个词用空格分开")
    text_search_fields = ("number", "party_name", "title")
    text_search_indexed = True  # each field's bigram index, bounded (issue 16 §3)
    list_select_related = ("department",)
    actions = ["advance", "propose", "legal_review", "record_answer", "issue_decision", "close_case", "set_handlers"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("handler_links__inspector")

    def get_urls(self):
        document = path(
            "<int:pk>/documents/<int:document_id>/",
            self.admin_site.admin_view(self.document_view),
            name="enforcement_case_document",
        )
        return [document, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ("department", "source", "source_result", "source_note")}),
                (
                    _("当事人与案由"),
                    {
                        "fields": (
                            "entity_uscc",
                            "party_name",
                            "party_is_minor",
                            "title",
                            "standard",
                            "is_major",
                            "filed_on",
                        )
                    },
                ),
                (_("承办人员"), {"fields": ("handlers", "lead")}),
                (_("立案说明与文书"), {"fields": ("note", "document_title", "documents")}),
            ]
        return [(None, {"fields": CASE_VIEW_FIELDS}), (_("全程记录"), {"fields": CASE_RECORD_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        return (*CASE_VIEW_FIELDS, *CASE_RECORD_FIELDS) if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a case is only viewed; it changes through the actions
            kwargs["fields"] = ()
        return super().get_form(request, obj, **kwargs)

    def has_legal_review_permission(self, request):
        return is_legal_reviewer(request)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        kwargs = form.service_kwargs()
        if not is_platform_admin(request.user):
            kwargs["department"] = department_of(request.user)
        try:
            saved = services.case_open(
                actor=request.user, documents=admin_forms.document_pairs(form.cleaned_data), **kwargs
            )
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """Handlers and documents were saved by ``case_open``."""

    def document_view(self, request, pk, document_id):
        case = self.get_queryset(request).filter(pk=pk).first()
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        document = CaseDocument.objects.filter(case=case, pk=document_id).first()
        if document is None:
            raise Http404
        return file_response(document.file)

    # display

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id or empty(self)

    @admin.display(description=_("承办人员"))
    def handlers_display(self, obj):
        links = sorted(obj.handler_links.all(), key=lambda link: (not link.is_lead, link.inspector.name))
        return "、".join(
            f"{link.inspector.name}{'（主办）' if link.is_lead else ''}（{link.inspector.certificate_no}）"
            for link in links
        ) or empty(self)

    @admin.display(description=_("案件来源"))
    def source_display(self, obj):
        """The kind of source and, for a complaint or an inspection result, a link to it (one row)."""
        label = obj.get_source_display()
        if obj.source_result_id:
            url = reverse("admin:inspections_inspectionresult_change", args=[obj.source_result_id])
            return format_html('{}：<a href="{}">检查结果 #{}</a>', label, url, obj.source_result_id)
        if obj.source_warning_id:
            url = reverse("admin:credit_riskwarning_change", args=[obj.source_warning_id])
            return format_html('{}：<a href="{}">风险预警 #{}</a>', label, url, obj.source_warning_id)
        if obj.source_complaint_id:
            url = reverse("admin:enforcement_complaint_change", args=[obj.source_complaint_id])
            return format_html('{}：<a href="{}">{}</a>', label, url, obj.source_complaint.tracking_no)
        return label

    @admin.display(description=_("立案人"))
    def created_by_display(self, obj):
        return person(obj.created_by) or empty(self)

    @admin.display(description=_("适用裁量基准"))
    def standard_display(self, obj):
        return standard_range_text(obj.standard) if obj.standard_id else empty(self)

    @admin.display(description=_("全程记录"))
    def timeline(self, obj):
        labels = dict(CaseStage.choices)
        rows = []
        for event in obj.events.select_related("actor").prefetch_related("documents").order_by("at", "id"):
            docs = format_html_join(
                "",
                '<div><a href="{}">{}</a></div>',
                (
                    (reverse("admin:enforcement_case_document", args=[obj.pk, d.pk]), d.title)
                    for d in event.documents.all()
                ),
            )
            step = labels.get(event.to_stage, event.to_stage)
            if event.from_stage and event.from_stage != event.to_stage:
                step = f"{labels.get(event.from_stage, event.from_stage)} → {step}"
            # The person's name now (actor_label keeps what was stored at the time: the login name of an
            # account without a name then); a task's label when no account acted.
            actor = person(event.actor) or event.actor_label or empty(self)
            rows.append(
                (
                    local_time(event.at),
                    EVENT_ACTIONS.get(event.action.split(":")[0], event.action),
                    step,
                    actor,
                    event.note or "",
                    docs or empty(self),
                )
            )
        if not rows:
            return empty(self)
        # Short columns never wrap (立案 one character per line); 说明 takes the rest of the width.
        return format_html(
            '<table class="case-timeline"><thead><tr><th style="white-space:nowrap">时间</th><th style="white-space:nowrap">操作</th>'
            '<th style="white-space:nowrap">环节</th><th style="white-space:nowrap">操作人</th><th style="min-width:16em">说明</th>'
            '<th style="white-space:nowrap">文书</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td><td style="min-width:8em">{}</td>'
                '<td style="white-space:nowrap">{}</td><td style="white-space:pre-wrap">{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("法制审核"))
    def legal_reviews_display(self, obj):
        reviews = list(obj.legal_reviews.select_related("reviewer").order_by("reviewed_at", "id"))
        if not reviews:
            return _("（尚无法制审核）") if obj.is_major else _("（非重大执法决定，未经法制审核）")
        rows = [(local_time(r.reviewed_at), person(r.reviewer), r.get_result_display(), r.opinion) for r in reviews]
        return format_html(
            '<table><thead><tr><th style="white-space:nowrap">时间</th><th style="white-space:nowrap">法制审核人员</th>'
            '<th style="white-space:nowrap">审核意见</th><th style="min-width:16em">审核意见书</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td>'
                '<td style="white-space:pre-wrap">{}</td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("处罚决定"))
    def decisions_display(self, obj):
        rows = [
            (
                reverse("admin:enforcement_penaltydecision_change", args=[d.pk]),
                d.number,
                d.decided_on,
                d.get_state_display(),
                reverse("admin:enforcement_penaltydecision_pdf", args=[d.pk]),
            )
            for d in obj.decisions.order_by("decided_on", "id")
        ]
        if not rows:
            return empty(self)
        return format_html_join("", '<div><a href="{}">{}</a>（{}，{}） <a href="{}">打印决定书</a></div>', rows)

    # actions on the case's page

    def object_actions(self, request, obj):
        actions = []
        if obj.stage == CaseStage.CLOSED:
            return actions
        # Issue 12 §6: only the case's handlers or the 部门负责人 move it.
        can_change = self.has_change_permission(request) and may_move_case(request.user, obj)
        if can_change and services.allowed_next_stages(obj):
            actions.append(("advance", _("推进到下一环节")))
        if can_change and obj.stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.LEGAL_REVIEW):
            actions.append(("propose", _("拟处罚意见")))
        if obj.stage == CaseStage.LEGAL_REVIEW and self.has_legal_review_permission(request):
            actions.append(("legal_review", _("法制审核")))
        if can_change and obj.stage == CaseStage.NOTICE:
            actions += [("record_answer", _("登记陈述申辩、听证")), ("issue_decision", _("作出处罚决定"))]
        if can_change:
            actions += [("close_case", _("结案")), ("set_handlers", _("变更承办人员"))]
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # As ObjectActionsMixin, but each button by its own permission (a 法制审核人员 only views cases).
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        extra = {}
        if obj is not None:
            extra = {
                "remedy_actions": self.object_actions(request, obj),
                "remedy_action_url": reverse("admin:enforcement_case_changelist"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
        return super(ObjectActionsMixin, self).change_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )

    def _one(self, queryset):
        return queryset.select_related("department", "standard").first() if queryset.count() == 1 else None

    @admin.action(description=_("推进到下一环节"), permissions=["change"])
    def advance(self, request, queryset):
        case = self._one(queryset)
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            title=_("推进到下一环节"),
            done=_("已推进"),
            submit=_("确认推进"),
            form_class=admin_forms.CaseAdvanceForm.for_case(case) if case else admin_forms.CaseAdvanceForm,
            note=_("作出处罚决定、结案请使用相应操作；重大执法决定须经法制审核通过后方可进入告知环节。"),
            apply=lambda obj, data: services.case_advance(
                actor=request.user,
                case=obj,
                to_stage=data["to_stage"],
                note=data.get("note") or "",
                documents=admin_forms.document_pairs(data),
                notice_served_on=data.get("notice_served_on"),
            ),
        )

    @admin.action(description=_("法制审核"), permissions=["legal_review"])
    def legal_review(self, request, queryset):
        case = self._one(queryset)
        note = _("法制审核人员不能是本案的承办人员；审核通过后案件方可进入告知环节，退回补正的案件退回调查取证。")
        # Issue 12 §6: the reviewer sees the proposed decision it reviews.
        note = format_html("{}{}", note, proposal_html(case)) if case is not None else note
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=admin_forms.LegalReviewForm,
            title=_("法制审核"),
            done=_("已记录法制审核"),
            submit=_("提交审核意见"),
            note=note,
            apply=lambda obj, data: services.legal_review_record(
                actor=request.user, case=obj, result=data["result"], opinion=data["opinion"]
            ),
        )

    @admin.action(description=_("作出处罚决定"), permissions=["change"])
    def issue_decision(self, request, queryset):
        case = self._one(queryset)
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=admin_forms.DecisionForm,
            title=_("作出处罚决定"),
            done=_("已作出处罚决定"),
            submit=_("签发决定书"),
            initial=admin_forms.decision_initial(case) if case else None,
            note=self._decision_note(case),
            apply=lambda obj, data: self._issue(request, obj, data),
            refusal_on_form=True,
        )

    def _issue(self, request, case, data):
        decision = services.penalty_decision_issue(actor=request.user, case=case, **admin_forms.decision_kwargs(data))
        url = reverse("admin:enforcement_penaltydecision_pdf", args=[decision.pk])
        messages.info(request, format_html('决定书文号 {}：<a href="{}">打印决定书</a>', decision.number, url))
        return decision

    def _decision_note(self, case) -> str:
        if case is None:
            return ""
        parts = [standard_range_text(case.standard) if case.standard_id else "本案未适用裁量基准。"]
        parts.append("罚款超出所选情节的幅度的，须书面说明理由并经法制审核通过。")
        if case.is_major:
            parts.append(
                "重大执法决定：法制审核已通过。"
                if services.passed_review(case)
                else "重大执法决定：法制审核尚未通过，不能作出决定。"
            )
        entity = MarketEntity.objects.filter(uscc=case.entity_id).first() if case.entity_id else None
        if entity is not None and observation_period_applies(entity, case.filed_on):
            parts.append(
                "提示：当事人处于包容审慎观察期内，首次轻微违法的可不予处罚（首违不罚），请使用“结案”并选择“首违不罚（观察期内）”。"
            )
        return "".join(parts)

    @admin.action(description=_("结案"), permissions=["change"])
    def close_case(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=admin_forms.CaseCloseForm,
            title=_("结案"),
            done=_("已结案"),
            submit=_("确认结案"),
            note=_(
                "作出处罚决定的案件在执行环节完成后结案；移送司法机关、不予处罚、撤销立案可在决定前结案；首违不罚仅适用于观察期内的首次轻微违法。"
            ),
            apply=lambda obj, data: services.case_close(
                actor=request.user,
                case=obj,
                outcome=data["outcome"],
                note=data["note"],
                closed_on=data.get("closed_on"),
                documents=admin_forms.document_pairs(data),
            ),
        )

    @admin.action(description=_("变更承办人员"), permissions=["change"])
    def set_handlers(self, request, queryset):
        case = self._one(queryset)
        initial = {"handlers": [link.inspector_id for link in case.handler_links.all()]} if case else None
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=admin_forms.HandlersForm.for_case(case) if case else admin_forms.HandlersForm,
            title=_("变更承办人员"),
            done=_("已变更承办人员"),
            initial=initial,
            apply=lambda obj, data: services.case_handlers_set(
                actor=request.user,
                case=obj,
                handlers=list(data["handlers"]),
                lead=data.get("lead"),
                note=data.get("note") or "",
            ),
        )
