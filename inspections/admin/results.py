"""检查结果 in the admin: entered through ``result_submit``; 审核 and 公示 only through the actions.
Results belong to the department that entered them; the publication deadline is flagged when it is
near (3 working days) or past."""

import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Value, When
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ObjectActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    ViewOnceSavedMixin,
    adopt,
    coloured,
    file_response,
    show_refusal,
)
from core.admin_drill import DrillLookupsMixin
from core.deadline_items import TimelinessFilter
from core.workdays import add_working_days
from inspections import services
from inspections.admin.scope import EntityColumns, admin_link, entity_name_of
from inspections.choices import ResultState
from inspections.forms import ResultEntryForm
from inspections.models import CorrectionOrder, InspectionResult
from inspections.selectors import finding_q


class FindingFilter(admin.SimpleListFilter):
    """发现问题: the results the findings rate counts (inspections.selectors.FINDING_CATEGORIES)."""

    title = _("发现问题")
    parameter_name = "finding"

    def lookups(self, request, model_admin):
        return [("yes", _("发现问题")), ("no", _("未发现问题"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(finding_q())
        if self.value() == "no":
            return queryset.exclude(finding_q())
        return queryset


PUBLISH_DUE_SOON_WORKING_DAYS = 3  # results due for publication within 3 working days are flagged


def publish_window(request):
    """``(today, last day counted as due soon)``, worked out once per request."""
    if not hasattr(request, "_inspections_publish_window"):
        today = timezone.localdate()
        request._inspections_publish_window = (today, add_working_days(today, PUBLISH_DUE_SOON_WORKING_DAYS).date)
    return request._inspections_publish_window


RESULT_VIEW_FIELDS = (
    "task_link",
    "uscc_display",
    "entity_name_display",
    "plan_display",
    "department",
    "categories_display",
    "findings",
    "inspected_on",
    "out_of_window_reason",
    "evidence_links",
    "submitted_by",
    "submitted_at",
    "needs_case",
    "correction_link",
)
RESULT_STATE_FIELDS = (
    "state",
    "approved_by",
    "approved_at",
    "publish_due_display",
    "published_at",
    "credit_record_link",
)


@admin.register(InspectionResult)
class InspectionResultAdmin(
    DrillLookupsMixin, ViewOnceSavedMixin, EntityColumns, ObjectActionsMixin, ServiceFormAdmin, ScopedAdmin
):
    """Entered through ``result_submit``; 审核 and 公示 only through the actions."""

    form = ResultEntryForm
    list_display = (
        "result_no",
        "uscc_display",
        "entity_name_display",
        "plan_display",
        "department",
        "categories_display",
        "inspected_on",
        "state",
        "publish_due_display",
        "needs_case",
        "credit_record_link",
    )
    list_filter = ("state", "needs_case", FindingFilter, TimelinessFilter)
    # Issue 17 §2: the dashboard's drill-down (per region, industry and supervision item).
    drill_lookups = (
        "task__entity__region_code",
        "task__entity__industry_code__startswith",
        "task__items__item_version__item__catalogue_code",
        "task__items__department__id__in",
    )
    search_fields = ("=task__entity__uscc",)
    list_select_related = ("task__plan", "department")
    actions = ["approve", "publish_now"]
    list_per_page = 50
    show_full_result_count = False
    action_query = ""

    def get_queryset(self, request):
        today, soon = publish_window(request)
        # Red when overdue, orange when due within 3 working days (the calendar is read once per request).
        due_level = Case(
            When(state=ResultState.PUBLISHED, then=Value("")),
            When(publish_due_on__lt=today, then=Value("overdue")),
            When(publish_due_on__lte=soon, then=Value("due")),
            default=Value(""),
            output_field=CharField(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(entity_name=entity_name_of("task__entity_id"), due_level=due_level)
            .select_related("task__plan", "department")
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(task__entity_id=term), False) if term else (queryset, False)

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="inspections_inspectionresult_evidence",
        )
        return [evidence, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": (
                            "task",
                            "department",
                            "categories",
                            "findings",
                            "inspected_on",
                            "out_of_window_reason",
                            "evidence",
                        )
                    },
                )
            ]
        return [
            (None, {"fields": RESULT_VIEW_FIELDS}),
            (_("审核与公示（按适用的法定时限公示，一般为检查后20个工作日）"), {"fields": RESULT_STATE_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*RESULT_VIEW_FIELDS, *RESULT_STATE_FIELDS) if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a saved result is only viewed; its state changes through actions
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("inspected_on", timezone.localdate())
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = form.submit()
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    def evidence_view(self, request, pk, evidence_id):
        result = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if result is None or not self.has_view_permission(request, result):
            raise Http404
        evidence = result.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return file_response(evidence.file)

    # display

    @admin.display(description=_("编号"), ordering="pk")
    def result_no(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("检查任务"))
    def task_link(self, obj):
        return admin_link("inspectiontask", obj.task_id, str(obj.task))

    @admin.display(description=_("抽查计划"), ordering="task__plan")
    def plan_display(self, obj):
        return obj.task.plan.name

    @admin.display(description=_("检查结果"))
    def categories_display(self, obj):
        return "、".join(obj.category_labels())

    @admin.display(description=_("公示期限"), ordering="publish_due_on")
    def publish_due_display(self, obj):
        text = f"{obj.publish_due_on}{'（暂定：节假日数据未覆盖）' if obj.publish_due_provisional else ''}"
        level = getattr(obj, "due_level", "")
        if level == "overdue":
            return coloured(f"{text}（已逾期）", "overdue")
        if level == "due":
            return coloured(f"{text}（{PUBLISH_DUE_SOON_WORKING_DAYS}个工作日内到期）", "due")
        return text

    @admin.display(description=_("形成的信用记录"))
    def credit_record_link(self, obj):
        if obj.credit_record_id is None:
            return "-"
        url = reverse("admin:credit_creditrecord_change", args=[obj.credit_record_id])
        return format_html('<a href="{}">信用记录 #{}</a>', url, obj.credit_record_id)

    @admin.display(description=_("现场证据"))
    def evidence_links(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return _("（未上传）")
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>（{}）</li>',
                (
                    (
                        reverse("admin:inspections_inspectionresult_evidence", args=[obj.pk, e.pk]),
                        os.path.basename(e.file.name),
                        timezone.localtime(e.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                    )
                    for e in files
                ),
            ),
        )

    @admin.display(description=_("责令改正"))
    def correction_link(self, obj):
        order = CorrectionOrder.objects.filter(result=obj).first()
        return admin_link("correctionorder", order.pk, str(order)) if order else "-"

    # actions

    def object_actions(self, request, obj):
        if obj.state == ResultState.SUBMITTED:
            return [("approve", _("审核通过"))]
        if obj.state == ResultState.APPROVED:
            return [("publish_now", _("立即公示全部已审核结果"))]
        return []

    @admin.action(description=_("审核通过"), permissions=["change"])
    def approve(self, request, queryset):
        ok = 0
        for result in queryset:
            try:
                services.result_approve(actor=request.user, result=result)
            except ValidationError as exc:
                show_refusal(request, exc, f"#{result.pk} {result}：")
            else:
                ok += 1
        if ok:
            messages.success(
                request, _("已审核通过 %(n)s 条检查结果，将在公示任务下次运行时（或“立即公示”后）公示。") % {"n": ok}
            )

    @admin.action(description=_("立即公示全部已审核结果（不限所选，与每小时公示任务相同）"), permissions=["change"])
    def publish_now(self, request, queryset):
        n = services.results_publish(actor=request.user)
        if n:
            messages.success(
                request,
                _("已公示 %(n)s 条已审核的检查结果（含其他部门已审核的结果），均已形成“抽查检查结果”信用记录。")
                % {"n": n},
            )
        else:
            messages.info(request, _("没有已审核待公示的检查结果。"))
