"""Credit in the admin, in Chinese and scoped to the official's department.

Every write goes through ``credit.services`` (STYLE.md rule 7): ``save_model`` and the actions call
a service, and a service's refusal is shown as a form error or a message, never a 500. Rows that
must change only through an audited step (record state, list entries once saved, model versions)
are read-only in forms and change through actions.
"""

import json
import os

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core import uscc
from core.choices import Role
from core.workdays import add_working_days, working_days_between
from credit import imports, services
from credit.admin_record_links import RecordNoticeLinkMixin
from credit.choices import (
    OPEN_OBJECTION_STATES,
    CommitmentState,
    ListType,
    ObjectionState,
    PenaltyType,
    ProposalState,
    RecordState,
    RepairState,
    WarningState,
)
from credit.file_import import DepartmentFileImportMixin, truncated
from credit.forms import (
    CommitmentBreakForm,
    CommitmentFulfilForm,
    CommitmentMakeForm,
    CreditRecordForm,
    DecisionReasonForm,
    EvaluationModelForm,
    JointMeasureForm,
    ListEntryAddForm,
    ListEntryRemoveForm,
    ObjectionAcceptForm,
    ObjectionDecideForm,
    ObjectionRefuseForm,
    ProposalConfirmForm,
    ReasonForm,
    RecordImportForm,
    RevokeForm,
    add_service_errors,
)
from credit.models import (
    CreditCheck,
    CreditCommitment,
    CreditRecord,
    EntityCredit,
    EvaluationModel,
    GradeBand,
    GradeHistory,
    IndustryRisk,
    JointMeasure,
    ListEntry,
    ListProposal,
    Objection,
    PublicityRule,
    RepairApplication,
    RiskScanRun,
    RiskWarning,
)
from credit.selectors import checks_visible_to
from supervision.models import Department, MarketEntity
from supervision.selectors import department_of, entity_search, is_platform_admin, scope_to_department

MAX_ACTION_ROWS = 500  # an action that asks for a reason applies it to at most this many rows at once


# --- helpers --------------------------------------------------------------------------------------


def with_entity_name(queryset):
    """The roster name of each row's USCC, without a join that would drop codes not in the roster."""
    return queryset.annotate(entity_name=Subquery(MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values("name")[:1]))


def is_credit_manager(user) -> bool:
    return is_platform_admin(user) or bool(user and user.is_authenticated and user.groups.filter(name=Role.CREDIT_MANAGER).exists())


def adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row the service saved (for the log and the redirect)."""
    for f in saved._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False


def show_refusal(request, exc: ValidationError, prefix: str = "") -> None:
    for message in exc.messages:
        messages.error(request, f"{prefix}{message}")


def intermediate_action(
    modeladmin, request, queryset, *, form_class, title, apply, done, submit=None, initial=None, single=False, note="",
    template="admin/credit/action_form.html", refusal_on_form=False,
):
    """An action that asks for a few fields first (the admin's confirmation-page pattern).

    ``apply(obj, cleaned_data)`` calls the service; each refusal is shown as a message naming the row.
    A form with a file field is posted as multipart (the template asks ``form.is_multipart``).
    """
    count = queryset.count()
    if count == 0:
        # The rows chosen are not in this official's (scoped) list: another department's, or gone.
        messages.error(request, _("所选记录不在您可以处理的范围内（只能处理本部门的记录），未作任何处理。"))
        return None
    if single and count != 1:
        messages.error(request, _("请一次只选择一条记录执行“%(title)s”。") % {"title": title})
        return None
    if count > MAX_ACTION_ROWS:
        messages.error(request, _("一次最多对 %(max)s 条记录执行“%(title)s”，本次选择了 %(n)s 条。") % {"max": MAX_ACTION_ROWS, "title": title, "n": count})
        return None
    applying = "apply" in request.POST
    form = form_class(request.POST if applying else None, request.FILES if applying else None, initial=initial)
    refused_on_form = False
    if applying and form.is_valid():
        ok = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data)
            except ValidationError as exc:
                if refusal_on_form and single:
                    # Issue 12 §6: the refusal next to its field, on the same form, with every typed value kept.
                    add_service_errors(form, exc)
                    refused_on_form = True
                else:
                    show_refusal(request, exc, f"{obj}：")
            else:
                ok += 1
        if ok:
            messages.success(request, _("%(done)s %(n)s 条。") % {"done": done, "n": ok})
        if not refused_on_form:
            return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "objects": list(queryset[:MAX_ACTION_ROWS]),
        "count": count,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        "submit": submit or _("确定"),
        "note": note,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, template, context)


class StateFilter(admin.SimpleListFilter):
    """A state filter with a default (an inbox opens on what is still to do); “全部” shows all."""

    title = _("状态")
    parameter_name = "state"
    choices_class = None
    default = None

    def lookups(self, request, model_admin):
        return [*self.choices_class.choices, ("all", _("全部"))]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value in (None, "all") else queryset.filter(state=value)


class OpenWarningFilter(StateFilter):
    choices_class = WarningState
    default = WarningState.OPEN


class PendingProposalFilter(StateFilter):
    choices_class = ProposalState
    default = ProposalState.PENDING


class ActiveEntryFilter(admin.SimpleListFilter):
    title = _("是否在列")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("在列")), ("no", _("已移出"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(removed_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(removed_on__isnull=False)
        return queryset


class UsccSearchMixin:
    """Search by USCC (exact, 18 characters) and by the text fields in ``text_search_fields``."""

    text_search_fields = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        q = Q()
        for name in self.text_search_fields:
            q |= Q(**{f"{name}__icontains": term})
        code = uscc.normalize(term)
        if len(code) == 18:
            q |= Q(entity_id=code)
        return queryset.filter(q), False


class ViewOnceSavedMixin:
    """A row that, once saved, is only viewed and never deleted: every later change is an admin
    action that calls a service (STYLE.md rule 7), so the audit trail holds it."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """Officials see and act on their own department's rows; a platform admin on all."""

    department_field = "department"

    def get_queryset(self, request):
        return scope_to_department(super().get_queryset(request), request.user, self.department_field)

    def owns(self, request, obj) -> bool:
        if obj is None or is_platform_admin(request.user):
            return True
        dept = department_of(request.user)
        return dept is not None and getattr(obj, f"{self.department_field}_id") == dept.pk

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return [*filters, self.department_field] if is_platform_admin(request.user) else filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field and not is_platform_admin(request.user):
            dept = department_of(request.user)
            kwargs["queryset"] = Department.objects.filter(pk=dept.pk if dept else None)
            kwargs["initial"] = dept
        elif db_field.name == self.department_field:
            kwargs["initial"] = department_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceFormAdmin(admin.ModelAdmin):
    """``save_model`` calls a service. If it refuses after the form validated (a race), the
    official gets its message and the form again; nothing is logged as saved."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        fixed = None if is_platform_admin(request.user) else department_of(request.user)
        return type(form.__name__, (form,), {"department_fixed": fixed, "actor": request.user})

    def refused(self, request, exc):
        show_refusal(request, exc)
        request._credit_refused = True

    def log_addition(self, request, obj, message):
        if not getattr(request, "_credit_refused", False):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "_credit_refused", False):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_credit_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_credit_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.display(description=_("统一社会信用代码"))
def _uscc(obj):
    return obj.entity_id


@admin.display(description=_("主体名称"))
def _entity_name(obj):
    return getattr(obj, "entity_name", None) or _("（名录库中暂无）")


def _pretty_json(value):
    return format_html("<pre style='margin:0;white-space:pre-wrap'>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _reasons(value):
    items = [r.get("text", "") if isinstance(r, dict) else str(r) for r in value or []]
    return format_html("<ul style='margin:0;padding-left:1.2em'>{}</ul>", format_html_join("", "<li>{}</li>", ((t,) for t in items)))


# --- records ----------------------------------------------------------------------------------------

RECORD_FIELDS = (
    "department", "source_ref", "uscc", "category", "polarity", "severity", "title", "content", "decided_on", "legal_basis", "amount",
    "restriction_ends_on",
)
RECORD_COMPUTED = ("published", "publicity_ends_on", "repairable_from", "publicity_rule", "state", "state_reason", "created_at", "updated_at")


@admin.register(CreditRecord)
class CreditRecordAdmin(RecordNoticeLinkMixin, DepartmentFileImportMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    form = CreditRecordForm
    list_display = (
        "source_ref", _uscc, _entity_name, "category", "polarity", "severity", "title", "decided_on", "publicity_ends_on", "published", "state",
        "department",
    )
    list_filter = ("category", "severity", "state", "polarity")
    search_fields = ("source_ref", "title")
    search_help_text = _("按统一社会信用代码（18位）、来源编号或标题搜索")
    text_search_fields = ("source_ref", "title")
    list_select_related = ("department",)
    show_full_result_count = False
    list_per_page = 50
    actions = ["revoke"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": RECORD_FIELDS})]
        fields = RECORD_FIELDS
        if not self.has_change_permission(request, obj):
            # View-only: every field is displayed read-only; the USCC form field has no model attribute.
            fields = tuple("uscc_display" if f == "uscc" else f for f in fields)
        return [(None, {"fields": fields}), (_("公示（按公示期限规则自动计算）"), {"fields": RECORD_COMPUTED}), *self.notice_fieldsets(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("department", "source_ref", *RECORD_COMPUTED, self.NOTICE_FIELD)

    def has_change_permission(self, request, obj=None):
        # A revoked record stays as it was revoked.
        return super().has_change_permission(request, obj) and self.owns(request, obj) and (obj is None or obj.state != RecordState.REVOKED)

    def has_delete_permission(self, request, obj=None):
        return False  # a record is revoked (撤销, audited), never deleted

    def save_model(self, request, obj, form, change):
        department = form.department()
        if not change and not is_platform_admin(request.user):
            department = department_of(request.user)
        try:
            saved = services.credit_record_save(actor=request.user, department=department, **form.service_fields())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    @admin.action(description=_("撤销"), permissions=["change"])
    def revoke(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=RevokeForm, title=_("撤销信用记录"), done=_("已撤销"), submit=_("确认撤销"),
            note=_("撤销后记录不再公示，也不再计入信用评价；撤销理由记入审计日志。"),
            apply=lambda obj, data: services.credit_record_revoke(actor=request.user, record=obj, reason=data["reason"]),
        )

    # import (XLSX/CSV → preview → confirm → credit_records_push, all or nothing): credit.file_import

    import_module = imports
    import_form_class = RecordImportForm
    import_title = _("导入信用记录")
    import_noun = _("信用记录")
    import_department_label = _("来源部门")
    import_help = _(
        "列名：来源编号、统一社会信用代码、信息类别、性质、失信程度、标题、内容、决定日期、依据、金额、限制期限届满日。取值可填代码或中文（如“行政处罚”“负面”“一般”）。"
        "同一部门内来源编号相同的记录再次导入即为更新。"
    )
    import_preview_columns = (
        (_("来源编号"), "source_ref"), (_("统一社会信用代码"), "uscc"), (_("信息类别"), "category"), (_("性质"), "polarity"),
        (_("失信程度"), "severity"), (_("标题"), truncated("title")), (_("决定日期"), "decided_on"), (_("金额"), "amount"),
    )
    import_errors_heading = _("错误与提示")
    import_css = "credit"
    import_template_filename = "信用记录导入模板.xlsx"
    import_session_key = "credit_record_import"
    import_salt = "credit.admin.record_import"


# --- lists ------------------------------------------------------------------------------------------

ENTRY_ADD_FIELDS = (
    "uscc", "list_type", "ground", "department", "facts", "legal_basis", "decision_no", "ground_established_on", "notice_on", "decided_on",
    "listed_on",
)
ENTRY_VIEW_FIELDS = (
    "uscc_display", "entity_name_display", "list_type", "ground", "department", "facts", "legal_basis", "decision_no", "ground_established_on",
    "notice_on", "decided_on", "listed_on", "source_entry", "created_at",
)
ENTRY_REMOVAL_FIELDS = ("removed_on", "removal_reason", "removal_note")


@admin.register(ListEntry)
class ListEntryAdmin(UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """Entries are added by ``list_entry_add`` and removed by ``list_entry_remove``; never edited."""

    form = ListEntryAddForm
    list_display = (_uscc, _entity_name, "list_type", "ground", "department", "decided_on", "listed_on", "removed_on", "removal_reason")
    list_filter = ("list_type", ActiveEntryFilter, "ground")
    search_fields = ("decision_no",)
    search_help_text = _("按统一社会信用代码（18位）或决定书文号搜索")
    text_search_fields = ("decision_no",)
    list_select_related = ("department",)
    actions = ["remove"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return MarketEntity.objects.filter(uscc=obj.entity_id).values_list("name", flat=True).first() or _("（名录库中暂无）")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ENTRY_ADD_FIELDS})]
        return [(None, {"fields": ENTRY_VIEW_FIELDS}), (_("移出"), {"fields": ENTRY_REMOVAL_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        return (*ENTRY_VIEW_FIELDS, *ENTRY_REMOVAL_FIELDS) if obj else ()

    def has_change_permission(self, request, obj=None):
        # Read-only once saved; “移出” (an action) needs the change permission on the list.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            saved = services.list_entry_add(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    @admin.action(description=_("移出名单"), permissions=["change"])
    def remove(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ListEntryRemoveForm, title=_("移出名单"), done=_("已移出"), submit=_("确认移出"),
            initial={"removed_on": timezone.localdate()},
            note=_("严重违法失信名单：列入满1年且已履行义务的可提前移出，列入满3年届满移出；经营异常名录：履行义务后5个工作日内移出。"),
            apply=lambda obj, data: services.list_entry_remove(
                actor=request.user, entry=obj, reason=data["reason"], removed_on=data["removed_on"], note=data.get("note") or "",
                duty_fulfilled_on=data.get("duty_fulfilled_on"),
            ),
        )


@admin.register(ListProposal)
class ListProposalAdmin(ViewOnceSavedMixin, ScopedAdmin):
    list_display = (_uscc, _entity_name, "list_type", "ground", "source_entry", "source_ref", "department", "state", "created_at", "decided_by", "result_entry")
    list_filter = (PendingProposalFilter, "list_type")
    list_select_related = ("department", "source_entry", "decided_by", "result_entry")
    readonly_fields = (
        "entity", "source_entry", "source_ref", "reason", "list_type", "ground", "department", "state",
        "created_at", "decided_by", "decided_at", "result_entry",
    )
    fields = readonly_fields
    actions = ["confirm", "dismiss"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("确认列入严重违法失信名单"), permissions=["change"])
    def confirm(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ProposalConfirmForm, title=_("确认列入严重违法失信名单"), done=_("已确认列入"), single=True,
            submit=_("确认列入"), initial={"decided_on": timezone.localdate()},
            note=_("列入严重违法失信名单前须事先告知当事人并听取陈述、申辩；确认后原经营异常名录记录转列移出。"),
            apply=lambda obj, data: services.list_proposal_confirm(
                actor=request.user, proposal=obj, notice_on=data["notice_on"], decided_on=data["decided_on"], legal_basis=data["legal_basis"],
                decision_no=data.get("decision_no") or "",
            ),
        )

    @admin.action(description=_("不予列入"), permissions=["change"])
    def dismiss(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ReasonForm, title=_("不予列入"), done=_("已不予列入"), submit=_("确认不予列入"),
            apply=lambda obj, data: services.list_proposal_dismiss(actor=request.user, proposal=obj, reason=data["reason"]),
        )


# --- evaluation model, industry risk, measures, publicity rules --------------------------------------


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    fields = ("grade", "label", "colour", "score_min", "score_max", "description")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationModel)
class EvaluationModelAdmin(ServiceFormAdmin):
    """Versions are never edited: “增加” starts from the version in force and saves a new one."""

    form = EvaluationModelForm
    list_display = ("version", "effective_from", "in_force", "note", "created_by", "created_at")
    list_select_related = ("created_by",)
    view_fields = ("version", "effective_from", "note", "weights_display", "created_by", "created_at")

    @admin.display(description=_("当前生效"), boolean=True)
    def in_force(self, obj):
        return obj.in_force

    def get_queryset(self, request):
        from credit.selectors import current_model

        current = current_model().pk
        return super().get_queryset(request).annotate(in_force=Case(When(pk=current, then=Value(True)), default=Value(False)))

    @admin.display(description=_("扣分与加分权重"))
    def weights_display(self, obj):
        return _pretty_json(obj.weights)

    def get_inlines(self, request, obj):
        return [GradeBandInline] if obj else []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return [(None, {"fields": self.view_fields})]
        return [
            (None, {"fields": ("effective_from", "note")}),
            (_("等级与分数段（每个等级一行；分数段须连续覆盖 0–1000 分，等级越差分数越低）"), {"fields": EvaluationModelForm.band_rows()}),
            (_("权重"), {"fields": ("weights",)}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.view_fields if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a version is only viewed
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            from credit.selectors import current_model

            model = current_model()
            form.descriptions = {b.grade: b.description for b in model.bands.all()}
        return form

    def get_changeform_initial_data(self, request):
        from credit.selectors import current_model

        return {**EvaluationModelForm.initial_from(current_model(), timezone.localdate()), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services.evaluation_model_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)


class CatalogueAdmin(ServiceFormAdmin):
    """Catalogue rows saved by ``services.simple_save`` (audited). Not deleted: there is no audited
    delete for them; a measure is switched off with 启用, an industry's level is changed."""

    audit_action = ""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        model = type(obj)
        instance = model.objects.get(pk=obj.pk) if change else model()
        fields = {f.name: form.cleaned_data[f.name] for f in model._meta.concrete_fields if f.name in form.cleaned_data}
        try:
            saved = services.simple_save(actor=request.user, obj=instance, action=self.audit_action, **fields)
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)


