"""E-mail deliveries of the inbox in the admin, failures first (issue 14 §2), and the messages themselves.

- Read-only: messages and deliveries are made by ``enterprise.inbox`` from the audit trail.
- 重新发送: sends the chosen deliveries now, whatever their attempts (``inbox.delivery_resend``, audited).
- Scope: an official sees the deliveries and messages of entities whose registration authority is their
  department or one below it (``accounts.scope_to_registration_authority``); a platform admin all.
  As with the accounts, the roles need no model permission: an official with a department may look.
"""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from core.scoping import department_of, is_platform_admin
from enterprise import accounts, inbox
from enterprise.models import DeliveryState, EmailDelivery, Message


def is_official(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (is_platform_admin(user) or department_of(user) is not None))


class InboxAdminBase(admin.ModelAdmin):
    """Viewed by officials in scope; nothing is added, edited or deleted here."""

    scope_field = "entity__registration_authority"
    uscc_field = "entity_id"

    def has_module_permission(self, request):
        return is_official(request)

    def has_view_permission(self, request, obj=None):
        return is_official(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(**{self.uscc_field: term.upper()}), False

    def annotate(self, queryset):
        return queryset

    def get_queryset(self, request):
        # As ModelAdmin.get_queryset, with the annotations that the ordering may name.
        queryset = self.annotate(self.model._default_manager.get_queryset())
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return accounts.scope_to_registration_authority(queryset, request.user, self.scope_field)


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(InboxAdminBase):
    list_display = ("id", "entity", "address", "subject", "state_badge", "attempts", "last_error", "sent_at")
    list_filter = ("state",)
    list_select_related = ("message", "message__entity")
    search_fields = ("message__entity__uscc",)
    search_help_text = _("按统一社会信用代码（18位）查询")
    scope_field = "message__entity__registration_authority"
    uscc_field = "message__entity_id"
    fields = ("message", "account", "address", "state", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    actions = ["resend"]

    def annotate(self, queryset):
        order = Case(
            When(state=DeliveryState.FAILED, then=Value(0)),
            When(state=DeliveryState.PENDING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return queryset.annotate(failed_first=order)

    def get_ordering(self, request):
        return ["failed_first", "-id"]  # failures first, then the newest

    def has_resend_permission(self, request, obj=None):
        return is_official(request)

    @admin.action(description=_("重新发送"), permissions=["resend"])
    def resend(self, request, queryset):
        sent = failed = 0
        for delivery in queryset.select_related("message"):
            if inbox.delivery_resend(actor=request.user, delivery=delivery).state == DeliveryState.SENT:
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(request, _("已重新发送 %(n)d 封邮件。") % {"n": sent}, messages.SUCCESS)
        if failed:
            self.message_user(request, _("%(n)d 封邮件仍发送失败，见“最近错误”。") % {"n": failed}, messages.ERROR)

    @admin.display(description=_("市场主体"), ordering="message__entity_id")
    def entity(self, obj):
        return f"{obj.message.entity.name}（{obj.message.entity_id}）"

    @admin.display(description=_("标题"))
    def subject(self, obj):
        return obj.message.subject

    @admin.display(description=_("状态"), ordering="state")
    def state_badge(self, obj):
        return obj.get_state_display()


@admin.register(Message)
class MessageAdmin(InboxAdminBase):
    list_display = ("subject", "entity", "kind", "created_at", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("entity",)
    search_fields = ("entity__uscc",)
    search_help_text = _("按统一社会信用代码（18位）查询")
    fields = (
        "entity",
        "kind",
        "subject",
        "body",
        "link",
        "created_at",
        "read_at",
        "source_event_id",
        "source_grade_id",
    )
    readonly_fields = fields
