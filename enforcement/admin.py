"""Admin (in Chinese) for enforcement, scoped to the official's department; every change goes through services."""

import os

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Q, Value, When
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.workdays import working_day_map, working_days_between
from credit.admin import (
    DeadlineFilter,
    RemedyActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    _coloured,
    _file_response,
    adopt,
    due_window,
    intermediate_action,
)
from credit.choices import PenaltyType
from credit.file_import import DepartmentFileImportMixin, truncated
from enforcement import (
    admin_early_stop,  # noqa: F401 - registers 提前停止公示 and the disclosure rules (issue 12 §1)
    admin_forms,
    documents,
    imports,
    objections,
    services,
)
from enforcement.admin_due_process import CaseDueProcessMixin, ComplaintEntityMixin, proposal_html
from enforcement.case_rules import may_move_case
from enforcement.choices import CaseStage, ComplaintState, DecisionState, DisclosureState
from enforcement.complaint_rules import sees_complainant
from enforcement.forms import (
    ChannelDeadlineForm,
    ComplaintAcceptForm,
    ComplaintAssignForm,
    ComplaintCloseForm,
    ComplaintConvertForm,
    ComplaintEntryForm,
)
from enforcement.models import Case as CaseModel
from enforcement.models import CaseDocument, ChannelDeadline, Complaint, DiscretionStandard, PenaltyDecision, PenaltyDisclosure
from enforcement.templatetags.enforcement_public import yuan
from supervision.selectors import department_of, is_platform_admin

# --- display helpers ----------------------------------------------------------------------------------
# Staff by their name, codes by their Chinese labels, amounts as "40,000.00 元" (the public pages' ``yuan``),
# dates as 2026年11月22日 (as the admin shows 登记时间), an empty value as the admin's empty_value_display.


def person(user) -> str:
    """A member of staff by full name, else by login name ("" for none)."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def penalty_labels(kinds) -> str:
    """["fine", "warning"] → "罚款、警告"."""
    labels = dict(PenaltyType.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds or ())


def amount_range(low, high) -> str:
    """100000, 130000 → "100,000.00–130,000.00 元"."""
    return f"{yuan(low).removesuffix(' 元')}–{yuan(high)}"


def empty(model_admin) -> str:
    return model_admin.get_empty_value_display()


def nowrap(text):
    """A list cell kept on one line (a 受理编号 or a date broken over two lines is hard to read)."""
    return format_html('<span style="white-space:nowrap">{}</span>', text)


# --- complaints (投诉举报) ----------------------------------------------------------------------------
# Officials see their own department's complaints (a platform admin all of them). The reporter's
# identity, contacts and attachments are shown only to the handling department (DOMAIN §5), not even
# to a platform admin of another department. Entry here is for 12345/12315/window work orders; the
# web and API channels file by themselves. Every change is an action that calls a service.

OPEN_COMPLAINT_STATES = (ComplaintState.RECEIVED, ComplaintState.HANDLING)


def complaint_deadline_q(lookup: str, day) -> Q:
    """Open complaints whose deadline is ``lookup`` ``day``."""
    return Q(state__in=OPEN_COMPLAINT_STATES, **{f"due_on__{lookup}": day})


def handles_complaint(request, complaint) -> bool:
    """Does the official see the reporter? Its handlers and the 部门负责人 only (issue 12 §6, DOMAIN §5)."""
    return sees_complainant(request.user, complaint)


class ComplaintStateFilter(StateFilter):
    """Opens on the complaints still being handled (已登记 and 办理中)."""

    choices_class = ComplaintState
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", _("未办结（已登记、办理中）")), *ComplaintState.choices, ("all", _("全部"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(state__in=OPEN_COMPLAINT_STATES)
        return super().queryset(request, queryset)


class ComplaintDeadlineFilter(DeadlineFilter):
    deadline_q = staticmethod(complaint_deadline_q)


class ComplaintChangeList(ChangeList):
    """Works out each open row's working days left with one calendar query for the page (not one per row)."""

    def get_results(self, request):
        super().get_results(request)
        rows = [c for c in self.result_list if c.state in OPEN_COMPLAINT_STATES]
        if not rows:
            return
        today = timezone.localdate()
        dates = [c.due_on for c in rows]
        start, end = min([today, *dates]), max([today, *dates])
        working = working_day_map(start, end)

        def between(a, b):
            return sum(1 for d, w in working.items() if a < d <= b and w)

        for complaint in rows:
            complaint.working_days_left = between(today, complaint.due_on) if complaint.due_on >= today else -between(complaint.due_on, today)


