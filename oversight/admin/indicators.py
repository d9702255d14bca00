"""The indicator system: versions and their indicators. A version no evaluation has used is edited in
place; once used it is only viewed, and “复制为新版本” starts the next one."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ServiceFormAdmin, adopt, intermediate_action
from oversight import metrics, services
from oversight.evaluation_models import PeriodKind
from oversight.forms_eval import IndicatorForm, IndicatorSetForm, NewVersionForm
from oversight.models import Indicator, IndicatorSet


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("code_link", "name", "metric", "weight", "direction", "target", "zero_at", "periods", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("指标代码"))
    def code_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:oversight_indicator_change", args=[obj.pk]), obj.code)

    @admin.display(description=_("适用评估周期"))
    def periods(self, obj):
        return periods_display(obj)


def periods_display(obj) -> str:
    labels = dict(PeriodKind.choices)
    return "、".join(str(labels.get(k, k)) for k in obj.period_kinds)


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ServiceFormAdmin):
    form = IndicatorSetForm
    list_display = ("version", "name", "effective_from", "indicator_count", "weight_total", "frozen")
    inlines = [IndicatorInline]
    actions = ["new_version"]
    readonly_fields = ("frozen_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("indicators"), weights=Sum("indicators__weight"))

    @admin.display(description=_("指标数"))
    def indicator_count(self, obj):
        return obj.n

    @admin.display(description=_("权重合计"))
    def weight_total(self, obj):
        return obj.weights

    @admin.display(description=_("已使用（不可修改）"), boolean=True)
    def frozen(self, obj):
        return obj.frozen_at is not None

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.frozen_at is not None:
            return ("version", "name", "effective_from", "source", "note", "frozen_at")
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.frozen_at is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services.indicator_set_save(**form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    @admin.action(description=_("复制为新版本"), permissions=["add"])
    def new_version(self, request, queryset):
        def apply(obj, data):
            copy = services.indicator_set_new_version(
                actor=request.user, indicator_set=obj, effective_from=data["effective_from"], note=data["note"]
            )
            messages.info(request, f"已制定{copy}，可在生效前修改其指标")

        return intermediate_action(
            self,
            request,
            queryset,
            form_class=NewVersionForm,
            title=_("复制为新版本"),
            apply=apply,
            done=_("已复制"),
            single=True,
            note=_("已被履职评估使用的版本不能修改；新版本复制全部指标，在生效日期前可修改。"),
        )


@admin.register(Indicator)
class IndicatorAdmin(ServiceFormAdmin):
    form = IndicatorForm
    list_display = (
        "code",
        "name",
        "indicator_set",
        "metric_label",
        "weight",
        "direction",
        "target",
        "zero_at",
        "periods",
    )
    list_filter = ("indicator_set",)
    list_select_related = ("indicator_set",)
    readonly_fields = ("definition",)

    @admin.display(description=_("计算口径"))
    def metric_label(self, obj):
        spec = metrics.REGISTRY.get(obj.metric)
        return spec.label if spec else obj.metric

    @admin.display(description=_("适用评估周期"))
    def periods(self, obj):
        return periods_display(obj)

    @admin.display(description=_("计算口径说明"))
    def definition(self, obj):
        spec = metrics.REGISTRY.get(obj.metric) if obj else None
        return spec.definition if spec else "-"

    def _frozen(self, obj):
        return obj is not None and obj.indicator_set.frozen_at is not None

    def get_readonly_fields(self, request, obj=None):
        if self._frozen(obj):
            return (*IndicatorForm.Meta.fields, "definition")
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def save_model(self, request, obj, form, change):
        try:
            saved = services.indicator_save(**form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    def delete_model(self, request, obj):
        try:
            services.indicator_delete(actor=request.user, obj=obj)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
