"""Objections (异议): 受理 within 5 working days and 办结 within 20 (DOMAIN §3), flagged when due within 1 working day.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

import os

from django.contrib import admin
from django.db.models import Case, CharField, Value, When
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
    clip,
    coloured,
    due_window,
    file_response,
    intermediate_action,
    link,
)
from core.deadline_items import TimelinessFilter
from core.workdays import working_days_between
from credit import services
from credit.admin.common import (
    entity_name_column,
    with_entity_name,
)
from credit.choices import (
    OPEN_OBJECTION_STATES,
    ObjectionState,
)
from credit.forms import (
    ObjectionAcceptForm,
    ObjectionDecideForm,
    ObjectionRefuseForm,
)
from credit.models import (
    Objection,
)
from credit.selectors import objection_deadline_q


class ObjectionStateFilter(StateFilter):
    """Opens on the objections still being handled (待受理 and 已受理)."""

    choices_class = ObjectionState
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", _("处理中（待受理、已受理）")), *ObjectionState.choices, ("all", _("全部"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(state__in=OPEN_OBJECTION_STATES)
        return super().queryset(request, queryset)


class ObjectionDeadlineFilter(DeadlineFilter):
    deadline_q = staticmethod(objection_deadline_q)


CORRECTION_LABELS = [
    ("title", _("标题")),
    ("content", _("内容")),
    ("decided_on", _("决定（认定）日期")),
    ("legal_basis", _("依据")),
    ("amount", _("金额（元）")),
]

OBJECTION_FIELDSETS = [
    (
        None,
        {
            "fields": (
                "tracking_no",
                "state",
                "target_link",
                "uscc_display",
                "entity_name_display",
                "department",
                "reason",
                "proposed_display",
                "evidence_links",
                "filed_at",
                "channel",
            )
        },
    ),
    (
        _("期限（工作日）"),
        {"fields": ("accept_due_display", "decide_due_display", "deadline_provisional", "time_left")},
    ),
    (_("申请人联系方式（保密，仅监管人员可见）"), {"fields": ("applicant_name", "contact_phone", "contact_email")}),
    (_("办理"), {"fields": ("accepted_at", "accept_reason", "outcome", "outcome_reason", "decided_at", "handled_by")}),
]


@admin.register(Objection)
class ObjectionAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, ScopedAdmin):
    """受理 within 5 working days and 办结 within 20 (DOMAIN §3); deadlines due within 1 working day are flagged."""

    # issue 18 §1.5: what the objection is about over whose it is, clipped; the deadlines stay in full.
    list_display = (
        "tracking_no",
        "target_display",
        "state",
        "accept_due_display",
        "decide_due_display",
    )  # the outcome is a filter
    list_filter = (ObjectionStateFilter, ObjectionDeadlineFilter, "outcome", TimelinessFilter)
    search_fields = ("tracking_no", "applicant_name")
    search_help_text = _("按统一社会信用代码（18位）、受理编号或申请人搜索")
    text_search_fields = ("tracking_no", "applicant_name")
    list_select_related = ("department", "record", "list_entry")
    fieldsets = OBJECTION_FIELDSETS
    readonly_fields = [f for _name, opts in OBJECTION_FIELDSETS for f in opts["fields"]]
    actions = ["accept", "refuse", "decide"]
    action_query = "?state=all"
    list_per_page = 50

    def get_queryset(self, request):
        today, until = due_window(request)
        urgency = Case(
            When(objection_deadline_q("lt", today), then=Value("overdue")),
            When(objection_deadline_q("lte", until), then=Value("due")),
            default=Value(""),
            output_field=CharField(),
        )
        return with_entity_name(super().get_queryset(request)).annotate(urgency=urgency)

    def has_add_permission(self, request):
        return False  # objections come from the public site and the API

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/<int:evidence_id>/",
            self.admin_site.admin_view(self.evidence_view),
            name="credit_objection_evidence",
        )
        return [evidence, *super().get_urls()]

    def evidence_view(self, request, pk, evidence_id):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        evidence = obj.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return file_response(evidence.file)

    @admin.display(description=_("申请人提出的更正"))
    def proposed_display(self, obj):
        if not obj.proposed_corrections:
            return _("（未提出逐项更正）")
        labels = dict(CORRECTION_LABELS)
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "",
                "<li>{}：{}（现为：{}）</li>",
                (
                    (labels.get(name, name), value, getattr(obj.record, name, "") if obj.record_id else "")
                    for name, value in obj.proposed_corrections.items()
                ),
            ),
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
                    (reverse("admin:credit_objection_evidence", args=[obj.pk, e.pk]), os.path.basename(e.file.name))
                    for e in files
                ),
            ),
        )

    # display

    @admin.display(description=_("异议对象"))
    def target_display(self, obj):
        text = f"{obj.record.source_ref} {obj.record.title}" if obj.record_id else str(obj.list_entry)
        entity = f"{entity_name_column(obj)}（{obj.entity_id}）"
        return format_html('{}<br><span class="cell-sub">{}</span>', clip(text, 12), clip(entity, 12))

    @admin.display(description=_("异议对象"))
    def target_link(self, obj):
        if obj.record_id:
            return link(
                "admin:credit_creditrecord_change",
                obj.record,
                f"{obj.record.source_ref} {obj.record.title}（{obj.record.get_state_display()}）",
            )
        return link("admin:credit_listentry_change", obj.list_entry)

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    def _deadline(self, obj, day, current: bool):
        text = f"{day}{'（暂定）' if obj.deadline_provisional else ''}"
        level = getattr(obj, "urgency", "") if current else ""
        if level == "overdue":
            text += "（已逾期）"
        elif level == "due":
            text += "（1个工作日内到期）"
        return coloured(text, level)

    @admin.display(description=_("受理期限"), ordering="accept_due_on")
    def accept_due_display(self, obj):
        return self._deadline(obj, obj.accept_due_on, obj.state == ObjectionState.SUBMITTED)

    @admin.display(description=_("办结期限"), ordering="decide_due_on")
    def decide_due_display(self, obj):
        return self._deadline(obj, obj.decide_due_on, obj.state == ObjectionState.ACCEPTED)

    @admin.display(description=_("剩余时间"))
    def time_left(self, obj):
        if obj.state not in OPEN_OBJECTION_STATES:
            return "-"
        today = timezone.localdate()
        label, due = (
            ("受理", obj.accept_due_on) if obj.state == ObjectionState.SUBMITTED else ("办结", obj.decide_due_on)
        )
        if due < today:
            return coloured(f"{label}已逾期 {working_days_between(due, today)} 个工作日", "overdue")
        left = working_days_between(today, due)
        return coloured(f"距{label}期限还有 {left} 个工作日", getattr(obj, "urgency", ""))

    # actions

    def object_actions(self, request, obj):
        if obj.state == ObjectionState.SUBMITTED:
            return [("accept", _("受理")), ("refuse", _("不予受理"))]
        if obj.state == ObjectionState.ACCEPTED:
            return [("decide", _("办结"))]
        return []

    @admin.action(description=_("受理"), permissions=["change"])
    def accept(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ObjectionAcceptForm,
            title=_("受理异议"),
            done=_("已受理"),
            submit=_("确认受理"),
            note=_("应在收到异议之日起5个工作日内受理或不予受理；受理后应在20个工作日内（自收到之日起算）办结。"),
            apply=lambda obj, data: services.objection_accept(
                actor=request.user, objection=obj, reason=data.get("reason") or ""
            ),
        )

    @admin.action(description=_("不予受理（须说明理由）"), permissions=["change"])
    def refuse(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ObjectionRefuseForm,
            title=_("不予受理异议"),
            done=_("已决定不予受理"),
            submit=_("确认不予受理"),
            note=_("不予受理的理由将告知申请人（凭受理编号和查询码查询）。"),
            apply=lambda obj, data: services.objection_refuse(actor=request.user, objection=obj, reason=data["reason"]),
        )

    @admin.action(description=_("办结（维持、更正或撤销）"), permissions=["change"])
    def decide(self, request, queryset):
        objection = queryset.first() if queryset.count() == 1 else None
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ObjectionDecideForm.for_objection(objection, request.user),
            title=_("办结异议"),
            done=_("已办结"),
            submit=_("确认办结"),
            single=True,
            initial=ObjectionDecideForm.initial_for(objection) if objection else None,
            note=_(
                "维持：记录不变。更正：按下列内容修改记录（只提交修改过的项，原值记入审计日志）。撤销：记录停止公示并重新评价信用等级，名单记录则移出名单。"
            ),
            apply=lambda obj, data: services.objection_decide(
                actor=request.user,
                objection=obj,
                outcome=data["outcome"],
                reason=data["reason"],
                corrections=ObjectionDecideForm.changed_fields(obj.record, data)
                if data["outcome"] == "corrected"
                else None,
            ),
        )