@admin.register(IndustryRisk)
class IndustryRiskAdmin(CatalogueAdmin):
    audit_action = "industry_risk"
    list_display = ("industry_prefix", "name", "level")
    list_filter = ("level",)
    search_fields = ("industry_prefix", "name")


@admin.register(JointMeasure)
class JointMeasureAdmin(CatalogueAdmin):
    audit_action = "joint_measure"
    form = JointMeasureForm
    list_display = ("code", "name", "kind", "list_types_display", "implementing_department", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "implementing_department")

    @admin.display(description=_("适用名单"))
    def list_types_display(self, obj):
        return "、".join(str(ListType(t).label) if t in ListType.values else str(t) for t in obj.list_types or [])


@admin.register(PublicityRule)
class PublicityRuleAdmin(ReadOnlyAdmin):
    list_display = ("version", "effective_from", "minor_published", "minor_max_months", "general_min_months", "general_max_months",
                    "serious_min_months", "serious_max_months", "other_months")


# --- inbox and scans ---------------------------------------------------------------------------------


def _rule_descriptions() -> dict:
    from credit.scan import RULES

    return {rule.code: rule.description for rule in RULES}


@admin.register(RiskWarning)
class RiskWarningAdmin(ViewOnceSavedMixin, UsccSearchMixin, ScopedAdmin):
    list_display = ("created_at", "rule", _uscc, _entity_name, "message", "department", "state", "handled_by", "handled_at")
    list_filter = (OpenWarningFilter, "rule_code")
    search_fields = ("message",)
    search_help_text = _("按统一社会信用代码（18位）或预警内容搜索")
    text_search_fields = ("message",)
    list_select_related = ("department", "handled_by")
    readonly_fields = ("rule", "entity", "department", "message", "state", "created_at", "handled_by", "handled_at", "handling_note")
    fields = readonly_fields
    actions = ["handle"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("预警规则"))
    def rule(self, obj):
        return _rule_descriptions().get(obj.rule_code, obj.rule_code)

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        open_count = self.get_queryset(request).filter(state=WarningState.OPEN).count()
        title = _("风险预警（待处理 %(n)s 条）") % {"n": open_count}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.action(description=_("标记为已处理"), permissions=["change"])
    def handle(self, request, queryset):
        done = 0
        for warning in queryset.filter(state=WarningState.OPEN):
            services.risk_warning_handle(actor=request.user, warning=warning)
            done += 1
        messages.success(request, _("已将 %(n)s 条预警标记为已处理。") % {"n": done})


