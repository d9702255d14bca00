"""Admin of issue 15 §6: the 双公示 export form and the outbound exchange's batches with their backlog.

- 数据交换批次 (changelist): every batch with its state, attempts, receipt and error; above the list the
  backlog (待发送 / 已发送待回执 / 发送失败 / 对方拒收 and the oldest unacknowledged batch's age). Officials
  of any department see it (batches carry the platform's shared 双公示 facts only); platform admins also
  see each batch's rows and may send a failed or rejected batch again.
- 导出双公示数据 (``export/``): department (an official only their own; a platform admin any), kind, date
  range and format; the file downloads at once and the export is audited (``opendata.shuanggongshi.export``).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin, show_refusal
from core.scoping import department_of, is_platform_admin
from opendata import exchange
from opendata import shuanggongshi as sgs
from opendata.api.exchange import file_response
from opendata.models import ExchangeBatch
from supervision.models import Department

PAYLOAD_PREVIEW_ROWS = 20
STATE_COLOURS = {
    ExchangeBatch.State.PENDING: "#555",
    ExchangeBatch.State.SENT: "#205493",
    ExchangeBatch.State.ACKNOWLEDGED: "#2e7d32",
    ExchangeBatch.State.REJECTED: "#ba2121",
    ExchangeBatch.State.FAILED: "#c05600",
}


def may_export(user) -> bool:
    return bool(user and user.is_active and user.is_staff and (is_platform_admin(user) or department_of(user)))


class ExportForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("数据类别"), choices=sgs.KIND_CHOICES)
    date_from = forms.DateField(
        label=_("决定日期起"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(label=_("决定日期止"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fmt = forms.ChoiceField(label=_("文件格式"), choices=sgs.FORMAT_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(active=True).order_by("code")
        if not is_platform_admin(user):
            departments = Department.objects.filter(pk=getattr(department_of(user), "pk", None))
        self.fields["department"].queryset = departments
        self.fields["department"].help_text = (
            _("平台管理员可导出任一部门") if is_platform_admin(user) else _("只能导出本部门的数据")
        )
        self.fields["kind"].help_text = _("行政许可、行政处罚（已公示的处罚决定及推送的处罚）或其他行政行为")
        self.fields["date_to"].help_text = _("按决定日期筛选，起止日期均含")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data


@admin.register(ExchangeBatch)
class ExchangeBatchAdmin(ReadOnlyAdmin):
    change_list_template = "admin/opendata/exchange_batch_change_list.html"
    list_display = (
        "batch_no",
        "state_display",
        "rows",
        "created_short",
        "progress",
        "error_short",
    )
    list_filter = ("state", "connector")
    search_fields = ("batch_no",)
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["retry"]
    fields = (
        "batch_no",
        "state_display",
        "connector",
        "rows",
        "sha256",
        "feed_range",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "receipt_at",
        "receipt_display",
        "payload_display",
    )
    readonly_fields = fields

    # Batches are the platform's, not one department's: officials see them; platform admins act on them.
    def has_module_permission(self, request):
        return may_export(request.user)

    def has_view_permission(self, request, obj=None):
        return may_export(request.user)

    def has_retry_permission(self, request):
        return is_platform_admin(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload")

    @admin.display(description=_("状态"), ordering="state")
    def state_display(self, obj):
        return format_html(
            '<span style="color:{};font-weight:600;white-space:nowrap">{}</span>',
            STATE_COLOURS.get(obj.state, "#555"),
            obj.get_state_display(),
        )

    @admin.display(description=_("生成时间"), ordering="created_at")
    def created_short(self, obj):
        return _short(obj.created_at)

    @admin.display(description=_("发送与回执"))
    def progress(self, obj):
        state = ExchangeBatch.State
        if obj.state == state.ACKNOWLEDGED:
            return f"{_short(obj.receipt_at)} 回执"
        if obj.state == state.REJECTED:
            return f"{_short(obj.receipt_at)} 拒收"
        if obj.state == state.SENT:
            return f"{_short(obj.sent_at)} 发送（第 {obj.attempts} 次）"
        if obj.state == state.FAILED:
            return f"第 {obj.attempts} 次失败，{_short(obj.next_attempt_at)} 重试"
        return f"{_short(obj.next_attempt_at)} 发送" if obj.next_attempt_at else "-"

    @admin.display(description=_("最近错误"))
    def error_short(self, obj):
        return (obj.last_error or "")[:80] or "-"

    @admin.display(description=_("变更范围（事务号:事件号）"))
    def feed_range(self, obj):
        return f"({obj.from_txid}:{obj.from_event_id}, {obj.to_txid}:{obj.to_event_id}]"

    @admin.display(description=_("回执"))
    def receipt_display(self, obj):
        if obj.receipt is None:
            return "-"
        return format_html(
            "<pre style='margin:0;white-space:pre-wrap'>{}</pre>", json.dumps(obj.receipt, ensure_ascii=False, indent=2)
        )

    def get_fields(self, request, obj=None):
        if is_platform_admin(request.user):
            return self.fields
        return tuple(f for f in self.fields if f != "payload_display")

    @admin.display(description=_("内容（前 20 行）"))
    def payload_display(self, obj):
        rows = ExchangeBatch.objects.filter(pk=obj.pk).values_list("payload", flat=True).first() or []
        text = json.dumps(rows[:PAYLOAD_PREVIEW_ROWS], ensure_ascii=False, indent=2)
        return format_html("<pre style='margin:0;white-space:pre-wrap;max-height:32em;overflow:auto'>{}</pre>", text)

    @admin.action(description=_("重新发送所选批次（失败或被拒收的）"), permissions=["retry"])
    def retry(self, request, queryset):
        done = 0
        for batch in queryset.order_by("id"):
            try:
                exchange.batch_retry(actor=request.user, batch=batch)
                done += 1
            except ValidationError as exc:
                show_refusal(request, exc)
        if done:
            messages.success(request, _("已将 %(n)s 个批次排入发送队列，下次交换任务运行时发送。") % {"n": done})

    def changelist_view(self, request, extra_context=None):
        backlog = exchange.backlog()
        age = backlog["oldest_age"]
        context = {
            "backlog": backlog,
            "oldest_age_text": _age_text(age) if age is not None else None,
            "can_export": may_export(request.user),
            "title": _("数据交换批次（省级平台）"),
        }
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="opendata_exchangebatch_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not may_export(request.user):
            raise PermissionDenied
        form = ExportForm(request.POST or None, user=request.user, initial=_initial(request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            result = sgs.export(
                actor=request.user,
                kind=data["kind"],
                fmt=data["fmt"],
                department=data["department"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            return file_response(result)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导出双公示数据"),
            "form": form,
            "standard": sgs.STANDARD,
            "changelist_url": reverse("admin:opendata_exchangebatch_changelist"),
        }
        return TemplateResponse(request, "admin/opendata/exchange_export.html", context)


def _initial(user) -> dict:
    today = timezone.localdate()
    return {
        "department": department_of(user),
        "date_from": today.replace(day=1),
        "date_to": today,
        "kind": sgs.Kind.PENALTY,
        "fmt": "xlsx",
    }


def _short(moment) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else "-"


def _age_text(age) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} 小时 {minutes} 分钟"
    return f"{hours // 24} 天 {hours % 24} 小时"
