"""Admin of the bulk open data (issue 15 §2): the files the nightly job wrote, read-only (the job is the
only writer, ``opendata.dumps.write_all``); each row links the public download."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin
from core.scoping import is_platform_admin
from opendata.models import OpenDataFile


@admin.register(OpenDataFile)
class OpenDataFileAdmin(ReadOnlyAdmin):
    list_display = ("day", "dataset", "format", "rows", "size", "seconds", "download", "created_at")
    list_filter = ("day", "dataset", "format")
    search_fields = ("filename", "sha256")
    date_hierarchy = "day"
    fields = ("dataset", "day", "format", "filename", "rows", "size", "sha256", "seconds", "created_at", "download")
    readonly_fields = fields

    # The roles table grants no opendata permission yet: platform administrators see the files.
    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or is_platform_admin(request.user)

    @admin.display(description=_("下载"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("open-data-file", args=[obj.filename]), obj.filename)
