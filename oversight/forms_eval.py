"""Admin forms of 履职评估, half-year reports and 尽职免责. Each form validates by running its service in a
rolled-back savepoint (``core.forms.dry_run``), so a refusal shows on the field it names and nothing
typed is lost; the admin then calls the same service for real."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import deadline_items
from core.forms import NoModelValidationMixin, add_service_errors, dry_run
from oversight import metrics, services
from oversight.evaluation_models import Half, PeriodKind
from oversight.models import DutyExemption, HalfYearReport, Indicator, IndicatorSet
from oversight.services.halfyear import SECTIONS
from oversight.services.indicators import INDICATOR_FIELDS
from supervision.models import Department

# The fields each service takes (the admin adds its read-only fields to a form's Meta.fields).
SET_FIELDS = ("version", "name", "effective_from", "source", "note")
EXEMPTION_FIELDS = ("kind", "object_id", "reason_kind", "reason", "evidence")
HALF_YEAR_CREATE_FIELDS = ("department", "year", "half", "include_subtree")


class ServiceModelForm(NoModelValidationMixin, forms.ModelForm):
    """A model form whose ``clean`` dry-runs ``service(**service_kwargs())``."""

    actor = None
    department_fixed = None
    service = None

    def service_kwargs(self) -> dict:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusal = dry_run(type(self).service, **self.service_kwargs())
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned


class IndicatorSetForm(ServiceModelForm):
    service = staticmethod(services.indicator_set_save)

    class Meta:
        model = IndicatorSet
        fields = SET_FIELDS

    def service_kwargs(self):
        data = self.cleaned_data
        existing = self.instance if self.instance.pk else None
        return {"actor": self.actor, "indicator_set": existing, **{f: data.get(f) for f in SET_FIELDS}}


class IndicatorForm(ServiceModelForm):
    service = staticmethod(services.indicator_save)
    metric = forms.ChoiceField(label=_("计算口径（指标算法）"), choices=())
    period_kinds = forms.MultipleChoiceField(
        label=_("适用评估周期"), choices=PeriodKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Indicator
        fields = ("indicator_set", *INDICATOR_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "metric" in self.fields:  # a used version's indicator is shown read-only, without fields
            self.fields["metric"].choices = metrics.choices()
        if "indicator_set" in self.fields:
            self.fields["indicator_set"].queryset = IndicatorSet.objects.filter(frozen_at__isnull=True)

    def service_kwargs(self):
        data = self.cleaned_data
        existing = Indicator.objects.get(pk=self.instance.pk) if self.instance.pk else None
        fields = {f: data.get(f) for f in INDICATOR_FIELDS}
        return {"actor": self.actor, "indicator": existing, "indicator_set": data.get("indicator_set"), **fields}


class NewVersionForm(forms.Form):
    effective_from = forms.DateField(label=_("新版本生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("修订说明"), max_length=300, required=False)


class EvaluationRunForm(forms.Form):
    period_kind = forms.ChoiceField(label=_("评估周期"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    start = forms.DateField(
        label=_("周期开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("月度为每月1日；季度为1、4、7、10月1日；半年度为1月1日或7月1日；年度为1月1日"),
    )
    include_subtree = forms.BooleanField(
        label=_("含下级部门"),
        required=False,
        help_text=_("勾选：每个部门的数据含其下级部门；不勾选：仅本部门办理的事项"),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("参评部门"),
        queryset=Department.objects.filter(active=True).order_by("code"),
        required=False,
        help_text=_("不选即全部启用的部门"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start", (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "actor": self.actor,
            "period_kind": data["period_kind"],
            "start": data["start"],
            "include_subtree": data.get("include_subtree", False),
            "departments": list(data["departments"]) or None,
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusal = dry_run(services.evaluation_run, **self.service_kwargs())
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned


def kind_choices():
    return [(s.kind, s.label) for s in deadline_items.specs()]


class ExemptionFileForm(ServiceModelForm):
    """尽职免责: the item (type and number), the reason and the evidence."""

    service = staticmethod(services.duty_exemption_file)
    kind = forms.ChoiceField(label=_("事项类型"), choices=())
    object_id = forms.IntegerField(
        label=_("事项编号"), min_value=1, help_text=_("超期或逾期事项在其列表中的编号（ID）")
    )
    evidence = forms.FileField(label=_("证明材料"), help_text=_("放假通知、不可抗力证明等"))

    class Meta:
        model = DutyExemption
        fields = EXEMPTION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = kind_choices()

    def service_kwargs(self):
        return {"actor": self.actor, **{f: self.cleaned_data.get(f) for f in EXEMPTION_FIELDS}}

    def clean(self):
        # The dry run stores no file: it names one (the service only asks that there is one).
        cleaned = forms.ModelForm.clean(self)
        if not self.errors:
            kwargs = self.service_kwargs()
            kwargs["evidence"] = "exemptions/dry-run" if kwargs.get("evidence") else None
            refusal = dry_run(services.duty_exemption_file, **kwargs)
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class HalfYearCreateForm(ServiceModelForm):
    service = staticmethod(services.half_year_report_create)

    class Meta:
        model = HalfYearReport
        fields = HALF_YEAR_CREATE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("half", Half.FIRST if today.month <= 6 else Half.SECOND)

    def service_kwargs(self):
        return {"actor": self.actor, **{f: self.cleaned_data.get(f) for f in HALF_YEAR_CREATE_FIELDS}}


class HalfYearEditForm(ServiceModelForm):
    service = staticmethod(services.half_year_report_edit)

    class Meta:
        model = HalfYearReport
        fields = SECTIONS
        widgets = {f: forms.Textarea(attrs={"rows": 8, "cols": 90}) for f in SECTIONS}

    def service_kwargs(self):
        report = HalfYearReport.objects.get(pk=self.instance.pk)
        return {"actor": self.actor, "report": report, **{f: self.cleaned_data.get(f) or "" for f in SECTIONS}}
