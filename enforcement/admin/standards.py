"""Admin for the discretion benchmarks (自由裁量基准): added one at a time or imported from XLSX/CSV;
a saved version is not edited."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin_base import ScopedAdmin, ServiceFormAdmin, ViewOnceSavedMixin, adopt
from core.file_import import DepartmentFileImportMixin, truncated
from core.scoping import is_platform_admin
from enforcement import imports, services
from enforcement.admin import forms as admin_forms
from enforcement.admin.display import amount_range, empty, penalty_labels
from enforcement.models import DiscretionStandard


@admin.register(DiscretionStandard)
class DiscretionStandardAdmin(ViewOnceSavedMixin, DepartmentFileImportMixin, ServiceFormAdmin, ScopedAdmin):
    """Benchmarks are added (a new code or version) one at a time or imported from XLSX/CSV; a saved version is not edited."""

    form = admin_forms.DiscretionStandardForm
    change_list_template = "admin/enforcement/discretionstandard/change_list.html"
    list_display = (
        "code",
        "violation_type",
        "department",
        "lighter_display",
        "general_display",
        "heavier_display",
        "effective_from",
        "effective_to",
    )
    list_filter = ("effective_to",)
    search_fields = ("code", "violation_type")
    list_select_related = ("department",)
    list_per_page = 50

    STANDARD_VIEW_FIELDS = (
        "department",
        "code",
        "violation_type",
        "violation_basis",
        "penalty_basis",
        "lighter_display",
        "general_display",
        "heavier_display",
        "heavy_types_display",
        "effective_from",
        "effective_to",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.STANDARD_VIEW_FIELDS if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.STANDARD_VIEW_FIELDS if obj is not None else super().get_fields(request, obj)

    def get_list_display(self, request):
        # an official sees only the own department's benchmarks: no 制定部门 column (room for 违法行为)
        return (
            self.list_display
            if is_platform_admin(request.user)
            else tuple(f for f in self.list_display if f != "department")
        )

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
        adopt(
            obj,
            DiscretionStandard.objects.get(
                department=department, code=row["code"], effective_from=row["effective_from"]
            ),
        )

    @admin.display(description=_("从轻"))
    def lighter_display(self, obj):
        return amount_range(obj.lighter_min, obj.lighter_max)

    @admin.display(description=_("一般"))
    def general_display(self, obj):
        return amount_range(obj.general_min, obj.general_max)

    @admin.display(description=_("从重"))
    def heavier_display(self, obj):
        return amount_range(obj.heavier_min, obj.heavier_max)

    # import (XLSX/CSV → preview → confirm → discretion_standards_import, all or nothing): core.file_import, as credit's records

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
        (_("编号"), "code"),
        (_("违法行为"), truncated("violation_type")),
        (_("从轻（元）"), lambda d: f"{d.get('lighter_min', '')}–{d.get('lighter_max', '')}"),
        (_("一般（元）"), lambda d: f"{d.get('general_min', '')}–{d.get('general_max', '')}"),
        (_("从重（元）"), lambda d: f"{d.get('heavier_min', '')}–{d.get('heavier_max', '')}"),
        (_("从重可并处"), "heavy_penalty_types"),
        (_("生效日期"), "effective_from"),
    )
    import_css = "standard"
    import_template_filename = "自由裁量基准导入模板.xlsx"
    import_session_key = "enforcement_standard_import"
    import_salt = "enforcement.admin.standard_import"
