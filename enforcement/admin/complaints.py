"""Admin for complaints (投诉举报) and the channels' deadlines.

Officials see their own department's complaints (a platform admin all of them). The reporter's
identity, contacts and attachments are shown only to the handling department (DOMAIN §5), not even
to a platform admin of another department. Entry here is for 12345/12315/window work orders; the
web and API channels file by themselves. Every change is an action that calls a service.
"""

import os

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    ObjectActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    adopt,
    coloured,
    due_window,
    file_response,
    intermediate_action,
)
from core.deadline_items import TimelinessFilter
from core.forms import UsccField
from core.scoping import department_of, is_platform_admin
from core.workdays import working_day_map, working_days_between
from enforcement import services
from enforcement.admin.display import empty, nowrap, person
from enforcement.admin.forms import TEXTAREA
from enforcement.case_rules import is_department_head
from enforcement.choices import ComplaintChannel, ComplaintState
from enforcement.forms import (
    ChannelDeadlineForm,
    ComplaintAcceptForm,
    ComplaintAssignForm,
    ComplaintCloseForm,
    ComplaintConvertForm,
    ComplaintEntryForm,
)
from enforcement.models import ChannelDeadline, Complaint
from enforcement.selectors import OPEN_COMPLAINT_STATES, complaint_deadline_q, complaint_urgency
from enforcement.services.complaints import sees_complainant
from supervision import deadlines as supervision_deadlines
from supervision.choices import DeadlineKind


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
            complaint.working_days_left = (
                between(today, complaint.due_on) if complaint.due_on >= today else -between(complaint.due_on, today)
            )


class ComplaintEntityForm(forms.Form):
    entity_uscc = UsccField(label=_("被投诉举报对象统一社会信用代码"))
    reason = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("如：经核实被投诉举报对象的营业执照"),
    )


class ComplaintHandlersForm(forms.Form):
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人员"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("承办人员和部门负责人可以查看投诉举报人信息"),
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    department = None

    @classmethod
    def for_complaint(cls, complaint):
        return type(cls.__name__, (cls,), {"department": complaint.department if complaint else None})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model().objects.filter(department=self.department, is_active=True, is_staff=True)
            if self.department
            else None
        )
        self.fields["handlers"].queryset = (
            users.order_by("username") if users is not None else get_user_model().objects.none()
        )
        self.fields["handlers"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ComplaintEntityMixin:
    """ComplaintAdmin's 设置统一社会信用代码 and 指定承办人员 actions."""

    @admin.action(description=_("设置统一社会信用代码"), permissions=["change"])
    def set_entity(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=ComplaintEntityForm,
            title=_("设置被投诉举报对象的统一社会信用代码"),
            done=_("已设置"),
            submit=_("确认设置"),
            refusal_on_form=True,
            note=_(
                "按名称登记的投诉举报，办结前设置（或更正）被投诉举报对象的统一社会信用代码；核查属实的，办结时据此形成该主体的信用记录。"
            ),
            apply=lambda obj, data: services.complaint_entity_set(
                actor=request.user, complaint=obj, entity_uscc=data["entity_uscc"], reason=data.get("reason") or ""
            ),
        )

    @admin.action(description=_("指定承办人员"), permissions=["change"])
    def set_complaint_handlers(self, request, queryset):
        complaint = queryset.first() if queryset.count() == 1 else None
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=ComplaintHandlersForm.for_complaint(complaint),
            title=_("指定承办人员"),
            done=_("已指定承办人员"),
            submit=_("确认"),
            refusal_on_form=True,
            note=_("由部门负责人指定；投诉举报人的身份和联系方式只对承办人员和部门负责人可见。"),
            apply=lambda obj, data: services.complaint_handlers_set(
                actor=request.user, complaint=obj, handlers=list(data["handlers"]), note=data.get("note") or ""
            ),
        )

    def has_assign_handlers(self, request, obj) -> bool:
        return obj is not None and is_department_head(request.user, obj.department)


COMPLAINT_ADD_FIELDS = (
    "channel",
    "external_no",
    "kind",
    "entity_name",
    "entity_uscc",
    "content",
    "department",
    "attachments",
)
COMPLAINT_ADD_NOTE = _("登记 12345 热线、12315 平台转来或窗口接收的投诉举报；网站和接口提交的投诉举报自动登记。")
COMPLAINT_ADD_CONFIDENTIAL = ("reporter_name", "contact_phone", "contact_email", "whistleblower")
COMPLAINT_VIEW_FIELDS = (
    "tracking_no",
    "state",
    "kind",
    "channel",
    "external_no",
    "api_client",  # the hotline system that sent the work order (issue 15 §6), which gets each status back
    "entity_name",
    "uscc_display",
    "content",
    "department",
    "filed_at",
)
COMPLAINT_DEADLINE_FIELDS = ("working_days", "due_display", "time_left")
COMPLAINT_CONFIDENTIAL_FIELDS = ("reporter_name", "contact_phone", "contact_email", "whistleblower", "attachment_links")
COMPLAINT_RESULT_FIELDS = ("verdict", "outcome", "handled_by_display", "closed_at", "credit_record_link", "case_links")


