"""The evaluation model (versions and grade bands), industry risks, joint measures and publicity rules.

Part of the ``credit.admin`` package (issue 13 §3); the toolkit is ``core.admin_base``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    ReadOnlyAdmin,
    ServiceFormAdmin,
    adopt,
)
from credit import services
from credit.admin.common import (
    pretty_json,
)
from credit.choices import (
    ListType,
)
from credit.forms import (
    EvaluationModelForm,
    JointMeasureForm,
)
from credit.models import (
    EvaluationModel,
    GradeBand,
    IndustryRisk,
    JointMeasure,
    PublicityRule,
)
from credit.selectors import current_model

# --- evaluation model, industry risk, measures, publicity rules --------------------------------------


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    fields = ("grade", "label", "colour", "score_min", "score_max", "description")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationModel)
class EvaluationModelAdmin(ServiceFormAdmin):
    """Versions are never edited: “增加” starts from the version in force and saves a new one."""

    form = EvaluationModelForm
    list_display = ("version", "effective_from", "in_force", "note", "created_by", "created_at")
    list_select_related = ("created_by",)
    view_fields = ("version", "effective_from", "note", "weights_display", "created_by", "created_at")

    @admin.display(description=_("当前生效"), boolean=True)
    def in_force(self, obj):
        return obj.in_force

    def get_queryset(self, request):
        current = current_model().pk
        return (
            super()
            .get_queryset(request)
            .annotate(in_force=Case(When(pk=current, then=Value(True)), default=Value(False)))
        )

    @admin.display(description=_("扣分与加分权重"))
    def weights_display(self, obj):
        return pretty_json(obj.weights)

    def get_inlines(self, request, obj):
        return [GradeBandInline] if obj else []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return [(None, {"fields": self.view_fields})]
        return [
            (None, {"fields": ("effective_from", "note")}),
            (
                _("等级与分数段（每个等级一行；分数段须连续覆盖 0–1000 分，等级越差分数越低）"),
                {"fields": EvaluationModelForm.band_rows()},
            ),
            (_("权重"), {"fields": ("weights",)}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.view_fields if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # a version is only viewed
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            model = current_model()
            form.descriptions = {b.grade: b.description for b in model.bands.all()}
        return form

    def get_changeform_initial_data(self, request):
        return {
            **EvaluationModelForm.initial_from(current_model(), timezone.localdate()),
            **super().get_changeform_initial_data(request),
        }

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services.evaluation_model_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)


class CatalogueAdmin(ServiceFormAdmin):
    """Catalogue rows saved by ``services.simple_save`` (audited). Not deleted: there is no audited
    delete for them; a measure is switched off with 启用, an industry's level is changed."""

    audit_action = ""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        model = type(obj)
        instance = model.objects.get(pk=obj.pk) if change else model()
        fields = {f.name: form.cleaned_data[f.name] for f in model._meta.concrete_fields if f.name in form.cleaned_data}
        try:
            saved = services.simple_save(actor=request.user, obj=instance, action=self.audit_action, **fields)
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)


@admin.register(IndustryRisk)
class IndustryRiskAdmin(CatalogueAdmin):
    audit_action = "industry_risk"
    list_display = ("industry_prefix", "name", "level")
    list_filter = ("level",)
    search_fields = ("industry_prefix", "name")


@admin.register(JointMeasure)
class JointMeasureAdmin(CatalogueAdmin):
    audit_action = "joint_measure"
    form = JointMeasureForm
    list_display = ("code", "name", "kind", "list_types_display", "implementing_department", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "implementing_department")

    @admin.display(description=_("适用名单"))
    def list_types_display(self, obj):
        return "、".join(str(ListType(t).label) if t in ListType.values else str(t) for t in obj.list_types or [])


@admin.register(PublicityRule)
class PublicityRuleAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "effective_from",
        "minor_published",
        "minor_max_months",
        "general_min_months",
        "general_max_months",
        "serious_min_months",
        "serious_max_months",
        "other_months",
    )
