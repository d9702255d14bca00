"""企业自主填报信息 (信用信息注册, issue 14 §3) in the admin: read-only, scoped to the entity's
registration authority (登记机关), with one action, 删除（说明理由）, through ``declaration_remove``.

Part of the ``credit.admin`` package; the toolkit is ``core.admin_base``.
"""

import os

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ObjectActionsMixin,
    StateFilter,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    file_response,
    intermediate_action,
)
from core.scoping import department_of, is_platform_admin
from credit import services
from credit.admin.common import entity_name_column, uscc_column, with_entity_name
from credit.models import DeclarationState, SelfDeclaration
from credit.services.declarations import REASON_MAX, can_remove

# The entity's registration authority decides over what the entity publishes about itself.
SCOPE_FIELD = "entity__registration_authority"


class PublishedDeclarationFilter(StateFilter):
    choices_class = DeclarationState
    default = DeclarationState.PUBLISHED


class RemovalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("删除理由"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("如：填报内容虚假、资质已被撤销、含违法或不良信息。理由记入审计日志，并告知企业。"),
    )


DECLARATION_FIELDSETS = [
    (None, {"fields": ("uscc_display", "entity_name_display", "state", "kind")}),
    (
        _("填报内容（企业自主填报，未经核实）"),
        {"fields": ("title", "issuer", "standard_no", "issued_on", "valid_until", "description", "attachment_link")},
    ),
    (_("办理"), {"fields": ("created_at", "withdrawn_at", "removed_at", "removed_by", "removal_reason")}),
]


@admin.register(SelfDeclaration)
class SelfDeclarationAdmin(ViewOnceSavedMixin, ObjectActionsMixin, UsccSearchMixin, admin.ModelAdmin):
    """Officials of the registration authority see their entities' declarations and remove false ones."""

    list_display = (uscc_column, entity_name_column, "kind", "title", "issuer", "standard_no", "issued_on", "state")
    list_filter = (PublishedDeclarationFilter, "kind")
    search_fields = ("title",)
    search_help_text = _("按统一社会信用代码（18位）、名称、单位或标准编号搜索")
    text_search_fields = ("title", "issuer", "standard_no")
    list_select_related = ("removed_by",)
    fieldsets = DECLARATION_FIELDSETS
    readonly_fields = [f for _name, opts in DECLARATION_FIELDSETS for f in opts["fields"]]
    actions = ["remove"]
    action_query = "?state=all"
    list_per_page = 50

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not is_platform_admin(request.user):
            department = department_of(request.user)
            qs = qs.filter(**{SCOPE_FIELD: department}) if department is not None else qs.none()
        return with_entity_name(qs)

    def owns(self, request, obj) -> bool:
        return obj is None or can_remove(request.user, obj)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return [*filters, SCOPE_FIELD] if is_platform_admin(request.user) else filters

    def get_urls(self):
        attachment = path(
            "<int:pk>/attachment/",
            self.admin_site.admin_view(self.attachment_view),
            name="credit_selfdeclaration_attachment",
        )
        return [attachment, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # declarations come from the entity side only

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return entity_name_column(obj)

    @admin.display(description=_("附件"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return _("（未上传）")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:credit_selfdeclaration_attachment", args=[obj.pk]),
            os.path.basename(obj.attachment.name),
        )

    def attachment_view(self, request, pk):
        obj = self.get_queryset(request).filter(pk=pk).first()  # scoped: another authority's file is not found
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return file_response(obj.attachment)

    def object_actions(self, request, obj):
        return [("remove", _("删除（说明理由）"))] if obj.state == DeclarationState.PUBLISHED else []

    @admin.action(description=_("删除（说明理由）"), permissions=["change"])
    def remove(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=RemovalReasonForm,
            title=_("删除企业自主填报信息"),
            done=_("已删除"),
            submit=_("确认删除"),
            note=_("删除后该信息不再在主体信用信息页面公示；企业在企业端可看到删除理由。自主填报信息不影响信用等级。"),
            apply=lambda obj, data: services.declaration_remove(
                actor=request.user, declaration=obj, reason=data["reason"]
            ),
        )
