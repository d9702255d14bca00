"""Credit-specific admin helpers shared by the ``credit.admin`` modules: the roster-name annotation,
the 信用管理员 check, the credit state filters and the USCC / name columns. The generic toolkit is
``core.admin_base``.
"""

import json

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    StateFilter,
)
from core.choices import Role
from core.scoping import is_platform_admin
from credit.choices import (
    ProposalState,
    WarningState,
)
from supervision.models import MarketEntity


def with_entity_name(queryset):
    """The roster name of each row's USCC, without a join that would drop codes not in the roster."""
    return queryset.annotate(
        entity_name=Subquery(MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values("name")[:1])
    )


def is_credit_manager(user) -> bool:
    return is_platform_admin(user) or bool(
        user and user.is_authenticated and user.groups.filter(name=Role.CREDIT_MANAGER).exists()
    )


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


@admin.display(description=_("统一社会信用代码"))
def uscc_column(obj):
    return obj.entity_id


@admin.display(description=_("主体名称"))
def entity_name_column(obj):
    return getattr(obj, "entity_name", None) or _("（名录库中暂无）")


def pretty_json(value):
    return format_html(
        "<pre style='margin:0;white-space:pre-wrap'>{}</pre>",
        json.dumps(value, ensure_ascii=False, indent=2, default=str),
    )


def reasons_list(value):
    items = [r.get("text", "") if isinstance(r, dict) else str(r) for r in value or []]
    return format_html(
        "<ul style='margin:0;padding-left:1.2em'>{}</ul>", format_html_join("", "<li>{}</li>", ((t,) for t in items))
    )
