"""The 当事人告知链接 of a credit record in the admin (credit.record_links): the official of the
deciding department sees it on the record's page and prints it on the notice to the entity."""

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credit.record_links import record_link_path, record_link_url

NOTICE_HELP = _(
    "当事人凭此链接查看该条记录，并对其提出异议或申请信用修复（不论是否公示）。请仅告知当事人本人（写入告知书或送达文书），"
    "不要公开发布：依规不予公示的记录只能通过此链接到达。"
)


class RecordNoticeLinkMixin:
    """The read-only 当事人告知链接 of a record, shown to the officials of the department that owns it.
    The admin lists ``NOTICE_FIELD`` in its read-only fields and adds ``notice_fieldsets`` to its own."""

    NOTICE_FIELD = "party_notice_link"

    def notice_fieldsets(self, request, obj) -> list:
        if obj is None or not self.owns(request, obj):
            return []
        description = NOTICE_HELP
        if not settings.PUBLIC_BASE_URL:
            # No configured public address: the address this official reached the platform by.
            full = request.build_absolute_uri(record_link_path(obj))
            description = format_html("{}<br>{}<code>{}</code>", NOTICE_HELP, _("完整地址（供打印）："), full)
        return [(_("当事人告知"), {"fields": (self.NOTICE_FIELD,), "description": description})]

    @admin.display(description=_("当事人告知链接"))
    def party_notice_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = record_link_url(obj)
        return format_html(
            '<a href="{0}" target="_blank" rel="noopener noreferrer" data-party-notice-link>{0}</a>', url
        )
