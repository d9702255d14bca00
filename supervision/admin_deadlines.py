"""Admin of the statutory deadlines (法定时限, issue 12 §2), and the page 本部门适用的法定时限.

Deadlines bind every department, so only a platform admin adds a version or corrects a rule's
citation, note or end date (through ``statutory_deadline_save``, audited); every official reads them.
A saved rule keeps its kind, scope, working days and start date: a past deadline is explained with
the rule that applied then. The department page shows, per kind, the rule that wins (the shortest
of those in force covering the department) and every rule covering it.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.scoping import department_of, is_platform_admin
from supervision import deadlines, services
from supervision.choices import DeadlineKind
from supervision.models import Department, StatutoryDeadline

SERVICE_FIELDS = (
    "kind",
    "variant",
    "department",
    "region_code",
    "working_days",
    "citation",
    "effective_from",
    "effective_to",
    "note",
)
FIXED_ONCE_SAVED = ("kind", "variant", "department", "region_code", "working_days", "effective_from")


class _DryRun(Exception):
    pass


class StatutoryDeadlineForm(forms.ModelForm):
    """Validated by a dry run of ``statutory_deadline_save``: its reasons land on their fields."""

    actor = None

    class Meta:
        model = StatutoryDeadline
        fields = SERVICE_FIELDS

    def _post_clean(self):
        pass  # the service is the validator (its messages name the rule); the database keeps the constraints

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if self.instance.pk:
            return {
                "rule": self.instance,
                "citation": data.get("citation", ""),
                "note": data.get("note", ""),
                "effective_to": data.get("effective_to"),
            }
        return {name: data.get(name) for name in SERVICE_FIELDS} | {
            name: data.get(name) or "" for name in ("variant", "region_code", "citation", "note")
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                services.statutory_deadline_save(actor=self.actor, **self.service_kwargs())
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for message in errors:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class InForceFilter(admin.SimpleListFilter):
    title = _("生效中")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("生效中")), ("no", _("未生效或已失效"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = Q(effective_from__lte=today) & (Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        if self.value() == "yes":
            return queryset.filter(current)
        if self.value() == "no":
            return queryset.exclude(current)
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("适用范围")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("national", _("全国")), ("region", _("行政区划")), ("department", _("部门（含下级）"))]

    def queryset(self, request, queryset):
        return {
            "national": lambda: queryset.filter(department__isnull=True, region_code=""),
            "region": lambda: queryset.exclude(region_code=""),
            "department": lambda: queryset.filter(department__isnull=False),
        }.get(self.value(), lambda: queryset)()


@admin.register(StatutoryDeadline)
class StatutoryDeadlineAdmin(admin.ModelAdmin):
    form = StatutoryDeadlineForm
    list_display = (
        "kind",
        "variant_display",
        "scope",
        "working_days",
        "citation_short",
        "effective_from",
        "effective_to",
        "in_force",
    )
    list_filter = ("kind", InForceFilter, ScopeFilter, "department")
    search_fields = ("citation", "variant", "region_code", "note")
    list_select_related = ("department",)
    change_list_template = "admin/supervision/statutorydeadline/change_list.html"

    # --- who may do what: everyone with the view permission reads; platform admins write; nobody deletes
    def has_add_permission(self, request):
        # The permission (granted to 平台管理员 only, core/roles.py) first: it is cached on the user, the group query is not.
        return super().has_add_permission(request) and is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # versioned data: end a rule with its 失效日期 instead

    def get_readonly_fields(self, request, obj=None):
        return FIXED_ONCE_SAVED if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        try:
            saved = services.statutory_deadline_save(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:  # a race after the dry run: nothing saved, the reason shown
            messages.error(request, "；".join(exc.messages))
            raise PermissionDenied("；".join(exc.messages)) from exc
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    @admin.display(description=_("依据"))
    def citation_short(self, obj):
        """The citation's first words in the list (the whole text on the rule's page), so the columns stay readable."""
        text = obj.citation
        return format_html('<span title="{}">{}</span>', text, text if len(text) <= 48 else text[:48] + "…")

    @admin.display(description=_("细分"), ordering="variant")
    def variant_display(self, obj):
        labels = deadlines.VARIANT_LABELS.get(obj.kind, {})
        return labels.get(obj.variant, obj.variant) or "—"

    @admin.display(description=_("适用范围"))
    def scope(self, obj):
        return obj.scope_display

    @admin.display(description=_("生效中"), boolean=True)
    def in_force(self, obj):
        today = timezone.localdate()
        return obj.effective_from <= today and (obj.effective_to is None or obj.effective_to >= today)

    # --- 本部门适用的法定时限
    def get_urls(self):
        view = self.admin_site.admin_view(self.department_view)
        return [path("department/", view, name="supervision_statutorydeadline_department"), *super().get_urls()]

    def department_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        platform = is_platform_admin(request.user)
        department = department_of(request.user)
        choices = Department.objects.filter(active=True).order_by("code") if platform else None
        if platform and request.GET.get("department"):
            department = (
                Department.objects.filter(pk=request.GET["department"]).first()
                if request.GET["department"].isdigit()
                else None
            )
            if department is None:
                messages.error(request, "未找到该部门")
                return HttpResponseRedirect(request.path)
        try:
            on = dt.date.fromisoformat(request.GET["on"]) if request.GET.get("on") else timezone.localdate()
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
            return HttpResponseRedirect(request.path)
        rows = []
        if department is not None:
            for kind, winner, covering in deadlines.rules_for_department(department, on=on):
                rows.append({"label": DeadlineKind(kind).label, "winner": winner, "rules": covering})
        context = {
            **self.admin_site.each_context(request),
            "title": "本部门适用的法定时限",
            "opts": self.model._meta,
            "department": department,
            "departments": choices,
            "on": on,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/supervision/statutorydeadline/department.html", context)