@admin.register(Complaint)
class ComplaintAdmin(
    ComplaintEntityMixin, ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin
):
    """受理 → 办结 (verdict and outcome), 转办 or 转立案, within the channel's working-day deadline."""

    form = ComplaintEntryForm
    # What an official triages by; 类别, 承办部门, 登记时间 and 核查结论 are filters and on the complaint's page.
    list_display = (
        "tracking_no_display",
        "entity_name",
        "channel_display",
        "state_display",
        "due_display",
        "time_left",
    )
    list_filter = (
        ComplaintStateFilter,
        ComplaintDeadlineFilter,
        "channel",
        "kind",
        "verdict",
        "filed_at",
        TimelinessFilter,
    )
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
        return super().get_queryset(request).annotate(urgency=complaint_urgency(today, until))

    def get_changelist(self, request, **kwargs):
        return ComplaintChangeList

    def get_list_filter(self, request):
        return (*self.list_filter, "department") if is_platform_admin(request.user) else self.list_filter

    def get_urls(self):
        attachment = path(
            "<int:pk>/attachments/<int:attachment_id>/",
            self.admin_site.admin_view(self.attachment_view),
            name="enforcement_complaint_attachment",
        )
        return [attachment, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": COMPLAINT_ADD_FIELDS, "description": COMPLAINT_ADD_NOTE}),
                (_("投诉举报人（保密，仅承办部门可见）"), {"fields": COMPLAINT_ADD_CONFIDENTIAL}),
            ]
        sets = [
            (None, {"fields": COMPLAINT_VIEW_FIELDS}),
            (_("办理期限（工作日）"), {"fields": COMPLAINT_DEADLINE_FIELDS}),
        ]
        if handles_complaint(request, obj):
            sets.append((_("投诉举报人（保密，仅承办部门可见）"), {"fields": COMPLAINT_CONFIDENTIAL_FIELDS}))
        sets.append((_("办理结果"), {"fields": COMPLAINT_RESULT_FIELDS}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            *COMPLAINT_VIEW_FIELDS,
            *COMPLAINT_DEADLINE_FIELDS,
            *COMPLAINT_CONFIDENTIAL_FIELDS,
            *COMPLAINT_RESULT_FIELDS,
        )

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
            saved, code = services.complaint_file(
                actor=request.user, attachments=form.cleaned_data.get("attachments") or [], **kwargs
            )
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)
        messages.success(
            request,
            _(
                "受理编号 %(no)s，查询码 %(code)s，办理期限 %(due)s。查询码只显示这一次，请告知投诉举报人凭受理编号和查询码查询。"
            )
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
        return nowrap(coloured(text, level))

    @admin.display(description=_("剩余时间"))
    def time_left(self, obj):
        if obj.state not in OPEN_COMPLAINT_STATES:
            return empty(self)
        today = timezone.localdate()
        left = getattr(obj, "working_days_left", None)  # set for the list's rows by ComplaintChangeList
        if obj.due_on < today:
            return nowrap(
                coloured(
                    f"已逾期 {-left if left is not None else working_days_between(obj.due_on, today)} 个工作日",
                    "overdue",
                )
            )
        left = left if left is not None else working_days_between(today, obj.due_on)
        return nowrap(coloured(f"还有 {left} 个工作日", getattr(obj, "urgency", "")))

    @admin.display(description=_("附件"))
    def attachment_links(self, obj):
        files = list(obj.attachments.all())
        if not files:
            return empty(self)
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>（{} KB）</li>',
                (
                    (
                        reverse("admin:enforcement_complaint_attachment", args=[obj.pk, a.pk]),
                        a.original_name,
                        max(1, a.size // 1024),
                    )
                    for a in files
                ),
            ),
        )

    @admin.display(description=_("形成的信用记录"))
    def credit_record_link(self, obj):
        record = obj.credit_record
        if record is None:
            return empty(self)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:credit_creditrecord_change", args=[record.pk]),
            f"{record.source_ref} {record.title}",
        )

    @admin.display(description=_("转立案的案件"))
    def case_links(self, obj):
        cases = list(obj.cases.all())
        if not cases:
            return empty(self)
        return format_html_join(
            "、",
            '<a href="{}">{}</a>',
            ((reverse("admin:enforcement_case_change", args=[c.pk]), c.number) for c in cases),
        )

    def attachment_view(self, request, pk, attachment_id):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not handles_complaint(request, obj):
            raise Http404
        attachment = obj.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        response = file_response(attachment.file)
        response["Content-Disposition"] = response["Content-Disposition"].replace(
            os.path.basename(attachment.file.name), attachment.original_name
        )
        return response

    # actions

    def object_actions(self, request, obj):
        extra = [("set_entity", _("设置统一社会信用代码"))]
        if self.has_assign_handlers(request, obj):
            extra.append(("set_complaint_handlers", _("指定承办人员")))
        if obj.state == ComplaintState.RECEIVED:
            return [
                ("accept", _("受理")),
                ("close", _("办结")),
                ("assign", _("转办")),
                ("convert", _("转立案")),
                *extra,
            ]
        if obj.state == ComplaintState.HANDLING:
            return [("close", _("办结")), ("assign", _("转办")), ("convert", _("转立案")), *extra]
        return []

    @admin.action(description=_("受理"), permissions=["change"])
    def accept(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ComplaintAcceptForm,
            title=_("受理投诉举报"),
            done=_("已受理"),
            submit=_("确认受理"),
            note=_("受理后状态为“办理中”；应在办理期限内办结。"),
            apply=lambda obj, data: services.complaint_accept(
                actor=request.user, complaint=obj, note=data.get("note") or ""
            ),
        )

    @admin.action(description=_("办结（核查结论和办理结果）"), permissions=["change"])
    def close(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ComplaintCloseForm,
            title=_("办结投诉举报"),
            done=_("已办结"),
            submit=_("确认办结"),
            note=_(
                "核查属实或部分属实的，对有统一社会信用代码的主体形成一条“投诉举报”类信用记录（轻微失信），计入信用评价；"
                "记录内容只含办理结果，不含投诉举报人信息。办理结果投诉举报人凭查询码可见。"
            ),
            apply=lambda obj, data: services.complaint_close(
                actor=request.user, complaint=obj, verdict=data["verdict"], outcome=data["outcome"]
            ),
        )

    @admin.action(description=_("转办"), permissions=["change"])
    def assign(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ComplaintAssignForm,
            title=_("转办投诉举报"),
            done=_("已转办"),
            submit=_("确认转办"),
            note=_("转办后由接收部门受理和办结，办理期限不变；转办理由记入审计日志。"),
            apply=lambda obj, data: services.complaint_assign(
                actor=request.user, complaint=obj, department=data["department"], reason=data["reason"]
            ),
        )

    @admin.action(description=_("转立案"), permissions=["change"])
    def convert(self, request, queryset):
        complaint = queryset.first() if queryset.count() == 1 else None
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ComplaintConvertForm.for_complaint(complaint),
            title=_("投诉举报转立案"),
            done=_("已转立案"),
            submit=_("确认立案"),
            single=True,
            note=_(
                "以该投诉举报为案件来源立案（至少2名持有效执法证的承办人员），投诉举报随之办结，投诉举报人可查询到“已立案调查”。"
            ),
            apply=lambda obj, data: services.complaint_convert_to_case(
                actor=request.user,
                complaint=obj,
                handlers=list(data["handlers"]),
                title=data["title"],
                is_major=data["is_major"],
                note=data["note"],
            ),
        )


supervision_deadlines.VARIANT_LABELS[DeadlineKind.COMPLAINT] = dict(ComplaintChannel.choices)


class ChannelFilter(admin.SimpleListFilter):
    """渠道, by its Chinese name (the variant field holds the channel's code)."""

    title = _("渠道")
    parameter_name = "variant"

    def lookups(self, request, model_admin):
        return ComplaintChannel.choices

    def queryset(self, request, queryset):
        return queryset.filter(variant=self.value()) if self.value() else queryset


@admin.register(ChannelDeadline)
class ChannelDeadlineAdmin(ViewOnceSavedMixin, ServiceFormAdmin):
    """Versions of each channel's deadline: add a new version, never edit one (filed complaints keep theirs).
    They are statutory deadlines of kind 投诉举报办理 with the channel as variant (issue 12 §2)."""

    form = ChannelDeadlineForm
    list_display = ("channel_label", "working_days", "effective_from", "effective_to", "citation", "in_force")
    list_filter = (ChannelFilter,)
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
                actor=request.user,
                channel=data["channel"],
                working_days=data["working_days"],
                effective_from=data["effective_from"],
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