@admin.register(RiskScanRun)
class RiskScanRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "duration_display", "state", "trigger", "counts_display", "error_short")
    list_filter = ("state", "trigger")
    fields = ("started_at", "finished_at", "duration_display", "state", "trigger", "counts_display", "error_display")
    readonly_fields = fields

    @admin.display(description=_("耗时"))
    def duration_display(self, obj):
        duration = obj.duration
        if duration is None:
            return _("运行中") if obj.state == "running" else "-"
        seconds = duration.total_seconds()
        return f"{seconds:.1f} 秒" if seconds < 60 else f"{int(seconds // 60)} 分 {int(seconds % 60)} 秒"

    @admin.display(description=_("计数"))
    def counts_display(self, obj):
        return _pretty_json(obj.counts)

    @admin.display(description=_("错误"))
    def error_short(self, obj):
        return (obj.error.strip().splitlines() or [""])[-1][:120]

    @admin.display(description=_("错误"))
    def error_display(self, obj):
        return format_html("<pre style='margin:0;white-space:pre-wrap'>{}</pre>", obj.error) if obj.error else "-"

    def get_urls(self):
        return [path("run/", self.admin_site.admin_view(self.run_now_view), name="credit_riskscanrun_run"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"can_run_scan": is_credit_manager(request.user), **(extra_context or {})})

    def run_now_view(self, request):
        if request.method != "POST" or not is_credit_manager(request.user):
            raise PermissionDenied
        from credit.regrade import publish
        from credit.tasks import risk_scan

        transaction.on_commit(lambda: publish(risk_scan, trigger="manual"))  # never hangs or fails the request (issue 11)
        messages.success(request, _("已提交风险扫描，运行完成后将在此列出（通常数分钟内）。"))
        return HttpResponseRedirect(reverse("admin:credit_riskscanrun_changelist"))