COMPLAINT_ADD_FIELDS = ("channel", "external_no", "kind", "entity_name", "entity_uscc", "content", "department", "attachments")
COMPLAINT_ADD_NOTE = _("登记 12345 热线、12315 平台转来或窗口接收的投诉举报；网站和接口提交的投诉举报自动登记。")
COMPLAINT_ADD_CONFIDENTIAL = ("reporter_name", "contact_phone", "contact_email", "whistleblower")
COMPLAINT_VIEW_FIELDS = ("tracking_no", "state", "kind", "channel", "external_no", "entity_name", "uscc_display", "content", "department", "filed_at")
COMPLAINT_DEADLINE_FIELDS = ("working_days", "due_display", "time_left")
COMPLAINT_CONFIDENTIAL_FIELDS = ("reporter_name", "contact_phone", "contact_email", "whistleblower", "attachment_links")
COMPLAINT_RESULT_FIELDS = ("verdict", "outcome", "handled_by_display", "closed_at", "credit_record_link", "case_links")


@admin.register(Complaint)
class ComplaintAdmin(ComplaintEntityMixin, ViewOnceSavedMixin, RemedyActionsMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """受理 → 办结 (verdict and outcome), 转办 or 转立案, within the channel's working-day deadline."""

    form = ComplaintEntryForm
    # What an official triages by; 类别, 承办部门, 登记时间 and 核查结论 are filters and on the complaint's page.
    list_display = ("tracking_no_display", "entity_name", "channel_display", "state_display", "due_display", "time_left")
    list_filter = (ComplaintStateFilter, ComplaintDeadlineFilter, "channel", "kind", "verdict", "filed_at")
    search_fields = ("tracking_no", "entity_name", "external_no")
    search_help_text = _("按统一社会信用代码（18位）、受理编号、被投诉举报对象名称或来源工单号搜索")
    text_search_fields = ("tracking_no", "entity_name", "external_no")
    list_select_related = ("department",)
    actions = ["accept", "close", "assign", "convert", "set_entity", "set_complaint_handlers"]
    action_query = "?state=all"
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        today, until = due_window(request)
        urgency = Case(
            When(complaint_deadline_q("lt", today), then=Value("overdue")),
            When(complaint_deadline_q("lte", until), then=Value("due")),
            default=Value(""),
            output_field=CharField(),
        )
        return super().get_queryset(request).annotate(urgency=urgency)

    def get_changelist(self, request, **kwargs):
        return ComplaintChangeList

    def get_list_filter(self, request):
        return (*self.list_filter, "department") if is_platform_admin(request.user) else self.list_filter

    def get_urls(self):
        attachment = path(
            "<int:pk>/attachments/<int:attachment_id>/", self.admin_site.admin_view(self.attachment_view), name="enforcement_complaint_attachment"
        )
        return [attachment, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": COMPLAINT_ADD_FIELDS, "description": COMPLAINT_ADD_NOTE}),
                (_("投诉举报人（保密，仅承办部门可见）"), {"fields": COMPLAINT_ADD_CONFIDENTIAL}),
            ]
        sets = [(None, {"fields": COMPLAINT_VIEW_FIELDS}), (_("办理期限（工作日）"), {"fields": COMPLAINT_DEADLINE_FIELDS})]
        if handles_complaint(request, obj):
            sets.append((_("投诉举报人（保密，仅承办部门可见）"), {"fields": COMPLAINT_CONFIDENTIAL_FIELDS}))
        sets.append((_("办理结果"), {"fields": COMPLAINT_RESULT_FIELDS}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*COMPLAINT_VIEW_FIELDS, *COMPLAINT_DEADLINE_FIELDS, *COMPLAINT_CONFIDENTIAL_FIELDS, *COMPLAINT_RESULT_FIELDS)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a complaint is only viewed; it changes through the actions
            kwargs["fields"] = ()
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        kwargs = form.service_kwargs()
        if not is_platform_admin(request.user):
            kwargs["department"] = department_of(request.user)
        try:
            saved, code = services.complaint_file(actor=request.user, attachments=form.cleaned_data.get("attachments") or [], **kwargs)
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)
        messages.success(
            request,
            _("受理编号 %(no)s，查询码 %(code)s，办理期限 %(due)s。查询码只显示这一次，请告知投诉举报人凭受理编号和查询码查询。")
            % {"no": saved.tracking_no, "code": code, "due": date_format(saved.due_on)},
        )

    # display

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id or empty(self)

    @admin.display(description=_("受理编号"), ordering="tracking_no")
    def tracking_no_display(self, obj):
        return nowrap(obj.tracking_no)

    @admin.display(description=_("渠道"), ordering="channel")
    def channel_display(self, obj):
        return nowrap(obj.get_channel_display())

    @admin.display(description=_("状态"), ordering="state")
    def state_display(self, obj):
        return nowrap(obj.get_state_display())

    @admin.display(description=_("办理人"))
    def handled_by_display(self, obj):
        return person(obj.handled_by) or empty(self)

    @admin.display(description=_("办理期限"), ordering="due_on")
    def due_display(self, obj):
        text = f"{date_format(obj.due_on)}{'（暂定）' if obj.due_provisional else ''}"
        level = getattr(obj, "urgency", "")
        if level == "overdue":
            text += "（已逾期）"
        elif level == "due":
            text += "（1个工作日内到期）"
        return nowrap(_coloured(text, level))

    @admin.display(description=_("剩余时间"))
    def time_left(self, obj):
        if obj.state not in OPEN_COMPLAINT_STATES:
            return empty(self)
        today = timezone.localdate()
        left = getattr(obj, "working_days_left", None)  # set for the list's rows by ComplaintChangeList
        if obj.due_on < today:
            return nowrap(_coloured(f"已逾期 {-left if left is not None else working_days_between(obj.due_on, today)} 个工作日", "overdue"))
        left = left if left is not None else working_days_between(today, obj.due_on)
        return nowrap(_coloured(f"还有 {left} 个工作日", getattr(obj, "urgency", "")))

    @admin.display(description=_("附件"))
    def attachment_links(self, obj):
        files = list(obj.attachments.all())
        if not files:
            return empty(self)
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join("", '<li><a href="{}">{}</a>（{} KB）</li>', (
                (reverse("admin:enforcement_complaint_attachment", args=[obj.pk, a.pk]), a.original_name, max(1, a.size // 1024)) for a in files
            )),
        )

    @admin.display(description=_("形成的信用记录"))
    def credit_record_link(self, obj):
        record = obj.credit_record
        if record is None:
            return empty(self)
        return format_html('<a href="{}">{}</a>', reverse("admin:credit_creditrecord_change", args=[record.pk]), f"{record.source_ref} {record.title}")

    @admin.display(description=_("转立案的案件"))
    def case_links(self, obj):
        cases = list(obj.cases.all())
        if not cases:
            return empty(self)
        return format_html_join("、", '<a href="{}">{}</a>', ((reverse("admin:enforcement_case_change", args=[c.pk]), c.number) for c in cases))

    def attachment_view(self, request, pk, attachment_id):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not handles_complaint(request, obj):
            raise Http404
        attachment = obj.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        response = _file_response(attachment.file)
        response["Content-Disposition"] = response["Content-Disposition"].replace(os.path.basename(attachment.file.name), attachment.original_name)
        return response

    # actions

    def object_actions(self, request, obj):
        extra = [("set_entity", _("设置统一社会信用代码"))]
        if self.has_assign_handlers(request, obj):
            extra.append(("set_complaint_handlers", _("指定承办人员")))
        if obj.state == ComplaintState.RECEIVED:
            return [("accept", _("受理")), ("close", _("办结")), ("assign", _("转办")), ("convert", _("转立案")), *extra]
        if obj.state == ComplaintState.HANDLING:
            return [("close", _("办结")), ("assign", _("转办")), ("convert", _("转立案")), *extra]
        return []

    @admin.action(description=_("受理"), permissions=["change"])
    def accept(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ComplaintAcceptForm, title=_("受理投诉举报"), done=_("已受理"), submit=_("确认受理"),
            note=_("受理后状态为“办理中”；应在办理期限内办结。"),
            apply=lambda obj, data: services.complaint_accept(actor=request.user, complaint=obj, note=data.get("note") or ""),
        )

    @admin.action(description=_("办结（核查结论和办理结果）"), permissions=["change"])
    def close(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ComplaintCloseForm, title=_("办结投诉举报"), done=_("已办结"), submit=_("确认办结"),
            note=_("核查属实或部分属实的，对有统一社会信用代码的主体形成一条“投诉举报”类信用记录（轻微失信），计入信用评价；"
                   "记录内容只含办理结果，不含投诉举报人信息。办理结果投诉举报人凭查询码可见。"),
            apply=lambda obj, data: services.complaint_close(actor=request.user, complaint=obj, verdict=data["verdict"], outcome=data["outcome"]),
        )

    @admin.action(description=_("转办"), permissions=["change"])
    def assign(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ComplaintAssignForm, title=_("转办投诉举报"), done=_("已转办"), submit=_("确认转办"),
            note=_("转办后由接收部门受理和办结，办理期限不变；转办理由记入审计日志。"),
            apply=lambda obj, data: services.complaint_assign(actor=request.user, complaint=obj, department=data["department"], reason=data["reason"]),
        )

    @admin.action(description=_("转立案"), permissions=["change"])
    def convert(self, request, queryset):
        complaint = queryset.first() if queryset.count() == 1 else None
        return intermediate_action(
            self, request, queryset, form_class=ComplaintConvertForm.for_complaint(complaint), title=_("投诉举报转立案"), done=_("已转立案"),
            submit=_("确认立案"), single=True,
            note=_("以该投诉举报为案件来源立案（至少2名持有效执法证的承办人员），投诉举报随之办结，投诉举报人可查询到“已立案调查”。"),
            apply=lambda obj, data: services.complaint_convert_to_case(
                actor=request.user, complaint=obj, handlers=list(data["handlers"]), title=data["title"], is_major=data["is_major"], note=data["note"],
            ),
        )


@admin.register(ChannelDeadline)
class ChannelDeadlineAdmin(ViewOnceSavedMixin, ServiceFormAdmin):
    """Versions of each channel's deadline: add a new version, never edit one (filed complaints keep theirs).
    They are statutory deadlines of kind 投诉举报办理 with the channel as variant (issue 12 §2)."""

    form = ChannelDeadlineForm
    list_display = ("channel_label", "working_days", "effective_from", "effective_to", "citation", "in_force")
    list_filter = ("variant",)
    VIEW_FIELDS = ("channel_label", "working_days", "effective_from", "effective_to", "citation")

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if obj is None else self.VIEW_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.VIEW_FIELDS

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        try:
            saved = services.channel_deadline_set(
                actor=request.user, channel=data["channel"], working_days=data["working_days"], effective_from=data["effective_from"],
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    @admin.display(description=_("渠道"), ordering="variant")
    def channel_label(self, obj):
        return obj.get_channel_display()

    @admin.display(description=_("当前生效"), boolean=True)
    def in_force(self, obj):
        today = timezone.localdate()
        return obj.effective_from <= today and (obj.effective_to is None or obj.effective_to >= today)


# --- end complaints -----------------------------------------------------------------------------------


# --- cases, decisions, disclosures and benchmarks ------------------------------------------------------
# Cases belong to their department (a platform admin sees all). A case's stage, handlers and record
# change only through the actions, each calling its service: 推进到下一环节, 法制审核 (法制审核人员 of the
# case's department only), 作出处罚决定, 结案, 变更承办人员. 立案 is the add form (case_open); a case from a
# complaint is opened from the complaint. Decisions are read-only, with 撤销/变更 and the printed
# 行政处罚决定书 (internal, full data); disclosures can be chosen for the 曝光台 or withdrawn with a reason.

CASE_VIEW_FIELDS = (
    "number", "department", "stage", "party_name", "entity", "party_is_minor", "title", "source_display", "source_note", "standard_display",
    "is_major", "handlers_display", "filed_on", "outcome", "closed_on", "created_by_display", "proposal_display", "notice_display",
)
CASE_RECORD_FIELDS = ("timeline", "legal_reviews_display", "decisions_display")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _range_text(standard) -> str:
    kinds = "、".join(str(PenaltyType(k).label) for k in standard.heavy_penalty_types)
    return (
        f"裁量基准 {standard.code}“{standard.violation_type}”（处罚依据：{standard.penalty_basis}）："
        f"从轻 {amount_range(standard.lighter_min, standard.lighter_max)}；一般 {amount_range(standard.general_min, standard.general_max)}；"
        f"从重 {amount_range(standard.heavier_min, standard.heavier_max)}{f'，从重可并处：{kinds}' if kinds else ''}。"
    )


def is_legal_reviewer(request) -> bool:
    if not hasattr(request, "_enforcement_reviewer"):
        user = request.user
        request._enforcement_reviewer = bool(
            user.is_authenticated and user.groups.filter(name=services.LEGAL_REVIEWER_ROLE).exists() and user.has_perm("enforcement.add_legalreview")
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


@admin.register(CaseModel)
class CaseAdmin(CaseDueProcessMixin, ViewOnceSavedMixin, RemedyActionsMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """立案 through ``case_open``; every later step is an action on the case's page (全程记录 below it)."""

    form = admin_forms.CaseOpenForm
    list_display = ("number", "party_name", "uscc_display", "title", "source", "stage", "is_major", "handlers_display", "filed_on", "outcome")
    list_filter = (CaseStageFilter, "source", "is_major", "outcome")
    search_fields = ("number", "party_name", "title")
    search_help_text = _("按统一社会信用代码（18位）、案件编号、当事人或案由搜索")
    text_search_fields = ("number", "party_name", "title")
    list_select_related = ("department",)
    actions = ["advance", "propose", "legal_review", "record_answer", "issue_decision", "close_case", "set_handlers"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("handler_links__inspector")

    def get_urls(self):
        document = path("<int:pk>/documents/<int:document_id>/", self.admin_site.admin_view(self.document_view), name="enforcement_case_document")
        return [document, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ("department", "source", "source_result", "source_note")}),
                (_("当事人与案由"), {"fields": ("entity_uscc", "party_name", "party_is_minor", "title", "standard", "is_major", "filed_on")}),
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
            saved = services.case_open(actor=request.user, documents=admin_forms.document_pairs(form.cleaned_data), **kwargs)
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
        return _file_response(document.file)

    # display

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id or empty(self)

    @admin.display(description=_("承办人员"))
    def handlers_display(self, obj):
        links = sorted(obj.handler_links.all(), key=lambda link: (not link.is_lead, link.inspector.name))
        return "、".join(f"{link.inspector.name}{'（主办）' if link.is_lead else ''}（{link.inspector.certificate_no}）" for link in links) or empty(self)

    @admin.display(description=_("案件来源"))
    def source_display(self, obj):
        """The kind of source and, for a complaint or an inspection result, a link to it (one row)."""
        label = obj.get_source_display()
        if obj.source_result_id:
            url = reverse("admin:inspections_inspectionresult_change", args=[obj.source_result_id])
            return format_html('{}：<a href="{}">检查结果 #{}</a>', label, url, obj.source_result_id)
        if obj.source_complaint_id:
            url = reverse("admin:enforcement_complaint_change", args=[obj.source_complaint_id])
            return format_html('{}：<a href="{}">{}</a>', label, url, obj.source_complaint.tracking_no)
        return label

    @admin.display(description=_("立案人"))
    def created_by_display(self, obj):
        return person(obj.created_by) or empty(self)

    @admin.display(description=_("适用裁量基准"))
    def standard_display(self, obj):
        return _range_text(obj.standard) if obj.standard_id else empty(self)

    @admin.display(description=_("全程记录"))
    def timeline(self, obj):
        labels = dict(CaseStage.choices)
        rows = []
        for event in obj.events.select_related("actor").prefetch_related("documents").order_by("at", "id"):
            docs = format_html_join(
                "", '<div><a href="{}">{}</a></div>',
                ((reverse("admin:enforcement_case_document", args=[obj.pk, d.pk]), d.title) for d in event.documents.all()),
            )
            step = labels.get(event.to_stage, event.to_stage)
            if event.from_stage and event.from_stage != event.to_stage:
                step = f"{labels.get(event.from_stage, event.from_stage)} → {step}"
            # The person's name now (actor_label keeps what was stored at the time: the login name of an
            # account without a name then); a task's label when no account acted.
            actor = person(event.actor) or event.actor_label or empty(self)
            rows.append((_local(event.at), EVENT_ACTIONS.get(event.action.split(":")[0], event.action), step, actor, event.note or "", docs or empty(self)))
        if not rows:
            return empty(self)
        # Short columns never wrap (立案 one character per line); 说明 takes the rest of the width.
        return format_html(
            '<table class="case-timeline"><thead><tr><th style="white-space:nowrap">时间</th><th style="white-space:nowrap">操作</th>'
            '<th style="white-space:nowrap">环节</th><th style="white-space:nowrap">操作人</th><th style="min-width:16em">说明</th>'
            '<th style="white-space:nowrap">文书</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join("", '<tr><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td><td style="min-width:8em">{}</td>'
                             '<td style="white-space:nowrap">{}</td><td style="white-space:pre-wrap">{}</td><td>{}</td></tr>', rows),
        )

    @admin.display(description=_("法制审核"))
    def legal_reviews_display(self, obj):
        reviews = list(obj.legal_reviews.select_related("reviewer").order_by("reviewed_at", "id"))
        if not reviews:
            return _("（尚无法制审核）") if obj.is_major else _("（非重大执法决定，未经法制审核）")
        rows = [(_local(r.reviewed_at), person(r.reviewer), r.get_result_display(), r.opinion) for r in reviews]
        return format_html(
            '<table><thead><tr><th style="white-space:nowrap">时间</th><th style="white-space:nowrap">法制审核人员</th>'
            '<th style="white-space:nowrap">审核意见</th><th style="min-width:16em">审核意见书</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join("", '<tr><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td>'
                             '<td style="white-space:pre-wrap">{}</td></tr>', rows),
        )

    @admin.display(description=_("处罚决定"))
    def decisions_display(self, obj):
        rows = [
            (reverse("admin:enforcement_penaltydecision_change", args=[d.pk]), d.number, d.decided_on, d.get_state_display(),
             reverse("admin:enforcement_penaltydecision_pdf", args=[d.pk]))
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
        # As RemedyActionsMixin, but each button by its own permission (a 法制审核人员 only views cases).
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        extra = {}
        if obj is not None:
            extra = {
                "remedy_actions": self.object_actions(request, obj),
                "remedy_action_url": reverse("admin:enforcement_case_changelist"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
        return super(RemedyActionsMixin, self).change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _one(self, queryset):
        return queryset.select_related("department", "standard").first() if queryset.count() == 1 else None

    @admin.action(description=_("推进到下一环节"), permissions=["change"])
    def advance(self, request, queryset):
        case = self._one(queryset)
        return intermediate_action(
            self, request, queryset, single=True, title=_("推进到下一环节"), done=_("已推进"), submit=_("确认推进"),
            form_class=admin_forms.CaseAdvanceForm.for_case(case) if case else admin_forms.CaseAdvanceForm,
            note=_("作出处罚决定、结案请使用相应操作；重大执法决定须经法制审核通过后方可进入告知环节。"),
            apply=lambda obj, data: services.case_advance(actor=request.user, case=obj, to_stage=data["to_stage"], note=data.get("note") or "",
                                                          documents=admin_forms.document_pairs(data), notice_served_on=data.get("notice_served_on")),
        )

    @admin.action(description=_("法制审核"), permissions=["legal_review"])
    def legal_review(self, request, queryset):
        case = self._one(queryset)
        note = _("法制审核人员不能是本案的承办人员；审核通过后案件方可进入告知环节，退回补正的案件退回调查取证。")
        # Issue 12 §6: the reviewer sees the proposed decision it reviews.
        note = format_html("{}{}", note, proposal_html(case)) if case is not None else note
        return intermediate_action(
            self, request, queryset, single=True, form_class=admin_forms.LegalReviewForm, title=_("法制审核"), done=_("已记录法制审核"),
            submit=_("提交审核意见"), note=note,
            apply=lambda obj, data: services.legal_review_record(actor=request.user, case=obj, result=data["result"], opinion=data["opinion"]),
        )

    @admin.action(description=_("作出处罚决定"), permissions=["change"])
    def issue_decision(self, request, queryset):
        case = self._one(queryset)
        return intermediate_action(
            self, request, queryset, single=True, form_class=admin_forms.DecisionForm, title=_("作出处罚决定"), done=_("已作出处罚决定"),
            submit=_("签发决定书"), initial=admin_forms.decision_initial(case) if case else None, note=self._decision_note(case),
            apply=lambda obj, data: self._issue(request, obj, data), refusal_on_form=True,
        )

    def _issue(self, request, case, data):
        decision = services.penalty_decision_issue(actor=request.user, case=case, **admin_forms.decision_kwargs(data))
        url = reverse("admin:enforcement_penaltydecision_pdf", args=[decision.pk])
        messages.info(request, format_html('决定书文号 {}：<a href="{}">打印决定书</a>', decision.number, url))
        return decision

    def _decision_note(self, case) -> str:
        from supervision.models import MarketEntity
        from supervision.services import observation_period_applies

        if case is None:
            return ""
        parts = [_range_text(case.standard) if case.standard_id else "本案未适用裁量基准。"]
        parts.append("罚款超出所选情节的幅度的，须书面说明理由并经法制审核通过。")
        if case.is_major:
            parts.append("重大执法决定：法制审核已通过。" if services.passed_review(case) else "重大执法决定：法制审核尚未通过，不能作出决定。")
        entity = MarketEntity.objects.filter(uscc=case.entity_id).first() if case.entity_id else None
        if entity is not None and observation_period_applies(entity, case.filed_on):
            parts.append("提示：当事人处于包容审慎观察期内，首次轻微违法的可不予处罚（首违不罚），请使用“结案”并选择“首违不罚（观察期内）”。")
        return "".join(parts)

    @admin.action(description=_("结案"), permissions=["change"])
    def close_case(self, request, queryset):
        return intermediate_action(
            self, request, queryset, single=True, form_class=admin_forms.CaseCloseForm, title=_("结案"), done=_("已结案"), submit=_("确认结案"),
            note=_("作出处罚决定的案件在执行环节完成后结案；移送司法机关、不予处罚、撤销立案可在决定前结案；首违不罚仅适用于观察期内的首次轻微违法。"),
            apply=lambda obj, data: services.case_close(actor=request.user, case=obj, outcome=data["outcome"], note=data["note"],
                                                        closed_on=data.get("closed_on"), documents=admin_forms.document_pairs(data)),
        )

    @admin.action(description=_("变更承办人员"), permissions=["change"])
    def set_handlers(self, request, queryset):
        case = self._one(queryset)
        initial = {"handlers": [link.inspector_id for link in case.handler_links.all()]} if case else None
        return intermediate_action(
            self, request, queryset, single=True, form_class=admin_forms.HandlersForm.for_case(case) if case else admin_forms.HandlersForm,
            title=_("变更承办人员"), done=_("已变更承办人员"), initial=initial,
            apply=lambda obj, data: services.case_handlers_set(actor=request.user, case=obj, handlers=list(data["handlers"]), lead=data.get("lead"),
                                                               note=data.get("note") or ""),
        )


EVENT_ACTIONS = {
    "open": "立案", "advance": "推进", "legal_review": "法制审核", "decide": "作出处罚决定", "close": "结案", "handlers": "变更承办人员",
    "revoke_decision": "撤销（变更）决定", "proposal": "拟处罚意见", "answer": "陈述申辩、听证",
}


class PenaltyDisplayMixin:
    """处罚种类 by label, amounts in 元 (a zero confiscation as "—"), the 签发人 by name; the internal 年度 and
    序号 (the number's parts) are not shown. The page shows the model's fields in order, each through its display."""

    display_fields = {
        "penalty_types": "penalty_types_display", "fine_amount": "fine_display", "confiscation_amount": "confiscation_display",
        "issued_by": "issued_by_display", "other_persons": "other_persons_display",
    }
    hidden_fields = ("id", "year", "sequence")
    extra_fields = ()

    def get_readonly_fields(self, request, obj=None):
        fields = [self.display_fields.get(f.name, f.name) for f in self.model._meta.concrete_fields if f.name not in self.hidden_fields]
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
class PenaltyDecisionAdmin(ViewOnceSavedMixin, PenaltyDisplayMixin, RemedyActionsMixin, UsccSearchMixin, ScopedAdmin):
    """Issued from the case; here read-only, with 撤销, 变更 and the printed 行政处罚决定书."""

    list_display = ("number", "party_name", "uscc_display", "violation_type", "fine_display", "decided_on", "state", "case_link", "print_link")
    list_select_related = ("department", "case", "issued_by")
    list_filter = ("state", "procedure", "circumstance", "year")
    search_fields = ("number", "party_name")
    search_help_text = _("按统一社会信用代码（18位）、决定书文号或当事人搜索")
    text_search_fields = ("number", "party_name")
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
        response = HttpResponse(documents.decision_pdf(decision), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, f"行政处罚决定书-{decision.number}.pdf")
        return response

    @admin.display(description=_("统一社会信用代码"), ordering="entity")
    def uscc_display(self, obj):
        return obj.entity_id or empty(self)

    @admin.display(description=_("案件"))
    def case_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:enforcement_case_change", args=[obj.case_id]), obj.case.number)

    @admin.display(description=_("决定书"))
    def print_link(self, obj):
        return format_html('<a href="{}" target="_blank">打印决定书</a>', reverse("admin:enforcement_penaltydecision_pdf", args=[obj.pk]))

    def object_actions(self, request, obj):
        return [("revoke", _("撤销决定")), ("change_decision", _("变更决定"))] if obj.state == DecisionState.EFFECTIVE else []

    @admin.action(description=_("撤销决定"), permissions=["change"])
    def revoke(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=admin_forms.ReasonForm, title=_("撤销决定"), done=_("已撤销"), submit=_("确认撤销"),
            note=_("撤销后处罚公示和信用记录随即撤回（3个工作日内），理由一并公示。"),
            apply=lambda obj, data: services.decision_revoke(actor=request.user, decision=obj, reason=data["reason"]),
        )

    @admin.action(description=_("变更决定"), permissions=["change"])
    def change_decision(self, request, queryset):
        decision = queryset.first() if queryset.count() == 1 else None
        initial = None
        if decision is not None:
            initial = {name: getattr(decision, name) for name in (*admin_forms.DECISION_TEXT_FIELDS, "penalty_types", "fine_amount", "confiscation_amount",
                                                                   "circumstance", "procedure", "party_address", "legal_representative")}
            initial["other_persons"] = "、".join(decision.other_persons)
        return intermediate_action(
            self, request, queryset, single=True, form_class=admin_forms.DecisionChangeForm, title=_("变更决定"), done=_("已变更"), initial=initial,
            submit=_("签发变更后的决定书"), note=_("原决定标记为已变更并撤回公示；变更后的决定取得新的文号，重新送达、执行。"),
            apply=lambda obj, data: self._change(request, obj, data),
        )

    def _change(self, request, decision, data):
        try:
            if (data.get("objection_no") or "").strip():  # issue 12 §7: 依异议更正 (enforcement.objections)
                new = objections.decision_change_by_objection_no(
                    actor=request.user, decision=decision, objection_no=data["objection_no"], reason=data["reason"], **admin_forms.decision_kwargs(data))
            else:
                new = services.decision_change(actor=request.user, decision=decision, reason=data["reason"], **admin_forms.decision_kwargs(data))
        except ValidationError as exc:
            raise admin_forms.labelled_refusal(exc) from None
        messages.info(request, _("变更后的决定书文号：%(no)s") % {"no": new.number})
        return new


@admin.register(PenaltyDisclosure)
class PenaltyDisclosureAdmin(ViewOnceSavedMixin, PenaltyDisplayMixin, RemedyActionsMixin, UsccSearchMixin, ScopedAdmin):
    """The public summaries: when each is due, published or withdrawn; 曝光台 choice and withdrawal are actions."""

    list_display = ("number", "party_name", "state", "publish_due_on", "published_at", "featured", "withdraw_due_on", "withdrawn_at")
    list_filter = ("state", "featured", "publish_due_provisional")
    search_fields = ("number", "party_name")
    text_search_fields = ("number", "party_name")
    list_select_related = ("department",)
    actions = ["feature", "unfeature", "withdraw"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def object_actions(self, request, obj):
        if obj.state != DisclosureState.PUBLISHED:
            return [("withdraw", _("撤回公示"))] if obj.state == DisclosureState.PENDING else []
        return [("unfeature", _("移出曝光台")) if obj.featured else ("feature", _("选入曝光台")), ("withdraw", _("撤回公示"))]

    @admin.action(description=_("选入曝光台"), permissions=["change"])
    def feature(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=admin_forms.FeatureForm, title=_("选入曝光台"), done=_("已选入曝光台"),
            note=_("只有已公示的处罚决定可以选入曝光台（典型案例）。"),
            apply=lambda obj, data: services.disclosure_feature(actor=request.user, disclosure=obj, featured=True, note=data["note"]),
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
            self, request, queryset, form_class=admin_forms.ReasonForm, title=_("撤回公示"), done=_("已撤回公示"), submit=_("确认撤回"),
            note=_("撤回后不再在公示页面、接口和曝光台出现，对应的信用记录一并撤销；理由记入审计日志。"),
            apply=lambda obj, data: services.disclosure_withdraw(actor=request.user, disclosure=obj, reason=data["reason"]),
        )


@admin.register(DiscretionStandard)
class DiscretionStandardAdmin(ViewOnceSavedMixin, DepartmentFileImportMixin, ServiceFormAdmin, ScopedAdmin):
    """Benchmarks are added (a new code or version) one at a time or imported from XLSX/CSV; a saved version is not edited."""

    form = admin_forms.DiscretionStandardForm
    change_list_template = "admin/enforcement/discretionstandard/change_list.html"
    list_display = ("code", "violation_type", "department", "lighter_display", "general_display", "heavier_display", "effective_from", "effective_to")
    list_filter = ("effective_to",)
    search_fields = ("code", "violation_type")
    list_select_related = ("department",)
    list_per_page = 50

    STANDARD_VIEW_FIELDS = (
        "department", "code", "violation_type", "violation_basis", "penalty_basis", "lighter_display", "general_display", "heavier_display",
        "heavy_types_display", "effective_from", "effective_to",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.STANDARD_VIEW_FIELDS if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.STANDARD_VIEW_FIELDS if obj is not None else super().get_fields(request, obj)

    def get_list_display(self, request):
        # an official sees only the own department's benchmarks: no 制定部门 column (room for 违法行为)
        return self.list_display if is_platform_admin(request.user) else tuple(f for f in self.list_display if f != "department")

    @admin.display(description=_("从重情形可并处的处罚种类"))
    def heavy_types_display(self, obj):
        return penalty_labels(obj.heavy_penalty_types) or empty(self)

    def save_model(self, request, obj, form, change):
        department = form.department_fixed or form.cleaned_data.get("department")
        row = form.row()
        try:
            services.discretion_standards_import(actor=request.user, department=department, rows=[row])
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, DiscretionStandard.objects.get(department=department, code=row["code"], effective_from=row["effective_from"]))

    @admin.display(description=_("从轻"))
    def lighter_display(self, obj):
        return amount_range(obj.lighter_min, obj.lighter_max)

    @admin.display(description=_("一般"))
    def general_display(self, obj):
        return amount_range(obj.general_min, obj.general_max)

    @admin.display(description=_("从重"))
    def heavier_display(self, obj):
        return amount_range(obj.heavier_min, obj.heavier_max)

    # import (XLSX/CSV → preview → confirm → discretion_standards_import, all or nothing): credit.file_import, as credit's records

    import_module = imports
    import_form_class = admin_forms.StandardImportForm
    import_title = _("导入自由裁量基准")
    import_noun = _("裁量基准")
    import_department_label = _("制定部门")
    import_help = _(
        "列名：编号、违法行为、违法依据、处罚依据、从轻下限、从轻上限、一般下限、一般上限、从重下限、从重上限、从重可并处处罚种类、生效日期。金额单位为元；"
        "每种情节的下限不大于上限，从轻、一般、从重的幅度依次递增。同一部门内编号与生效日期相同的基准再次导入即为更新，生效日期不同即为新版本。"
    )
    import_preview_columns = (
        (_("编号"), "code"), (_("违法行为"), truncated("violation_type")),
        (_("从轻（元）"), lambda d: f"{d.get('lighter_min', '')}–{d.get('lighter_max', '')}"),
        (_("一般（元）"), lambda d: f"{d.get('general_min', '')}–{d.get('general_max', '')}"),
        (_("从重（元）"), lambda d: f"{d.get('heavier_min', '')}–{d.get('heavier_max', '')}"),
        (_("从重可并处"), "heavy_penalty_types"), (_("生效日期"), "effective_from"),
    )
    import_css = "standard"
    import_template_filename = "自由裁量基准导入模板.xlsx"
    import_session_key = "enforcement_standard_import"
    import_salt = "enforcement.admin.standard_import"


# --- end cases, decisions, disclosures and benchmarks -------------------------------------------------
