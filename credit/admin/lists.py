"""List entries and list proposals in the admin (列入 and 移出 through the list services).

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ScopedAdmin,
    ServiceFormAdmin,
    UsccSearchMixin,
    ViewOnceSavedMixin,
    adopt,
    intermediate_action,
)
from core.forms import ReasonForm
from credit import services
from credit.admin.common import (
    ActiveEntryFilter,
    PendingProposalFilter,
    entity_name_column,
    uscc_column,
    with_entity_name,
)
from credit.annual_report_rules import proposal_confirm_due
from credit.forms import ListEntryAddForm, ListEntryRemoveForm, ProposalConfirmForm
from credit.models import (
    ListEntry,
    ListProposal,
)
from supervision.models import MarketEntity

# --- lists ------------------------------------------------------------------------------------------

ENTRY_ADD_FIELDS = (
    "uscc",
    "list_type",
    "ground",
    "department",
    "facts",
    "legal_basis",
    "decision_no",
    "ground_established_on",
    "notice_on",
    "decided_on",
    "listed_on",
)
ENTRY_VIEW_FIELDS = (
    "uscc_display",
    "entity_name_display",
    "list_type",
    "ground",
    "department",
    "facts",
    "legal_basis",
    "decision_no",
    "ground_established_on",
    "notice_on",
    "decided_on",
    "listed_on",
    "source_entry",
    "created_at",
)
ENTRY_REMOVAL_FIELDS = ("removed_on", "removal_reason", "removal_note")


@admin.register(ListEntry)
class ListEntryAdmin(UsccSearchMixin, ServiceFormAdmin, ScopedAdmin):
    """Entries are added by ``list_entry_add`` and removed by ``list_entry_remove``; never edited."""

    form = ListEntryAddForm
    list_display = (
        uscc_column,
        entity_name_column,
        "list_type",
        "ground",
        "department",
        "decided_on",
        "listed_on",
        "removed_on",
        "removal_reason",
    )
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
        return MarketEntity.objects.filter(uscc=obj.entity_id).values_list("name", flat=True).first() or _(
            "（名录库中暂无）"
        )

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
            self,
            request,
            queryset,
            form_class=ListEntryRemoveForm,
            title=_("移出名单"),
            done=_("已移出"),
            submit=_("确认移出"),
            initial={"removed_on": timezone.localdate()},
            note=_(
                "严重违法失信名单：列入满1年且已履行义务的可提前移出，列入满3年届满移出；经营异常名录：履行义务后5个工作日内移出。"
            ),
            apply=lambda obj, data: services.list_entry_remove(
                actor=request.user,
                entry=obj,
                reason=data["reason"],
                removed_on=data["removed_on"],
                note=data.get("note") or "",
                duty_fulfilled_on=data.get("duty_fulfilled_on"),
            ),
        )


@admin.register(ListProposal)
class ListProposalAdmin(ViewOnceSavedMixin, ScopedAdmin):
    list_display = (
        uscc_column,
        entity_name_column,
        "list_type",
        "ground",
        "source_entry",
        "source_ref",
        "department",
        "state",
        "created_at",
        "confirm_due",
        "decided_by",
        "result_entry",
    )
    list_filter = (PendingProposalFilter, "list_type")
    list_select_related = ("department", "source_entry", "decided_by", "result_entry")
    readonly_fields = (
        "entity",
        "source_entry",
        "source_ref",
        "reason",
        "list_type",
        "ground",
        "department",
        "state",
        "created_at",
        "confirm_due",
        "decided_by",
        "decided_at",
        "result_entry",
    )
    fields = readonly_fields
    actions = ["confirm", "dismiss"]

    @admin.display(description=_("确认期限"))
    def confirm_due(self, obj):
        # 经营异常名录: confirmed within the ABNORMAL_LISTING working days of the deadlines data (10 nationally).
        memo = getattr(obj, "_due_memo", None)
        if memo is None:
            deadline = proposal_confirm_due(obj)
        else:  # one lookup per (day, department) on a list page, not three queries per row (issue 16 §3)
            key = (obj.list_type, timezone.localtime(obj.created_at).date(), obj.department_id)
            if key not in memo:
                memo[key] = proposal_confirm_due(obj)
            deadline = memo[key]
        return str(deadline) if deadline else "—"

    def get_changelist_instance(self, request):
        cl = super().get_changelist_instance(request)
        memo = {}  # this request's page only: the deadlines data may change between requests
        for obj in cl.result_list:
            obj._due_memo = memo
        return cl

    def get_queryset(self, request):
        return with_entity_name(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("确认列入严重违法失信名单"), permissions=["change"])
    def confirm(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ProposalConfirmForm,
            title=_("确认列入严重违法失信名单"),
            done=_("已确认列入"),
            single=True,
            submit=_("确认列入"),
            initial={"decided_on": timezone.localdate()},
            note=_("列入严重违法失信名单前须事先告知当事人并听取陈述、申辩；确认后原经营异常名录记录转列移出。"),
            apply=lambda obj, data: services.list_proposal_confirm(
                actor=request.user,
                proposal=obj,
                notice_on=data["notice_on"],
                decided_on=data["decided_on"],
                legal_basis=data["legal_basis"],
                decision_no=data.get("decision_no") or "",
            ),
        )

    @admin.action(description=_("不予列入"), permissions=["change"])
    def dismiss(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("不予列入"),
            done=_("已不予列入"),
            submit=_("确认不予列入"),
            apply=lambda obj, data: services.list_proposal_dismiss(
                actor=request.user, proposal=obj, reason=data["reason"]
            ),
        )
