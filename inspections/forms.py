"""Admin forms of 双随机、一公开. They validate; the admin then saves through ``inspections.services``.

A form never repeats a rule of a service: a plan with its new items and a result are checked by a
dry run of their service inside a savepoint that is always rolled back (``credit.forms.dry_run``),
so the official sees the service's own Chinese message next to the field instead of a 500.
"""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import NoModelValidationMixin, add_service_errors, dry_run
from inspections import commitments, services
from inspections.choices import ResultCategory, TaskState
from inspections.field_forms import EvidenceField
from inspections.models import InspectionPlan, InspectionResult, InspectionTask
from supervision.choices import EntityStatus, EntityType
from supervision.models import Department, MarketEntity, SupervisionItem, SupervisionItemVersion

PLAN_FORM_FIELDS = (
    "name",
    "year",
    "lead_department",
    "description",
    "scope_region",
    "scope_industry",
    "scope_entity_types",
    "scope_statuses",
    "ratio_a",
    "ratio_b",
    "ratio_c",
    "ratio_d",
    "is_public_info_check",
    "min_team_size",
    "starts_on",
    "ends_on",
)


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.catalogue_code} {obj.name}（{obj.department.short_name or obj.department.name}）"


def plannable_items():
    """Items with a version that is a random-inspection or a key-supervision item (DOMAIN §4)."""
    versions = SupervisionItemVersion.objects.filter(Q(is_random=True) | Q(is_key=True)).values("item_id")
    return (
        SupervisionItem.objects.filter(pk__in=versions)
        .select_related("department")
        .order_by("department__code", "catalogue_code")
    )


class InspectionPlanForm(NoModelValidationMixin, forms.ModelForm):
    """Add or change a draft plan; saved by ``plan_save`` and ``plan_item_add`` in one transaction."""

    department_fixed = None  # set by the admin: the official's own department (None: platform admin chooses)
    actor = None

    scope_entity_types = forms.MultipleChoiceField(
        label=_("范围：主体类型"),
        choices=EntityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即全部类型"),
    )
    scope_statuses = forms.MultipleChoiceField(
        label=_("范围：登记状态"),
        choices=EntityStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即仅“存续（在营）”"),
    )
    add_items = ItemChoiceField(
        label=_("增加抽查事项"),
        queryset=SupervisionItem.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("抽查事项"), is_stacked=False),
        help_text=_(
            "从随机抽查事项或重点监管事项中选择，按计划开始日期生效的版本加入计划；已加入的事项见下方“抽查事项”。"
            "含重点监管事项的计划对范围内全部主体检查，不抽样。"
        ),
    )

    class Meta:
        model = InspectionPlan
        fields = (*PLAN_FORM_FIELDS, "departments")
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_items"].queryset = plannable_items()
        if self.department_fixed is not None and "lead_department" in self.fields:
            # An official plans for their own department; others join as participating departments.
            self.fields["lead_department"].queryset = Department.objects.filter(pk=self.department_fixed.pk)
            self.fields["lead_department"].initial = self.department_fixed.pk
        if "departments" in self.fields:
            self.fields["departments"].queryset = Department.objects.filter(active=True).order_by("code")

    def clean(self):
        data = super().clean()
        if self.department_fixed is not None:
            data["lead_department"] = self.department_fixed
        if not self.errors:
            exc = dry_run(lambda: self.save_through_service())
            if exc is not None:
                add_service_errors(self, exc, rename={"item": "add_items"})
        return data

    def save_through_service(self) -> InspectionPlan:
        """The plan, its participating departments and the new items, all or nothing."""
        data = self.cleaned_data
        current = InspectionPlan.objects.get(pk=self.instance.pk) if self.instance.pk else None
        with transaction.atomic():
            plan = services.plan_save(
                actor=self.actor,
                plan=current,
                departments=list(data.get("departments") or []),
                **{name: data[name] for name in PLAN_FORM_FIELDS if name in data},
            )
            for item in data.get("add_items") or []:
                services.plan_item_add(actor=self.actor, plan=plan, item=item)
        return plan


