"""Admin for 一单两库, scoped by department: officials change only their own department's rows."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from core import admin_base
from core.admin_base import clip_column, form_fields
from core.scoping import department_of, is_platform_admin, scope_to_department
from core.uscc import normalize
from supervision import (
    admin_deadlines,  # noqa: F401 - registers the 法定时限 admin (issue 12 §2)
    services,
)
from supervision.models import (
    Department,
    InspectionChecklist,
    Inspector,
    InspectorConflict,
    MarketEntity,
    ObservationPeriod,
    SupervisionItem,
    SupervisionItemVersion,
)
from supervision.resources import InspectorResource, MarketEntityResource, SupervisionItemResource, result_report
from supervision.selectors import entity_search


class ServiceAdmin(admin_base.ServiceAdmin):
    """save_model and delete go through services (STYLE.md rule 7); the toolkit is core.admin_base."""

    delete_service = staticmethod(services.record_delete)


class DepartmentScopedAdmin(admin_base.DepartmentScopedAdmin):
    """An official changes only rows of their own department; a platform admin changes all."""

    delete_service = staticmethod(services.record_delete)


class ImportForUser:
    """Pass the signed-in official to the import resource (for scoping and the audit actor)."""

    to_encoding = "utf-8-sig"  # Excel reads a UTF-8 CSV correctly only with a BOM

    def process_result(self, result, request):
        # The confirm step imports the file again; if a row went bad since the preview, the
        # resource rolled everything back. Say so, and log no LogEntry for rolled-back rows.
        if result.has_errors() or result.has_validation_errors():
            for line in result_report(result):
                messages.error(request, line)
            messages.error(request, "导入未完成，未保存任何数据。")
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        return super().process_result(result, request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    save_service = (services.department_save, "department")
    list_display = ("code", "name", "short_name", "level", "uscc", "region_code", "parent", "active")
    list_select_related = ("parent",)  # a nullable key: the admin's automatic select_related skips it
    list_filter = ("level", "active")
    search_fields = ("code", "name", "uscc")
    autocomplete_fields = ("parent",)

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)


@admin.register(MarketEntity)
class MarketEntityAdmin(admin_base.LargeListMixin, ImportForUser, ImportExportMixin, ServiceAdmin):
    """Every official reads the roster; only platform administrators change it."""

    save_service = (services.entity_save, "entity")
    resource_classes = [MarketEntityResource]
    # issue 18 §1.5: the name clipped (full name in its tooltip), never squeezed to a character a line;
    # the region and industry codes are filters, not columns, so the list fits at 1280 px.
    list_display = ("uscc", clip_column("name", _("名称"), width_em=14), "entity_type", "status", "established_on")
    list_filter = ("entity_type", "status", "region_code")
    search_fields = ("=uscc", "name")
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = ("updated_at",)

    def get_search_results(self, request, queryset, search_term):

        if not search_term.strip():
            return queryset, False
        return entity_search(search_term, queryset), False

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_import_permission(self, request):
        return is_platform_admin(request.user)


class VersionInline(admin.TabularInline):
    model = SupervisionItemVersion
    extra = 0
    can_delete = False
    fields = (
        "version",
        "effective_from",
        "effective_to",
        "method",
        "is_random",
        "is_key",
        "default_ratio",
        "legal_basis",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupervisionItem)
class SupervisionItemAdmin(ImportForUser, ImportExportMixin, DepartmentScopedAdmin):
    save_service = (services.item_save, "item")
    resource_classes = [SupervisionItemResource]
    list_display = ("catalogue_code", "name", "parent", "department")
    list_filter = ("department",)
    list_select_related = ("parent", "department")  # no query per row (issue 16 §3)
    search_fields = ("catalogue_code", "name")
    autocomplete_fields = ("parent",)
    inlines = [VersionInline]


@admin.register(SupervisionItemVersion)
class SupervisionItemVersionAdmin(admin.ModelAdmin):
    """Versions are added, never edited: a task cites the version it used (DOMAIN §2)."""

    list_display = (
        "item",
        "version",
        "effective_from",
        "effective_to",
        "method",
        "is_random",
        "is_key",
        "default_ratio",
    )
    list_filter = ("is_random", "is_key", "method", "item__department")
    search_fields = ("item__name", "item__catalogue_code")
    autocomplete_fields = ("item",)
    exclude = ("version", "effective_to")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SupervisionItemVersion._meta.fields] if obj else []

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed; saving an existing version is not.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item" and not is_platform_admin(request.user):
            kwargs["queryset"] = scope_to_department(SupervisionItem.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = form_fields(form)
        item = fields.pop("item")
        if not is_platform_admin(request.user) and item.department_id != getattr(
            department_of(request.user), "pk", None
        ):
            raise PermissionDenied("只能为本部门的监管事项新增版本")
        try:
            saved = services.item_version_create(actor=request.user, item=item, **fields)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages))
        obj.pk = saved.pk


class ChecklistForm(forms.ModelForm):
    class Meta:
        model = InspectionChecklist
        fields = ("item", "department", "code", "name", "content", "method")

    def clean_code(self):

        return normalize(self.cleaned_data.get("code"))

    def clean(self):
        data = super().clean()
        error = services.checklist_code_error(data.get("department"), data.get("code") or "")
        if error:
            self.add_error("code", error)
        return data


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(DepartmentScopedAdmin):
    save_service = (services.checklist_save, "checklist")
    form = ChecklistForm
    list_display = ("code", "name", "item", "department", "method")
    list_filter = ("department", "method")
    search_fields = ("code", "name", "item__name")
    autocomplete_fields = ("item",)


class ConflictInline(admin.TabularInline):
    model = InspectorConflict
    extra = 0
    fields = ("entity_uscc", "reason", "declared_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspector)
class InspectorAdmin(ImportForUser, ImportExportMixin, DepartmentScopedAdmin):
    save_service = (services.inspector_save, "inspector")
    resource_classes = [InspectorResource]
    scope_view = True
    list_display = ("name", "department", "certificate_no", "certificate_valid_from", "certificate_valid_to", "active")
    list_filter = ("department", "active")
    search_fields = ("name", "certificate_no")
    inlines = [ConflictInline]


@admin.register(InspectorConflict)
class InspectorConflictAdmin(DepartmentScopedAdmin):
    department_field = "inspector__department"
    scope_view = True
    list_display = ("inspector", "entity_uscc", "reason", "declared_on")
    search_fields = ("inspector__name", "entity_uscc")

    def _owns(self, request, obj):
        if obj is None or is_platform_admin(request.user):
            return True
        dept = department_of(request.user)
        return dept is not None and obj.inspector.department_id == dept.pk

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspector" and not is_platform_admin(request.user):
            kwargs["queryset"] = scope_to_department(Inspector.objects.all(), request.user)
        return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("inspector", "entity_uscc", "reason", "declared_on") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        inspector = form.cleaned_data["inspector"]
        if not self._owns(request, inspector.conflicts.model(inspector=inspector)):
            raise PermissionDenied("只能为本部门人员申报回避")
        saved = services.inspector_conflict_declare(
            actor=request.user,
            inspector=inspector,
            entity_uscc=obj.entity_uscc,
            reason=obj.reason,
            declared_on=obj.declared_on,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.inspector_conflict_withdraw(actor=request.user, conflict=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.inspector_conflict_withdraw(actor=request.user, conflict=obj)


@admin.register(ObservationPeriod)
class ObservationPeriodAdmin(DepartmentScopedAdmin):
    save_service = (services.observation_period_save, "period")
    list_display = ("__str__", "department", "starts_on", "ends_on", "reason")
    list_filter = ("department",)
    raw_id_fields = ("entity",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity", "department")


admin.site.empty_value_display = _("（空）")