# --- checks, grades -----------------------------------------------------------------------------------


@admin.register(CreditCheck)
class CreditCheckAdmin(UsccSearchMixin, ReadOnlyAdmin):
    """逢办必查 log: checks by the official's own systems, and who checked their entities."""

    list_display = ("checked_at", _uscc, _entity_name, "purpose", "department", "client", "checked_by", "found", "grade", "measures_display")
    list_filter = ("found", "grade")
    search_fields = ("purpose",)
    search_help_text = _("按统一社会信用代码（18位）或办理事项搜索")
    text_search_fields = ("purpose",)
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return with_entity_name(checks_visible_to(request.user).select_related("checked_by"))

    @admin.display(description=_("适用措施"))
    def measures_display(self, obj):
        return "、".join(obj.measures or []) or "-"


@admin.register(EntityCredit)
class EntityCreditAdmin(ReadOnlyAdmin):
    """Grade, score, reasons and the internal risk class (officials only; never public)."""

    list_display = (_uscc, _entity_name, "grade", "score", "risk_class", "improves_on", "model", "changed_at")
    ordering = ("entity_id",)  # the column itself: ordering by the relation would join the roster
    list_filter = ("grade", "risk_class")
    search_fields = ("entity__uscc",)
    search_help_text = _("按统一社会信用代码（全部或前几位）或主体名称搜索")
    list_select_related = ("model",)
    show_full_result_count = False
    list_per_page = 50
    fields = ("uscc_display", "entity_name_display", "grade", "score", "reasons_display", "improves_on", "risk_class", "model", "changed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(entity_id__in=entity_search(search_term, MarketEntity.objects.all()).values("uscc")), False

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return _entity_name(obj)

    @admin.display(description=_("评价理由"))
    def reasons_display(self, obj):
        return _reasons(obj.reasons)


@admin.register(GradeHistory)
class GradeHistoryAdmin(UsccSearchMixin, ReadOnlyAdmin):
    list_display = (_uscc, _entity_name, "changed_at", "grade", "score", "model")
    ordering = ("-changed_at", "-id")
    list_filter = ("grade",)
    search_fields = ("model__note",)
    search_help_text = _("按统一社会信用代码（18位）搜索")
    list_select_related = ("model",)
    show_full_result_count = False
    list_per_page = 50
    fields = ("uscc_display", "changed_at", "grade", "score", "reasons_display", "model")
    readonly_fields = fields

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("评价理由"))
    def reasons_display(self, obj):
        return _reasons(obj.reasons)


# --- remedies: commitments, repair, objections (DOMAIN §3) ------------------------------------------

UPLOAD_ACTION_TEMPLATE = "admin/credit/action_form.html"  # multipart when the form has a file field
REMEDY_CHANGE_FORM = "admin/credit/remedy_change_form.html"
DUE_WITHIN_WORKING_DAYS = 1  # issue 4: objections due within 1 working day, or overdue, are flagged


