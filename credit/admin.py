"""Credit in the admin, in Chinese and scoped to the official's department.

Every write goes through ``credit.services`` (STYLE.md rule 7): ``save_model`` and the actions call
a service, and a service's refusal is shown as a form error or a message, never a 500. Rows that
must change only through an audited step (record state, list entries once saved, model versions)
are read-only in forms and change through actions.
"""

import json
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core import uscc
from core.choices import Role
from credit import imports, services
from credit.choices import ListType, ProposalState, RecordState, WarningState
from credit.forms import (
    CreditRecordForm,
    EvaluationModelForm,
    JointMeasureForm,
    ListEntryAddForm,
    ListEntryRemoveForm,
    ProposalConfirmForm,
    ReasonForm,
    RecordImportForm,
    RevokeForm,
)
from credit.models import (
    CreditCheck,
    CreditRecord,
    EntityCredit,
    EvaluationModel,
    GradeBand,
    GradeHistory,
    IndustryRisk,
    JointMeasure,
    ListEntry,
    ListProposal,
    PublicityRule,
    RiskScanRun,
    RiskWarning,
)
from credit.selectors import checks_visible_to
from supervision.models import Department, MarketEntity
from supervision.selectors import department_of, entity_search, is_platform_admin, scope_to_department

IMPORT_SESSION_KEY = "credit_record_import"
IMPORT_SALT = "credit.admin.record_import"
IMPORT_MAX_AGE = 60 * 60  # a preview can be confirmed within an hour
MAX_LISTED_ERRORS = 200
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


def intermediate_action(modeladmin, request, queryset, *, form_class, title, apply, done, submit=None, initial=None, single=False, note=""):
    """An action that asks for a few fields first (the admin's confirmation-page pattern).

    ``apply(obj, cleaned_data)`` calls the service; each refusal is shown as a message naming the row.
    """
    count = queryset.count()
    if single and count != 1:
        messages.error(request, _("请一次只选择一条记录执行“%(title)s”。") % {"title": title})
        return None
    if count > MAX_ACTION_ROWS:
        messages.error(request, _("一次最多对 %(max)s 条记录执行“%(title)s”，本次选择了 %(n)s 条。") % {"max": MAX_ACTION_ROWS, "title": title, "n": count})
        return None
    form = form_class(request.POST if "apply" in request.POST else None, initial=initial)
    if "apply" in request.POST and form.is_valid():
        ok = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data)
            except ValidationError as exc:
                show_refusal(request, exc, f"{obj}：")
            else:
                ok += 1
        if ok:
            messages.success(request, _("%(done)s %(n)s 条。") % {"done": done, "n": ok})
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
    return TemplateResponse(request, "admin/credit/action_form.html", context)


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
class CreditRecordAdmin(UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
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
        return [(None, {"fields": fields}), (_("公示（按公示期限规则自动计算）"), {"fields": RECORD_COMPUTED})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("department", "source_ref", *RECORD_COMPUTED)

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

    # import (XLSX/CSV → preview → confirm → credit_records_push, all or nothing)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="credit_creditrecord_import"),
            path("import/confirm/", wrap(self.import_confirm_view), name="credit_creditrecord_import_confirm"),
            path("import/template/", wrap(self.import_template_view), name="credit_creditrecord_import_template"),
            *super().get_urls(),
        ]

    def _import_context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("导入信用记录"), **extra}

    def _import_departments(self, request):
        return Department.objects.filter(active=True) if is_platform_admin(request.user) else None

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        departments = self._import_departments(request)
        initial = {"department": department_of(request.user)}
        form = RecordImportForm(request.POST or None, request.FILES or None, departments=departments, initial=initial)
        if request.method == "POST" and form.is_valid():
            department = form.cleaned_data.get("department") or department_of(request.user)
            upload = form.cleaned_data["file"]
            if department is None:
                form.add_error(None, _("您的账号未关联部门，不能导入信用记录。"))
            elif upload.size > imports.MAX_FILE_BYTES:
                form.add_error("file", _("文件过大：请分批导入"))
            else:
                try:
                    imports.file_format(upload.name)
                    parsed = imports.parse(upload.read(), upload.name)
                except imports.ImportFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    return self._preview_response(request, parsed, department, upload.name)
        return TemplateResponse(request, "admin/credit/creditrecord/import.html", self._import_context(request, form=form))

    def _preview_response(self, request, parsed, department, filename):
        result = imports.preview(parsed, department)
        token = ""
        request.session.pop(IMPORT_SESSION_KEY, None)
        if result.ok:
            # Only a clean preview can be confirmed; the rows wait in the session, signed, so the
            # confirm step saves exactly what was previewed and nothing the browser sent.
            token = secrets.token_urlsafe(16)
            payload = {"token": token, "user": request.user.pk, "department": department.pk, "file": filename, "rows": parsed.rows}
            request.session[IMPORT_SESSION_KEY] = signing.dumps(payload, salt=IMPORT_SALT, compress=True)
        context = self._import_context(
            request, title=_("导入信用记录：预览"), preview=result, counts=result.counts, department=department, filename=filename, token=token,
            errors=result.errors[:MAX_LISTED_ERRORS], more_errors=max(0, len(result.errors) - MAX_LISTED_ERRORS),
        )
        return TemplateResponse(request, "admin/credit/creditrecord/import_preview.html", context)

    def import_confirm_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        back = reverse("admin:credit_creditrecord_import")
        if request.method != "POST":
            return HttpResponseRedirect(back)
        try:
            payload = signing.loads(request.session.get(IMPORT_SESSION_KEY, ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            payload = None
        if not payload or payload["token"] != request.POST.get("token") or payload["user"] != request.user.pk:
            messages.error(request, _("导入预览已失效或已提交：请重新上传文件。"))
            return HttpResponseRedirect(back)
        department = Department.objects.get(pk=payload["department"])
        if not is_platform_admin(request.user) and department != department_of(request.user):
            raise PermissionDenied
        try:
            result = imports.push(payload["rows"], actor=request.user, department=department)
        except ValidationError as exc:
            lines = imports.errors_by_row(payload["rows"], exc.items) if hasattr(exc, "items") else exc.messages
            for line in lines[:MAX_LISTED_ERRORS]:
                messages.error(request, line)
            messages.error(request, _("导入未完成，未保存任何数据。"))
            request.session.pop(IMPORT_SESSION_KEY, None)
            return HttpResponseRedirect(back)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _("导入完成（%(file)s）：新增 %(new)s 条，更新 %(updated)s 条，未变化 %(same)s 条。")
            % {"file": payload["file"], "new": result.created, "updated": result.updated, "same": result.unchanged},
        )
        return HttpResponseRedirect(reverse("admin:credit_creditrecord_changelist"))

    def import_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(imports.template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, "信用记录导入模板.xlsx")
        return response


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
class ListProposalAdmin(ScopedAdmin):
    list_display = (_uscc, _entity_name, "list_type", "ground", "source_entry", "department", "state", "created_at", "decided_by", "result_entry")
    list_filter = (PendingProposalFilter, "list_type")
    list_select_related = ("department", "source_entry", "decided_by", "result_entry")
    readonly_fields = ("entity", "source_entry", "list_type", "ground", "department", "state", "created_at", "decided_by", "decided_at", "result_entry")
    fields = readonly_fields
    actions = ["confirm", "dismiss"]

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
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
class RiskWarningAdmin(UsccSearchMixin, ScopedAdmin):
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

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
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
        from credit.tasks import risk_scan

        transaction.on_commit(lambda: risk_scan.delay(trigger="manual"))
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