class CommitForm(forms.Form):
    """审批 (and a v2 redraw): the named public random value that does not exist yet (DOMAIN §4)."""

    public_value_date = forms.DateField(
        label=_("公开随机数公布日期"),
        widget=AdminDateWidget,
        help_text=_("须晚于今天；该日期之前不能录入公开随机数。默认为下一个“双色球”开奖日。"),
    )
    public_value_source = forms.CharField(
        label=_("公开随机数来源"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "留空即为：所填日期开奖的中国福利彩票“双色球”开奖号码，按开奖公告顺序的 6 个红球和 1 个蓝球，两位数字，以空格分隔。"
            "也可填写其他事先指定、届时公开产生的随机数及其录入格式。"
        ),
    )
    reason = forms.CharField(
        label=_("重新摇号理由"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("已摇号或已有待录入的承诺时必填；原承诺和摇号记录保留并公开。"),
    )

    def __init__(self, *args, initial=None, **kwargs):
        initial = {"public_value_date": commitments.next_lottery_date(timezone.localdate()), **(initial or {})}
        super().__init__(*args, initial=initial, **kwargs)


class RevealForm(forms.Form):
    """录入公开随机数: by an official other than the plan's drafter (two-person rule)."""

    public_value = forms.CharField(
        label=_("公开随机数"),
        max_length=300,
        help_text=_("按承诺时公布的来源和格式，照公告原文录入；摇号种子 = HMAC-SHA256(种子份额, 公开随机数)。"),
    )


class CorrectedForm(forms.Form):
    corrected_on = forms.DateField(label=_("改正日期"), widget=AdminDateWidget)

    def clean_corrected_on(self):
        day = self.cleaned_data["corrected_on"]
        if day > timezone.localdate():
            raise ValidationError(_("改正日期不能晚于今天"))
        return day


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = getattr(obj, "entity_name", None) or "（名录库中暂无）"
        return f"{obj.entity_id} {name} · {obj.plan.name}（期限 {obj.due_on}）"


def open_tasks_for(department):
    """Tasks on whose team ``department`` is and for which it has not entered its result yet."""
    qs = (
        InspectionTask.objects.exclude(state=TaskState.UNSTAFFED)
        .select_related("plan")
        .annotate(entity_name=Subquery(MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values("name")[:1]))
    )
    if department is not None:
        qs = qs.filter(team__department=department).exclude(results__department=department).distinct()
    return qs.order_by("due_on", "entity")


class ResultEntryForm(NoModelValidationMixin, forms.ModelForm):
    """One department's result of a task, entered in the admin; saved by ``result_submit``."""

    department_fixed = None
    actor = None

    task = TaskChoiceField(
        label=_("检查任务"),
        queryset=InspectionTask.objects.none(),
        help_text=_("本部门在检查组中、尚未录入本部门结果的任务"),
    )
    department = forms.ModelChoiceField(label=_("检查部门"), queryset=Department.objects.filter(active=True))
    categories = forms.MultipleChoiceField(
        label=_("检查结果"), choices=ResultCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("发现问题或异常情况时必填"),
    )
    inspected_on = forms.DateField(label=_("检查日期"), widget=AdminDateWidget)
    out_of_window_reason = forms.CharField(
        label=_("超出计划检查期间的原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("检查日期在计划检查期间之外时必填，原因将随检查结果公示"),
    )
    evidence = EvidenceField(
        label=_("现场证据"), required=False, help_text=_("照片（JPG、PNG）或 PDF，最多 10 个，每个不超过 10 MB")
    )

    class Meta:
        model = InspectionResult
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()
        self.fields["task"].queryset = open_tasks_for(self.department_fixed)
        if self.department_fixed is not None:
            self.fields["department"].queryset = Department.objects.filter(pk=self.department_fixed.pk)
            self.fields["department"].initial = self.department_fixed.pk
        elif self.actor is not None and getattr(self.actor, "department", None) is not None:
            self.fields["department"].initial = self.actor.department.pk

    def clean(self):
        data = super().clean()
        if self.department_fixed is not None:
            data["department"] = self.department_fixed
        if not self.errors:
            # No files in the dry run: a stored file would outlive the rollback.
            exc = dry_run(lambda: self.submit(evidence=False))
            if exc is not None:
                add_service_errors(self, exc)
        return data

    def submit(self, evidence: bool = True) -> InspectionResult:
        data = self.cleaned_data
        return services.result_submit(
            actor=self.actor,
            task=data["task"],
            department=data["department"],
            categories=data["categories"],
            findings=data.get("findings") or "",
            inspected_on=data["inspected_on"],
            out_of_window_reason=data.get("out_of_window_reason") or "",
            evidence_files=(data.get("evidence") or []) if evidence else (),
        )