def due_window(request=None):
    """``(today, last day counted as due soon)``: a deadline on or before the next working day is due
    within 1 working day. Worked out once per request (the calendar reads the officials' overrides)."""
    cached = getattr(request, "_credit_due_window", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    window = (today, add_working_days(today, DUE_WITHIN_WORKING_DAYS).date)
    if request is not None:
        request._credit_due_window = window
    return window


def objection_deadline_q(lookup: str, day) -> Q:
    """Open objections whose current deadline (受理期限 until accepted, then 办结期限) is ``lookup`` ``day``."""
    return Q(state=ObjectionState.SUBMITTED, **{f"accept_due_on__{lookup}": day}) | Q(
        state=ObjectionState.ACCEPTED, **{f"decide_due_on__{lookup}": day}
    )


def commitment_overdue_q(today) -> Q:
    """Commitments past their due date and still 履约中 (the risk scan warns of the same)."""
    return Q(state=CommitmentState.IN_PROGRESS, due_on__lt=today)


def _link(viewname, obj, text=None):
    if obj is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[obj.pk]), text or str(obj))


def _coloured(text, level):
    """Red for overdue, orange for due within 1 working day."""
    colour = {"overdue": "#ba2121", "due": "#c05600"}.get(level)
    if colour is None:
        return text
    return format_html('<span style="color:{};font-weight:bold">{}</span>', colour, text)


def _file_response(field_file):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field_file.name))


