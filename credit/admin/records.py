"""Credit records in the admin: entry through ``credit_record_save``, the file import, 撤销 as an action.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    LargeListMixin,
    RoleListDisplayMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    UsccSearchMixin,
    adopt,
    clip_column,
    intermediate_action,
)
from core.admin_drill import DrillLookupsMixin
from core.choices import Role
from core.file_import import DepartmentFileImportMixin, truncated
from core.forms import ImportFileForm
from core.scoping import department_of, is_platform_admin
from credit import imports, services
from credit.admin.common import (
    entity_name_column,
    with_entity_name,
)
from credit.admin.record_links import RecordNoticeLinkMixin
from credit.choices import (
    RecordState,
)
from credit.forms import CreditRecordForm, RevokeForm
from credit.models import (
    CreditRecord,
)

# --- records ----------------------------------------------------------------------------------------

RECORD_FIELDS = (
    "department",
    "source_ref",
    "uscc",
    "category",
    "polarity",
    "severity",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "restriction_ends_on",
)
RECORD_COMPUTED = (
    "published",
    "publicity_ends_on",
    "repairable_from",
    "publicity_rule",
    "state",
    "state_reason",
    "created_at",
    "updated_at",
)


@admin.display(description=_("决定日期"), ordering="decided_on")
def decided_on_column(obj):
    return obj.decided_on


@admin.register(CreditRecord)
class CreditRecordAdmin(
    RoleListDisplayMixin,
    DrillLookupsMixin,
    LargeListMixin,
    RecordNoticeLinkMixin,
    DepartmentFileImportMixin,
    UsccSearchMixin,
    ServiceFormAdmin,
    ScopedAdmin,
):
    form = CreditRecordForm
    # issue 18 §1.5: 12 columns did not fit at 1280 px (names wrapped a character a line, the right-hand
    # columns were cut off). The entity is its name over its USCC, the record its title over its number
    # (long text clipped, in full in the tooltip). Officials see their own department's records, so
    # their list has the dates instead of the department; a platform administrator sees whose it is.
    list_display = (
        clip_column("title", _("信用记录（标题、来源编号）"), width_em=12, ordering="title", sub="source_ref"),
        clip_column(entity_name_column, _("主体（名称、统一社会信用代码）"), width_em=10, sub="entity_id"),
        "category",
        "severity",
        "state",
        clip_column(lambda obj: obj.department.short_name or obj.department.name, _("认定部门"), width_em=6),
    )
    list_display_by_role = {
        role: (
            clip_column("title", _("信用记录（标题、来源编号）"), width_em=9, ordering="title", sub="source_ref"),
            clip_column(entity_name_column, _("主体（名称、统一社会信用代码）"), width_em=9, sub="entity_id"),
            "category",
            "severity",
            decided_on_column,
            "state",
        )
        for role in (Role.CREDIT_MANAGER, Role.DEPARTMENT_OFFICIAL, Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_HEAD)
    }
    list_filter = ("category", "severity", "state", "polarity")
    # Issue 17 §2: the dashboard's drill-down filters on the entity's region and industry.
    drill_lookups = ("entity__region_code", "entity__industry_code__startswith")
    search_fields = ("source_ref", "title")
    search_help_text = _("按统一社会信用代码（全部或前几位）、来源编号或标题中的词搜索；多个词用空格分开")
    text_search_fields = ("source_ref", "title")
    text_search_indexed = True  # each field's bigram index, bounded (issue 16 §3)
    list_select_related = ("department",)
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
        return [
            (None, {"fields": fields}),
            (_("公示（按公示期限规则自动计算）"), {"fields": RECORD_COMPUTED}),
            *self.notice_fieldsets(request, obj),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("department", "source_ref", *RECORD_COMPUTED, self.NOTICE_FIELD)

    def has_change_permission(self, request, obj=None):
        # A revoked record stays as it was revoked.
        return (
            super().has_change_permission(request, obj)
            and self.owns(request, obj)
            and (obj is None or obj.state != RecordState.REVOKED)
        )

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
            self,
            request,
            queryset,
            form_class=RevokeForm,
            title=_("撤销信用记录"),
            done=_("已撤销"),
            submit=_("确认撤销"),
            note=_("撤销后记录不再公示，也不再计入信用评价；撤销理由记入审计日志。"),
            apply=lambda obj, data: services.credit_record_revoke(
                actor=request.user, record=obj, reason=data["reason"]
            ),
        )

    # import (XLSX/CSV → preview → confirm → credit_records_push, all or nothing): core.file_import

    import_module = imports
    import_form_class = ImportFileForm
    import_title = _("导入信用记录")
    import_noun = _("信用记录")
    import_department_label = _("来源部门")
    import_help = _(
        "列名：来源编号、统一社会信用代码、信息类别、性质、失信程度、标题、内容、决定日期、依据、金额、限制期限届满日。取值可填代码或中文（如“行政处罚”“负面”“一般”）。"
        "同一部门内来源编号相同的记录再次导入即为更新。"
    )
    import_preview_columns = (
        (_("来源编号"), "source_ref"),
        (_("统一社会信用代码"), "uscc"),
        (_("信息类别"), "category"),
        (_("性质"), "polarity"),
        (_("失信程度"), "severity"),
        (_("标题"), truncated("title")),
        (_("决定日期"), "decided_on"),
        (_("金额"), "amount"),
    )
    import_errors_heading = _("错误与提示")
    import_css = "credit"
    import_template_filename = "信用记录导入模板.xlsx"
    import_session_key = "credit_record_import"
    import_salt = "credit.admin.record_import"