class RemedyActionsMixin:
    """Buttons on an object's page that run the list's actions on that one object (same form, same service)."""

    change_form_template = REMEDY_CHANGE_FORM
    action_query = ""  # e.g. "?state=all", so the list's default filter does not hide the object

    def object_actions(self, request, obj) -> list:
        """``[(action name, label)]`` that apply to ``obj`` in its current state."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        extra = {}
        if obj is not None and self.owns(request, obj) and self.has_change_permission(request):
            opts = self.model._meta
            extra = {
                "remedy_actions": self.object_actions(request, obj),
                "remedy_action_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + self.action_query,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


class CommitmentOverdueFilter(admin.SimpleListFilter):
    title = _("履约期限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已过履约期限仍在履约中"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(commitment_overdue_q(due_window(request)[0]))
        return queryset


COMMITMENT_ADD_FIELDS = ("uscc", "commitment_type", "department", "matter", "related_record", "content", "signatory", "contact_phone", "made_on", "due_on")
COMMITMENT_VIEW_FIELDS = (
    "tracking_no", "uscc_display", "entity_name_display", "commitment_type", "department", "matter", "related_record_link", "content",
    "signatory", "made_on", "due_on_display", "channel", "created_at",
)
COMMITMENT_CONFIDENTIAL_FIELDS = ("contact_phone",)
COMMITMENT_RESULT_FIELDS = ("state", "resolved_on", "resolution_note", "evidence_link", "result_record_link")


@admin.register(CreditCommitment)
class CreditCommitmentAdmin(ViewOnceSavedMixin, RemedyActionsMixin, UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """Entered by ``commitment_make``; 已履约 / 违诺 only through the actions (each becomes a credit record)."""

    form = CommitmentMakeForm
    list_display = (
        "tracking_no", _uscc, _entity_name, "commitment_type", "department", "made_on", "due_on_display", "state", "resolved_on", "channel",
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
        evidence = path("<int:pk>/evidence/", self.admin_site.admin_view(self.evidence_view), name="credit_creditcommitment_evidence")
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
            _("承诺编号 %(no)s，查询码 %(code)s。查询码只显示这一次，请告知承诺人凭承诺编号和查询码查询。") % {"no": saved.tracking_no, "code": code},
        )

    # display

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return _entity_name(obj)

    @admin.display(description=_("履约期限"), ordering="due_on")
    def due_on_display(self, obj):
        if obj.state == CommitmentState.IN_PROGRESS and obj.due_on < timezone.localdate():
            return _coloured(f"{obj.due_on}（已逾期）", "overdue")
        return str(obj.due_on)

    @admin.display(description=_("所修复的信用记录"))
    def related_record_link(self, obj):
        return _link("admin:credit_creditrecord_change", obj.related_record)

    @admin.display(description=_("形成的信用记录"))
    def result_record_link(self, obj):
        return _link("admin:credit_creditrecord_change", obj.result_record)

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
        return _file_response(obj.evidence)

    # actions

    def object_actions(self, request, obj):
        if obj.state != CommitmentState.IN_PROGRESS:
            return []
        return [("fulfil", _("认定已履约")), ("break_commitment", _("认定违诺"))]

    @admin.action(description=_("认定已履约"), permissions=["change"])
    def fulfil(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=CommitmentFulfilForm, title=_("认定已履约"), done=_("已认定履约"), submit=_("确认已履约"),
            initial={"resolved_on": timezone.localdate()}, template=UPLOAD_ACTION_TEMPLATE,
            note=_("认定后形成一条正面信用记录（信用承诺类），并计入信用评价。"),
            apply=lambda obj, data: services.commitment_fulfil(
                actor=request.user, commitment=obj, resolved_on=data["resolved_on"], note=data.get("note") or "", evidence=data.get("evidence"),
            ),
        )

    @admin.action(description=_("认定违诺"), permissions=["change"])
    def break_commitment(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=CommitmentBreakForm, title=_("认定违诺"), done=_("已认定违诺"), submit=_("确认违诺"),
            initial={"resolved_on": timezone.localdate()},
            note=_("违诺形成一条负面信用记录（信用承诺类）；近12个月内违诺的主体评为“失信”等级。"),
            apply=lambda obj, data: services.commitment_break(actor=request.user, commitment=obj, note=data["note"], resolved_on=data["resolved_on"]),
        )


class PendingRepairFilter(StateFilter):
    choices_class = RepairState
    default = RepairState.SUBMITTED


REPAIR_FIELDSETS = [
    (None, {"fields": ("tracking_no", "state", "department", "filed_at", "channel")}),
    (_("信用记录"), {"fields": ("uscc_display", "entity_name_display", "record_link", "record_window", "repair_checks")}),
    (_("申请"), {"fields": ("applicant_name", "reason", "commitment_link", "evidence_links")}),
    (_("联系方式（保密，仅监管人员可见）"), {"fields": ("contact_phone", "contact_email")}),
    (_("决定"), {"fields": ("decided_by", "decided_at", "decision_reason")}),
]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ViewOnceSavedMixin, RemedyActionsMixin, UsccSearchMixin, ScopedAdmin):
    """谁认定、谁修复: the deciding department approves or rejects, with reasons, through the services."""

    list_display = ("tracking_no", _uscc, _entity_name, "record_title", "department", "applicant_name", "filed_at", "state", "decided_by", "decided_at")
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
            "<int:pk>/evidence/<int:evidence_id>/", self.admin_site.admin_view(self.evidence_view), name="credit_repairapplication_evidence"
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
        return _entity_name(obj)

    @admin.display(description=_("信用记录"))
    def record_link(self, obj):
        record = obj.record
        return _link("admin:credit_creditrecord_change", record, f"{record.source_ref} {record.title}")

    @admin.display(description=_("公示情况"))
    def record_window(self, obj):
        record = obj.record
        severity = record.get_severity_display() or "-"
        penalties = "、".join(str(PenaltyType(p).label) if p in PenaltyType.values else p for p in record.penalty_types)
        return format_html(
            "{}；决定日期 {}；可申请修复日期 {}；公示截止 {}；当前状态：{}{}", severity, record.decided_on, record.repairable_from,
            record.publicity_ends_on, record.get_state_display(), f"；处罚种类：{penalties}" if record.penalty_types else "",
        )

    @admin.display(description=_("修复条件核查"))
    def repair_checks(self, obj):
        if obj.state != RepairState.SUBMITTED:
            return "-"
        problems = [p for p in services.repair_problems(obj.record, commitment_accepted=True) if "待审核的修复申请" not in p]
        if not problems:
            return format_html('<span style="color:#2e7d32">{}</span>', "符合申请条件（最短公示期、处罚种类、信用修复承诺）")
        return format_html(
            '<ul style="margin:0;padding-left:1.2em;color:#ba2121">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        )

    @admin.display(description=_("信用修复承诺"))
    def commitment_link(self, obj):
        return _link("admin:credit_creditcommitment_change", obj.commitment, obj.commitment.tracking_no)

    @admin.display(description=_("证明材料"))
    def evidence_links(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return _("（未提交）")
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "", '<li><a href="{}">{}</a>（{}）</li>',
                ((reverse("admin:credit_repairapplication_evidence", args=[obj.pk, e.pk]), os.path.basename(e.file.name),
                  timezone.localtime(e.uploaded_at).strftime("%Y-%m-%d %H:%M")) for e in files),
            ),
        )

    def evidence_view(self, request, pk, evidence_id):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        evidence = obj.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return _file_response(evidence.file)

    def object_actions(self, request, obj):
        return [("approve", _("批准修复")), ("reject", _("不予修复"))] if obj.state == RepairState.SUBMITTED else []

    @admin.action(description=_("批准修复"), permissions=["change"])
    def approve(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=DecisionReasonForm, title=_("批准信用修复"), done=_("已批准修复"), submit=_("确认批准修复"),
            note=_("批准后该记录停止公示，不再出现在任何公开页面和公开接口中，并重新评价信用等级；决定理由记入审计日志。"),
            apply=lambda obj, data: services.repair_approve(actor=request.user, application=obj, reason=data["reason"]),
        )

    @admin.action(description=_("不予修复"), permissions=["change"])
    def reject(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=DecisionReasonForm, title=_("不予信用修复"), done=_("已决定不予修复"), submit=_("确认不予修复"),
            note=_("不予修复的理由将告知申请人（凭受理编号和查询码查询）。"),
            apply=lambda obj, data: services.repair_reject(actor=request.user, application=obj, reason=data["reason"]),
        )


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


class DeadlineFilter(admin.SimpleListFilter):
    """期限: due within 1 working day (or overdue), or overdue. ``deadline_q(lookup, day)`` selects the
    open rows whose deadline is ``lookup`` ``day`` (the 待办 panel counts with the same function)."""

    title = _("期限")
    parameter_name = "deadline"
    deadline_q = None

    def lookups(self, request, model_admin):
        return [("due", _("1个工作日内到期或已逾期")), ("overdue", _("已逾期"))]

    def queryset(self, request, queryset):
        today, until = due_window(request)
        if self.value() == "due":
            return queryset.filter(self.deadline_q("lte", until))
        if self.value() == "overdue":
            return queryset.filter(self.deadline_q("lt", today))
        return queryset


class ObjectionDeadlineFilter(DeadlineFilter):
    deadline_q = staticmethod(objection_deadline_q)


OBJECTION_FIELDSETS = [
    (None, {"fields": ("tracking_no", "state", "target_link", "uscc_display", "entity_name_display", "department", "reason", "filed_at", "channel")}),
    (_("期限（工作日）"), {"fields": ("accept_due_display", "decide_due_display", "deadline_provisional", "time_left")}),
    (_("申请人联系方式（保密，仅监管人员可见）"), {"fields": ("applicant_name", "contact_phone", "contact_email")}),
    (_("办理"), {"fields": ("accepted_at", "accept_reason", "outcome", "outcome_reason", "decided_at", "handled_by")}),
]


@admin.register(Objection)
class ObjectionAdmin(ViewOnceSavedMixin, RemedyActionsMixin, UsccSearchMixin, ScopedAdmin):
    """受理 within 5 working days and 办结 within 20 (DOMAIN §3); deadlines due within 1 working day are flagged."""

    list_display = (
        "tracking_no", "target_display", _uscc, _entity_name, "department", "filed_at", "state", "accept_due_display", "decide_due_display",
        "outcome",
    )
    list_filter = (ObjectionStateFilter, ObjectionDeadlineFilter, "outcome")
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

    # display

    @admin.display(description=_("异议对象"))
    def target_display(self, obj):
        if obj.record_id:
            return f"{obj.record.source_ref} {obj.record.title}"
        return str(obj.list_entry)

    @admin.display(description=_("异议对象"))
    def target_link(self, obj):
        if obj.record_id:
            return _link("admin:credit_creditrecord_change", obj.record, f"{obj.record.source_ref} {obj.record.title}（{obj.record.get_state_display()}）")
        return _link("admin:credit_listentry_change", obj.list_entry)

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return _entity_name(obj)

    def _deadline(self, obj, day, current: bool):
        text = f"{day}{'（暂定）' if obj.deadline_provisional else ''}"
        level = getattr(obj, "urgency", "") if current else ""
        if level == "overdue":
            text += "（已逾期）"
        elif level == "due":
            text += "（1个工作日内到期）"
        return _coloured(text, level)

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
        label, due = ("受理", obj.accept_due_on) if obj.state == ObjectionState.SUBMITTED else ("办结", obj.decide_due_on)
        if due < today:
            return _coloured(f"{label}已逾期 {working_days_between(due, today)} 个工作日", "overdue")
        left = working_days_between(today, due)
        return _coloured(f"距{label}期限还有 {left} 个工作日", getattr(obj, "urgency", ""))

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
            self, request, queryset, form_class=ObjectionAcceptForm, title=_("受理异议"), done=_("已受理"), submit=_("确认受理"),
            note=_("应在收到异议之日起5个工作日内受理或不予受理；受理后应在20个工作日内（自收到之日起算）办结。"),
            apply=lambda obj, data: services.objection_accept(actor=request.user, objection=obj, reason=data.get("reason") or ""),
        )

    @admin.action(description=_("不予受理（须说明理由）"), permissions=["change"])
    def refuse(self, request, queryset):
        return intermediate_action(
            self, request, queryset, form_class=ObjectionRefuseForm, title=_("不予受理异议"), done=_("已决定不予受理"), submit=_("确认不予受理"),
            note=_("不予受理的理由将告知申请人（凭受理编号和查询码查询）。"),
            apply=lambda obj, data: services.objection_refuse(actor=request.user, objection=obj, reason=data["reason"]),
        )

    @admin.action(description=_("办结（维持、更正或撤销）"), permissions=["change"])
    def decide(self, request, queryset):
        objection = queryset.first() if queryset.count() == 1 else None
        return intermediate_action(
            self, request, queryset, form_class=ObjectionDecideForm.for_objection(objection, request.user), title=_("办结异议"),
            done=_("已办结"), submit=_("确认办结"), single=True, initial=ObjectionDecideForm.initial_for(objection) if objection else None,
            note=_("维持：记录不变。更正：按下列内容修改记录（只提交修改过的项，原值记入审计日志）。撤销：记录停止公示并重新评价信用等级，名单记录则移出名单。"),
            apply=lambda obj, data: services.objection_decide(
                actor=request.user, objection=obj, outcome=data["outcome"], reason=data["reason"],
                corrections=ObjectionDecideForm.changed_fields(obj.record, data) if data["outcome"] == "corrected" else None,
            ),
        )


from credit import admin_exits  # noqa: E402, F401  (issue 12 §4: list exit applications and removal proposals)
